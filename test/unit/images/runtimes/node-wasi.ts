/**
 * box under Node's own WASI (preview1): a temporary directory is the guest's "/". Implements
 * dockyard.spawn with engine/wasi/spawn-abi.ts: a child module runs synchronously on the same
 * directory, its stdio on the caller's file descriptors or on files the request names.
 */
import { WASI } from 'node:wasi';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { dirname, join } from 'node:path';
import {
  SPAWN_IMPORT_MODULE, SPAWN_IMPORT_NAME, SPAWN_MAX_DEPTH, SPAWN_SIGNAL_TRAP, SpawnError, decodeSpawnRequest, isWasmModule,
  normalizeGuestPath, spawnEnvRecord, spawnExited, spawnFailed, spawnSignaled, type SpawnRequest,
} from '../../../../engine/wasi/spawn-abi.ts';
import { DEFAULT_ENV, type FileSpec, type RunOptions, type RunResult, type TestRuntime } from './types.ts';

const moduleCache = new Map<string, WebAssembly.Module>();

// Every finished instance keeps its linear memory mapped until V8 collects it, and each memory that
// grew holds many memory mappings: a few dozen runs exhaust vm.max_map_count (65530 here) and V8
// aborts the process. A full collection after each runtime's use keeps the test process alive.
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

function compile(bytes: Uint8Array): WebAssembly.Module {
  const key = `${bytes.length}:${Buffer.from(bytes.subarray(0, 64)).toString('hex')}:${Buffer.from(bytes.subarray(-64)).toString('hex')}`;
  let m = moduleCache.get(key);
  if (!m) {
    m = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
    moduleCache.set(key, m);
  }
  return m;
}

interface Stdio { stdin: number; stdout: number; stderr: number }

export function createNodeRuntime(files: FileSpec, boxWasm: Uint8Array): TestRuntime {
  const root = mkdtempSync(join(tmpdir(), 'box-root-'));
  const io = mkdtempSync(join(tmpdir(), 'box-io-'));
  const host = (guest: string): string => join(root, normalizeGuestPath(guest));
  for (const [path, content] of Object.entries(files)) {
    const p = host(path);
    if (typeof content === 'object' && !(content instanceof Uint8Array)) mkdirSync(p, { recursive: true });
    else {
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, content);
    }
  }
  // Prepared files carry the epoch as their mtime, which is what the other runtime reports.
  const stamp = (p: string): void => {
    utimesSync(p, 0, 0);
    if (p !== root) stamp(dirname(p));
  };
  for (const path of Object.keys(files)) stamp(host(path));

  let runs = 0;

  let stub = false;

  const execute = (module: WebAssembly.Module, args: string[], env: Record<string, string>, stdio: Stdio, depth: number): { status: number; trapped: boolean } => {
    const ref: { memory?: WebAssembly.Memory } = {};
    const wasi = new WASI({ version: 'preview1', args, env, preopens: { '/': root }, returnOnExit: true, ...stdio });
    const spawn = (ptr: number, len: number): number => {
      if (stub) return 0;
      let req: SpawnRequest;
      try {
        req = decodeSpawnRequest(new Uint8Array(ref.memory!.buffer), ptr, len);
      } catch {
        return spawnFailed(SpawnError.Invalid);
      }
      if (depth + 1 >= SPAWN_MAX_DEPTH) return spawnFailed(SpawnError.Limit);
      const file = host(req.path);
      if (!existsSync(file)) return spawnFailed(SpawnError.NotFound);
      const bytes = readFileSync(file);
      if (!isWasmModule(bytes)) return spawnFailed(SpawnError.NotExecutable);
      let child: WebAssembly.Module;
      try {
        child = compile(bytes);
      } catch {
        return spawnFailed(SpawnError.NotExecutable);
      }
      const opened: number[] = [];
      const open = (p: string, flags: string): number => {
        const fd = openSync(host(p), flags);
        opened.push(fd);
        return fd;
      };
      try {
        const stdin = req.stdin.kind === 'file' ? open(req.stdin.path, 'r') : stdio.stdin;
        const stdout = req.stdout.kind === 'file' ? open(req.stdout.path, 'a') : stdio.stdout;
        const stderr = req.stderr.kind === 'file' ? open(req.stderr.path, 'a') : req.stderr.kind === 'stdout' ? stdout : stdio.stderr;
        const r = execute(child, req.argv, spawnEnvRecord(req), { stdin, stdout, stderr }, depth + 1);
        return r.trapped ? spawnSignaled(SPAWN_SIGNAL_TRAP) : spawnExited(r.status);
      } catch {
        return spawnFailed(SpawnError.NotFound);
      } finally {
        for (const fd of opened) closeSync(fd);
      }
    };
    const imports = { wasi_snapshot_preview1: wasi.wasiImport, [SPAWN_IMPORT_MODULE]: { [SPAWN_IMPORT_NAME]: spawn } } as WebAssembly.Imports;
    const instance = new WebAssembly.Instance(module, imports);
    ref.memory = instance.exports.memory as WebAssembly.Memory;
    try {
      return { status: wasi.start(instance), trapped: false };
    } catch (e) {
      if (e instanceof WebAssembly.RuntimeError) return { status: 134, trapped: true };
      throw e;
    }
  };

  return {
    name: 'node:wasi',
    run(argv: string[], options: RunOptions = {}): RunResult {
      stub = options.stubSpawn ?? false;
      const n = runs++;
      const inPath = join(io, `in-${n}`), outPath = join(io, `out-${n}`), errPath = join(io, `err-${n}`);
      writeFileSync(inPath, options.stdin ?? '');
      writeFileSync(outPath, '');
      writeFileSync(errPath, '');
      const fds = { stdin: openSync(inPath, 'r'), stdout: openSync(outPath, 'a'), stderr: openSync(errPath, 'a') };
      let r: { status: number; trapped: boolean };
      try {
        r = execute(compile(options.module ?? boxWasm), argv, { ...DEFAULT_ENV, ...options.env }, fds, 0);
      } finally {
        closeSync(fds.stdin);
        closeSync(fds.stdout);
        closeSync(fds.stderr);
      }
      return { stdout: readFileSync(outPath, 'utf8'), stderr: readFileSync(errPath, 'utf8'), ...r };
    },
    readFile(path: string): string | null {
      const p = host(path);
      return existsSync(p) ? readFileSync(p, 'utf8') : null;
    },
    dispose(): void {
      collect();
      rmSync(root, { recursive: true, force: true });
      rmSync(io, { recursive: true, force: true });
    },
  };
}
