/**
 * What runc executes inside a container: Node's WASI runtime (preview1) on the image's entrypoint.
 *
 * Bundled by esbuild into one .mjs (runner-bundle.ts) and bind-mounted read-only into the
 * container's runtime root; it never runs on the host. It is handed one JSON argument (RunnerSpec).
 *
 * Outside the guest's sight it reports to the service on fd 3 (one JSON line): `{"error", "code"}`
 * when the program cannot be found (127) or invoked (126), so the service can tell that apart from
 * a guest that exits with 127 itself.
 *
 * Signals: Node is PID 1 of the container, and a long synchronous `wasi.start` keeps its event loop
 * from ever running a JS signal handler. `vm`'s breakOnSigint installs a native SIGINT watchdog
 * that terminates the running script, so the service delivers SIGINT for both TERM and INT and
 * reports 128+signal itself; SIGKILL needs no help.
 */
import { closeSync, lstatSync, openSync, readFileSync, writeSync } from 'node:fs';
import vm from 'node:vm';
import { WASI } from 'node:wasi';
import { resolveInRootSync } from '../engine/layers/path-rules.ts';
import { limitMemory, memoryLimitHit } from '../engine/wasi/memory-limit.ts';
import { lookupProgram, type PathKind } from '../engine/wasi/program-path.ts';
import { wrapGuestLinks } from '../engine/wasi/guest-links.ts';
import { diskLinks } from './root-links.ts';
import {
  SPAWN_IMPORT_MODULE,
  SPAWN_IMPORT_NAME,
  SPAWN_MAX_DEPTH,
  SPAWN_SIGNAL_KILL,
  SPAWN_SIGNAL_TRAP,
  SpawnError,
  decodeSpawnRequest,
  isWasmModule,
  spawnEnvRecord,
  spawnExited,
  spawnFailed,
  spawnSignaled,
  type SpawnRequest,
} from '../engine/wasi/spawn-abi.ts';

export interface RunnerSpec {
  /** Program path or name (searched in PATH) inside the guest root, then its arguments. */
  args: string[];
  env: string[];
  cwd: string;
  /** Where the guest's root file system is mounted in the runtime root ("/rootfs"). */
  root: string;
  /** The linear memory cap (the port's memoryBytes), written into the module's memory limits. */
  memoryBytes?: number;
}

/** Exit status the runner uses when SIGINT interrupted the guest; the service maps it to 128+signal. */
export const INTERRUPTED_STATUS = 130;

function report(message: object): void {
  try {
    writeSync(3, JSON.stringify(message) + '\n');
  } catch {
    // Not started by the service (a manual `runc exec`): stderr already says it.
  }
}

/**
 * Past --memory: killed, 137 + OOMKilled, as the browser does (engine/wasi/memory-limit.ts). The
 * cgroup limit stays as the backstop for Node itself.
 */
function outOfMemory(): never {
  report({ oomKilled: true });
  process.exit(137);
}

/** A program the guest started went past --memory: it is killed (signal 9 to its caller), the container is marked OOMKilled. */
function childOutOfMemory(): number {
  report({ childOomKilled: true });
  return spawnSignaled(SPAWN_SIGNAL_KILL);
}

function fail(code: 126 | 127, error: string): never {
  writeSync(2, `dockyard: ${error}\n`);
  report({ code, error });
  process.exit(code);
}

/** A guest path resolved as if `root` were `/` (the engine's rule), as a host path under root. */
function hostPath(root: string, guestPath: string): string {
  const links = diskLinks(root);
  const rel = resolveInRootSync(guestPath, true, (p) => links.readlink(`/${p}`));
  return rel === '' ? root : `${root}/${rel}`;
}

function findProgram(spec: RunnerSpec): { path: string; host: string } {
  const kindOf = (path: string): PathKind => {
    try {
      const st = lstatSync(hostPath(spec.root, path));
      return st.isDirectory() ? 'dir' : st.isFile() ? 'file' : undefined;
    } catch {
      return undefined;
    }
  };
  const found = lookupProgram(spec.args[0] ?? '', spec.env, spec.cwd, kindOf);
  if (!('path' in found)) fail(found.exitCode, found.error);
  return { path: found.path, host: hostPath(spec.root, found.path) };
}

/** The program compiled, its memory limited; null when its first pages alone are over the limit. */
function loadModule(name: string, host: string, memoryBytes?: number): WebAssembly.Module | null {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(host);
  } catch (e) {
    fail(126, `exec: "${name}": ${(e as Error).message}`);
  }
  if (!isWasmModule(bytes)) fail(126, `exec: "${name}": exec format error (not a WebAssembly module)`);
  try {
    const limited = memoryBytes ? limitMemory(bytes, memoryBytes) : bytes;
    return limited && new WebAssembly.Module(limited as unknown as BufferSource);
  } catch (e) {
    fail(126, `exec: "${name}": invalid WebAssembly module: ${(e as Error).message}`);
  }
}

