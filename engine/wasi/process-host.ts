/**
 * The process host: how a container's program runs, on any host. One implementation of the rules
 * both engines follow - finding the program, what cannot be run (126/127 in Docker's words),
 * compiling under the memory limit (137 + OOMKilled), the import object (preview1 with the
 * container's links, `dockyard.spawn` and how deep it nests), the environment, traps and exit
 * statuses. A host adapts only its file system, WASI runtime and stdio transport
 * (process-host-ports.ts).
 */
import type { ProcessExit } from '../ports.ts';
import { wrapGuestLinks } from './guest-links.ts';
import { NO_NETWORK, wrapGuestSockets } from './guest-sockets.ts';
import { memoryLimitHit } from './memory-limit.ts';
import { lookupProgram, notExecutable } from './program-path.ts';
import type { ProgramCache } from './program-cache.ts';
import type { Preview1, ProcessFiles, ProcessHostPorts, ProcessSignals } from './process-host-ports.ts';
import { SOCKET_IMPORT_MODULE } from './socket-abi.ts';
import { SIGNAL_IMPORT_NAME, SIGNAL_OP_IS_INIT, SIGNAL_OP_TAKE, signalBit, signalsOf, terminatesByDefault } from './signal-abi.ts';
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
  type SpawnRequest,
} from './spawn-abi.ts';

/** A trap ends a program as SIGABRT would: 128 + 6. */
export const EXIT_TRAP = 134;
/** Killed (the memory limit, SIGKILL): 128 + 9. */
export const EXIT_KILLED = 137;

/**
 * How a program ended; `trapped` tells a trap from a program that chose status 134, `signaled` a
 * program ended by a signal's default action (its status is 128 + that signal).
 */
export type ProgramExit = ProcessExit & { trapped?: boolean; signaled?: number };

/** One program to run: its module, command line, environment and where in the spawn chain it is. */
export interface ProgramRun<S> {
  module: WebAssembly.Module;
  args: string[];
  /** "NAME=value", PWD included (containerEnv, spawnEnvRecord). */
  env: string[];
  stdio: S;
  /** 0 for a container's process (its first, an exec); a child of depth d is d + 1. */
  depth: number;
  /** The container's memory limit: the module was compiled under it (memory-limit.ts). */
  memoryBytes?: number;
  /** The container's first process, its PID 1 (signal-abi.ts): not an exec, not a spawned child. */
  init?: boolean;
}

/** A process made up to its first instruction. */
export interface PreparedProgram {
  start(): ProgramExit;
  /** Give back the state of a process that will not start. */
  free(): void;
}

/**
 * Whether a process at `depth` may start another program. A container's process is depth 0, so a
 * chain of SPAWN_MAX_DEPTH programs can run below it, on every host.
 */
export function maySpawn(depth: number): boolean {
  return depth < SPAWN_MAX_DEPTH;
}

/**
 * The environment of a container's process (its first, an exec): with -t Docker gives TERM=xterm
 * unless the container sets its own (a later entry wins); PWD carries the working directory, which
 * WASI preview1 has no other way to pass (spawn-abi.ts).
 */
export function containerEnv(spec: { env: string[]; cwd: string; tty?: boolean }): string[] {
  const env = spec.tty ? ['TERM=xterm', ...spec.env] : spec.env;
  return Object.entries(spawnEnvRecord({ env, cwd: spec.cwd || '/' })).map(([k, v]) => `${k}=${v}`);
}

/**
 * A WASI program under -t has no ioctl to ask its terminal's size: it gets COLUMNS and LINES from the
 * console size the container started with (put before the container's own env, which wins). A
 * process on a real pty (runc) asks the pty instead, and gets no such variables, as with Docker.
 */
export function consoleEnv(spec: { tty?: boolean; consoleSize?: { rows: number; cols: number } }): string[] {
  if (!spec.tty || !spec.consoleSize) return [];
  return [`COLUMNS=${spec.consoleSize.cols}`, `LINES=${spec.consoleSize.rows}`];
}

