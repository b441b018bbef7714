import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EngineError } from '../../engine/errors.ts';
import type { ContainerUsage, Mount, ProcessIO, ProcessSpec, RunningProcess, Runtime } from '../../engine/ports.ts';
import { containerEnv } from '../../engine/wasi/process-host.ts';
import type { DataRoot } from '../store/data-root.ts';
import { overlayOptions } from './mounts.ts';
import { bundleConfig, processSpec, RUNTIME_MEMORY_OVERHEAD } from './oci-spec.ts';
import type { OverlaySnapshotter } from '../store/overlay-snapshotter.ts';
import { Process, runcGlobalArgs } from './runc-process.ts';
import type { RuntimeRoot } from './runtime-root.ts';
import { checkBindTargets, writeRuntimeFiles, type FileBind } from './runtime-files.ts';
import { SpareContainer, type SpareNetns } from './spare-container.ts';
import { exists } from '../store/fs-exists.ts';

export interface RuncRuntimeOptions {
  data: DataRoot;
  runtime: RuntimeRoot;
  snapshots: OverlaySnapshotter;
  /** Host directory of a named volume. */
  volumePath(name: string): string;
  runc?: string;
  /** Keep a warm spare container (spare-container.ts); default true. */
  spare?: boolean;
  /** Container networks (kernel-node/net/kernel-network.ts): the namespace a container joins, if one was wired for it. */
  netns?: SpareNetns & { pathOf(containerId: string): string | undefined };
}

/** The runc container ID of a snapshot (one container per snapshot; exec joins it). */
export function runcId(key: string): string {
  return `dockyard-${key}`;
}

export const CGROUP_PARENT = 'dockyard';

/** runc's cgroupsPath of a container (by its runc ID), the same under every controller. */
function cgroupOf(id: string): string {
  return `/${CGROUP_PARENT}/${id}`;
}

/** What the runtime needs of a prepared snapshot to run its first process: the overlay and the runtime files to bind. */
interface ContainerRoot {
  overlay: Awaited<ReturnType<OverlaySnapshotter['overlay']>>;
  files: FileBind[];
}

/**
 * Quiet time after a run (its exit or its removal) before the next spare boots. Runs that follow
 * each other closely (a script) take the normal path with no boot beside them on the 2 cores; a
 * person typing the next command finds the spare waiting.
 */
const REFILL_IDLE_MS = 300;

/** A spare handed out this long ago whose container was never made is given up (a create between its ID and its snapshot takes far less). */
const STALE_CLAIM_MS = 60_000;

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
 *
 * One warm spare (spare-container.ts) is kept booted for the ID nextContainerId hands out; a
 * container with that ID starts in it, unless it wants what the spare cannot give (-t, a hostname
 * of its own), which takes the normal path. The spare is refilled once runs have stopped for a
 * moment, never beside one (the machine may have two cores).
 */
export class RuncRuntime implements Runtime {
  readonly #running = new Map<string, Tracked>();
  readonly #runc: string;
  #spareEnabled: boolean;
  /** The warm spare, booted or booting, and the container ID it is for. */
  #spare: Promise<SpareContainer | undefined> | undefined;
  #spareId: string | undefined;
  #spareClaimed = false;
  #claimedAt = 0;
  #refillTimer: ReturnType<typeof setTimeout> | undefined;
  #refillPending = false;
  /** Spares that ran a container, until their mounts are gone (a restart of it waits for that). */
  readonly #clearing = new Map<string, Promise<void>>();
  #closed = false;

  constructor(private readonly o: RuncRuntimeOptions) {
    this.#runc = o.runc ?? 'runc';
    this.#spareEnabled = (o.spare ?? true) && !!o.runtime.spareMounts.path;
  }

  /** What every container's runtime root holds (for benchmarks that run runc on our bundle). */
  get root(): RuntimeRoot {
    return this.o.runtime;
  }

