import type { AttachOptions, AttachStream, ContainerState, LogsOptions, WaitResult } from '../engine.ts';
import { EngineError } from '../errors.ts';
import type { LogEntry, ProcessExit, RunningProcess } from '../ports.ts';
import { rfc3339Nano, ZERO_TIME } from './clock.ts';
import { EXIT_KILLED } from '../errors.ts';
import { findContainer, updateContainer } from './container-store.ts';
import { filterLogs, LogWriter } from './container-logs.ts';
import type { Core } from './context.ts';
import { deleteContainerData } from './containers.ts';
import { missingBlob } from './image-store.ts';
import { copyUpVolumes } from './volume-copy.ts';
import { startWiredNetworking } from './network-endpoints.ts';
import type { ContainerRecord } from './records.ts';
import { processEnv } from './container-env.ts';
import { endHealth, healthAtStart } from './health.ts';
import { deliverableSignal, signalNumber, type DeliverableSignal } from './signals.ts';

type Listener = { stdout: boolean; stderr: boolean; onOutput: AttachOptions['onOutput'] };

/** The live side of one container: its process, who is attached, who waits. */
interface Session {
  process?: RunningProcess;
  listeners: Set<Listener>;
  /** stdin written by an attachment before the process started (docker run attaches first). */
  stdinQueue: Uint8Array[];
  stdinClosed: boolean;
  exitWaiters: Array<(r: WaitResult) => void>;
  removeWaiters: Array<(r: WaitResult) => void>;
  /** Settles once the exit is recorded (state, logs, auto-remove). */
  done?: Promise<void>;
  lastExit?: WaitResult;
  /** The container had never run before this engine started it. */
  firstRun?: boolean;
  /** This engine made an exec record for the container (noteExec). */
  hadExec?: boolean;
  /** The state before the running start, which a start whose program could not run goes back to. */
  beforeStart?: Pick<ContainerState, 'Status' | 'StartedAt' | 'FinishedAt' | 'Health'>;
}

/**
 * Start, attach, wait, stop, kill, remove and logs: everything that touches a container's process.
 * A container's state moves created -> running -> exited (-> running again on start, with the same
 * writable layer); each move is written to its record before anyone waiting hears of it.
 */
export class ContainerRunner {
  readonly #sessions = new Map<string, Session>();
  readonly logWriter: LogWriter;
  #nextPid = 100;

  constructor(private readonly core: Core) {
    this.logWriter = new LogWriter(core);
  }

