/**
 * How signals and stdin reach a guest that runs in the runner's worker thread (wasi-runner.ts).
 *
 * node:wasi's calls are synchronous, so a guest blocked in a read or a sleep would keep any
 * JavaScript on its thread - a signal handler too - from running. The guest therefore runs in a
 * worker thread; the main thread (PID 1 of the container, the one Linux delivers signals to)
 * catches them with process.on and reads the process's stdin without blocking, and both reach the
 * guest through one shared control block:
 *
 *   INIT        signals pending for PID 1 (docker stop, docker kill -s): a mask, bit n-1 for n
 *   FOREGROUND  signals pending for the terminal's foreground chain (Ctrl-C under -t)
 *   DOORBELL    bumped (and notified) whenever anything above or below changes
 *   HEAD, TAIL  bytes written into / taken from the stdin ring, counted mod 2^31
 *   EOF         stdin's end (after every byte before it was taken): for one read, or for good
 *   WAKE        the guest's socket wake eventfd (kernel-sockets.ts), 0 for none: a guest waiting
 *               on its sockets sleeps in epoll, not on DOORBELL, so each ring writes it too
 *
 * The guest's blocking calls (fd_read of stdin, poll_oneoff) wait on DOORBELL, so a signal wakes
 * them at once and they return EINTR (engine/wasi/signal-abi.ts).
 */
import { constants, createReadStream, openSync, readSync, writeSync } from 'node:fs';
import type { SignalSource } from '../../engine/wasi/process-host-ports.ts';
import { signalBit } from '../../engine/wasi/signal-abi.ts';

const INIT = 0;
const FOREGROUND = 1;
const DOORBELL = 2;
const HEAD = 3;
const TAIL = 4;
const EOF = 5;
const WAKE = 6;
const WORDS = 8;
const RING_BYTES = 1 << 16;
const COUNT_MASK = 0x7fffffff;
/** How often a terminal with nothing typed is looked at again. */
const TERMINAL_POLL_MS = 15;

/** The shared memory of one runner's control block (handed to the worker as workerData). */
export interface RunnerControl {
  words: Int32Array;
  ring: Uint8Array;
}

export function createControl(): RunnerControl {
  return { words: new Int32Array(new SharedArrayBuffer(WORDS * 4)), ring: new Uint8Array(new SharedArrayBuffer(RING_BYTES)) };
}

/** An eventfd's increment of 1. */
const WAKE_ONE = new Uint8Array(new BigUint64Array([1n]).buffer);

function ring(control: RunnerControl): void {
  Atomics.add(control.words, DOORBELL, 1);
  Atomics.notify(control.words, DOORBELL);
  const wake = Atomics.load(control.words, WAKE);
  if (wake > 0) writeSync(wake, WAKE_ONE);
}

/** Worker: the eventfd to write at every ring (the guest's socket waits sleep on it). */
export function setWakeFd(control: RunnerControl, fd: number): void {
  Atomics.store(control.words, WAKE, fd);
}

/** The signals a runner passes on, with their numbers (the rest keep Node's own handling). */
const FORWARDED = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGUSR1: 10, SIGUSR2: 12, SIGALRM: 14, SIGTERM: 15 } as const;

/**
 * Main thread: every forwarded signal becomes pending for PID 1. Under a terminal SIGINT is its
 * interrupt key (the line discipline signals the foreground process group: this runner), so it
 * goes to the foreground chain instead; `docker kill -s INT` of a -t container arrives the same way
 * and is handled the same (the one place the kernel cannot tell them apart).
 */
export function forwardSignals(control: RunnerControl, terminal: boolean): void {
  for (const [name, n] of Object.entries(FORWARDED)) {
    const word = terminal && n === FORWARDED.SIGINT ? FOREGROUND : INIT;
    process.on(name as NodeJS.Signals, () => {
      Atomics.or(control.words, word, signalBit(n));
      ring(control);
    });
  }
}

/** EOF values: a terminal's end-of-file key ends one read; a pipe's end is for good. */
const EOF_ONCE = 1;
const EOF_FOR_GOOD = 2;

/**
 * Main thread: the bytes of `fd` into the ring as the guest makes room (`drained`). Read through
 * libuv's thread pool, so the main thread stays free for signals. A read of nothing is the end of
 * a pipe or file; on a terminal it is its end-of-file key (Ctrl-D), which ends one read only.
 */
