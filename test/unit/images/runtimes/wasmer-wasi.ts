/**
 * box under @wasmer/wasi 1.2.2 - the browser's runtime - with a MemFS holding the same files.
 * getImports() is wrapped: fd_write on 1 and 2 goes to our own sinks (so a spawned child's output
 * interleaves in order with its parent's), poll_oneoff sleeps for clock subscriptions (wasmer-js
 * traps on them: a runtime difference the browser worker must cover too), and dockyard.spawn
 * runs a child module on the same MemFS through engine/wasi/spawn-abi.ts.
 *
 * MemFS quirks met here: createDir of an existing directory adds a duplicate entry, and a MemFS
 * object given to one WASI cannot be given to another - each WASI's `fs` getter (read before its
 * start()) hands out the handle for the next one.
 */
import { init, MemFS, WASI } from '@wasmer/wasi';
import {
  SPAWN_IMPORT_MODULE, SPAWN_IMPORT_NAME, SPAWN_MAX_DEPTH, SPAWN_SIGNAL_TRAP, SpawnError, decodeSpawnRequest, isWasmModule,
  spawnEnvRecord, spawnExited, spawnFailed, spawnSignaled, type SpawnRequest,
} from '../../../../engine/wasi/spawn-abi.ts';
import { DEFAULT_ENV, type FileSpec, type RunOptions, type RunResult, type TestRuntime } from './types.ts';

let ready: Promise<void> | undefined;
export function initWasmer(): Promise<void> {
  ready ??= init();
  return ready;
}

type Sink = (bytes: Uint8Array) => void;
type Fn = (...args: number[]) => number;

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** poll_oneoff for clock-only subscriptions: block for the shortest timeout (Atomics.wait). */
function pollClocks(memory: () => WebAssembly.Memory, original: Fn): Fn {
  return (inPtr: number, outPtr: number, nsubs: number, neventsPtr: number): number => {
    const view = new DataView(memory().buffer);
    let min = Infinity;
    for (let i = 0; i < nsubs; i++) {
      const s = inPtr + i * 48;
      if (view.getUint8(s + 8) !== 0) return original(inPtr, outPtr, nsubs, neventsPtr);
      const timeout = Number(view.getBigUint64(s + 24, true));
      const absolute = (view.getUint16(s + 40, true) & 1) === 1;
      const rel = absolute ? Math.max(0, timeout - Date.now() * 1e6) : timeout;
      min = Math.min(min, rel);
    }
    if (nsubs > 0 && Number.isFinite(min) && min > 0) Atomics.wait(sleeper, 0, 0, min / 1e6);
    for (let i = 0; i < nsubs; i++) {
      const s = inPtr + i * 48, e = outPtr + i * 32;
      view.setBigUint64(e, view.getBigUint64(s, true), true);
      view.setUint16(e + 8, 0, true);
      view.setUint8(e + 10, 0);
    }
    view.setUint32(neventsPtr, nsubs, true);
    return 0;
  };
}

function readMemFile(fs: MemFS, path: string): Uint8Array | null {
  try {
    const f = fs.open(path, { read: true });
    const data = f.read();
    f.free();
    return data;
  } catch {
    return null;
  }
}

function appendMemFile(fs: () => MemFS, path: string): Sink {
  return (bytes) => {
    const f = fs().open(path, { read: true, write: true, create: true });
    f.seek(Number(f.size()));
    f.write(bytes);
    f.free();
  };
}

