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
import { programCandidates } from '../engine/wasi/program-path.ts';
import { wrapGuestLinks } from '../engine/wasi/guest-links.ts';
import { diskLinks } from './root-links.ts';
import {
  SPAWN_IMPORT_MODULE,
  SPAWN_IMPORT_NAME,
  SPAWN_MAX_DEPTH,
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
 * The guest failed while its memory stood at the cap: a memory.grow was refused. The browser ends
 * such a process with 137 and OOMKilled; so do we (the cgroup limit is only the backstop for Node).
 */
function hitMemoryCap(spec: RunnerSpec, instance: WebAssembly.Instance): boolean {
  const memory = instance.exports.memory;
  if (!spec.memoryBytes || !(memory instanceof WebAssembly.Memory)) return false;
  // A refused grow leaves the memory short of the cap by up to the size asked for: within an
  // eighth of the cap (at least one page) counts as "at the cap" - a heuristic, as we cannot
  // hook memory.grow inside the module the way the browser's capped memory does.
  return memory.buffer.byteLength + Math.max(65536, spec.memoryBytes / 8) > spec.memoryBytes;
}

function outOfMemory(): never {
  report({ oomKilled: true });
  process.exit(137);
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
  const name = spec.args[0] ?? '';
  if (name === '') fail(127, 'exec: no command given');
  const candidates = programCandidates(name, spec.env, spec.cwd);
  for (const path of candidates) {
    const host = hostPath(spec.root, path);
    try {
      const st = lstatSync(host);
      if (st.isDirectory()) {
        if (name.includes('/')) fail(126, `exec: "${name}": is a directory`);
        continue;
      }
      if (st.isFile()) return { path, host };
    } catch {
      continue;
    }
  }
  fail(127, name.includes('/') ? `exec: "${name}": no such file or directory` : `exec: "${name}": executable file not found in $PATH`);
}

function loadModule(name: string, host: string, memoryBytes?: number): WebAssembly.Module {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(host);
  } catch (e) {
    fail(126, `exec: "${name}": ${(e as Error).message}`);
  }
  if (!isWasmModule(bytes)) fail(126, `exec: "${name}": exec format error (not a WebAssembly module)`);
  if (memoryBytes) bytes = capMemory(bytes, Math.max(1, Math.floor(memoryBytes / 65536)));
  try {
    return new WebAssembly.Module(bytes as unknown as BufferSource);
  } catch (e) {
    fail(126, `exec: "${name}": invalid WebAssembly module: ${(e as Error).message}`);
  }
}

function readLeb(b: Uint8Array, at: number): [number, number] {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = b[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (!(byte & 0x80)) return [value, at];
  }
}

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return out;
}

/**
 * The module with its memories' maximum lowered to `pages` (memory section, id 5): memory.grow
 * past the cap then fails inside the guest, as the browser's capped memory does. Modules whose
 * memory is imported are left as they are (the cgroup limit still holds).
 */
export function capMemory(bytes: Uint8Array, pages: number): Uint8Array {
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at];
    const [size, body] = readLeb(bytes, at + 1);
    if (id === 5) {
      let p = body;
      const [count, afterCount] = readLeb(bytes, p);
      p = afterCount;
      const out: number[] = [...leb(count)];
      for (let i = 0; i < count; i++) {
        const flags = bytes[p++];
        if (flags > 1) return bytes; // shared or 64-bit memories: leave them
        const [min, afterMin] = readLeb(bytes, p);
        p = afterMin;
        let max = Infinity;
        if (flags === 1) [max, p] = readLeb(bytes, p);
        out.push(1, ...leb(min), ...leb(Math.max(min, Math.min(max, pages))));
      }
      const section = [5, ...leb(out.length), ...out];
      const result = new Uint8Array(at + section.length + (bytes.length - (body + size)));
      result.set(bytes.subarray(0, at), 0);
      result.set(section, at);
      result.set(bytes.subarray(body + size), at + section.length);
      return result;
    }
    at = body + size;
  }
  return bytes;
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
      if (spec.memoryBytes) bytes = Buffer.from(capMemory(bytes, Math.max(1, Math.floor(spec.memoryBytes / 65536))));
      try {
        child = new WebAssembly.Module(bytes as unknown as BufferSource);
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
        if (e instanceof WebAssembly.RuntimeError) return spawnSignaled(SPAWN_SIGNAL_TRAP);
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

function main(): void {
  const spec = JSON.parse(process.argv[2] ?? '{}') as RunnerSpec;
  const program = findProgram(spec);
  const module = loadModule(spec.args[0], program.host, spec.memoryBytes);
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
    if (hitMemoryCap(spec, run.instance)) outOfMemory();
    // A trap (unreachable, out of bounds) ends the program as an abort would.
    writeSync(2, `dockyard: ${spec.args[0]}: ${(e as Error).message}\n`);
    process.exit(134);
  }
  if (status !== 0 && hitMemoryCap(spec, run.instance)) outOfMemory();
  process.exit(status & 0xff);
}

main();
