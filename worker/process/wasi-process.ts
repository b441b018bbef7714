/**
 * The browser's adapter to the process host (engine/wasi/process-host.ts): a container's programs
 * run on its MemFS inside the process Worker, with @wasmer/wasi doing the WASI calls. What this
 * file supplies (engine/wasi/process-host-ports.ts):
 * - files: the MemFS and its link table (memfs-root.ts, memfs-links.ts);
 * - wasi: @wasmer/wasi, each process on a fresh handle of the container's MemFS;
 * - transport: the calls a container needs live -
 *   fd_write to 1/2 streams out as written (wasmer buffers stdio until asked);
 *   fd_read of 0 blocks on a stdin channel of the control block (Atomics.wait) for `-i`: the
 *   main process reads channel 0, an `exec -i` the channel the runtime gave it;
 *   poll_oneoff (sleep, select on stdin) waits on the doorbell, so a sleeping process still
 *   serves exec and snapshot requests and wakes for stdin; both return EINTR for a signal
 *   (engine/wasi/signal-abi.ts), which comes through the control block too;
 *   fd_fdstat_get tells a terminal from a pipe (terminal-fds.ts), and every call that may change
 *   a file is seen (change-watch.ts);
 * - childStdio: a spawned child's output to its caller's or appended to a file of the MemFS;
 * - sockets: the Worker's socket channel to the engine's network hub (worker/net/socket-channel.ts).
 */
import { WASI } from '@wasmer/wasi';
import { type ControlViews, DOORBELL, isShared, REQUEST, ringRead, ringReadTerminal, stdinReady, takeSignals } from './control-block.ts';
import { inheritedTerminalFds, reportStdioKinds } from './terminal-fds.ts';
import { watchChanges } from './change-watch.ts';
import { kindAt, readFile, writeFile } from './memfs-root.ts';
import { importsProbe } from './preview1-probe.ts';
import type { ContainerRoot } from './kept-root.ts';
import type { Preview1, ProcessHostPorts, ProcessSignals } from '../../engine/wasi/process-host-ports.ts';
import type { SpawnStdio } from '../../engine/wasi/spawn-abi.ts';
import type { SocketTransport } from '../../engine/wasi/socket-port.ts';
import { ERRNO_INTR } from '../../engine/wasi/signal-abi.ts';
import { POLL_IDLE_MS, pollOneoff, type PollHost } from '../../engine/wasi/stdin-poll.ts';

const ERRNO_SUCCESS = 0;

class ProcExit {
  constructor(readonly code: number) {}
}

/** Where a process's output goes and how it serves the runtime's requests while it blocks. */
export interface ProcessHost {
  /** Stream output as written. */
  write(fd: 1 | 2, data: Uint8Array): void;
  /** Serve requests waiting in the control block (called whenever the process blocks or calls out). */
  serve(): void;
}

export type StdinSource = { kind: 'ring'; channel: number } | { kind: 'empty' } | { kind: 'bytes'; data: Uint8Array; at: number };

/** What one process reads and is told at run time: its stdin, terminal, control block and the container's hooks. */
export interface ProcessIo {
  control: ControlViews;
  /** Where fd 0 reads from: a stdin channel of the control block (`-i`), fixed bytes (a spawn's `< file`), or nothing (/dev/null). */
  stdin: StdinSource;
  /** The fds that are a terminal (`docker run -t`, terminal-fds.ts); none when absent. */
  terminal?: ReadonlySet<number>;
  /** Called before any call that may change the file system (change-watch.ts). */
  onChange?: () => void;
  /** Called when a program this process started (or one of theirs) is killed at the memory limit. */
  onOomKill?: () => void;
}

/**
 * The browser's stdio handle of one process (the `S` of ProcessHostPorts): its io and host, read
 * at each call. A process prepared ahead (process-worker.ts's spare) is bound to its real run by
 * replacing both before it starts.
 */
export interface ProcessBinding {
  run: ProcessIo;
  host: ProcessHost;
}

