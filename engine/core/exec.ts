import type { AttachOptions, AttachStream, ExecCreate, ExecInspect } from '../engine.ts';
import { EngineError } from '../errors.ts';
import type { ProcessExit, RunningProcess } from '../ports.ts';
import { refuseOtherUser } from './container-config.ts';
import { processEnv } from './container-env.ts';
import { findContainer } from './container-store.ts';
import type { ContainerRunner } from './container-run.ts';
import type { Core } from './context.ts';
import { randomId } from './ids.ts';
import type { ExecRecord } from './records.ts';

/** What Docker's exec events say of their container beside the exec's own (dockerd 20.10: image, name). */
function containerAttributes(c: { Config: { Image: string }; Name: string }): Record<string, string> {
  return { image: c.Config.Image, name: c.Name.slice(1) };
}

/** Docker's exit status of an exec whose program could not be started (not found, not executable). */
const EXIT_EXEC_FAILED = 126;

/**
 * `docker exec`: a second process in a running container's snapshot, sharing its file system.
 * It dies with the container (as processes in a pid namespace do). When its exit is recorded the
 * engine emits a container event `exec_die` with `execID` and `exitCode` - the sign for a host to
 * close the exec's stream.
 */
export class ExecRunner {
  readonly #processes = new Map<string, { containerId: string; process: RunningProcess; cmd: string[]; tty: boolean; started: number }>();
  /** Exec records of healthcheck probes: kept here, never in the store (Docker keeps them in memory too). */
  readonly #transient = new Map<string, ExecRecord>();

