/**
 * The browser's side of `dockyard.spawn` (engine/wasi/spawn-abi.ts): run another module of the
 * container's file system synchronously, on the same MemFS, inside the calling process's Worker.
 */
import type { WASI } from '@wasmer/wasi';
import {
  decodeSpawnRequest,
  isWasmModule,
  SPAWN_IMPORT_MODULE,
  SPAWN_IMPORT_NAME,
  SPAWN_MAX_DEPTH,
  SPAWN_SIGNAL_KILL,
  SPAWN_SIGNAL_TRAP,
  SpawnError,
  spawnEnvRecord,
  spawnExited,
  spawnFailed,
  spawnSignaled,
  type SpawnStdio,
} from '../../engine/wasi/spawn-abi.ts';
import { kindAt, readFile, writeFile, type LoadedRoot } from './memfs-root.ts';
import type { ProgramCache } from './program-cache.ts';
import { runProcess, type ProcessBinding, type ProcessHost, type ProcessRun, type StdinSource } from './wasi-process.ts';
import { inheritedTerminalFds } from './terminal-fds.ts';

export interface SpawnContext {
  anchor: WASI;
  root: LoadedRoot;
  programs: ProgramCache;
  /** The caller's process (read at each spawn): its stdio is what a child inherits. */
  caller: ProcessBinding;
  depth: number;
}

/** Append to `path` (links followed; a dangling link's target is created, as open(O_CREAT) does). */
function appendFile(anchor: WASI, root: LoadedRoot, link: string, data: Uint8Array): void {
  const path = root.links.resolve(link);
  if (path === undefined) return;
  const old = kindAt(anchor, root, path) === 'file' ? readFile(anchor.fs, path) : new Uint8Array(0);
  const next = new Uint8Array(old.length + data.length);
  next.set(old);
  next.set(data, old.length);
  writeFile(anchor.fs, path, next);
}

/** A child killed at the memory limit: signal 9 to its caller, and the container learns of it (Docker's OOMKilled). */
function oomKilled(ctx: SpawnContext): number {
  ctx.caller.run.onOomKill?.();
  return spawnSignaled(SPAWN_SIGNAL_KILL);
}

/** The `dockyard` import module for a process run under `ctx`. */
export function spawnImports(ctx: SpawnContext, memory: () => WebAssembly.Memory): WebAssembly.Imports {
  const spawn = (ptr: number, len: number): number => {
    let request;
    try {
      request = decodeSpawnRequest(new Uint8Array(memory().buffer), ptr, len);
    } catch {
      return spawnFailed(SpawnError.Invalid);
    }
    if (ctx.depth >= SPAWN_MAX_DEPTH) return spawnFailed(SpawnError.Limit);
    if (kindAt(ctx.anchor, ctx.root, request.path) !== 'file') return spawnFailed(SpawnError.NotFound);
    let module: WebAssembly.Module | null;
    try {
      const path = ctx.root.links.resolve(request.path)!;
      if (!isWasmModule(readFile(ctx.anchor.fs, path))) return spawnFailed(SpawnError.NotExecutable);
      module = ctx.programs.load(ctx.anchor.fs, path);
    } catch {
      return spawnFailed(SpawnError.NotExecutable);
    }
    if (!module) return oomKilled(ctx);

    const { run: parentRun, host: parent } = ctx.caller;
    const route = (io: SpawnStdio, inheritFd: 1 | 2): ((data: Uint8Array) => void) => {
      if (io.kind === 'inherit') return (data) => parent.write(inheritFd, data);
      if (io.kind === 'file') {
        return (data) => {
          parentRun.onChange?.();
          appendFile(ctx.anchor, ctx.root, io.path, data);
        };
      }
      return route(request.stdout, 1);
    };
    const toStdout = route(request.stdout, 1);
    const toStderr = route(request.stderr, 2);
    let stdin: StdinSource = parentRun.stdin;
    if (request.stdin.kind === 'file') {
      if (kindAt(ctx.anchor, ctx.root, request.stdin.path) !== 'file') return spawnFailed(SpawnError.NotFound);
      stdin = { kind: 'bytes', data: readFile(ctx.anchor.fs, ctx.root.links.resolve(request.stdin.path)!), at: 0 };
    }
    const env = Object.entries(spawnEnvRecord(request)).map(([k, v]) => `${k}=${v}`);
    const toFile = (io: SpawnStdio): boolean => io.kind === 'file' || (io.kind === 'stdout' && request.stdout.kind === 'file');
    const terminal = parentRun.terminal && inheritedTerminalFds(parentRun.terminal, { stdin: request.stdin.kind === 'file', stdout: toFile(request.stdout), stderr: toFile(request.stderr) });
    const childRun: ProcessRun = { ...parentRun, module, args: request.argv, env, cwd: request.cwd, fs: ctx.anchor.fs, stdin, terminal };
    const child: ProcessHost = {
      write: (fd, data) => (fd === 1 ? toStdout(data) : toStderr(data)),
      serve: parent.serve,
      extraImports: (mem, caller) => spawnImports({ ...ctx, caller, depth: ctx.depth + 1 }, mem),
    };
    const exit = runProcess(childRun, child);
    if (exit.oomKilled) return oomKilled(ctx);
    if (exit.trapped) return spawnSignaled(SPAWN_SIGNAL_TRAP);
    if (exit.error && exit.exitCode >= 126) return spawnFailed(SpawnError.NotExecutable);
    return spawnExited(exit.exitCode);
  };
  return { [SPAWN_IMPORT_MODULE]: { [SPAWN_IMPORT_NAME]: spawn } };
}
