/**
 * Runs one WASI module to completion on a shared MemFS, inside a process Worker, with
 * @wasmer/wasi doing the WASI calls and this file taking over the ones a container needs live:
 * - fd_write to 1/2 streams out as written (wasmer buffers stdio until asked);
 * - fd_read of 0 blocks on a stdin channel of the control block (Atomics.wait) for `-i`: the
 *   main process reads channel 0, an `exec -i` the channel the runtime gave it;
 * - the path_* calls resolve symbolic links (engine/wasi/guest-links.ts over memfs-links.ts);
 * - poll_oneoff (sleep, select on stdin) waits on the doorbell, so a sleeping process still
 *   serves exec and snapshot requests and wakes for stdin;
 * - proc_exit ends the run with its status; a trap ends it with 134 (as SIGABRT would), or with
 *   137 + oomKilled when the memory limit's hook fired.
 */
import { WASI } from '@wasmer/wasi';
import { type ControlViews, DOORBELL, isShared, REQUEST, ringRead, ringReadTerminal, stdinReady } from './control-block.ts';
import { memoryLimitHit } from '../../engine/wasi/memory-limit.ts';
import { afterInterrupts, reportStdioKinds } from './terminal-fds.ts';
import { wrapGuestLinks, type GuestLinks } from '../../engine/wasi/guest-links.ts';
import type { ProcessExit } from '../../engine/ports.ts';
import { watchChanges } from './change-watch.ts';

const ERRNO_SUCCESS = 0;
const ERRNO_INVAL = 28;
const EVENTTYPE_CLOCK = 0;
const SUBCLOCKFLAG_ABSTIME = 1;
export const EXIT_TRAP = 134;

class ProcExit {
  constructor(readonly code: number) {}
}

export interface ProcessHost {
  /** Stream output as written. */
  write(fd: 1 | 2, data: Uint8Array): void;
  /** Serve requests waiting in the control block (called whenever the process blocks or calls out). */
  serve(): void;
  /** Extra import modules (the spawn ABI); they read the process's run and host from `caller` when called. */
  extraImports?: (memory: () => WebAssembly.Memory, caller: ProcessBinding) => WebAssembly.Imports;
}

export type StdinSource = { kind: 'ring'; channel: number } | { kind: 'empty' } | { kind: 'bytes'; data: Uint8Array; at: number };

export interface ProcessRun {
  module: WebAssembly.Module;
  args: string[];
  env: string[];
  cwd: string;
  /** A fresh MemFS handle of the container's root (see memfs-root.ts). */
  fs: WASI['fs'];
  /** The container's symbolic links (memfs-links.ts): every path call resolves through them. */
  links: GuestLinks;
  control: ControlViews;
  /** Where fd 0 reads from: a stdin channel of the control block (`-i`), fixed bytes (a spawn's `< file`), or nothing (/dev/null). */
  stdin: StdinSource;
  /** The fds that are a terminal (`docker run -t`, terminal-fds.ts); none when absent. */
  terminal?: ReadonlySet<number>;
  memoryBytes?: number;
  /** Called before any call that may change the file system (change-watch.ts). */
  onChange?: () => void;
  /** Called when a program this process started (or one of theirs) is killed at the memory limit. */
  onOomKill?: () => void;
}

/**
 * What a process's imports answer for: the run and the host they serve. Prepared ahead
 * (`prepareProcess`), a process is made for one run and bound at its start to another of the same
 * program, arguments, environment, directory and memory limit (`processKey`) - its stdin,
 * terminal, control block and output are that run's.
 */
export interface ProcessBinding {
  run: ProcessRun;
  host: ProcessHost;
}

/** A process whose instance is made and bound to @wasmer/wasi, its `_start` not yet called. */
export interface PreparedProcess {
  readonly binding: ProcessBinding;
  readonly key: string;
  start(): RunResult;
  /** Give back @wasmer/wasi's state of a process that will not start. */
  free(): void;
}

/** What a process is made of before it runs: runs with equal keys can use one prepared process. */
export function processKey(run: Pick<ProcessRun, 'args' | 'env' | 'cwd' | 'memoryBytes'>): string {
  return JSON.stringify([run.args, run.env, run.cwd, run.memoryBytes ?? 0]);
}

