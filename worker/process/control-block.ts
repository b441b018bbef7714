/**
 * The shared memory between the engine worker and one process Worker. The process Worker spends
 * its life inside a synchronous WebAssembly call, so it cannot receive messages: everything that
 * must reach it while it runs (stdin, signals, exec and snapshot requests) goes through this block,
 * and the process waits on the doorbell with Atomics.wait whenever it blocks (reading stdin, sleeping).
 *
 * Layout (Int32 words, then bytes):
 *   DOORBELL   bumped and notified on every event, the one word the process waits on
 *   words 1-3  stdin channel 0's HEAD, TAIL, CLOSED (the main process's stdin)
 *   SIGNAL     signals pending for PID 1 (docker kill, docker stop): a mask, bit n-1 for signal n
 *   FOREGROUND signals pending for the terminal's foreground programs (its interrupt key), a mask
 *   REQUEST    1 while a request waits in the request area, 0 once the process took it
 *   REQUEST_LEN bytes of JSON in the request area
 * then channel 0's ring, the request area, and EXEC_STDIN_CHANNELS more channels (4 words + a
 * ring each) for `docker exec -i`: an exec runs while the main process blocks, and its own input
 * must not be read by (or mixed with) the main process's.
 *
 * A stdin channel's words: HEAD total bytes ever written (writer side), TAIL total bytes ever read
 * (reader side), CLOSED 1 once stdin is closed (after the ring drains, reads return EOF).
 */
export const DOORBELL = 0;
const MAIN_CHANNEL_WORD = 1;
export const SIGNAL = 4;
export const REQUEST = 5;
export const REQUEST_LEN = 6;
export const FOREGROUND_SIGNALS = 7;
const HEADER_WORDS = 8;
export const RING_BYTES = 64 * 1024;
export const REQUEST_BYTES = 64 * 1024;
/** Stdin channels for execs (1..EXEC_STDIN_CHANNELS); channel 0 is the main process's. */
export const EXEC_STDIN_CHANNELS = 4;
const EXEC_RING_BYTES = 16 * 1024;
const CHANNEL_WORDS = 4;
/** Indexes into a channel's `words`. */
export const HEAD = 0;
export const TAIL = 1;
export const CLOSED = 2;

/** One stdin stream: a byte ring and its counters. */
export interface StdinChannel {
  words: Int32Array;
  ring: Uint8Array;
}

export interface ControlViews {
  words: Int32Array;
  request: Uint8Array;
  /** [0] the main process's stdin, [1..EXEC_STDIN_CHANNELS] those of execs. */
  channels: StdinChannel[];
}

/**
 * Shared memory needs a cross-origin isolated page (COOP/COEP). Without it the block is a plain
 * ArrayBuffer copied to the process: containers still run, but stdin reads as empty and exec,
 * live diff and signals cannot reach a running process (the runtime says so).
 */
export function sharedMemoryAvailable(): boolean {
  return typeof SharedArrayBuffer === 'function' && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
}

export function createControlBlock(): SharedArrayBuffer {
  const bytes = HEADER_WORDS * 4 + RING_BYTES + REQUEST_BYTES + EXEC_STDIN_CHANNELS * (CHANNEL_WORDS * 4 + EXEC_RING_BYTES);
  return sharedMemoryAvailable() ? new SharedArrayBuffer(bytes) : (new ArrayBuffer(bytes) as unknown as SharedArrayBuffer);
}

export function isShared(views: ControlViews): boolean {
  return typeof SharedArrayBuffer === 'function' && views.words.buffer instanceof SharedArrayBuffer;
}

export function controlViews(sab: SharedArrayBuffer): ControlViews {
  const channels: StdinChannel[] = [{ words: new Int32Array(sab, MAIN_CHANNEL_WORD * 4, 3), ring: new Uint8Array(sab, HEADER_WORDS * 4, RING_BYTES) }];
  let at = HEADER_WORDS * 4 + RING_BYTES + REQUEST_BYTES;
  for (let i = 0; i < EXEC_STDIN_CHANNELS; i++) {
    channels.push({ words: new Int32Array(sab, at, CHANNEL_WORDS), ring: new Uint8Array(sab, at + CHANNEL_WORDS * 4, EXEC_RING_BYTES) });
    at += CHANNEL_WORDS * 4 + EXEC_RING_BYTES;
  }
  return {
    words: new Int32Array(sab, 0, HEADER_WORDS),
    request: new Uint8Array(sab, HEADER_WORDS * 4 + RING_BYTES, REQUEST_BYTES),
    channels,
  };
}