function envRecord(env: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of env) {
    const eq = kv.indexOf('=');
    if (eq > 0) out[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  return out;
}

/** The program `name` names, found and read: its guest path and bytes, or why it cannot start (126/127). */
export function locateProgram(files: Pick<ProcessFiles, 'kindOf' | 'read'>, name: string, env: string[], cwd: string): { path: string; bytes: Uint8Array } | ProcessExit {
  const found = lookupProgram(name, env, cwd, (p) => files.kindOf(p));
  if (!('path' in found)) return { exitCode: found.exitCode, oomKilled: false, error: found.error };
  let bytes: Uint8Array;
  try {
    bytes = files.read(found.path);
  } catch {
    return { exitCode: 126, oomKilled: false, error: `exec: "${name}": permission denied` };
  }
  if (!isWasmModule(bytes)) return { ...notExecutable(name), oomKilled: false };
  return { path: found.path, bytes };
}

/** The module of a container's process, compiled under its memory limit, or why it cannot start (126/127/137). */
export function loadProgram(files: ProcessFiles, programs: ProgramCache, name: string, env: string[], cwd: string): { module: WebAssembly.Module } | ProcessExit {
  const found = locateProgram(files, name, env, cwd);
  if (!('path' in found)) return found;
  let module: WebAssembly.Module | null;
  try {
    module = programs.load(found.path, found.bytes);
  } catch {
    return { ...notExecutable(name), oomKilled: false };
  }
  // Its first pages alone are over the limit: it started and was killed at once.
  return module ? { module } : { exitCode: EXIT_KILLED, oomKilled: true };
}

/** A process ended by a signal's default action, thrown from inside one of its WASI calls. */
class SignalKill {
  constructor(readonly signal: number) {}
}

/** A process as signals see it: where it is in its chain and what is pending for it (a mask). */
interface SignalRecord {
  depth: number;
  init: boolean;
  /** It imports dockyard.signal, so it acts on signals itself. */
  handles: boolean;
  pending: number;
}

/**
 * The processes running on this thread now, outermost first: a spawned child runs inside its
 * caller's dockyard.spawn call and an exec inside a blocked call of the main process, so the
 * thread's stack of calls is this stack of processes. A host runs one container per thread.
 */
const running: SignalRecord[] = [];

/** Take what arrived from the host and hand each signal to the processes it is for (signal-abi.ts). */
function collectSignals<S>(ports: ProcessHostPorts<S>, stdio: S): void {
  if (!ports.signals) return;
  const arrived = ports.signals.take(stdio);
  if (arrived.init) {
    const init = running.find((r) => r.init);
    if (init) init.pending |= arrived.init;
  }
  if (arrived.foreground) {
    for (let i = running.length - 1; i >= 0; i--) {
      running[i].pending |= arrived.foreground;
      if (running[i].depth === 0) break;
    }
  }
}

/** A process's side of signals: the import it calls, and what its blocking calls ask. */
function processSignals<S>(ports: ProcessHostPorts<S>, record: SignalRecord, stdio: S): ProcessSignals & { call(op: number): number } {
  return {
    interrupted() {
      collectSignals(ports, stdio);
      if (record.pending === 0) return false;
      if (record.handles) return true;
      // Default actions for a program that cannot handle signals: PID 1 ignores them.
      const fatal = record.init ? undefined : signalsOf(record.pending).find(terminatesByDefault);
      record.pending = 0;
      if (fatal !== undefined) throw new SignalKill(fatal);
      return false;
    },
    call(op) {
      if (op === SIGNAL_OP_IS_INIT) return record.init ? 1 : 0;
      if (op !== SIGNAL_OP_TAKE) return -1;
      collectSignals(ports, stdio);
      const [first] = signalsOf(record.pending);
      if (first === undefined) return 0;
      record.pending &= ~signalBit(first);
      return first;
    },
  };
}

/** A program that cannot handle signals and is not PID 1 meets its default actions at every WASI call. */
function checkAtEveryCall(preview1: Preview1, signals: ProcessSignals): void {
  for (const [name, inner] of Object.entries(preview1)) {
    if (typeof inner !== 'function') continue;
    preview1[name] = ((...args: never[]) => {
      signals.interrupted();
      return inner(...args);
    }) as Preview1[string];
  }
}

function trapMessage(e: unknown): string {
  if (e instanceof Error) return e instanceof RangeError ? `stack overflow (${e.message})` : `wasm trap: ${e.message}`;
  return String(e);
}

export function runProgram<S>(ports: ProcessHostPorts<S>, programs: ProgramCache, run: ProgramRun<S>): ProgramExit {
  const prepared = prepareProgram(ports, programs, run);
  return 'start' in prepared ? prepared.start() : prepared;
}

/**
 * Make the process of `run` up to its first instruction: the host's WASI state, the imports (the
 * guest's links, the host's transport, dockyard.spawn), the instance. `programs` compiles what it
 * spawns (under the same memory limit).
 */
export function prepareProgram<S>(ports: ProcessHostPorts<S>, programs: ProgramCache, run: ProgramRun<S>): PreparedProgram | ProgramExit {
  const name = run.args[0] ?? '';
  const wasi = ports.wasi(run.args, envRecord(run.env), run.stdio);
  const cannot = (error: string): ProgramExit => {
    wasi.free();
    return { exitCode: 126, oomKilled: false, error: `exec: "${name}": ${error}` };
  };
  let imports: Record<string, Preview1>;
  try {
    imports = wasi.imports(run.module) as Record<string, Preview1>;
  } catch (e) {
    return cannot(`exec format error (${(e as Error).message})`);
  }
  const preview1 = imports.wasi_snapshot_preview1;
  if (!preview1) return cannot('exec format error (not a WASI command module)');
  let instance: WebAssembly.Instance | undefined;
  const memory = () => instance!.exports.memory as WebAssembly.Memory;
  const handles = WebAssembly.Module.imports(run.module).some((i) => i.module === SPAWN_IMPORT_MODULE && i.name === SIGNAL_IMPORT_NAME);
  const record: SignalRecord = { depth: run.depth, init: run.init ?? false, handles, pending: 0 };
  const signals = processSignals(ports, record, run.stdio);
  wrapGuestLinks(preview1, memory, ports.files.links);
  ports.transport?.(preview1, memory, run.stdio, signals);
  const sockets = wrapGuestSockets(preview1, memory, ports.sockets ?? NO_NETWORK, signals);
  if (ports.signals && !handles && !record.init) checkAtEveryCall(preview1, signals);
  const dockyard = { [SPAWN_IMPORT_NAME]: spawnCall(ports, programs, run, memory), [SIGNAL_IMPORT_NAME]: (op: number) => signals.call(op) };
  const all: WebAssembly.Imports = { ...imports, [SPAWN_IMPORT_MODULE]: dockyard, [SOCKET_IMPORT_MODULE]: sockets.wasix };
  const missing = WebAssembly.Module.imports(run.module).filter((i) => !(i.module in all) || !(i.name in (all[i.module] as object)));
  if (missing.length > 0) return cannot(`exec format error (needs imports this runtime lacks: ${missing.map((i) => `${i.module}.${i.name}`).join(', ')})`);
  try {
    instance = new WebAssembly.Instance(run.module, all);
  } catch (e) {
    // Its initial memory cannot be had: killed at the limit, as a process whose first pages are over it.
    if (e instanceof RangeError && run.memoryBytes !== undefined) {
      wasi.free();
      return { exitCode: EXIT_KILLED, oomKilled: true };
    }
    return cannot(`exec format error (${(e as Error).message})`);
  }
  if (typeof instance.exports._start !== 'function') return cannot('exec format error (not a WASI command: no _start)');
  wasi.instantiated?.(instance);
  const started = instance;
  return {
    free: () => {
      sockets.closeAll();
      wasi.free();
    },
    start: (): ProgramExit => {
      running.push(record);
      try {
        return { exitCode: wasi.start(started) & 0xff, oomKilled: false };
      } catch (e) {
        if (e instanceof SignalKill) return { exitCode: 128 + e.signal, oomKilled: false, signaled: e.signal };
        if (ports.fatal?.(e)) throw e;
        if (memoryLimitHit(started)) return { exitCode: EXIT_KILLED, oomKilled: true };
        ports.writeError(run.stdio, `${name}: ${trapMessage(e)}\n`);
        return { exitCode: EXIT_TRAP, oomKilled: false, trapped: true };
      } finally {
        running.splice(running.lastIndexOf(record), 1);
        sockets.closeAll();
        wasi.free();
      }
    },
  };
}

/** The `dockyard.spawn` import of the process `caller` (spawn-abi.ts): a child runs on the same root, synchronously. */
function spawnCall<S>(ports: ProcessHostPorts<S>, programs: ProgramCache, caller: ProgramRun<S>, memory: () => WebAssembly.Memory): (ptr: number, len: number) => number {
  const killed = (): number => {
    ports.childOomKilled(caller.stdio);
    return spawnSignaled(SPAWN_SIGNAL_KILL);
  };
  return (ptr, len) => {
    let request: SpawnRequest;
    try {
      request = decodeSpawnRequest(new Uint8Array(memory().buffer), ptr, len);
    } catch {
      return spawnFailed(SpawnError.Invalid);
    }
    if (!maySpawn(caller.depth)) return spawnFailed(SpawnError.Limit);
    if (ports.files.kindOf(request.path) !== 'file') return spawnFailed(SpawnError.NotFound);
    let module: WebAssembly.Module | null;
    try {
      const bytes = ports.files.read(request.path);
      if (!isWasmModule(bytes)) return spawnFailed(SpawnError.NotExecutable);
      module = programs.load(request.path, bytes);
    } catch {
      return spawnFailed(SpawnError.NotExecutable);
    }
    if (!module) return killed();
    const child = ports.childStdio(caller.stdio, request);
    if (!child) return spawnFailed(SpawnError.NotFound);
    let exit: ProgramExit;
    try {
      const env = Object.entries(spawnEnvRecord(request)).map(([k, v]) => `${k}=${v}`);
      exit = runProgram(ports, programs, { module, args: request.argv, env, stdio: child.stdio, depth: caller.depth + 1, memoryBytes: caller.memoryBytes });
    } finally {
      child.release();
    }
    if (exit.oomKilled) return killed();
    if (exit.trapped) return spawnSignaled(SPAWN_SIGNAL_TRAP);
    if (exit.signaled !== undefined) return spawnSignaled(exit.signaled);
    if (exit.error !== undefined && exit.exitCode >= 126) return spawnFailed(SpawnError.NotExecutable);
    return spawnExited(exit.exitCode);
  };
}