  constructor(
    private readonly core: Core,
    private readonly containers: ContainerRunner,
  ) {
    core.events.subscribe((e) => {
      if (e.Type !== 'container' || e.Action !== 'die') return;
      for (const p of this.#processes.values()) if (p.containerId === e.Actor.ID) p.process.kill('SIGKILL');
    });
  }

  /** The exec processes running in a container now, oldest first (`docker top`). */
  running(containerId: string): Array<{ cmd: string[]; tty: boolean; started: number; pid?: number }> {
    return [...this.#processes.values()].filter((p) => p.containerId === containerId).map((p) => ({ cmd: p.cmd, tty: p.tty, started: p.started, pid: p.process.pid }));
  }

  async create(name: string, options: ExecCreate, transient = false): Promise<{ Id: string }> {
    const c = await findContainer(this.core, name);
    if (!this.containers.isRunning(c.Id)) throw new EngineError('conflict', `Container ${c.Id} is not running`);
    if (!Array.isArray(options.Cmd) || options.Cmd.length === 0) throw new EngineError('invalid-argument', 'No exec command specified');
    refuseOtherUser(options.User, 'exec -u');
    const record: ExecRecord = {
      ID: randomId(),
      ContainerID: c.Id,
      Cmd: [...options.Cmd],
      Env: [...(options.Env ?? [])],
      WorkingDir: options.WorkingDir ?? '',
      Tty: options.Tty ?? false,
      Running: false,
      ExitCode: null,
    };
    if (transient) {
      this.#transient.set(record.ID, record);
    } else {
      this.containers.noteExec(c.Id);
      await this.core.ports.metadata.batch([{ op: 'put', bucket: 'execs', key: record.ID, value: record }]);
    }
    this.core.events.emit('container', `exec_create: ${record.Cmd.join(' ')}`, c.Id, { execID: record.ID, ...containerAttributes(c) });
    return { Id: record.ID };
  }

  async #record(id: string): Promise<ExecRecord> {
    const r = this.#transient.get(id) ?? (await this.core.ports.metadata.get<ExecRecord>('execs', id));
    if (!r) throw new EngineError('not-found', `No such exec instance: ${id}`);
    return r;
  }

  async start(id: string, options: AttachOptions): Promise<AttachStream> {
    const launched = await this.#launch(id, options);
    // Its end is heard through exec_die (wait, inspect); a failed write of the record reaches no caller.
    launched.exit.catch(() => {});
    return launched.stream;
  }

  /**
   * A healthcheck probe: an exec of `cmd` in the running container with the events of any exec
   * (exec_create, exec_start, exec_die), its output to `onOutput`, its record kept in memory only
   * and dropped once it ended. `exit` settles when the end is recorded; `kill` ends it (SIGKILL).
   */
  async probe(containerId: string, cmd: string[], onOutput: (data: Uint8Array) => void): Promise<{ exit: Promise<ProcessExit>; kill(): void }> {
    const { Id } = await this.create(containerId, { Cmd: cmd }, true);
    try {
      const launched = await this.#launch(Id, { stdin: false, stdout: true, stderr: true, onOutput: (_stream, data) => onOutput(data) });
      return { exit: launched.exit.finally(() => this.#transient.delete(Id)), kill: launched.kill };
    } catch (e) {
      this.#transient.delete(Id);
      throw e;
    }
  }

  async #launch(id: string, options: AttachOptions): Promise<{ stream: AttachStream; exit: Promise<ProcessExit>; kill(): void }> {
    const core = this.core;
    const exec = await this.#record(id);
    if (exec.Running || exec.ExitCode !== null) throw new EngineError('conflict', `Error: Exec command ${id} has already run`);
    const c = await findContainer(core, exec.ContainerID);
    if (!this.containers.isRunning(c.Id)) throw new EngineError('conflict', `Container ${c.Id} is not running`);
    const wantOut = options.stdout ?? true;
    const wantErr = options.stderr ?? true;
    const process = await core.ports.runtime.start(
      c.Id,
      {
        args: exec.Cmd,
        env: await processEnv(core, c, exec.Env),
        cwd: exec.WorkingDir || c.Config.WorkingDir || '/',
        hostname: c.Config.Hostname,
        tty: exec.Tty,
        openStdin: options.stdin ?? false,
        ...(c.HostConfig.Memory > 0 ? { memoryBytes: c.HostConfig.Memory } : {}),
        mounts: c.Mounts.map((m) => ({ volume: m.Name, target: m.Destination, readOnly: !m.RW })),
      },
      {
        stdout: (d) => wantOut && options.onOutput(1, d),
        stderr: (d) => wantErr && options.onOutput(2, d),
      },
    );
    this.#processes.set(id, { containerId: c.Id, process, cmd: exec.Cmd, tty: exec.Tty, started: core.now() });
    await this.#update(id, (r) => (r.Running = true));
    core.events.emit('container', `exec_start: ${exec.Cmd.join(' ')}`, c.Id, { execID: id, ...containerAttributes(c) });
    const finish = async (exit: ProcessExit) => {
      // A program that could not start is 126 for exec, whatever the reason (Docker's exec start failure).
      const exitCode = exit.error !== undefined ? EXIT_EXEC_FAILED : exit.exitCode;
      this.#processes.delete(id);
      await this.#update(id, (r) => {
        r.Running = false;
        r.ExitCode = exitCode;
      });
      core.events.emit('container', 'exec_die', c.Id, { execID: id, exitCode: String(exitCode), ...containerAttributes(c) });
      return exit;
    };
    const exit = process.exited.then(finish, (e: unknown) => finish({ exitCode: EXIT_EXEC_FAILED, oomKilled: false, error: e instanceof Error ? e.message : String(e) }));
    return {
      stream: {
        write: async (data) => process.writeStdin(data.slice()),
        closeStdin: async () => process.closeStdin(),
        detach: async () => {},
      },
      exit,
      kill: () => process.kill('SIGKILL'),
    };
  }

  async #update(id: string, change: (r: ExecRecord) => void): Promise<void> {
    const kept = this.#transient.get(id);
    if (kept) return change(kept);
    const r = await this.core.ports.metadata.get<ExecRecord>('execs', id);
    if (!r) return;
    change(r);
    await this.core.ports.metadata.batch([{ op: 'put', bucket: 'execs', key: id, value: r }]);
  }

  async resize(id: string, rows: number, cols: number): Promise<void> {
    await this.#record(id);
    this.#processes.get(id)?.process.resize?.(rows, cols);
  }

  async inspect(id: string): Promise<ExecInspect> {
    const r = await this.#record(id);
    return {
      ID: r.ID,
      ContainerID: r.ContainerID,
      Running: r.Running,
      ExitCode: r.ExitCode,
      ProcessConfig: { entrypoint: r.Cmd[0], arguments: r.Cmd.slice(1), tty: r.Tty },
    };
  }

  /** Wait for an exec to end (for `run`-style callers and tests). */
  async wait(id: string): Promise<number> {
    let stop = () => {};
    const died = new Promise<number>((resolve) => {
      stop = this.core.events.subscribe((e) => {
        if (e.Action === 'exec_die' && e.Actor.Attributes.execID === id) resolve(Number(e.Actor.Attributes.exitCode));
      });
    });
    try {
      const r = await this.#record(id);
      if (r.ExitCode !== null) return r.ExitCode;
      return await died;
    } finally {
      stop();
    }
  }
}
