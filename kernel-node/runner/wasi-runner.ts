/**
 * What runc executes inside a container: Node's WASI runtime (preview1) on the image's entrypoint.
 *
 * Bundled by esbuild into one .mjs (runner-bundle.ts) and bind-mounted read-only into the
 * container's runtime root; it never runs on the host. It is handed one JSON argument (RunnerSpec).
 *
 * How the program runs is the process host's (engine/wasi/process-host.ts, over this host's
 * adapter wasi-runner-host.ts); this file is the process around it. Outside the guest's sight it
 * reports to the service on fd 3 (one JSON line): `{"error", "code"}` when the program cannot be
 * found (127) or invoked (126), so the service can tell that apart from a guest that exits with
 * 127 itself. On the same channel it asks the service what a name resolves to (name-lookup.ts).
 *
 * Sockets: the guest's are real sockets of the container's network namespace, made by the guest
 * thread through the native calls the service compiled next to this bundle (socket-calls.c,
 * kernel-sockets.ts); without them the guest's sock_open is ENETDOWN.
 *
 * Signals: Node is PID 1 of the container, and node:wasi's calls block the thread they run on, so
 * the guest runs in a worker thread of this same file. The main thread catches the signals runc
 * forwards (docker stop, docker kill -s) and the terminal's SIGINT (Ctrl-C under -t), reads stdin
 * without blocking, and hands both to the guest through a shared control block
 * (runner-control.ts), where its blocking calls wake for them (runner-transport.ts). What a signal
 * does is the guest's (engine/wasi/signal-abi.ts): a PID 1 without a handler ignores it, as
 * Docker's does; SIGKILL needs no help.
 */
import { closeSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { isatty } from 'node:tty';
import { WASI } from 'node:wasi';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { SocketTransport } from '../../engine/wasi/socket-port.ts';
import { kernelSockets } from './kernel-sockets.ts';
import { nativeReadable, statusChannelLookup } from './name-lookup.ts';
import { createControl, forwardSignals, pumpStdin, setWakeFd, type RunnerControl } from './runner-control.ts';
import { loadSocketCalls, SOCKET_CALLS_FILE } from './socket-calls.ts';
import { prepareGuest, type RunnerReport, type RunnerSpec } from './wasi-runner-host.ts';

export type { RunnerSpec } from './wasi-runner-host.ts';

/** The runner's status channel to the service (runc-process.ts holds the other end). */
const STATUS_FD = 3;

function report(message: RunnerReport): void {
  try {
    writeSync(STATUS_FD, JSON.stringify(message) + '\n');
  } catch {
    // Not started by the service (a manual `runc exec`): stderr already says it.
  }
}

/** A module with one empty function: compiling it sets up V8's WebAssembly engine and compiler. */
const WARM_UP_MODULE = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0, 10, 4, 1, 2, 0, 0x0b]);

/**
 * What a first guest would otherwise pay for before its first instruction, done while a spare
 * waits: V8's first WebAssembly compile (engine and code space set up: ~25-150 ms before a
 * 200 KB module, ~3 ms after, measured on the 2-core VM) and node:wasi's first WASI instance.
 */
function warmUp(): void {
  new WebAssembly.Instance(new WebAssembly.Module(WARM_UP_MODULE));
  new WASI({ version: 'preview1', args: [], env: {}, preopens: {}, returnOnExit: true });
}

/**
 * A warm spare (kernel-node/runtime/spare-container.ts) is started with `--spare`: its guest thread says
 * on fd 3 when it is loaded and warm, while the main thread blocks reading the spec from fd 4
 * until the service closes it. An empty go means the spare is not needed.
 */
function awaitGo(): RunnerSpec {
  const text = readFileSync(4, 'utf8');
  closeSync(4);
  if (!text) process.exit(0);
  return JSON.parse(text) as RunnerSpec;
}

/** What the main thread posts its guest thread: the spec to run, once known. */
type ToGuest = { spec: RunnerSpec };
/** What the guest thread posts back: stdin bytes were taken, or the guest's exit status. */
type FromGuest = { taken: true } | { status: number };

/** How the main thread starts its guest thread. */
interface GuestData {
  control: RunnerControl;
  spare: boolean;
}

/**
 * The container's sockets, when the service built the native calls next to this bundle: real
 * sockets of its namespace, waits the main thread can end (signals, stdin), names asked of the
 * service on the status channel.
 */
function containerSockets(control: RunnerControl): SocketTransport | undefined {
  const calls = loadSocketCalls(join(__dirname, SOCKET_CALLS_FILE));
  if (!calls) return undefined;
  const wakeFd = calls.wakeFd();
  if (wakeFd < 0) return undefined;
  setWakeFd(control, wakeFd);
  // A lookup waits for its answer on an epoll of its own: a silent service costs it its timeout, not the guest its life.
  return kernelSockets(calls, { wakeFd, resolve: statusChannelLookup(STATUS_FD, { readable: nativeReadable(calls, STATUS_FD) }) });
}

/** The guest thread: warm up, wait for the spec, run the guest to its end. */
function guestThread(): void {
  const { control, spare } = workerData as GuestData;
  const port = parentPort!;
  warmUp();
  const sockets = containerSockets(control);
  if (spare) report({ ready: true });
  port.once('message', ({ spec }: ToGuest) => {
    const taken = () => port.postMessage({ taken: true } satisfies FromGuest);
    const prepared = prepareGuest(spec, { stdin: 0, stdout: 1, stderr: 2 }, report, { control, taken, sockets });
    let status: number;
    if (!('start' in prepared)) {
      // Past --memory before its first instruction: it started and was killed at once (137 +
      // OOMKilled, as the browser does); the cgroup limit stays as the backstop for Node itself.
      if (prepared.oomKilled) {
        report({ started: true });
        report({ oomKilled: true });
      }
      status = prepared.exitCode;
    } else {
      report({ started: true });
      const exit = prepared.start();
      if (exit.oomKilled) report({ oomKilled: true });
      status = exit.exitCode;
    }
    port.postMessage({ status: status & 0xff } satisfies FromGuest);
  });
}

function main(): void {
  const control = createControl();
  const spare = process.argv[2] === '--spare';
  // Started before a spare waits for its go, so the guest thread is loaded and warm by then.
  const guest = new Worker(__filename, { workerData: { control, spare } satisfies GuestData });
  const spec = spare ? awaitGo() : (JSON.parse(process.argv[2] ?? '{}') as RunnerSpec);
  const terminal = isatty(0);
  forwardSignals(control, terminal);
  const stdin = pumpStdin(control, 0, terminal);
  guest.on('message', (m: FromGuest) => {
    if ('taken' in m) stdin.drained();
    else process.exit(m.status);
  });
  guest.on('error', (e) => {
    process.stderr.write(`dockyard runner: ${e.stack ?? e.message}\n`);
    process.exit(125);
  });
  guest.postMessage({ spec } satisfies ToGuest);
}

if (isMainThread) main();
else guestThread();
