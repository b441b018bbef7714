/**
 * The browser's Runtime port: one process Worker per container, @wasmer/wasi inside it.
 *
 * - The main process of a snapshot gets a fresh Worker from a warm pool; `exec` into a running
 *   container becomes a request to that same Worker (the processes share one MemFS), served when
 *   its main process blocks (stdin, sleep) or calls out (write).
 * - Programs are compiled here, once per layer digest + path (+ memory limit), and handed to the
 *   Worker as a WebAssembly.Module: a second `run` of an image does not compile again.
 * - SIGKILL (stop timeout, kill) terminates the Worker: exit 137. Other signals are posted to the
 *   control block for PID 1, and under -t the terminal's interrupt key (Ctrl-C) is SIGINT for the
 *   foreground programs: the process host (engine/wasi/signal-abi.ts) hands them out - a program
 *   that does not handle them and is PID 1 ignores them, as Docker's PID 1 does (docker stop then
 *   kills it after the grace period).
 */
import { RunLocks } from './run-locks.ts';
import { RemoteSignals, type RemoteSignal } from './remote-signals.ts';
import { RUN_LOCK_DELAY_MS } from '../store/coordination-timing.ts';
import { EngineError } from '../../engine/errors.ts';
import { isRuntimeFile, RUNTIME_FILES_DIR, runtimeFiles } from '../../engine/core/runtime-files.ts';
import type { Mount, ProcessExit, ProcessIO, ProcessSpec, Runtime, RunningProcess } from '../../engine/ports.ts';
import { resolveGuestPath } from '../../engine/wasi/spawn-abi.ts';
import { notExecutable, type PathKind } from '../../engine/wasi/program-path.ts';
import { consoleEnv, containerEnv, locateProgram } from '../../engine/wasi/process-host.ts';
import { SIGINT, SIGTERM, signalBit } from '../../engine/wasi/signal-abi.ts';
import { limitMemory } from '../../engine/wasi/memory-limit.ts';
import {
  closeChannel,
  controlViews,
  createControlBlock,
  EXEC_STDIN_CHANNELS,
  isShared,
  REQUEST,
  REQUEST_BYTES,
  REQUEST_LEN,
  resetChannel,
  FOREGROUND_SIGNALS,
  postSignal,
  ring,
  ringWrite,
  SIGNAL,
  TAIL,
  type ControlViews,
} from '../process/control-block.ts';
import type { FromProcess, ProcessRequest, RootDelta, RootEntries } from '../process/process-protocol.ts';
import { WorkerPool } from './worker-pool.ts';
import type { SocketChannels } from '../net/socket-channel.ts';

/**
 * A container's current root (image layers + its writable layer + its volumes). `programKey`
 * names a file's bytes for the module cache (layer digest + path); undefined for files of the
 * writable layer, which are compiled every time. `rootKey` names the entries themselves when the
 * snapshotter can (a container that changed nothing yet and has no volume: its image's root):
 * the same key is always the same entries, and the same `entries` array may be handed out again.
 */
export interface ContainerRoot {
  entries: RootEntries;
  programKey(path: string): string | undefined;
  rootKey?: string;
}

/** Where containers' file systems come from and where their changes go (the snapshotter). */
export interface ContainerRoots {
  root(key: string, mounts: Mount[]): Promise<ContainerRoot>;
  /** Keep what the container's processes changed (writable layer and volumes). */
  record(key: string, delta: RootDelta, mounts: Mount[]): Promise<void>;
}

const LIVE_REQUEST_TIMEOUT_MS = 2000;
const KILL_SNAPSHOT_TIMEOUT_MS = 100;
/** A terminal's interrupt key, Ctrl-C (VINTR). */
const INTERRUPT_KEY = 0x03;
const encoder = new TextEncoder();

interface Live {
  worker: Worker;
  control: ControlViews;
  mounts: Mount[];
  nextRequest: number;
  slot: Promise<void>;
  replies: Map<number, (delta: RootDelta) => void>;
  execs: Map<number, { io: ProcessIO; done: (exit: ProcessExit) => void }>;
  /** Exec stdin channels of the control block not in use (`exec -i` takes one until it ends). */
  freeChannels: number[];
  io: ProcessIO;
}

