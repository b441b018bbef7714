/**
 * What a host supplies so that engine/wasi/process-host.ts can run a container's programs.
 *
 * The process host owns every rule of running a WASI program: finding it (PATH, 126/127 and
 * Docker's words for them), compiling it under the memory limit (137 + OOMKilled), the import
 * object (preview1 with the container's symbolic links, `dockyard.spawn` and its depth), traps
 * and exit statuses. A host brings only what differs between hosts, through this interface:
 *
 * - `files`: its file system, as the guest sees it - the browser's MemFS and link table, the
 *   kernel's container rootfs on disk. Guest paths are absolute; links are followed inside the
 *   root (guest-links.ts).
 * - `wasi`: its WASI constructor - @wasmer/wasi in the browser, node:wasi on the kernel - making
 *   the preview1 state of one process for given arguments, environment and stdio.
 * - `transport` and `childStdio`: its stdio and control transport - how output leaves the
 *   process, where stdin comes from, how a blocked call serves the host's requests (the
 *   browser's control block), and what a spawned child inherits or gets from a redirection.
 *
 * `S` is the host's handle on one process's stdio (its file descriptors on the kernel, its
 * binding to a control block and output callbacks in the browser). The process host never looks
 * inside it: it hands the caller's to `childStdio` and the result to `wasi` and `transport`.
 *
 * Contract:
 * - Every member is synchronous: a guest is blocked inside an import while a child runs.
 * - `files.kindOf` never throws; `files.read` throws when the file cannot be read.
 * - `wasi(...)` makes fresh state per process; its `free` may be called more than once.
 * - `transport` wraps the preview1 imports in place after the process host's own wrappers (the
 *   links), so what it delegates to already sees the guest's links. It may replace any call.
 *
 * - `signals`: where signals for the container's processes come from (signal-abi.ts); the
 *   process host decides which process gets each and what it does, and tells the transport when a
 *   blocking call must return EINTR (ProcessSignals).
 *
 * - `sockets`: the container's network transport (socket-port.ts); the process host builds the
 *   guest's socket imports over it (socket-abi.ts, guest-sockets.ts). A host without a network
 *   leaves it out: its programs start, and opening a socket fails with ENETDOWN.
 *
 * Hosts without a member leave it out.
 */
import type { GuestLinks } from './guest-links.ts';
import type { PathKind } from './program-path.ts';
import type { SocketTransport } from './socket-port.ts';
import type { SpawnRequest } from './spawn-abi.ts';

/** A wasi_snapshot_preview1 import object, changed in place by wrappers. */
export type Preview1 = Record<string, (...args: never[]) => unknown>;

/** The container's root file system as its guests see it. */
export interface ProcessFiles {
  /** What the absolute guest path `path` is, every link followed; undefined when nothing is there. */
  kindOf(path: string): PathKind;
  /** The bytes of the regular file at `path`, links followed. Throws when it cannot be read. */
  read(path: string): Uint8Array;
  /** The root's symbolic links: every path call of a guest is resolved through them. */
  links: GuestLinks;
}

/** Signals that arrived for a container, as masks (signal-abi.ts signalBit). */
export interface ArrivedSignals {
  /** For PID 1: `docker kill`, `docker stop`. */
  init: number;
  /** For the foreground chain of the terminal: its interrupt key. */
  foreground: number;
}

/** Where a host's signals come from: asked whenever a process could act on one. */
export interface SignalSource<S> {
  /** The signals that arrived since the last call (taken), seen from the process with `stdio`. */
  take(stdio: S): ArrivedSignals;
}

/** What the transport asks of the process host about signals, from inside a blocking call. */
export interface ProcessSignals {
  /**
   * True when the process has a signal to take: a blocking fd_read or poll_oneoff returns
   * ERRNO_INTR now. Throws (an error the process host catches) when a signal's default action
   * ends the process.
   */
  interrupted(): boolean;
}

/** One process's state in the host's WASI runtime. */
export interface HostWasi {
  /** The import modules the runtime offers `module` (wasi_snapshot_preview1 at least). */
  imports(module: WebAssembly.Module): WebAssembly.Imports;
  /** The instance is made (the runtime may need to bind its memory before start). */
  instantiated?(instance: WebAssembly.Instance): void;
  /** Run `_start`: the status proc_exit gave (0 when `_start` returned). Throws what the guest threw (a trap). */
  start(instance: WebAssembly.Instance): number;
  /** Give the runtime's state back; safe to call again. */
  free(): void;
}

export interface ProcessHostPorts<S> {
  files: ProcessFiles;
  /** The host's WASI constructor: a process with `args`, `env` and stdio `stdio`. */
  wasi(args: string[], env: Record<string, string>, stdio: S): HostWasi;
  /** The host's stdio/control transport over a process's preview1 imports (changed in place). */
  transport?(preview1: Preview1, memory: () => WebAssembly.Memory, stdio: S, signals: ProcessSignals): void;
  /** Where signals come from; a host without them leaves it out (its programs never see one). */
  signals?: SignalSource<S>;
  /** The container's sockets (socket-port.ts); a host without a network leaves it out. */
  sockets?: SocketTransport;
  /**
   * The stdio of a child the process with `caller` spawns: inherited where `request` says so,
   * otherwise the files it names (stdout/stderr appended to, created if missing). undefined when
   * a file to read from is not there. `release` runs after the child ended.
   */
  childStdio(caller: S, request: SpawnRequest): { stdio: S; release(): void } | undefined;
  /** Text the process host writes to a process's stderr (a trap, a failed start). */
  writeError(stdio: S, text: string): void;
  /** A program that `caller` (or one of its children) started was killed at the memory limit. */
  childOomKilled(caller: S): void;
  /**
   * An error the host's runtime raises to end the whole container at once (the kernel's SIGINT
   * watchdog): passed through every program unhandled. Absent: every error of a guest is a trap.
   */
  fatal?(error: unknown): boolean;
}
