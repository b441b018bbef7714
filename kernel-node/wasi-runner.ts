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
 * 127 itself.
 *
 * Signals: Node is PID 1 of the container, and a long synchronous `wasi.start` keeps its event loop
 * from ever running a JS signal handler. `vm`'s breakOnSigint installs a native SIGINT watchdog
 * that terminates the running script, so the service delivers SIGINT for both TERM and INT and
 * reports 128+signal itself; SIGKILL needs no help.
 */
import { closeSync, readFileSync, writeSync } from 'node:fs';
import vm from 'node:vm';
import { WASI } from 'node:wasi';
import { prepareGuest, type RunnerReport, type RunnerSpec } from './wasi-runner-host.ts';

export type { RunnerSpec } from './wasi-runner-host.ts';

/** Exit status the runner uses when SIGINT interrupted the guest; the service maps it to 128+signal. */
export const INTERRUPTED_STATUS = 130;

function report(message: RunnerReport): void {
  try {
    writeSync(3, JSON.stringify(message) + '\n');
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
 * A warm spare (kernel-node/spare-container.ts) is started with `--spare`: everything above is
 * loaded, then it says so on fd 3 and blocks reading its spec from fd 4 until the service closes
 * it. An empty go means the spare is not needed.
 */
function awaitGo(): RunnerSpec {
  warmUp();
  report({ ready: true });
  const text = readFileSync(4, 'utf8');
  closeSync(4);
  if (!text) process.exit(0);
  return JSON.parse(text) as RunnerSpec;
}

function main(): void {
  const spec = process.argv[2] === '--spare' ? awaitGo() : (JSON.parse(process.argv[2] ?? '{}') as RunnerSpec);
  const prepared = prepareGuest(spec, { stdin: 0, stdout: 1, stderr: 2 }, report);
  if (!('start' in prepared)) {
    // Past --memory before its first instruction: it started and was killed at once (137 +
    // OOMKilled, as the browser does); the cgroup limit stays as the backstop for Node itself.
    if (prepared.oomKilled) {
      report({ started: true });
      report({ oomKilled: true });
    }
    process.exit(prepared.exitCode);
  }
  report({ started: true });
  const g = globalThis as { __dockyardStart?: () => number };
  g.__dockyardStart = () => {
    const exit = prepared.start();
    if (exit.oomKilled) report({ oomKilled: true });
    return exit.exitCode;
  };
  let status: number;
  try {
    status = new vm.Script('__dockyardStart()').runInThisContext({ breakOnSigint: true }) as number;
  } catch (e) {
    if (/interrupted/i.test((e as Error).message)) process.exit(INTERRUPTED_STATUS);
    throw e;
  }
  process.exit(status & 0xff);
}

main();