export function createWasmerRuntime(files: FileSpec, boxWasm: Uint8Array): TestRuntime {
  let fs = new MemFS();
  // MemFS.createDir of an existing directory adds a second entry of the same name: create once.
  const made = new Set<string>();
  const mkdirs = (path: string): void => {
    let cur = '';
    for (const part of path.split('/').filter(Boolean)) {
      cur += `/${part}`;
      if (made.has(cur)) continue;
      fs.createDir(cur);
      made.add(cur);
    }
  };
  for (const [path, content] of Object.entries(files)) {
    if (typeof content === 'object' && !(content instanceof Uint8Array)) {
      mkdirs(path);
      continue;
    }
    mkdirs(path.slice(0, path.lastIndexOf('/')));
    const f = fs.open(path, { read: true, write: true, create: true, truncate: true });
    f.write(typeof content === 'string' ? new TextEncoder().encode(content) : content);
    f.free();
  }
  const modules = new Map<Uint8Array, WebAssembly.Module>();
  const compile = (bytes: Uint8Array): WebAssembly.Module => {
    let m = modules.get(bytes);
    if (!m) {
      m = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
      modules.set(bytes, m);
    }
    return m;
  };

  let stub = false;

  const execute = (module: WebAssembly.Module, args: string[], env: Record<string, string>, stdin: Uint8Array, out: Sink, err: Sink, depth: number): { status: number; trapped: boolean } => {
    // A MemFS handed to a WASI cannot be handed to another one ("recursive use of an object"),
    // and the running WASI cannot be asked for its fs: take a fresh handle now, before start().
    const wasi = new WASI({ args, env, fs, preopens: { '/': '/' } });
    fs = wasi.fs;
    wasi.setStdinBuffer(stdin);
    const ref: { instance?: WebAssembly.Instance } = {};
    const memory = (): WebAssembly.Memory => ref.instance!.exports.memory as WebAssembly.Memory;
    const imports = wasi.getImports(module) as Record<string, Record<string, Fn>>;
    const preview1 = imports.wasi_snapshot_preview1;
    const fdWrite = preview1.fd_write;
    preview1.fd_write = (fd, iovs, count, nwritten) => {
      if (fd !== 1 && fd !== 2) return fdWrite(fd, iovs, count, nwritten);
      const view = new DataView(memory().buffer);
      let total = 0;
      for (let i = 0; i < count; i++) {
        const ptr = view.getUint32(iovs + i * 8, true), len = view.getUint32(iovs + i * 8 + 4, true);
        if (len) (fd === 1 ? out : err)(new Uint8Array(memory().buffer.slice(ptr, ptr + len)));
        total += len;
      }
      view.setUint32(nwritten, total, true);
      return 0;
    };
    preview1.poll_oneoff = pollClocks(memory, preview1.poll_oneoff);
    const spawn = (ptr: number, len: number): number => {
      if (stub) return 0;
      let req: SpawnRequest;
      try {
        req = decodeSpawnRequest(new Uint8Array(memory().buffer), ptr, len);
      } catch {
        return spawnFailed(SpawnError.Invalid);
      }
      if (depth + 1 >= SPAWN_MAX_DEPTH) return spawnFailed(SpawnError.Limit);
      const bytes = readMemFile(fs, req.path);
      if (!bytes) return spawnFailed(SpawnError.NotFound);
      if (!isWasmModule(bytes)) return spawnFailed(SpawnError.NotExecutable);
      let child: WebAssembly.Module;
      try {
        child = compile(bytes);
      } catch {
        return spawnFailed(SpawnError.NotExecutable);
      }
      // inherited stdin: this harness gives children an empty one (the parent's is not shared)
      const childIn = req.stdin.kind === 'file' ? readMemFile(fs, req.stdin.path) ?? new Uint8Array() : new Uint8Array();
      const childOut = req.stdout.kind === 'file' ? appendMemFile(() => fs, req.stdout.path) : out;
      const childErr = req.stderr.kind === 'file' ? appendMemFile(() => fs, req.stderr.path) : req.stderr.kind === 'stdout' ? childOut : err;
      const r = execute(child, req.argv, spawnEnvRecord(req), childIn, childOut, childErr, depth + 1);
      return r.trapped ? spawnSignaled(SPAWN_SIGNAL_TRAP) : spawnExited(r.status);
    };
    (imports as Record<string, Record<string, Fn>>)[SPAWN_IMPORT_MODULE] = { [SPAWN_IMPORT_NAME]: spawn };
    const instance = new WebAssembly.Instance(module, imports as WebAssembly.Imports);
    ref.instance = instance;
    wasi.instantiate(instance, {});
    try {
      const status = wasi.start(instance);
      return { status, trapped: false };
    } catch (e) {
      if (/unreachable|RuntimeError/.test(String(e))) return { status: 134, trapped: true };
      throw e;
    }
  };

  return {
    name: '@wasmer/wasi',
    run(argv: string[], options: RunOptions = {}): RunResult {
      stub = options.stubSpawn ?? false;
      const outChunks: Uint8Array[] = [], errChunks: Uint8Array[] = [];
      const r = execute(compile(options.module ?? boxWasm), argv, { ...DEFAULT_ENV, ...options.env }, new TextEncoder().encode(options.stdin ?? ''),
        (b) => outChunks.push(b), (b) => errChunks.push(b), 0);
      const text = (chunks: Uint8Array[]): string => Buffer.concat(chunks).toString('utf8');
      return { stdout: text(outChunks), stderr: text(errChunks), ...r };
    },
    readFile(path: string): string | null {
      const b = readMemFile(fs, path);
      return b ? Buffer.from(b).toString('utf8') : null;
    },
    dispose(): void {
      // the MemFS is released with the WASI instances that share it
    },
  };
}