function envObject(env: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of env) {
    const eq = kv.indexOf('=');
    if (eq > 0) out[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  return out;
}

interface Stdio {
  stdin: number;
  stdout: number;
  stderr: number;
}

const compiled = new Map<string, WebAssembly.Module>();

/**
 * Instantiate a module with WASI and `dockyard.spawn` (engine/wasi/spawn-abi.ts): a child runs
 * synchronously in this process on the same root, its stdio inherited or on the files named.
 */
function instantiate(spec: RunnerSpec, module: WebAssembly.Module, args: string[], env: Record<string, string>, stdio: Stdio, depth: number): { wasi: WASI; instance: WebAssembly.Instance } {
  const ref: { memory?: WebAssembly.Memory } = {};
  const wasi = new WASI({ version: 'preview1', args, env, preopens: { '/': spec.root }, returnOnExit: true, ...stdio });
  const spawn = (ptr: number, len: number): number => {
    let req: SpawnRequest;
    try {
      req = decodeSpawnRequest(new Uint8Array(ref.memory!.buffer), ptr, len);
    } catch {
      return spawnFailed(SpawnError.Invalid);
    }
    if (depth + 1 >= SPAWN_MAX_DEPTH) return spawnFailed(SpawnError.Limit);
    const host = hostPath(spec.root, req.path);
    let child = compiled.get(host);
    if (!child) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(host);
      } catch {
        return spawnFailed(SpawnError.NotFound);
      }
      if (!isWasmModule(bytes)) return spawnFailed(SpawnError.NotExecutable);
      let limited: Uint8Array | null = bytes;
      try {
        if (spec.memoryBytes) limited = limitMemory(bytes, spec.memoryBytes);
        // Its first pages alone are over the limit: the child is killed, the caller goes on.
        if (!limited) return childOutOfMemory();
        child = new WebAssembly.Module(limited as unknown as BufferSource);
      } catch {
        return spawnFailed(SpawnError.NotExecutable);
      }
      compiled.set(host, child);
    }
    const opened: number[] = [];
    const open = (p: string, flags: string): number => {
      const fd = openSync(hostPath(spec.root, p), flags);
      opened.push(fd);
      return fd;
    };
    try {
      const stdin = req.stdin.kind === 'file' ? open(req.stdin.path, 'r') : stdio.stdin;
      const stdout = req.stdout.kind === 'file' ? open(req.stdout.path, 'a') : stdio.stdout;
      const stderr = req.stderr.kind === 'file' ? open(req.stderr.path, 'a') : req.stderr.kind === 'stdout' ? stdout : stdio.stderr;
      const c = instantiate(spec, child, req.argv, spawnEnvRecord(req), { stdin, stdout, stderr }, depth + 1);
      try {
        return spawnExited(c.wasi.start(c.instance));
      } catch (e) {
        if (e instanceof WebAssembly.RuntimeError) return memoryLimitHit(c.instance) ? childOutOfMemory() : spawnSignaled(SPAWN_SIGNAL_TRAP);
        throw e;
      }
    } catch (e) {
      if (/interrupted/i.test((e as Error).message)) throw e;
      return spawnFailed(SpawnError.NotFound);
    } finally {
      for (const fd of opened) closeSync(fd);
    }
  };
  // node:wasi follows only a path's last link itself and lets the OS follow the others - out of
  // /rootfs for a link to `/`: every path is resolved inside the root first (guest-links.ts).
  const preview1 = { ...wasi.wasiImport } as Record<string, (...a: never[]) => unknown>;
  wrapGuestLinks(preview1, () => ref.memory!, diskLinks(spec.root));
  const imports = { wasi_snapshot_preview1: preview1, [SPAWN_IMPORT_MODULE]: { [SPAWN_IMPORT_NAME]: spawn } } as WebAssembly.Imports;
  const missing = WebAssembly.Module.imports(module).filter((i) => !(i.module in imports) || !(i.name in (imports[i.module] as object)));
  if (missing.length > 0) throw new Error(`needs imports this runtime lacks: ${missing.map((i) => `${i.module}.${i.name}`).join(', ')}`);
  const instance = new WebAssembly.Instance(module, imports);
  ref.memory = instance.exports.memory as WebAssembly.Memory;
  return { wasi, instance };
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
  const program = findProgram(spec);
  const module = loadModule(spec.args[0], program.host, spec.memoryBytes);
  if (!module) {
    // It started and was killed at once: the service reports 137 + OOMKilled, not a failed start.
    report({ started: true });
    outOfMemory();
  }
  // WASI preview1 has no working directory: PWD carries it (engine/wasi/spawn-abi.ts).
  const env = { ...envObject(spec.env), PWD: spec.cwd || '/' };
  let run: { wasi: WASI; instance: WebAssembly.Instance };
  try {
    run = instantiate(spec, module, spec.args, env, { stdin: 0, stdout: 1, stderr: 2 }, 0);
  } catch (e) {
    fail(126, `exec: "${spec.args[0]}": ${(e as Error).message}`);
  }
  report({ started: true });
  const g = globalThis as { __dockyardStart?: () => number };
  g.__dockyardStart = () => run.wasi.start(run.instance);
  let status: number;
  try {
    status = new vm.Script('__dockyardStart()').runInThisContext({ breakOnSigint: true }) as number;
  } catch (e) {
    if (/interrupted/i.test((e as Error).message)) process.exit(INTERRUPTED_STATUS);
    if (memoryLimitHit(run.instance)) outOfMemory();
    // A trap (unreachable, out of bounds) ends the program as an abort would.
    writeSync(2, `dockyard: ${spec.args[0]}: ${(e as Error).message}\n`);
    process.exit(134);
  }
  process.exit(status & 0xff);
}

main();
