import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { EngineError } from '../engine/errors.ts';
import type { Mount, ProcessExit, ProcessIO, ProcessSpec, RunningProcess, Runtime } from '../engine/ports.ts';
import type { DataRoot } from './data-root.ts';
import { bundleConfig, processSpec } from './oci-spec.ts';
import type { OverlaySnapshotter } from './overlay-snapshotter.ts';
import type { RuntimeRoot } from './runtime-root.ts';
import { checkBindTargets, writeRuntimeFiles } from './runtime-files.ts';

/** Exit status of the runner when SIGINT interrupted the guest (wasi-runner.ts). */
const INTERRUPTED = 130;
const SIGNALS = { SIGINT: 2, SIGKILL: 9, SIGTERM: 15 } as const;
type Signal = keyof typeof SIGNALS;

export interface RuncRuntimeOptions {
  data: DataRoot;
  runtime: RuntimeRoot;
  snapshots: OverlaySnapshotter;
  /** Host directory of a named volume. */
  volumePath(name: string): string;
  runc?: string;
}

/** The runc container ID of a snapshot (one container per snapshot; exec joins it). */
export function runcId(key: string): string {
  return `dockyard-${key}`;
}

export const CGROUP_PARENT = 'dockyard';

/** Node's flags for the runner (in front of its script): one V8 worker thread is enough for one guest. */
export const RUNNER_NODE_FLAGS = ['--no-warnings', '--v8-pool-size=1'];

/** A guest path for a mount target: absolute, no `.`/`..`/empty components (runc would resolve them in the runtime root). */
function checkTarget(m: Mount): void {
  const parts = m.target.split('/').slice(1);
  if (!m.target.startsWith('/') || m.target === '/' || parts.some((p) => p === '' || p === '.' || p === '..')) {
    throw new EngineError('invalid-argument', `invalid mount path: '${m.target}' mount path must be absolute`);
  }
}

interface Tracked {
  init: Process;
  execs: Set<Process>;
}

/**
 * The Linux Runtime: each container is a runc container (`runc run`, foreground, so the service
 * holds its stdio pipes and learns its exit status directly); `exec` is `runc exec` into it.
 * The process in both cases is Node running wasi-runner on the guest's program.
 */
export class RuncRuntime implements Runtime {
  readonly #running = new Map<string, Tracked>();
  readonly #runc: string;

  constructor(private readonly o: RuncRuntimeOptions) {
    this.#runc = o.runc ?? 'runc';
  }

  /** What every container's runtime root holds (for benchmarks that run runc on our bundle). */
  get root(): RuntimeRoot {
    return this.o.runtime;
  }