export function ring(views: ControlViews): void {
  Atomics.add(views.words, DOORBELL, 1);
  Atomics.notify(views.words, DOORBELL);
}

/** Writer side: mark a signal (its mask bit, engine/wasi/signal-abi.ts) pending in SIGNAL or FOREGROUND_SIGNALS, and wake the process. */
export function postSignal(views: ControlViews, word: typeof SIGNAL | typeof FOREGROUND_SIGNALS, bit: number): void {
  Atomics.or(views.words, word, bit);
  ring(views);
}

/** Reader side: the signals posted since the last call, taken. */
export function takeSignals(views: ControlViews): { init: number; foreground: number } {
  return { init: Atomics.exchange(views.words, SIGNAL, 0), foreground: Atomics.exchange(views.words, FOREGROUND_SIGNALS, 0) };
}

/** Writer side: copy as much of `data` as fits into the channel's ring; returns the bytes taken. */
export function ringWrite(views: ControlViews, data: Uint8Array, channel = 0): number {
  const { words, ring: bytes } = views.channels[channel];
  const head = Atomics.load(words, HEAD);
  const tail = Atomics.load(words, TAIL);
  const free = bytes.length - (head - tail);
  const n = Math.min(free, data.length);
  for (let i = 0; i < n; i++) bytes[(head + i) % bytes.length] = data[i];
  Atomics.store(words, HEAD, head + n);
  if (n > 0) ring(views);
  return n;
}

/** Reader side: bytes available now (may be 0). */
export function ringRead(views: ControlViews, max: number, channel = 0): Uint8Array {
  return readRing(views, max, channel, false);
}

/** The byte a terminal's Ctrl-D puts in the input (a pseudo-terminal's VEOF). */
export const EOF_KEY = 0x04;

/**
 * Reader side, for a terminal: as ringRead, but a Ctrl-D byte ends the read before it, and one
 * that comes first is taken and read as nothing - end of file for this one read, as a
 * pseudo-terminal answers; the next read waits for more input.
 */
export function ringReadTerminal(views: ControlViews, max: number, channel = 0): Uint8Array {
  return readRing(views, max, channel, true);
}

function readRing(views: ControlViews, max: number, channel: number, terminal: boolean): Uint8Array {
  const { words, ring: bytes } = views.channels[channel];
  const head = Atomics.load(words, HEAD);
  const tail = Atomics.load(words, TAIL);
  const available = Math.min(head - tail, max);
  let n = available;
  if (terminal) {
    n = 0;
    while (n < available && bytes[(tail + n) % bytes.length] !== EOF_KEY) n++;
  }
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = bytes[(tail + i) % bytes.length];
  const taken = terminal && n === 0 && available > 0 ? 1 : n;
  Atomics.store(words, TAIL, tail + taken);
  // The writer may be waiting for room.
  if (taken > 0) Atomics.notify(words, TAIL);
  return out;
}

/** Input or end of input is waiting: a read would not block. */
export function stdinReady(views: ControlViews, channel = 0): boolean {
  const { words } = views.channels[channel];
  return Atomics.load(words, HEAD) !== Atomics.load(words, TAIL) || Atomics.load(words, CLOSED) === 1;
}

/** End of input once the ring drains. */
export function closeChannel(views: ControlViews, channel = 0): void {
  Atomics.store(views.channels[channel].words, CLOSED, 1);
  ring(views);
}

/** An exec channel made empty and open again for its next exec (writer side, while no one reads it). */
export function resetChannel(views: ControlViews, channel: number): void {
  const { words } = views.channels[channel];
  Atomics.store(words, HEAD, 0);
  Atomics.store(words, TAIL, 0);
  Atomics.store(words, CLOSED, 0);
}