export function pumpStdin(control: RunnerControl, fd: number, terminal: boolean): { drained(): void } {
  const { words, ring: bytes } = control;
  /** Chunks not yet in the ring; an empty one is an end of file. */
  const queue: Buffer[] = [];
  let queued = 0;
  let reading = false;
  let ended = false;
  const pump = () => {
    // Nothing goes in after an end of file the guest has not read yet.
    while (queue.length > 0 && Atomics.load(words, EOF) === 0) {
      const head = Atomics.load(words, HEAD);
      const used = (head - Atomics.load(words, TAIL)) & COUNT_MASK;
      const chunk = queue[0];
      if (chunk.length === 0) {
        // An end of file comes after every byte before it was read, and is read once.
        if (used > 0) break;
        queue.shift();
        Atomics.store(words, EOF, terminal && !ended ? EOF_ONCE : EOF_FOR_GOOD);
        break;
      }
      const n = Math.min(RING_BYTES - used, chunk.length);
      if (n === 0) break;
      for (let i = 0; i < n; i++) bytes[(head + i) % RING_BYTES] = chunk[i];
      Atomics.store(words, HEAD, (head + n) & COUNT_MASK);
      queued -= n;
      if (n === chunk.length) queue.shift();
      else queue[0] = chunk.subarray(n);
    }
    ring(control);
    // Backpressure: a guest that does not read stdin does not make the runner hold all of it.
    if (!reading && !ended && queued < RING_BYTES * 16) readMore();
  };
  const got = (chunk: Buffer | undefined, forGood: boolean) => {
    if (forGood) ended = true;
    queue.push(chunk ?? Buffer.alloc(0));
    queued += chunk?.length ?? 0;
  };
  let readMore: () => void;
  if (terminal) {
    // A terminal's reads go on after its end-of-file key, which a stream cannot do; and a read
    // blocked in libuv's thread pool would hold up the runner's exit. So: a non-blocking
    // descriptor of its own for the terminal, looked at now and then while it has nothing.
    const own = openSync(`/proc/self/fd/${fd}`, constants.O_RDONLY | constants.O_NONBLOCK);
    const buffer = Buffer.allocUnsafe(RING_BYTES);
    readMore = () => {
      let n: number;
      try {
        n = readSync(own, buffer, 0, buffer.length, null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') {
          reading = true;
          setTimeout(() => {
            reading = false;
            pump();
          }, TERMINAL_POLL_MS);
        } else got(undefined, true);
        return;
      }
      got(n > 0 ? Buffer.from(buffer.subarray(0, n)) : undefined, false);
      setImmediate(pump);
    };
  } else {
    const input = fd === 0 ? process.stdin : createReadStream('', { fd });
    input.on('data', (d: Buffer | string) => {
      got(typeof d === 'string' ? Buffer.from(d) : d, false);
      input.pause();
      pump();
    });
    input.on('end', () => {
      got(undefined, true);
      pump();
    });
    input.on('error', () => {
      got(undefined, true);
      pump();
    });
    readMore = () => input.resume();
  }
  pump();
  return { drained: pump };
}

/** Worker: the signals that arrived, taken (ProcessHostPorts.signals). */
export function controlSignals<S>(control: RunnerControl): SignalSource<S> {
  return { take: () => ({ init: Atomics.exchange(control.words, INIT, 0), foreground: Atomics.exchange(control.words, FOREGROUND, 0) }) };
}

/** Worker: the doorbell's value, to wait on after looking at the state it guards. */
export function doorbell(control: RunnerControl): number {
  return Atomics.load(control.words, DOORBELL);
}

/** Worker: sleep until the doorbell moves from `seen` or `ms` pass. */
export function waitDoorbell(control: RunnerControl, seen: number, ms: number): void {
  Atomics.wait(control.words, DOORBELL, seen, Math.max(0, ms));
}

/** Worker: whether a read of stdin would return now (bytes, or the end). */
export function stdinReady(control: RunnerControl): boolean {
  return Atomics.load(control.words, HEAD) !== Atomics.load(control.words, TAIL) || Atomics.load(control.words, EOF) !== 0;
}

/** Worker: up to `max` bytes of stdin (empty at an end of file); call only when stdinReady. */
export function takeStdin(control: RunnerControl, max: number): Uint8Array {
  const { words, ring: bytes } = control;
  const tail = Atomics.load(words, TAIL);
  const available = (Atomics.load(words, HEAD) - tail) & COUNT_MASK;
  if (available === 0) {
    Atomics.compareExchange(words, EOF, EOF_ONCE, 0);
    return new Uint8Array(0);
  }
  const n = Math.min(max, available);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = bytes[(tail + i) % RING_BYTES];
  Atomics.store(words, TAIL, (tail + n) & COUNT_MASK);
  return out;
}