  /** Keys of snapshots with a running container. */
  running(): string[] {
    return [...this.#running.keys()];
  }

  async start(snapshotKey: string, spec: ProcessSpec, io: ProcessIO): Promise<RunningProcess> {
    for (const m of spec.mounts) checkTarget(m);
    // With -t Docker gives the process TERM=xterm unless the container sets its own (a later entry wins),
    // as worker/runtime/wasi-runtime.ts does; box shows its prompt only with TERM set.
    const env = spec.tty ? ['TERM=xterm', ...spec.env] : spec.env;
    const runnerSpec = { args: spec.args, env, cwd: spec.cwd || '/', root: this.o.runtime.guestRoot, ...(spec.memoryBytes ? { memoryBytes: spec.memoryBytes } : {}) };
    const runnerArgs = [this.o.runtime.node, ...RUNNER_NODE_FLAGS, this.o.runtime.runner, JSON.stringify(runnerSpec)];
    const id = runcId(snapshotKey);
    const bundle = join(this.o.data.container(snapshotKey), 'bundle');
    await mkdir(bundle, { recursive: true, mode: 0o700 });
    const tracked = this.#running.get(snapshotKey);
    const global = ['--root', this.o.data.runcState, '--log-format', 'json', '--log', join(bundle, 'runc.log')];
    let proc: Process;
    const n = Math.random().toString(36).slice(2, 10);
    // With -t, runc runs detached and hands the terminal to console-relay, which stands in for it.
    const command = (args: string[]): { file: string; args: string[]; cwd?: string } => {
      if (!spec.tty) return { file: this.#runc, args: [...global, ...args] };
      const relay = this.o.runtime.consoleRelay.path;
      if (!relay) throw new EngineError('internal', `cannot allocate a terminal (-t): ${this.o.runtime.consoleRelay.problem}`);
      const socket = `tty-${n}.sock`;
      const [action, ...rest] = args;
      return { file: relay, args: [socket, this.#runc, ...global, action, '--detach', '--console-socket', socket, ...rest], cwd: bundle };
    };
    if (tracked) {
      const processFile = join(bundle, `exec-${n}.json`);
      await writeFile(processFile, JSON.stringify(processSpec(runnerArgs, spec.tty)));
      proc = new Process(command(['exec', '--process', processFile, '--preserve-fds', '1', '--pid-file', join(bundle, `exec-${n}.pid`), id]), spec, io, {
        pidFile: join(bundle, `exec-${n}.pid`),
        cleanupFiles: [processFile, join(bundle, `exec-${n}.pid`)],
      });
      tracked.execs.add(proc);
      void proc.exited.then(() => tracked.execs.delete(proc));
    } else {
      const overlay = await this.o.snapshots.overlay(snapshotKey);
      const files = await writeRuntimeFiles(this.o.data.container(snapshotKey), spec);
      await checkBindTargets(overlay.upper, files);
      const config = bundleConfig({
        runtime: this.o.runtime,
        overlay,
        hostname: spec.hostname,
        volumes: spec.mounts.map((m) => ({ ...m, source: this.o.volumePath(m.volume) })),
        files,
        memoryBytes: spec.memoryBytes,
        cgroupsPath: `/${CGROUP_PARENT}/${id}`,
        args: runnerArgs,
        terminal: spec.tty,
      });
      await writeFile(join(bundle, 'config.json'), JSON.stringify(config));
      // --keep leaves the cgroup after exit so its OOM counter can be read; deleted right after.
      // A detached (-t) container stays in runc's state until deleted, with its cgroup.
      const keep = spec.memoryBytes && !spec.tty ? ['--keep'] : [];
      proc = new Process(command(['run', '--bundle', bundle, '--preserve-fds', '1', '--pid-file', join(bundle, 'init.pid'), ...keep, id]), spec, io, {
        pidFile: join(bundle, 'init.pid'),
        cleanupFiles: [],
        afterExit: async (exit) => {
          if (!spec.memoryBytes && !spec.tty) return exit;
          const oom = spec.memoryBytes ? await oomKills(id) : 0;
          await this.#runcCommand([...global, 'delete', '--force', id]);
          return oom > 0 ? { exitCode: 137, oomKilled: true } : exit;
        },
        killAll: () => this.#runcCommand([...global, 'kill', id, 'KILL']),
      });
      const entry: Tracked = { init: proc, execs: new Set() };
      this.#running.set(snapshotKey, entry);
      void proc.exited.then(() => {
        if (this.#running.get(snapshotKey) === entry) this.#running.delete(snapshotKey);
      });
    }
    await proc.started;
    return proc;
  }

  #runcCommand(args: string[]): Promise<void> {
    return new Promise((resolve) => {
      const child = spawn(this.#runc, args, { stdio: 'ignore' });
      child.on('error', () => resolve());
      child.on('close', () => resolve());
    });
  }
}

async function oomKills(id: string): Promise<number> {
  try {
    const text = await readFile(`/sys/fs/cgroup/memory/${CGROUP_PARENT}/${id}/memory.oom_control`, 'utf8');
    return Number(/^oom_kill (\d+)/m.exec(text)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

interface ProcessOptions {
  pidFile: string;
  cleanupFiles: string[];
  afterExit?: (exit: ProcessExit) => Promise<ProcessExit>;
  killAll?: () => Promise<void>;
}

/** One runc-started process: its pipes, the runner's status channel (fd 3), its exit. */
class Process implements RunningProcess {
  readonly started: Promise<void>;
  readonly exited: Promise<ProcessExit>;
  readonly #child: ChildProcess;
  #signal: Signal | undefined;
  #isStarted = false;
  #report: { code?: number; error?: string } = {};
  #oomKilled = false;
  readonly #held: Array<[1 | 2, Uint8Array]> = [];
  /** A -t process's terminal size (TIOCSWINSZ through console-relay). */
  resize?: (rows: number, cols: number) => void;

  constructor(
    command: { file: string; args: string[]; cwd?: string },
    spec: ProcessSpec,
    private readonly io: ProcessIO,
    private readonly opts: ProcessOptions,
  ) {
    // fd 3: the runner's status channel; fd 4 (-t only): console-relay's resize requests.
    const stdio: Array<'pipe' | 'ignore'> = [spec.openStdin ? 'pipe' : 'ignore', 'pipe', 'pipe', 'pipe', ...(spec.tty ? ['pipe' as const] : [])];
    this.#child = spawn(command.file, command.args, { stdio, ...(command.cwd ? { cwd: command.cwd } : {}) });
    if (spec.tty) {
      const control = this.#child.stdio[4] as Writable;
      control.on('error', () => undefined);
      this.resize = (rows, cols) => {
        if (this.#child.exitCode === null) control.write(`${Math.floor(rows)} ${Math.floor(cols)}\n`);
      };
    }
    let markStarted!: () => void;
    this.started = new Promise((r) => (markStarted = r));
    const status = this.#child.stdio[3] as Readable;
    let statusText = '';
    status.on('data', (d: Buffer) => {
      statusText += d.toString();
      for (let nl = statusText.indexOf('\n'); nl >= 0; nl = statusText.indexOf('\n')) {
        const msg = JSON.parse(statusText.slice(0, nl)) as { started?: boolean; code?: number; error?: string; oomKilled?: boolean };
        statusText = statusText.slice(nl + 1);
        if (msg.oomKilled) this.#oomKilled = true;
        else if (msg.started) {
          this.#isStarted = true;
          for (const [s, d] of this.#held.splice(0)) this.#emit(s, d);
          markStarted();
        } else this.#report = msg;
      }
    });
    status.on('error', () => undefined);
    (this.#child.stdout as Readable).on('data', (d: Uint8Array) => this.#emit(1, d));
    (this.#child.stderr as Readable).on('data', (d: Uint8Array) => this.#emit(2, d));
    this.#child.stdin?.on('error', () => undefined);
    this.exited = new Promise<ProcessExit>((resolve) => {
      this.#child.on('error', (e) => {
        markStarted();
        resolve({ exitCode: 125, oomKilled: false, error: `runc: ${e.message}` });
      });
      this.#child.on('close', (code, signal) => {
        markStarted();
        void this.#finish(code ?? 128 + (signal ? (SIGNALS[signal as Signal] ?? 1) : 1)).then(resolve);
      });
    });
  }

  async #finish(code: number): Promise<ProcessExit> {
    let exit: ProcessExit;
    if (this.#isStarted) {
      exit = { exitCode: code === INTERRUPTED && this.#signal ? 128 + SIGNALS[this.#signal] : code, oomKilled: false };
      if (this.#signal === 'SIGKILL') exit.exitCode = 137;
      if (this.#oomKilled) exit = { exitCode: 137, oomKilled: true };
    } else if (this.#report.error) {
      exit = { exitCode: this.#report.code ?? 126, oomKilled: false, error: this.#report.error };
    } else {
      const runcLog = Buffer.concat(this.#held.filter(([s]) => s === 2).map(([, d]) => d)).toString().trim();
      exit = { exitCode: this.#signal === 'SIGKILL' ? 137 : 125, oomKilled: false, error: runcLog || `the container runtime failed to start (status ${code})` };
    }
    if (this.opts.afterExit) exit = await this.opts.afterExit(exit);
    await Promise.all(this.opts.cleanupFiles.map((f) => import('node:fs/promises').then((fs) => fs.rm(f, { force: true }))));
    return exit;
  }

  #emit(stream: 1 | 2, data: Uint8Array): void {
    if (!this.#isStarted) {
      // Held until the runner reports on fd 3 (another pipe, so its message may arrive later):
      // then it is the guest's output; if the runner never starts, stderr is runc's error.
      this.#held.push([stream, data]);
      return;
    }
    if (stream === 1) this.io.stdout(data);
    else this.io.stderr(data);
  }

  writeStdin(data: Uint8Array): void {
    (this.#child.stdin as Writable | null)?.write(data);
  }

  closeStdin(): void {
    (this.#child.stdin as Writable | null)?.end();
  }

  kill(signal: Signal): void {
    this.#signal = signal;
    if (signal === 'SIGKILL') {
      void this.#pid().then((pid) => {
        try {
          if (pid) process.kill(pid, 'SIGKILL');
          else void this.opts.killAll?.();
        } catch {
          // Already gone.
        }
      });
      return;
    }
    // runc forwards the signals it receives to the process; the runner turns SIGINT into an
    // interruption of the guest (a PID 1 without a handler would ignore SIGTERM).
    try {
      this.#child.kill('SIGINT');
    } catch {
      // Already gone.
    }
  }

  async #pid(): Promise<number | undefined> {
    try {
      const n = Number((await readFile(this.opts.pidFile, 'utf8')).trim());
      return n > 0 ? n : undefined;
    } catch {
      return undefined;
    }
  }
}