function withoutRuntimeFiles(delta: RootDelta): RootDelta {
  return { written: delta.written.filter(([p]) => !isRuntimeFile(p)), removed: delta.removed.filter((p) => !isRuntimeFile(p)) };
}

/** A running container's changes without its volumes' (they are the volume's, not the layer's). */
function layerOnly(delta: RootDelta, mounts: Mount[]): RootDelta {
  const inVolume = (p: string) => mounts.some((m) => p === m.target || p.startsWith(m.target + '/'));
  return { written: delta.written.filter(([p]) => !inVolume(p)), removed: delta.removed.filter((p) => !inVolume(p)) };
}

function exitNow(exit: ProcessExit): RunningProcess {
  return { writeStdin: () => {}, closeStdin: () => {}, kill: () => {}, exited: Promise.resolve(exit) };
}

/**
 * A program that cannot start: its exit carries Docker's words (State.Error); nothing goes to its
 * stderr - the core fails the start as Docker's does, and the CLI prints the error.
 */
function failedStart(exit: ProcessExit): RunningProcess {
  return { ...exitNow(exit), notStarted: true };
}

export class WasiRuntime implements Runtime {
  readonly #live = new Map<string, Live>();
  /** Each running container's first process, for signals another tab sends (remote-signals.ts). */
  readonly #mains = new Map<string, RunningProcess>();
  readonly #remote: RemoteSignals | null;
  readonly #modules = new Map<string, Promise<WebAssembly.Module | null>>();
  readonly pool: WorkerPool;

  constructor(
    readonly roots: ContainerRoots,
    pool?: WorkerPool,
    readonly runLocks?: RunLocks,
    /** The network's socket channels (worker/net/network-hub.ts); without, guests' sockets answer ENETDOWN. */
    readonly sockets?: SocketChannels,
  ) {
    this.pool = pool ?? new WorkerPool();
    this.#remote = runLocks ? new RemoteSignals(runLocks.store, (key, signal) => this.#deliver(key, signal)) : null;
  }

  /** Signal a container another tab runs; that tab's engine records its exit. */
  signalElsewhere(key: string, signal: RemoteSignal): Promise<boolean> {
    return this.#remote?.send(key, signal) ?? Promise.resolve(false);
  }