  /** Keys of snapshots with a running container. */
  running(): string[] {
    return [...this.#running.keys()];
  }

  /** The warm spare's container ID for the next container, once (undefined: none to hand out). */
  nextContainerId(): string | undefined {
    if (!this.#spareId || this.#spareClaimed) return undefined;
    this.#spareClaimed = true;
    this.#claimedAt = Date.now();
    return this.#spareId;
  }

  /** Turn the warm spare on or off (benchmarks compare both); off discards the current one. */
  async setSpare(enabled: boolean): Promise<void> {
    this.#spareEnabled = enabled && !!this.o.runtime.spareMounts.path;
    if (enabled) this.refill();
    else await this.#takeSpare()?.then((s) => s?.discard());
  }

  /** Resolves once a spare is waiting (true), or none is there (false). For benchmarks and tests. */
  async spareReady(): Promise<boolean> {
    while (this.#refillPending) await new Promise((r) => setTimeout(r, 25));
    const spare = await this.#spare;
    return (await spare?.ready) ?? false;
  }

  /**
   * Boot a spare unless one is there or on its way. Its ID is known at once, so a create that
   * comes while it boots still gets it (and its start waits for the boot rather than start a
   * second Node next to it). A spare handed out for a container that was never made (its create
   * failed) is given up here.
   */
  refill(): void {
    clearTimeout(this.#refillTimer);
    this.#refillPending = false;
    if (!this.#spareEnabled || this.#closed) return;
    if (this.#spareId) {
      const held = this.#spareId;
      // Handed out long ago and still no container of that ID: its create failed; give it up.
      if (this.#spareClaimed && Date.now() - this.#claimedAt > STALE_CLAIM_MS) {
        void exists(this.o.data.container(held)).then((made) => {
          if (made || this.#spareId !== held) return;
          void this.#takeSpare()?.then((s) => s?.discard());
          this.refill();
        });
      }
      return;
    }
    const id = randomBytes(32).toString('hex');
    this.#spareId = id;
    this.#spareClaimed = false;
    const booting = SpareContainer.boot(id, {
      data: this.o.data,
      runtime: this.o.runtime,
      runc: this.#runc,
      runcId,
      cgroupsPath: (key) => cgroupOf(runcId(key)),
      runnerArgs: [this.o.runtime.node, ...RUNNER_NODE_FLAGS, this.o.runtime.runner],
      netns: this.o.netns,
    }).catch(() => undefined);
    this.#spare = booting;
    // A spare whose boot failed, or that ended on its own, is forgotten; the next run's end boots another.
    const forget = (): void => {
      if (this.#spare !== booting) return;
      void this.#takeSpare();
      void this.o.netns?.release(id);
    };
    void booting.then((spare) => (spare ? void spare.process.exited.then(forget) : forget()));
  }

  /** Refill once no run has ended for REFILL_IDLE_MS (each end starts the wait again). */
  #refillWhenIdle(): void {
    clearTimeout(this.#refillTimer);
    this.#refillPending = true;
    this.#refillTimer = setTimeout(() => this.refill(), REFILL_IDLE_MS);
    this.#refillTimer.unref?.();
  }

  /** The spare (booted or booting), no longer this runtime's to hand out. */
  #takeSpare(): Promise<SpareContainer | undefined> | undefined {
    const spare = this.#spare;
    this.#spare = undefined;
    this.#spareId = undefined;
    this.#spareClaimed = false;
    return spare;
  }

  /**
   * A snapshot was removed: if its container never started, it gives its spare up; if it ran in
   * one, that spare's mounts are gone when this returns. A --rm run's end is here: the next spare
   * boots once things stay quiet (#refillWhenIdle).
   */
  async release(snapshotKey: string): Promise<void> {
    if (this.#spareId === snapshotKey) await this.#takeSpare()?.then((s) => s?.discard());
    // A removed container leaves nothing: the mounts of the spare it ran in are gone first.
    await this.#clearing.get(snapshotKey);
    this.#refillWhenIdle();
  }

  /** The spare ended and cleared (the service is stopping). */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#refillTimer);
    this.#refillPending = false;
    await this.#takeSpare()?.then((s) => s?.discard());
    await Promise.all(this.#clearing.values());
  }

  async start(snapshotKey: string, spec: ProcessSpec, io: ProcessIO): Promise<RunningProcess> {
    for (const m of spec.mounts) checkTarget(m);
    const env = containerEnv(spec);
    const id = runcId(snapshotKey);
    const tracked = this.#running.get(snapshotKey);
    const runnerSpec = { args: spec.args, env, cwd: spec.cwd || '/', root: this.o.runtime.guestRoot, ...(spec.memoryBytes ? { memoryBytes: spec.memoryBytes } : {}), ...(tracked ? { exec: true } : {}) };
    const runnerArgs = [this.o.runtime.node, ...RUNNER_NODE_FLAGS, this.o.runtime.runner, JSON.stringify(runnerSpec)];
    // Its last run was in a spare: the overlay of it must be gone before runc mounts its own.
    if (!tracked) await this.#clearing.get(snapshotKey);
    let root: ContainerRoot | undefined;
    if (!tracked) {
      const overlay = await this.o.snapshots.overlay(snapshotKey);
      const files = await writeRuntimeFiles(this.o.data.container(snapshotKey), spec);
      await checkBindTargets(overlay.upper, files);
      root = { overlay, files };
    }
    if (this.#spareId === snapshotKey) {
      // Taken either way: by this start, or given up so the normal path can use its ID.
      const spare = await this.#takeSpare();
      const fits = root && !spec.tty && spec.hostname === snapshotKey.slice(0, 12);
      const proc = spare && fits && root ? await this.#startInSpare(spare, snapshotKey, spec, io, runnerSpec, root) : undefined;
      if (proc) return proc;
      await spare?.discard();
    }
    const bundle = join(this.o.data.container(snapshotKey), 'bundle');
    await mkdir(bundle, { recursive: true, mode: 0o700 });
    const global = runcGlobalArgs(this.o.data.runcState, bundle);
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
    const pipes = { stdin: spec.openStdin, ...(spec.tty ? { fd4: 'resize' as const } : {}) };
    if (tracked || !root) {
      const processFile = join(bundle, `exec-${n}.json`);
      await writeFile(processFile, JSON.stringify(processSpec(runnerArgs, spec.tty)));
      proc = new Process(command(['exec', '--process', processFile, '--preserve-fds', '1', '--pid-file', join(bundle, `exec-${n}.pid`), id]), pipes, io, {
        pidFile: join(bundle, `exec-${n}.pid`),
        cleanupFiles: [processFile, join(bundle, `exec-${n}.pid`)],
      });
      proc.names = (name) => this.#names(snapshotKey, name);
      const execs = tracked!.execs;
      execs.add(proc);
      void proc.exited.then(() => execs.delete(proc));
    } else {
      const config = bundleConfig({
        runtime: this.o.runtime,
        overlay: root.overlay,
        hostname: spec.hostname,
        volumes: spec.mounts.map((m) => ({ ...m, source: this.o.volumePath(m.volume) })),
        files: root.files,
        memoryBytes: spec.memoryBytes,
        cgroupsPath: cgroupOf(id),
        args: runnerArgs,
        terminal: spec.tty,
        netns: this.o.netns?.pathOf(snapshotKey),
      });
      await writeFile(join(bundle, 'config.json'), JSON.stringify(config));
      // --keep leaves the cgroup after exit so its OOM counter can be read; deleted right after.
      // A detached (-t) container stays in runc's state until deleted, with its cgroup.
      const keep = spec.memoryBytes && !spec.tty ? ['--keep'] : [];
      proc = new Process(command(['run', '--bundle', bundle, '--preserve-fds', '1', '--pid-file', join(bundle, 'init.pid'), ...keep, id]), pipes, io, {
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
      this.#track(snapshotKey, proc);
    }
    await proc.started;
    await proc.readPid();
    return proc;
  }

  /**
   * The container's root, volumes and runtime files mounted into the spare, its memory limit on
   * its cgroup, then the go. Undefined when the spare cannot take it (its boot failed, a mount
   * failed): the caller gives the spare up and takes the normal path, which reports the problem
   * as it always has.
   */
  async #startInSpare(spare: SpareContainer, key: string, spec: ProcessSpec, io: ProcessIO, runnerSpec: object, root: ContainerRoot): Promise<RunningProcess | undefined> {
    if (!(await spare.ready)) return undefined;
    try {
      await spare.fill(overlayOptions(root.overlay), [
        ...spec.mounts.map((m) => ({ source: this.o.volumePath(m.volume), target: m.target, readOnly: m.readOnly })),
        ...root.files.map((f) => ({ source: f.source, target: f.target, readOnly: false })),
      ]);
      if (spec.memoryBytes) await limitMemory(runcId(key), spec.memoryBytes + RUNTIME_MEMORY_OVERHEAD);
    } catch {
      return undefined;
    }
    const proc = spare.process;
    this.#track(key, proc);
    void proc.exited.then(() => {
      const cleared = spare.clear();
      this.#clearing.set(key, cleared);
      void cleared.then(() => {
        if (this.#clearing.get(key) === cleared) this.#clearing.delete(key);
      });
    });
    spare.go(io, runnerSpec, spec.openStdin);
    await proc.started;
    await proc.readPid();
    return proc;
  }

  /**
   * What a name resolves to for the container of `key` (the core's HostEngine.resolveName, which
   * the kernel host hands over once its engine exists): its runners ask on their status channel.
   */
  resolveName?: (containerId: string, name: string) => Promise<string[]>;

  #names(key: string, name: string): Promise<string[]> {
    return this.resolveName?.(key, name) ?? Promise.resolve([]);
  }

  #track(key: string, proc: Process): void {
    proc.names = (name) => this.#names(key, name);
    const entry: Tracked = { init: proc, execs: new Set() };
    this.#running.set(key, entry);
    void proc.exited.then(() => {
      if (this.#running.get(key) === entry) this.#running.delete(key);
      // Not at once: the core's work after an exit (records, a --rm removal, whose end calls
      // release) is still part of the run, and a boot next to it slows it on a 2-core machine.
      this.#refillWhenIdle();
    });
  }

  /** `docker stats` from the container's cgroups (v1): memory without the inactive page cache, as Docker's CLI counts it. */
  async usage(snapshotKey: string): Promise<ContainerUsage | undefined> {
    const cg = cgroupOf(runcId(snapshotKey));
    const read = (file: string) => readFile(`/sys/fs/cgroup/${file.replace('/', cg + '/')}`, 'utf8');
    let memory: string;
    try {
      memory = await read('memory/memory.usage_in_bytes');
    } catch {
      return undefined; // no cgroup: nothing of it runs
    }
    const stat = await read('memory/memory.stat').catch(() => '');
    const inactive = Number(/^total_inactive_file (\d+)/m.exec(stat)?.[1] ?? 0);
    const used = Number(memory.trim());
    const cpuNanos = Number((await read('cpuacct/cpuacct.usage').catch(() => '0')).trim());
    const pids = Number((await read('pids/pids.current').catch(() => '0')).trim());
    return { memoryBytes: inactive < used ? used - inactive : used, cpuNanos, pids };
  }

  #runcCommand(args: string[]): Promise<void> {
    return new Promise((resolve) => {
      const child = spawn(this.#runc, args, { stdio: 'ignore' });
      child.on('error', () => resolve());
      child.on('close', () => resolve());
    });
  }
}

/** A spare's memory limit, set on its cgroup before the go (as runc sets it from config.json: memory and memory+swap). */
async function limitMemory(id: string, bytes: number): Promise<void> {
  const dir = `/sys/fs/cgroup/memory${cgroupOf(id)}`;
  await writeFile(join(dir, 'memory.limit_in_bytes'), String(bytes));
  await writeFile(join(dir, 'memory.memsw.limit_in_bytes'), String(bytes)).catch((e: NodeJS.ErrnoException) => {
    // A kernel without swap accounting has no memsw file; runc skips it too.
    if (e.code !== 'ENOENT') throw e;
  });
}

async function oomKills(id: string): Promise<number> {
  try {
    const text = await readFile(`/sys/fs/cgroup/memory${cgroupOf(id)}/memory.oom_control`, 'utf8');
    return Number(/^oom_kill (\d+)/m.exec(text)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