  #session(id: string): Session {
    let s = this.#sessions.get(id);
    if (!s) this.#sessions.set(id, (s = { listeners: new Set(), stdinQueue: [], stdinClosed: false, exitWaiters: [], removeWaiters: [] }));
    return s;
  }

  /** An exec of the container was recorded (exec.ts): removing the container looks for exec records. */
  noteExec(id: string): void {
    this.#session(id).hadExec = true;
  }

  isRunning(id: string): boolean {
    return this.#sessions.get(id)?.process !== undefined;
  }

  async start(name: string): Promise<void> {
    const core = this.core;
    const c = await findContainer(core, name);
    const session = this.#session(c.Id);
    if (session.process || (await this.#runningElsewhere(c))) throw new EngineError('not-modified', 'container already started');
    const missing = await missingBlob(core, c.layers);
    if (missing) throw new EngineError('not-found', `layer ${missing} of container ${c.Id.slice(0, 12)} is missing`);
    await core.ports.snapshots.prepare(c.Id, c.layers);
    // Addresses and host ports are taken, and wired by the host, before the process starts: a port
    // another container holds refuses the start and leaves this one as it was (Docker's "port is
    // already allocated").
    const network = await startWiredNetworking(core, c);
    const driver = core.ports.network;
    const io = {
      stdout: (data: Uint8Array) => this.#output(c.Id, 1, data),
      stderr: (data: Uint8Array) => this.#output(c.Id, 2, data),
    };
    const spec = {
      args: [c.Path, ...c.Args],
      env: await processEnv(core, c),
      cwd: c.Config.WorkingDir || '/',
      hostname: c.Config.Hostname,
      tty: c.Config.Tty,
      ...(c.Config.Tty && c.HostConfig.ConsoleSize ? { consoleSize: { rows: c.HostConfig.ConsoleSize[0], cols: c.HostConfig.ConsoleSize[1] } } : {}),
      openStdin: c.Config.OpenStdin,
      ...(c.HostConfig.Memory > 0 ? { memoryBytes: c.HostConfig.Memory } : {}),
      mounts: c.Mounts.map((m) => ({ volume: m.Name, target: m.Destination, readOnly: !m.RW })),
      addresses: network.addresses,
    };
    let process: RunningProcess;
    // From here until the exit is recorded this engine alone writes the record: it stays in memory,
    // as startNetworking left it (its addresses and ports), not as read before.
    core.containers.hold((await core.containers.get(c.Id)) ?? c);
    try {
      await copyUpVolumes(core.ports, c.Id, spec.mounts);
      process = await core.ports.runtime.start(c.Id, spec, io);
      if (process.notStarted) {
        const exit = await process.exited;
        if (exit.error !== undefined) throw startFailure(exit.exitCode, exit.error);
      }
    } catch (e) {
      // Docker's failed start: the container stays as it was (created, if it never ran), with the
      // exit code (127/126 for a program that cannot start, else 128) and the error; --rm removes it.
      const failure = e instanceof EngineError ? e : new EngineError('internal', e instanceof Error ? e.message : String(e));
      const record = await updateContainer(core, c.Id, (r) => {
        r.State = { ...r.State, Status: c.State.StartedAt === ZERO_TIME ? 'created' : 'exited', Running: false, ExitCode: START_FAILURE_STATUS[failure.code] ?? 128, Error: failure.message };
      });
      core.containers.release(c.Id);
      network.done();
      await driver?.detach(c.Id);
      if (record?.HostConfig.AutoRemove) await this.#removeStopped(record, true).catch(() => {});
      throw failure;
    }
    session.process = process;
    session.firstRun = c.State.StartedAt === ZERO_TIME;
    session.beforeStart = { Status: c.State.Status, StartedAt: c.State.StartedAt, FinishedAt: c.State.FinishedAt, Health: c.State.Health };
    const pid = process.pid ?? this.#nextPid++;
    await updateContainer(core, c.Id, (r) => {
      r.State = { ...r.State, Status: 'running', Running: true, Paused: false, OOMKilled: false, Dead: false, Pid: pid, ExitCode: 0, Error: '', StartedAt: rfc3339Nano(core.now()) };
      const health = healthAtStart(r);
      if (health) r.State.Health = health;
    });
    network.done();
    core.events.emit('container', 'start', c.Id, { image: c.Config.Image, name: c.Name.slice(1) });
    for (const chunk of session.stdinQueue.splice(0)) process.writeStdin(chunk);
    if (session.stdinClosed) process.closeStdin();
    session.stdinClosed = false;
    session.done = process.exited.then(
      (exit) => this.#exited(c, session, exit),
      (e) => this.#exited(c, session, { exitCode: 128, oomKilled: false, error: e instanceof Error ? e.message : String(e) }),
    );
  }

  /**
   * Recorded as running, yet this engine has no process for it: another engine over the same
   * stores runs it (another tab of the playground) - an engine that opens marks every other such
   * record exited. Read again, so a container that just ended here is not taken for one.
   */
  async #runningElsewhere(c: ContainerRecord): Promise<boolean> {
    if (!c.State.Running || this.#sessions.get(c.Id)?.process) return false;
    const fresh = await this.core.containers.get(c.Id);
    return (fresh?.State.Running ?? false) && !this.#sessions.get(c.Id)?.process;
  }

  /**
   * Recorded as running and run by another engine on the stores that is still there (another open
   * tab). When none runs it any more - its tab was closed before it recorded the exit - the container
   * is marked exited as recovery would (137), so it can be removed, and this says false.
   */
  async #aliveElsewhere(c: ContainerRecord): Promise<boolean> {
    if (!(await this.#runningElsewhere(c))) return false;
    const held = await this.core.ports.runtime.runningElsewhere?.();
    if (!held || held.has(c.Id)) return true;
    await updateContainer(this.core, c.Id, (r) => {
      if (!r.State.Running) return;
      r.State = { ...r.State, Status: 'exited', Running: false, Pid: 0, ExitCode: EXIT_KILLED, Error: 'the engine that ran it has gone (its tab was closed)', FinishedAt: rfc3339Nano(this.core.now()) };
      endHealth(r.State);
    });
    await this.core.containers.flush();
    return false;
  }

  /**
   * A container another engine on the stores runs (another tab): that engine takes the signal and
   * records the exit (issue 20: one playground in several tabs is one Docker host). True once it
   * took it; an engine that does not answer is an error (nothing is faked).
   */
  async #signalElsewhere(c: ContainerRecord, signal: 'SIGTERM' | 'SIGKILL' | 'SIGINT'): Promise<boolean> {
    const runtime = this.core.ports.runtime;
    if (!runtime.signalElsewhere) throw runningElsewhereError(c);
    if (await runtime.signalElsewhere(c.Id, signal)) return true;
    throw runningElsewhereError(c);
  }

  /** Wait until the engine that runs `c` has recorded its exit (the store says not running). */
  async #exitedElsewhere(c: ContainerRecord, ms: number): Promise<boolean> {
    const until = Date.now() + ms;
    for (;;) {
      const fresh = await this.core.containers.get(c.Id);
      if (!fresh?.State.Running) return true;
      if (Date.now() >= until) return false;
      await new Promise((r) => setTimeout(r, ELSEWHERE_POLL_MS));
    }
  }

  /** docker stop of a container another tab runs: its stop signal there, SIGKILL after `seconds`. */
  async #stopElsewhere(c: ContainerRecord, seconds: number): Promise<void> {
    const stopSignal = deliverableSignal(c.Config.StopSignal ?? 'SIGTERM') ?? 'SIGTERM';
    if (seconds !== 0) {
      await this.#signalElsewhere(c, stopSignal);
      if (await this.#exitedElsewhere(c, seconds < 0 ? Number.MAX_SAFE_INTEGER : seconds * 1000)) return;
    }
    await this.#signalElsewhere(c, 'SIGKILL');
    await this.#exitedElsewhere(c, ELSEWHERE_EXIT_MS);
  }

  #output(id: string, stream: 1 | 2, data: Uint8Array): void {
    this.logWriter.write(id, stream === 1 ? 'stdout' : 'stderr', data);
    const session = this.#sessions.get(id);
    if (!session) return;
    for (const l of session.listeners) {
      if (stream === 1 ? !l.stdout : !l.stderr) continue;
      try {
        l.onOutput(stream, data.slice());
      } catch {
        session.listeners.delete(l);
      }
    }
  }

  async #exited(c: ContainerRecord, session: Session, exit: ProcessExit): Promise<void> {
    const core = this.core;
    // The last partial lines go to the store with the next send; this engine's `logs` sends first.
    this.logWriter.close(c.Id);
    // `error`: the program never ran (not found, not executable). As Docker's failed start, the
    // container stays as it was before (created, if it never ran) with the exit code and the error.
    const before = exit.error !== undefined ? session.beforeStart : undefined;
    const record = await updateContainer(core, c.Id, (r) => {
      if (before) {
        const { Health, ...rest } = before;
        r.State = { ...r.State, ...rest, Running: false, Pid: 0, ExitCode: exit.exitCode, OOMKilled: exit.oomKilled, Error: exit.error ?? '' };
        if (Health) r.State.Health = Health;
        else delete r.State.Health;
        return;
      }
      r.State = { ...r.State, Status: 'exited', Running: false, Pid: 0, ExitCode: exit.exitCode, OOMKilled: exit.oomKilled, Error: exit.error ?? '', FinishedAt: rfc3339Nano(core.now()) };
      endHealth(r.State);
    });
    core.containers.release(c.Id);
    // Its connections end and its ports close with the process, before anyone is told it died.
    await core.ports.network?.detach(c.Id);
    session.process = undefined;
    session.listeners.clear();
    session.stdinQueue = [];
    // A start that failed is told to whoever waits (the CLI prints it as Docker's failed start).
    const result: WaitResult = { StatusCode: exit.exitCode, Error: null, ...(before ? { StartError: exit.error } : {}) };
    session.lastExit = result;
    if (exit.oomKilled) core.events.emit('container', 'oom', c.Id, { image: c.Config.Image, name: c.Name.slice(1) });
    core.events.emit('container', 'die', c.Id, { exitCode: String(exit.exitCode), image: c.Config.Image, name: c.Name.slice(1) });
    for (const w of session.exitWaiters.splice(0)) w(result);
    if (record?.HostConfig.AutoRemove) {
      // Written behind: the record of a --rm container that is gone before it was stored never is.
      await this.#removeStopped(record, true, false).catch(() => {});
    }
  }

  async #removeStopped(c: ContainerRecord, volumes: boolean, durable = true): Promise<void> {
    // Log lines not yet in the store would outlive the deletion: drop them, or wait for the ones on their way.
    const sent = await this.logWriter.discard(c.Id);
    // An auto-removed container that ran only here has in the stores only what this engine put
    // there: no log but what it sent, no exec record but those it made (an exec needs the engine
    // that runs the container).
    const session = this.#sessions.get(c.Id);
    const onlyHere = c.HostConfig.AutoRemove && session?.firstRun === true;
    await deleteContainerData(this.core, c, { volumes, durable, logsStored: sent || !onlyHere, execsStored: !onlyHere || session?.hadExec === true });
    this.#sessions.delete(c.Id);
    const result = session?.lastExit ?? { StatusCode: c.State.ExitCode, Error: null };
    for (const w of session?.removeWaiters.splice(0) ?? []) w(result);
  }

  /** Output from the moment of the call; stdin is queued until the process starts. */
  async attach(name: string, options: AttachOptions): Promise<AttachStream> {
    const c = await findContainer(this.core, name);
    const session = this.#session(c.Id);
    const listener: Listener = { stdout: options.stdout ?? true, stderr: options.stderr ?? true, onOutput: options.onOutput };
    session.listeners.add(listener);
    this.core.events.emit('container', 'attach', c.Id, { image: c.Config.Image, name: c.Name.slice(1) });
    const useStdin = options.stdin ?? false;
    return {
      write: async (data) => {
        if (!useStdin) return;
        if (session.process) session.process.writeStdin(data.slice());
        else session.stdinQueue.push(data.slice());
      },
      closeStdin: async () => {
        if (!useStdin) return;
        if (session.process) session.process.closeStdin();
        else session.stdinClosed = true;
      },
      detach: async () => {
        session.listeners.delete(listener);
      },
    };
  }

  async wait(name: string, condition: 'not-running' | 'next-exit' | 'removed' = 'not-running'): Promise<WaitResult> {
    const c = await findContainer(this.core, name);
    const session = this.#session(c.Id);
    if (condition === 'removed') return new Promise((resolve) => session.removeWaiters.push(resolve));
    if (condition === 'not-running' && !session.process && !(await this.#runningElsewhere(c))) {
      // The record found by name may predate an exit that came while it was read: this engine's latest says.
      const latest = c.State.Running ? await this.core.containers.get(c.Id) : c;
      return { StatusCode: (latest ?? c).State.ExitCode, Error: null };
    }
    return new Promise((resolve) => session.exitWaiters.push(resolve));
  }

  async kill(name: string, signal = 'SIGKILL'): Promise<void> {
    const c = await findContainer(this.core, name);
    const sig = deliverableSignal(signal);
    if (!sig) throw new EngineError('invalid-argument', `Invalid signal: ${signal}`);
    const session = this.#sessions.get(c.Id);
    if (!session?.process) {
      if ((await this.#aliveElsewhere(c)) && (await this.#signalElsewhere(c, sig === 'SIGKILL' ? 'SIGKILL' : sig === 'SIGINT' ? 'SIGINT' : 'SIGTERM'))) {
        this.core.events.emit('container', 'kill', c.Id, { signal: signalNumber(sig), name: c.Name.slice(1) });
        if (sig === 'SIGKILL') await this.#exitedElsewhere(c, ELSEWHERE_EXIT_MS);
        return;
      }
      throw new EngineError('conflict', `cannot kill container: ${name}: container ${c.Id} is not running`);
    }
    session.process.kill(sig);
    this.core.events.emit('container', 'kill', c.Id, { signal: signalNumber(sig), name: c.Name.slice(1) });
    if (sig === 'SIGKILL') await session.done;
  }

  /** SIGTERM (or the image's StopSignal), then SIGKILL after `timeout` seconds (-1: wait for ever). */
  async stop(name: string, timeout?: number): Promise<void> {
    const c = await findContainer(this.core, name);
    const session = this.#sessions.get(c.Id);
    const seconds = timeout ?? this.core.options.stopTimeoutSeconds;
    if (!session?.process) {
      if (await this.#aliveElsewhere(c)) {
        await this.#stopElsewhere(c, seconds);
        this.core.events.emit('container', 'stop', c.Id, { name: c.Name.slice(1) });
        return;
      }
      throw new EngineError('not-modified', 'container already stopped');
    }
    const process = session.process;
    const stopSignal = deliverableSignal(c.Config.StopSignal ?? 'SIGTERM') ?? 'SIGTERM';
    // Each signal stop sends is a `kill` event, as Docker's (kill 15, kill 9 after the grace period, die, stop).
    const send = (signal: DeliverableSignal) => {
      process.kill(signal);
      this.core.events.emit('container', 'kill', c.Id, { signal: signalNumber(signal), name: c.Name.slice(1) });
    };
    if (seconds !== 0) send(stopSignal);
    if (seconds !== 0 && seconds > 0) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timedOut = await Promise.race([
        process.exited.then(() => false, () => false),
        new Promise<boolean>((r) => (timer = setTimeout(() => r(true), seconds * 1000))),
      ]);
      clearTimeout(timer);
      if (timedOut) send('SIGKILL');
    } else if (seconds === 0) {
      send('SIGKILL');
    }
    await session.done;
    this.core.events.emit('container', 'stop', c.Id, { name: c.Name.slice(1) });
  }

  async remove(name: string, options: { force?: boolean; volumes?: boolean } = {}): Promise<void> {
    const c = await findContainer(this.core, name);
    const session = this.#sessions.get(c.Id);
    if (await this.#aliveElsewhere(c)) {
      if (!options.force) throw new EngineError('conflict', `cannot remove container "${c.Name}": container is running: stop the container before removing or force remove`);
      await this.#signalElsewhere(c, 'SIGKILL');
      await this.#exitedElsewhere(c, ELSEWHERE_EXIT_MS);
    } else if (session?.process || (await this.core.containers.get(c.Id))?.State.Running) {
      if (!options.force) {
        throw new EngineError('conflict', `cannot remove container "${c.Name}": container is running: stop the container before removing or force remove`);
      }
      if (session?.process) {
        session.process.kill('SIGKILL');
        await session.done;
      }
    }
    const fresh = await this.core.containers.get(c.Id);
    if (!fresh) return; // auto-removed on its way out
    if (fresh.State.Running && !this.#sessions.get(c.Id)?.process) throw runningElsewhereError(c);
    await this.#removeStopped(fresh, options.volumes ?? false);
  }

  async logs(name: string, options: LogsOptions = {}): Promise<LogEntry[]> {
    const c = await findContainer(this.core, name);
    const session = this.#sessions.get(c.Id);
    const following = (options.follow ?? false) && !!session?.process;
    const live: LogEntry[] = [];
    let deliverLive = false;
    const wanted = (e: LogEntry) => filterLogs([e], { stdout: options.stdout, stderr: options.stderr, since: options.since }).length === 1;
    const onLive = (e: LogEntry) => {
      if (!wanted(e)) return;
      if (deliverLive) options.onEntry?.(e);
      live.push(e);
    };
    const { stored, stop } = this.logWriter.follow(c.Id, onLive);
    if (!following) stop();
    const initial = filterLogs(await stored, options);
    for (const e of initial) options.onEntry?.(e);
    if (!following) return initial;
    // Entries that arrived while the stored ones were read go out now, later ones as they come.
    for (const e of live) options.onEntry?.(e);
    deliverLive = true;
    // The process may have ended while the stored entries were read: then its waiters have run.
    if (session!.process) await new Promise<void>((resolve) => session!.exitWaiters.push(() => resolve()));
    await this.logWriter.flush(c.Id);
    stop();
    return [...initial, ...live];
  }

  async resize(name: string, rows: number, cols: number): Promise<void> {
    const c = await findContainer(this.core, name);
    const session = this.#sessions.get(c.Id);
    if (!session?.process) throw new EngineError('conflict', `cannot resize a container that is not running: ${c.Id.slice(0, 12)}`);
    session.process.resize?.(rows, cols);
  }
}

/** The exit code a failed start leaves, by the error's code (Docker's translateContainerdStartErr). */
const START_FAILURE_STATUS: Partial<Record<EngineError['code'], number>> = { 'command-not-found': 127, 'cannot-invoke': 126 };

/** A program that cannot start, as the start's error: the exit code says which (127 nothing to run, 126 not runnable). */
function startFailure(exitCode: number, error: string): EngineError {
  return new EngineError(exitCode === 127 ? 'command-not-found' : exitCode === 126 ? 'cannot-invoke' : 'internal', error);
}

/** How long a SIGKILL sent to another tab may take to show as an exit in the store. */
const ELSEWHERE_EXIT_MS = 10_000;
const ELSEWHERE_POLL_MS = 25;

function runningElsewhereError(c: ContainerRecord): EngineError {
  return new EngineError('conflict', `container ${c.Id.slice(0, 12)} is running in another engine on this store (another tab of the playground) that did not answer`);
}