function envRecord(env: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of env) {
    const eq = kv.indexOf('=');
    if (eq > 0) out[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  return out;
}

/** Block until the doorbell moves or `ms` pass, serving requests meanwhile. */
function waitDoorbell(control: ControlViews, host: ProcessHost, ms: number): void {
  if (!isShared(control)) {
    // No shared memory (page not cross-origin isolated): nothing can ring, a sleep just passes.
    const until = performance.now() + ms;
    while (performance.now() < until);
    return;
  }
  const seen = Atomics.load(control.words, DOORBELL);
  host.serve();
  if (Atomics.load(control.words, DOORBELL) !== seen) return;
  Atomics.wait(control.words, DOORBELL, seen, ms);
  host.serve();
}

/** The exit of one process; `trapped` tells a trap from a program that chose status 134. */
export type RunResult = ProcessExit & { trapped?: boolean };

export function runProcess(run: ProcessRun, host: ProcessHost): RunResult {
  const prepared = prepareProcess({ run, host });
  return 'start' in prepared ? prepared.start() : prepared;
}

/**
 * Make the process of `binding.run` up to its first instruction: @wasmer/wasi's state (arguments,
 * environment, the MemFS), the imports with this file's calls over them, the instance. What the
 * calls need of the run at call time - stdin, terminal, control block, output - they read from
 * `binding` then, so it may be bound to another run of the same key before `start`.
 */
export function prepareProcess(binding: ProcessBinding): PreparedProcess | RunResult {
  const { run } = binding;
  const wasi = new WASI({ args: run.args, env: envRecord(run.env), fs: run.fs, preopens: { '/': '/' } });
  const imports = wasi.getImports(run.module) as Record<string, Record<string, (...a: never[]) => unknown>>;
  const p = imports.wasi_snapshot_preview1 as Record<string, (...a: number[]) => number>;
  let instance: WebAssembly.Instance | undefined;
  const memory = () => instance!.exports.memory as WebAssembly.Memory;
  const view = () => new DataView(memory().buffer);
  const pending = () => Atomics.load(binding.run.control.words, REQUEST) === 1 && binding.host.serve();
  reportStdioKinds(p, view, () => binding.run.terminal);
  wrapGuestLinks(p, memory, run.links);
  watchChanges(p, () => binding.run.onChange?.());

  const gather = (iovs: number, count: number): Uint8Array[] => {
    const dv = view();
    const parts: Uint8Array[] = [];
    for (let i = 0; i < count; i++) {
      const ptr = dv.getUint32(iovs + i * 8, true);
      const len = dv.getUint32(iovs + i * 8 + 4, true);
      if (len > 0) parts.push(new Uint8Array(memory().buffer, ptr, len));
    }
    return parts;
  };

  const wasiWrite = p.fd_write;
  p.fd_write = (fd, iovs, count, nwritten) => {
    pending();
    if (fd !== 1 && fd !== 2) return wasiWrite(fd, iovs, count, nwritten);
    const parts = gather(iovs, count);
    let total = 0;
    for (const part of parts) total += part.length;
    if (total > 0) {
      const out = new Uint8Array(total);
      let at = 0;
      for (const part of parts) {
        out.set(part, at);
        at += part.length;
      }
      binding.host.write(fd, out);
    }
    view().setUint32(nwritten, total, true);
    return ERRNO_SUCCESS;
  };

  const wasiRead = p.fd_read;
  p.fd_read = (fd, iovs, count, nread) => {
    pending();
    if (fd !== 0) return wasiRead(fd, iovs, count, nread);
    const parts = gather(iovs, count);
    const want = parts.reduce((n, part) => n + part.length, 0);
    let data: Uint8Array;
    const { run } = binding;
    const stdin = run.stdin;
    if (stdin.kind === 'empty') data = new Uint8Array(0);
    else if (stdin.kind === 'bytes') {
      data = stdin.data.subarray(stdin.at, stdin.at + want);
      stdin.at += data.length;
    } else {
      while (!stdinReady(run.control, stdin.channel)) waitDoorbell(run.control, binding.host, 1000);
      data = run.terminal?.has(0) ? afterInterrupts(ringReadTerminal(run.control, want, stdin.channel)) : ringRead(run.control, want, stdin.channel);
    }
    let at = 0;
    for (const part of parts) {
      const n = Math.min(part.length, data.length - at);
      // The memory may have grown while we waited: take a fresh view.
      new Uint8Array(memory().buffer, part.byteOffset, n).set(data.subarray(at, at + n));
      at += n;
      if (at >= data.length) break;
    }
    view().setUint32(nread, data.length, true);
    return ERRNO_SUCCESS;
  };

  p.poll_oneoff = (inPtr, outPtr, nsubs, neventsPtr) => {
    if (nsubs === 0) return ERRNO_INVAL;
    const { run, host } = binding;
    const start = performance.now();
    const subs: Array<{ userdata: bigint; tag: number; deadline?: number; fd?: number }> = [];
    let dv = view();
    for (let i = 0; i < nsubs; i++) {
      const at = inPtr + i * 48;
      const userdata = dv.getBigUint64(at, true);
      const tag = dv.getUint8(at + 8);
      if (tag === EVENTTYPE_CLOCK) {
        const timeout = Number(dv.getBigUint64(at + 24, true)) / 1e6;
        const flags = dv.getUint16(at + 40, true);
        const id = dv.getUint32(at + 16, true);
        const now = id === 0 ? Date.now() : performance.now();
        const relative = flags & SUBCLOCKFLAG_ABSTIME ? timeout - now : timeout;
        subs.push({ userdata, tag, deadline: start + Math.max(0, relative) });
      } else subs.push({ userdata, tag, fd: dv.getUint32(at + 16, true) });
    }
    for (;;) {
      const now = performance.now();
      const ready = subs.filter((s) =>
        s.tag === EVENTTYPE_CLOCK ? now >= s.deadline! : s.fd !== 0 || run.stdin.kind !== 'ring' || stdinReady(run.control, run.stdin.channel),
      );
      if (ready.length > 0) {
        dv = view();
        ready.forEach((s, i) => {
          const at = outPtr + i * 32;
          for (let b = 0; b < 32; b++) dv.setUint8(at + b, 0);
          dv.setBigUint64(at, s.userdata, true);
          dv.setUint16(at + 8, ERRNO_SUCCESS, true);
          dv.setUint8(at + 10, s.tag);
          if (s.tag !== EVENTTYPE_CLOCK) dv.setBigUint64(at + 16, 1n, true);
        });
        dv.setUint32(neventsPtr, ready.length, true);
        return ERRNO_SUCCESS;
      }
      const clocks = subs.filter((s) => s.deadline !== undefined).map((s) => s.deadline! - now);
      waitDoorbell(run.control, host, clocks.length > 0 ? Math.max(0, Math.min(...clocks)) : 1000);
    }
  };

  p.proc_exit = (code) => {
    throw new ProcExit(code);
  };
  p.sched_yield = () => {
    pending();
    return ERRNO_SUCCESS;
  };
  const free = () => {
    try {
      wasi.free();
    } catch {
      // Already given back.
    }
  };
  if (!p.fd_write || !p.fd_read) {
    free();
    return { exitCode: 126, oomKilled: false, error: 'not a WASI command module' };
  }
  const all: WebAssembly.Imports = { ...imports, ...(binding.host.extraImports?.(memory, binding) ?? {}) };
  try {
    instance = new WebAssembly.Instance(run.module, all);
  } catch (e) {
    free();
    const memoryError = e instanceof RangeError;
    if (memoryError && run.memoryBytes !== undefined) return { exitCode: 137, oomKilled: true };
    return { exitCode: 126, oomKilled: false, error: `cannot start ${run.args[0]}: ${(e as Error).message}` };
  }
  const entry = instance.exports._start;
  if (typeof entry !== 'function') {
    free();
    return { exitCode: 126, oomKilled: false, error: `${run.args[0]}: not a WASI command (no _start)` };
  }
  wasi.instantiate(instance);
  const started = instance;
  return {
    binding,
    key: processKey(run),
    free,
    start: (): RunResult => {
      try {
        (entry as () => void)();
        return { exitCode: 0, oomKilled: false };
      } catch (e) {
        if (e instanceof ProcExit) return { exitCode: e.code & 0xff, oomKilled: false };
        if (memoryLimitHit(started)) return { exitCode: 137, oomKilled: true };
        binding.host.write(2, new TextEncoder().encode(`${binding.run.args[0]}: ${trapMessage(e)}\n`));
        return { exitCode: EXIT_TRAP, oomKilled: false, trapped: true };
      } finally {
        free();
      }
    },
  };
}

function trapMessage(e: unknown): string {
  if (e instanceof Error) return e instanceof RangeError ? `stack overflow (${e.message})` : `wasm trap: ${e.message}`;
  return String(e);
}