  #deliver(key: string, signal: RemoteSignal): boolean {
    const process = this.#mains.get(key);
    if (!process) return false;
    process.kill(signal);
    return true;
  }

  /** Containers another tab on the same store is running now (its Web Locks): recovery leaves them. */
  async runningElsewhere(): Promise<Set<string>> {
    const held = (await this.runLocks?.held()) ?? new Set<string>();
    for (const key of this.#live.keys()) held.delete(key);
    return held;
  }

  isRunning(key: string): boolean {
    return this.#live.has(key);
  }

  async start(key: string, spec: ProcessSpec, io: ProcessIO): Promise<RunningProcess> {
    const env = containerEnv({ ...spec, env: [...consoleEnv(spec), ...spec.env] });
    const live = this.#live.get(key);
    if (live) return this.#exec(live, spec, env, io);

    const { entries, programKey, rootKey } = await this.roots.root(key, spec.mounts);
    const { byPath, base } = indexRoot(entries);
    const extra: RootEntries = runtimeFiles(spec).map((f) => [f.path, { type: 'file', mode: f.mode, content: f.content }]);

    const name = spec.args[0] ?? '';
    const found = locateProgram(
      {
        kindOf: (p) => kindOf(resolveNode(byPath, p)),
        read: (p) => {
          const node = resolveNode(byPath, p);
          if (node?.type !== 'file') throw new Error(`${p}: not a file`);
          return node.content;
        },
      },
      name,
      env,
      spec.cwd,
    );
    if (!('path' in found)) return failedStart({ ...found, oomKilled: false });
    let module: WebAssembly.Module | null;
    try {
      module = await this.#compile(programKey(found.path), found.bytes, spec.memoryBytes);
    } catch {
      return failedStart({ ...notExecutable(name), oomKilled: false });
    }
    if (!module) return exitNow({ exitCode: 137, oomKilled: true });

    const { worker, keepsRoot } = await this.pool.take(rootKey);
    // A Worker that kept this root gets only the container's runtime files to write over it.
    const root = keepsRoot ? extra : [...base.filter(([p]) => !extra.some(([e]) => e === p)), ...extra];
    const sab = createControlBlock();
    const control = controlViews(sab);
    const shared = isShared(control);
    const state: Live = { worker, control, mounts: spec.mounts, nextRequest: 1, slot: Promise.resolve(), replies: new Map(), execs: new Map(), freeChannels: channelNumbers(), io };
    this.#live.set(key, state);
    // The container's sockets: its main process and its execs call through one channel; the hub
    // rings the doorbell when one of them may be ready.
    const net = shared ? this.sockets?.open(key, () => ring(control)) : undefined;

    let settle!: (exit: ProcessExit) => void;
    const exited = new Promise<ProcessExit>((resolve) => (settle = resolve));
    let ended = false;
    // `idle`: the process ended on its own and its Worker waits for the next container (it said
    // so in its exit message); a killed or failed Worker is ended.
    const end = async (exit: ProcessExit, delta: RootDelta | null, idle = false, keptRoot?: string) => {
      if (ended) return;
      ended = true;
      net?.close();
      if (idle && delta) this.pool.release(worker, fileBytes(root) + fileBytes(delta.written), keptRoot);
      else this.pool.discard(worker);
      this.#live.delete(key);
      for (const [, exec] of state.execs) exec.done({ exitCode: 137, oomKilled: false });
      try {
        if (delta) await this.roots.record(key, withoutRuntimeFiles(delta), spec.mounts);
      } finally {
        settle(exit);
      }
    };

    worker.onmessage = (event: MessageEvent<FromProcess>) => {
      const m = event.data;
      if (m.type === 'output') {
        const target = m.exec === undefined ? io : state.execs.get(m.exec)?.io;
        if (m.fd === 1) target?.stdout(m.data);
        else target?.stderr(m.data);
      } else if (m.type === 'exit') void end(m.exit, m.delta, m.reusable, m.keptRoot);
      else if (m.type === 'exec-exit') {
        state.execs.get(m.exec)?.done(m.exit);
        state.execs.delete(m.exec);
      } else if (m.type === 'snapshot') {
        state.replies.get(m.id)?.(m.delta);
        state.replies.delete(m.id);
      }
    };
    worker.onerror = (event) => {
      event.preventDefault();
      void end({ exitCode: 125, oomKilled: false, error: `container process failed: ${event.message}` }, null);
    };
    worker.postMessage({
      type: 'start',
      control: sab,
      ...(net ? { net: net.buffer } : {}),
      root,
      ...(rootKey !== undefined ? { rootKey, reuseRoot: keepsRoot } : {}),
      launch: { args: spec.args, env, cwd: spec.cwd, module, ...(spec.memoryBytes ? { memoryBytes: spec.memoryBytes } : {}) },
      // Without shared memory stdin cannot reach the process: it reads as empty.
      interactive: spec.openStdin && shared,
      tty: spec.tty,
    });
    // Only another tab's recovery looks at the lock, and only once the store says running (written
    // behind, WRITE_BEHIND_MS after start). A Web Lock request costs this thread ~0.4 ms:
    // a process that has ended by RUN_LOCK_DELAY_MS (hello-world does) never asks for one.
    setTimeout(() => {
      if (!ended) this.runLocks?.hold(key, exited);
    }, RUN_LOCK_DELAY_MS);

    const stdin = new StdinWriter(control, 0);
    const main: RunningProcess = {
      writeStdin: (data) => shared && (spec.tty ? stdin.writeTerminal(data) : stdin.write(data)),
      closeStdin: () => shared && stdin.close(),
      kill: (signal) => {
        if (signal !== 'SIGKILL') {
          postSignal(control, SIGNAL, signalBit(signal === 'SIGINT' ? SIGINT : SIGTERM));
          return;
        }
        // Keep the writable layer if the process is in a call we serve; a busy loop loses it.
        void this.#snapshot(state, KILL_SNAPSHOT_TIMEOUT_MS)
          .catch(() => null)
          .then((delta) => end({ exitCode: 137, oomKilled: false }, delta));
      },
      exited,
    };
    this.#mains.set(key, main);
    void exited.then(() => this.#mains.get(key) === main && this.#mains.delete(key));
    return main;
  }

  /** What a running container's processes changed so far (for `docker diff` on a running container). */
  async liveDelta(key: string): Promise<RootDelta | undefined> {
    const live = this.#live.get(key);
    if (!live) return undefined;
    return layerOnly(withoutRuntimeFiles(await this.#snapshot(live, LIVE_REQUEST_TIMEOUT_MS)), live.mounts);
  }

  async #compile(key: string | undefined, bytes: Uint8Array, memoryBytes: number | undefined): Promise<WebAssembly.Module | null> {
    const compile = async () => {
      const limited = memoryBytes ? limitMemory(bytes, memoryBytes) : bytes;
      return limited ? WebAssembly.compile(limited as Uint8Array<ArrayBuffer>) : null;
    };
    if (key === undefined) return compile();
    const cacheKey = `${key}\0${memoryBytes ?? ''}`;
    let cached = this.#modules.get(cacheKey);
    if (!cached) {
      cached = compile();
      this.#modules.set(cacheKey, cached);
      cached.catch(() => this.#modules.delete(cacheKey));
    }
    return cached;
  }

  /** Put one request in the control block once the slot is free. */
  #send(live: Live, request: ProcessRequest): Promise<void> {
    if (!isShared(live.control)) {
      return Promise.reject(new EngineError('unavailable', 'this page is not cross-origin isolated (no SharedArrayBuffer): exec and diff cannot reach a running container'));
    }
    const sent = live.slot.then(async () => {
      const bytes = encoder.encode(JSON.stringify(request));
      if (bytes.length > REQUEST_BYTES) throw new EngineError('invalid-argument', 'exec command line is too long');
      live.control.request.set(bytes);
      Atomics.store(live.control.words, REQUEST_LEN, bytes.length);
      Atomics.store(live.control.words, REQUEST, 1);
      ring(live.control);
      // The slot frees when the process takes the request.
      while (Atomics.load(live.control.words, REQUEST) === 1) {
        const wait = waitAsync(live.control.words, REQUEST, 1, 50);
        if (wait.async) await wait.value;
        if (!this.#isLive(live)) return;
      }
    });
    live.slot = sent.catch(() => {});
    return sent;
  }

  #isLive(live: Live): boolean {
    for (const l of this.#live.values()) if (l === live) return true;
    return false;
  }

  #snapshot(live: Live, timeoutMs: number): Promise<RootDelta> {
    const id = live.nextRequest++;
    return new Promise<RootDelta>((resolve, reject) => {
      const timer = setTimeout(() => {
        live.replies.delete(id);
        reject(new EngineError('unavailable', 'the container is busy computing: its file system can be read when it waits for input, sleeps or exits'));
      }, timeoutMs);
      live.replies.set(id, (delta) => {
        clearTimeout(timer);
        resolve(delta);
      });
      this.#send(live, { id, kind: 'snapshot' }).catch(reject);
    });
  }

  async #exec(live: Live, spec: ProcessSpec, env: string[], io: ProcessIO): Promise<RunningProcess> {
    // `exec -i` reads a stdin channel of its own; without -i (or shared memory) it reads /dev/null.
    let channel: number | undefined;
    if (spec.openStdin && isShared(live.control)) {
      channel = live.freeChannels.shift();
      if (channel === undefined) {
        throw new EngineError('unavailable', `this container already runs ${EXEC_STDIN_CHANNELS} execs with open stdin: end one (exit or Ctrl-D) first`);
      }
      resetChannel(live.control, channel);
    }
    const stdin = channel === undefined ? undefined : new StdinWriter(live.control, channel);
    const id = live.nextRequest++;
    const exited = new Promise<ProcessExit>((done) => live.execs.set(id, { io, done }));
    void exited.then(() => {
      if (channel === undefined) return;
      // Nothing reads the channel any more: input still queued is dropped, then it is free again.
      stdin!.stop();
      live.freeChannels.push(channel);
    });
    try {
      await this.#send(live, { id, kind: 'exec', args: spec.args, env, cwd: spec.cwd, ...(channel === undefined ? {} : { stdin: channel }), tty: spec.tty });
    } catch (e) {
      live.execs.get(id)?.done({ exitCode: 126, oomKilled: false });
      live.execs.delete(id);
      throw e;
    }
    return {
      writeStdin: (data) => (spec.tty ? stdin?.writeTerminal(data) : stdin?.write(data)),
      closeStdin: () => stdin?.close(),
      // Docker signals an exec only through its terminal (Ctrl-C under -t, writeTerminal).
      kill: () => {},
      exited,
    };
  }
}

function channelNumbers(): number[] {
  return Array.from({ length: EXEC_STDIN_CHANNELS }, (_, i) => i + 1);
}

/** Feeds one stdin channel's ring, waiting (without blocking the engine) while it is full. */
class StdinWriter {
  readonly #queue: Uint8Array[] = [];
  #closing = false;
  #flushing = false;
  #stopped = false;

  constructor(
    readonly control: ControlViews,
    readonly channel: number,
  ) {}

  write(data: Uint8Array): void {
    if (this.#closing || this.#stopped) return;
    this.#queue.push(data.slice());
    void this.#flush();
  }

  /**
   * Input from a terminal (-t): this is its line discipline. The interrupt key (0x03, Ctrl-C) is
   * not input but SIGINT for the foreground programs, and input typed before it that no one has
   * read yet is dropped, as a tty flushes its queue on an interrupt.
   */
  writeTerminal(data: Uint8Array): void {
    let from = 0;
    for (let at = data.indexOf(INTERRUPT_KEY); at !== -1; at = data.indexOf(INTERRUPT_KEY, from)) {
      this.#queue.length = 0;
      from = at + 1;
      if (!this.#closing && !this.#stopped) postSignal(this.control, FOREGROUND_SIGNALS, signalBit(SIGINT));
    }
    if (from < data.length) this.write(data.subarray(from));
  }

  close(): void {
    this.#closing = true;
    void this.#flush();
  }

  /** The reader is gone: drop what is queued and write nothing more (the channel may be reused). */
  stop(): void {
    this.#stopped = true;
    this.#queue.length = 0;
  }

  async #flush(): Promise<void> {
    if (this.#flushing) return;
    this.#flushing = true;
    const words = this.control.channels[this.channel].words;
    try {
      while (this.#queue.length > 0 && !this.#stopped) {
        const chunk = this.#queue[0];
        const n = ringWrite(this.control, chunk, this.channel);
        if (n === chunk.length) this.#queue.shift();
        else {
          this.#queue[0] = chunk.subarray(n);
          const wait = waitAsync(words, TAIL, Atomics.load(words, TAIL), 100);
          if (wait.async) await wait.value;
        }
      }
      if (this.#closing && !this.#stopped) closeChannel(this.control, this.channel);
    } finally {
      this.#flushing = false;
    }
  }
}

type Node = RootEntries[number][1];

const indexed = new WeakMap<RootEntries, { byPath: Map<string, Node>; base: RootEntries }>();

/**
 * A root's entries by path, and what a process Worker loads of it (with the runtime files'
 * directory); once per entries array - the snapshotter hands an image's root out again.
 */
function indexRoot(entries: RootEntries): { byPath: Map<string, Node>; base: RootEntries } {
  let index = indexed.get(entries);
  if (!index) {
    const byPath = new Map(entries);
    const base = byPath.has(RUNTIME_FILES_DIR) ? entries : [...entries, [RUNTIME_FILES_DIR, { type: 'dir', mode: 0o755 }] as RootEntries[number]];
    indexed.set(entries, (index = { byPath, base }));
  }
  return index;
}

function fileBytes(entries: RootEntries): number {
  let n = 0;
  for (const [, node] of entries) if (node.type === 'file') n += node.content.length;
  return n;
}

/** Atomics.waitAsync (ES2024; Chromium has it): the engine worker must never block. */
function waitAsync(words: Int32Array, index: number, value: number, ms: number): { async: boolean; value: unknown } {
  return (Atomics as unknown as { waitAsync(a: Int32Array, i: number, v: number, t: number): { async: boolean; value: unknown } }).waitAsync(words, index, value, ms);
}

function kindOf(node: Node | undefined): PathKind {
  return node?.type === 'file' || node?.type === 'dir' ? node.type : undefined;
}

function resolveNode(byPath: Map<string, Node>, path: string): Node | undefined {
  let current = path;
  for (let hops = 0; hops < 40; hops++) {
    const node = byPath.get(current);
    if (node?.type !== 'symlink') return node;
    const base = current.slice(0, current.lastIndexOf('/')) || '/';
    current = resolveGuestPath(base, node.target);
  }
  return undefined;
}

