/**
 * The kernel's adapter to the process host (engine/wasi/process-host.ts): a container's programs
 * run by Node's WASI (preview1) on the container's rootfs, their stdio file descriptors of this
 * process. What this file supplies (engine/wasi/process-host-ports.ts):
 * - files: the rootfs on disk, every guest path resolved inside it first (root-links.ts), so the
 *   OS never follows a guest's link out of the root;
 * - wasi: node:wasi with the root preopened as `/` and the process's descriptors as stdio;
 * - childStdio: a spawned child inherits its caller's descriptors or gets files opened for it;
 * - signals and transport, in the runner's guest thread only: the control block's signals, and
 *   stdin and waits over it (runner-control.ts, runner-transport.ts);
 * - sockets, in the guest thread when the service built the native calls: real TCP sockets of
 *   the container's network namespace (kernel-sockets.ts).
 *
 * `runGuest` is what wasi-runner.ts runs inside runc; tests run it outside runc on a directory.
 */
import { closeSync, lstatSync, openSync, readFileSync, writeSync } from 'node:fs';
import { WASI } from 'node:wasi';
import { resolveInRootSync } from '../../engine/layers/path-rules.ts';
import { ProgramCache } from '../../engine/wasi/program-cache.ts';
import { startFailureLine, type PathKind } from '../../engine/wasi/program-path.ts';
import { containerEnv, loadProgram, prepareProgram, type PreparedProgram, type ProgramExit } from '../../engine/wasi/process-host.ts';
import type { ProcessHostPorts } from '../../engine/wasi/process-host-ports.ts';
import type { SocketTransport } from '../../engine/wasi/socket-port.ts';
import { diskLinks } from './root-links.ts';
import { controlSignals, type RunnerControl } from './runner-control.ts';
import { runnerTransport } from './runner-transport.ts';

/** A process's stdio: file descriptors of this Node process. */
export interface FdStdio {
  stdin: number;
  stdout: number;
  stderr: number;
}

export interface RunnerSpec {
  /** Program path or name (searched in PATH) inside the guest root, then its arguments. */
  args: string[];
  /** The process's environment (TERM under -t already in it: engine/wasi/process-host.ts containerEnv); PWD is set from cwd. */
  env: string[];
  cwd: string;
  /** Where the guest's root file system is mounted in the runtime root ("/rootfs"). */
  root: string;
  /** The linear memory cap (the port's memoryBytes), written into the module's memory limits. */
  memoryBytes?: number;
  /** A `docker exec` into the running container (not its PID 1). */
  exec?: boolean;
}

/** What the runner tells the service on its status channel (runc-process.ts reads it). */
export type RunnerReport = { error: string; code: number } | { started: true } | { oomKilled: true } | { childOomKilled: true } | { ready: true };

/** A guest path resolved as if `root` were `/` (the engine's rule), as a host path under root. */
function hostPath(root: string, links: ReturnType<typeof diskLinks>, guestPath: string): string {
  const rel = resolveInRootSync(guestPath, true, (p) => links.readlink(`/${p}`));
  return rel === '' ? root : `${root}/${rel}`;
}

/**
 * The runner's control block (runner-control.ts) when the guest runs in its worker thread: signals
 * and stdin come through it; `taken` tells the main thread stdin bytes were taken.
 */
export interface GuestControl {
  control: RunnerControl;
  taken(): void;
  /** The container's sockets (kernel-sockets.ts); without them the guest's sock_open is ENETDOWN. */
  sockets?: SocketTransport;
}

/** The process host's ports for a container whose root is the host directory `root`. */
export function kernelPorts(root: string, report: (message: RunnerReport) => void, guest?: GuestControl): ProcessHostPorts<FdStdio> {
  const links = diskLinks(root);
  const host = (path: string) => hostPath(root, links, path);
  return {
    ...(guest && {
      signals: controlSignals<FdStdio>(guest.control),
      transport: (preview1, memory, stdio, signals) => runnerTransport(preview1, memory, guest.control, stdio.stdin === 0, signals, guest.taken),
    }),
    ...(guest?.sockets && { sockets: guest.sockets }),
    files: {
      kindOf(path): PathKind {
        try {
          const st = lstatSync(host(path));
          return st.isDirectory() ? 'dir' : st.isFile() ? 'file' : undefined;
        } catch {
          return undefined;
        }
      },
      read: (path) => readFileSync(host(path)),
      links,
    },
    wasi(args, env, stdio) {
      const wasi = new WASI({ version: 'preview1', args, env, preopens: { '/': root }, returnOnExit: true, ...stdio });
      return {
        // node:wasi's own object stays untouched: the process host wraps a copy.
        imports: () => ({ wasi_snapshot_preview1: { ...wasi.wasiImport } }) as WebAssembly.Imports,
        start: (instance) => wasi.start(instance),
        free: () => undefined,
      };
    },
    childStdio(caller, request) {
      const opened: number[] = [];
      const open = (p: string, flags: string): number => {
        const fd = openSync(host(p), flags);
        opened.push(fd);
        return fd;
      };
      const release = () => {
        for (const fd of opened.splice(0)) closeSync(fd);
      };
      try {
        const stdin = request.stdin.kind === 'file' ? open(request.stdin.path, 'r') : caller.stdin;
        const stdout = request.stdout.kind === 'file' ? open(request.stdout.path, 'a') : caller.stdout;
        const stderr = request.stderr.kind === 'file' ? open(request.stderr.path, 'a') : request.stderr.kind === 'stdout' ? stdout : caller.stderr;
        return { stdio: { stdin, stdout, stderr }, release };
      } catch {
        release();
        return undefined;
      }
    },
    writeError(stdio, text) {
      try {
        writeSync(stdio.stderr, text);
      } catch {
        // Its stderr is gone: the status still says what happened.
      }
    },
    childOomKilled: () => report({ childOomKilled: true }),
  };
}

/**
 * The container's first process, made up to its first instruction; or how it ended without
 * starting (126/127 with Docker's words on its stderr and in the report, 137 at the memory limit).
 */
export function prepareGuest(spec: RunnerSpec, stdio: FdStdio, report: (message: RunnerReport) => void, guest?: GuestControl): PreparedProgram | ProgramExit {
  const ports = kernelPorts(spec.root, report, guest);
  const programs = new ProgramCache(spec.memoryBytes);
  const name = spec.args[0] ?? '';
  const env = containerEnv({ env: spec.env, cwd: spec.cwd });
  const loaded = loadProgram(ports.files, programs, name, env, spec.cwd || '/');
  const failed = (exit: ProgramExit): ProgramExit => {
    if (exit.error === undefined) return exit;
    // An exec prints the runtime's line, as Docker's; a container's own program does not - the
    // core makes it Docker's failed start and the CLI prints the error (nothing in its logs).
    if (spec.exec) ports.writeError(stdio, startFailureLine(exit.error, 'exec'));
    report({ code: exit.exitCode, error: exit.error });
    return exit;
  };
  if (!('module' in loaded)) return failed(loaded);
  const prepared = prepareProgram(ports, programs, { module: loaded.module, args: spec.args, env, stdio, depth: 0, init: !spec.exec, ...(spec.memoryBytes ? { memoryBytes: spec.memoryBytes } : {}) });
  return 'start' in prepared ? prepared : failed(prepared);
}

/** Run the guest of `spec` to its end in this process (outside runc: tests). */
export function runGuest(spec: RunnerSpec, stdio: FdStdio, report: (message: RunnerReport) => void = () => undefined): ProgramExit {
  const prepared = prepareGuest(spec, stdio, report);
  return 'start' in prepared ? prepared.start() : prepared;
}
