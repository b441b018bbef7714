/**
 * Messages between the engine worker (the WASI runtime adapter) and a process Worker. Messages to
 * a running process go through the control block instead (control-block.ts): its thread is busy.
 */
import type { FsNode, ProcessExit } from '../../engine/ports.ts';

/** A root file system as it crosses to a process Worker: parents before children, paths absolute. */
export type RootEntries = Array<[string, FsNode]>;

/** What the process changed relative to the entries it was started on. */
export interface RootDelta {
  /** Paths that were added or whose content changed, with their new state. */
  written: Array<[string, FsNode]>;
  /** Paths that no longer exist (children of a deleted directory are not listed). */
  removed: string[];
}

export interface ProcessLaunch {
  args: string[];
  env: string[];
  cwd: string;
  /** The program, compiled by the engine worker (cached there per layer digest and path). */
  module: WebAssembly.Module;
  /** Linear memory cap in bytes, already applied to `module`; used to report oomKilled. */
  memoryBytes?: number;
}

export type ToProcess =
  /**
   * `tty`: stdin, stdout and stderr are a terminal (`docker run -t`). `rootKey` names `root` when
   * the runtime can (the same image root has the same key); with `reuseRoot` the Worker starts on
   * the root it kept under that key (kept-root.ts) and `root` holds only the files to write over it.
   * `net`: the container's socket channel (worker/net/socket-channel.ts); absent, it has no network.
   */
  | { type: 'start'; control: SharedArrayBuffer; net?: SharedArrayBuffer; root: RootEntries; rootKey?: string; reuseRoot?: boolean; launch: ProcessLaunch; interactive: boolean; tty: boolean }
  /** Only while no process runs (the worker is idle between start messages). */
  | { type: 'ping' };

/** Requests that reach a running process through the control block's request area (JSON). */
export type ProcessRequest =
  | { id: number; kind: 'snapshot' }
  /**
   * `stdin`: the control block's stdin channel the exec reads (`exec -i`); absent, it reads
   * /dev/null. `tty`: its stdio is a terminal (`exec -t`).
   */
  | { id: number; kind: 'exec'; args: string[]; env: string[]; cwd: string; stdin?: number; tty: boolean };

export type FromProcess =
  | { type: 'ready' }
  | { type: 'output'; fd: 1 | 2; data: Uint8Array; exec?: number }
  /**
   * `reusable`: the Worker is idle and sound (no trap, its MemFS readable) and may run another
   * container. `keptRoot`: the root's key, when the container changed no file and the Worker keeps it.
   */
  | { type: 'exit'; exit: ProcessExit; delta: RootDelta | null; reusable: boolean; keptRoot?: string }
  | { type: 'exec-exit'; exec: number; exit: ProcessExit }
  | { type: 'snapshot'; id: number; delta: RootDelta };