/** What a process is made of before it runs: runs with equal keys can use one prepared process. */
export function processKey(run: { args: string[]; env: string[]; memoryBytes?: number }): string {
  return JSON.stringify([run.args, run.env, run.memoryBytes ?? 0]);
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

/** Append to `link` (links followed; a dangling link's target is created, as open(O_CREAT) does). */
function appendFile({ anchor, root }: ContainerRoot, link: string, data: Uint8Array): void {
  const path = root.links.resolve(link);
  if (path === undefined) return;
  const old = kindAt(anchor, root, path) === 'file' ? readFile(anchor.fs, path) : new Uint8Array(0);
  const next = new Uint8Array(old.length + data.length);
  next.set(old);
  next.set(data, old.length);
  writeFile(anchor.fs, path, next);
}

/** The live calls of one process over its binding (see the file's comment). */
function transport(p: Preview1, memory: () => WebAssembly.Memory, binding: ProcessBinding, signals: ProcessSignals): void {
  const calls = p as unknown as Record<string, (...a: number[]) => number>;
  const view = () => new DataView(memory().buffer);
  const pending = () => Atomics.load(binding.run.control.words, REQUEST) === 1 && binding.host.serve();
  reportStdioKinds(calls, view, () => binding.run.terminal);
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

  const wasiWrite = calls.fd_write;
  calls.fd_write = (fd, iovs, count, nwritten) => {
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

  const wasiRead = calls.fd_read;
  calls.fd_read = (fd, iovs, count, nread) => {
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
      while (!stdinReady(run.control, stdin.channel)) {
        if (signals.interrupted()) return ERRNO_INTR;
        waitDoorbell(run.control, binding.host, POLL_IDLE_MS);
      }
      data = run.terminal?.has(0) ? ringReadTerminal(run.control, want, stdin.channel) : ringRead(run.control, want, stdin.channel);
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

  const pollHost: PollHost = {
    stdinReady: () => binding.run.stdin.kind !== 'ring' || stdinReady(binding.run.control, binding.run.stdin.channel),
    clockNs: (id) => BigInt(Math.round((id === 0 ? Date.now() : performance.now()) * 1e6)),
    wait: (ms) => waitDoorbell(binding.run.control, binding.host, ms),
  };
  calls.poll_oneoff = (inPtr, outPtr, nsubs, neventsPtr) => pollOneoff(memory, inPtr, outPtr, nsubs, neventsPtr, signals, pollHost);

  calls.sched_yield = () => {
    pending();
    return ERRNO_SUCCESS;
  };
}

/** A spawned child's stdio: the caller's where inherited, a file of the MemFS where redirected. */
function childStdio(container: ContainerRoot, caller: ProcessBinding, request: Parameters<ProcessHostPorts<ProcessBinding>['childStdio']>[1]): ProcessBinding | undefined {
  const { anchor, root } = container;
  const { run: parentRun, host: parent } = caller;
  const route = (io: SpawnStdio, inheritFd: 1 | 2): ((data: Uint8Array) => void) => {
    if (io.kind === 'inherit') return (data) => parent.write(inheritFd, data);
    if (io.kind === 'file') {
      return (data) => {
        parentRun.onChange?.();
        appendFile(container, io.path, data);
      };
    }
    return route(request.stdout, 1);
  };
  const toStdout = route(request.stdout, 1);
  const toStderr = route(request.stderr, 2);
  let stdin: StdinSource = parentRun.stdin;
  if (request.stdin.kind === 'file') {
    if (kindAt(anchor, root, request.stdin.path) !== 'file') return undefined;
    stdin = { kind: 'bytes', data: readFile(anchor.fs, root.links.resolve(request.stdin.path)!), at: 0 };
  }
  const toFile = (io: SpawnStdio): boolean => io.kind === 'file' || (io.kind === 'stdout' && request.stdout.kind === 'file');
  const terminal = parentRun.terminal && inheritedTerminalFds(parentRun.terminal, { stdin: request.stdin.kind === 'file', stdout: toFile(request.stdout), stderr: toFile(request.stderr) });
  return {
    run: { ...parentRun, stdin, terminal },
    host: { write: (fd, data) => (fd === 1 ? toStdout(data) : toStderr(data)), serve: parent.serve },
  };
}

/** The process host's ports for the processes of one container (its MemFS root) and its sockets. */
export function browserPorts(container: ContainerRoot, sockets?: SocketTransport): ProcessHostPorts<ProcessBinding> {
  const { anchor, root } = container;
  const encoder = new TextEncoder();
  return {
    ...(sockets ? { sockets } : {}),
    files: {
      kindOf: (path) => kindAt(anchor, root, path),
      read: (path) => {
        const real = root.links.resolve(path);
        if (real === undefined) throw new Error(`${path}: too many levels of symbolic links`);
        return readFile(anchor.fs, real);
      },
      links: root.links,
    },
    wasi(args, env) {
      // A MemFS handle given to a WASI is consumed (memfs-root.ts): each process takes a fresh one.
      const wasi = new WASI({ args, env, fs: anchor.fs, preopens: { '/': '/' } });
      // @wasmer/wasi cannot tell the WASI version of a module that imports none of it, and refuses
      // it; such a module needs nothing of WASI (it can only return or trap).
      let bare = false;
      return {
        imports(module) {
          bare = !WebAssembly.Module.imports(module).some((i) => i.module.startsWith('wasi'));
          if (bare) return { wasi_snapshot_preview1: {} };
          const imports = wasi.getImports(importsProbe(module)) as Record<string, Record<string, (...a: number[]) => unknown>>;
          const preview1 = imports.wasi_snapshot_preview1;
          if (preview1) {
            preview1.proc_exit = (code: number) => {
              throw new ProcExit(code);
            };
          }
          return imports as WebAssembly.Imports;
        },
        instantiated: (instance) => {
          if (!bare) wasi.instantiate(instance);
        },
        start(instance) {
          try {
            (instance.exports._start as () => void)();
            return 0;
          } catch (e) {
            if (e instanceof ProcExit) return e.code;
            throw e;
          }
        },
        free() {
          try {
            wasi.free();
          } catch {
            // Already given back.
          }
        },
      };
    },
    transport,
    signals: { take: (binding) => takeSignals(binding.run.control) },
    childStdio(caller, request) {
      const stdio = childStdio(container, caller, request);
      return stdio && { stdio, release: () => undefined };
    },
    writeError: (binding, text) => binding.host.write(2, encoder.encode(text)),
    childOomKilled: (binding) => binding.run.onOomKill?.(),
  };
}
