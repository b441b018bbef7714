import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Duplex, Readable, Writable } from 'node:stream';
import type { ProcessExit, ProcessIO, RunningProcess } from '../../engine/ports.ts';
import type { LookupAnswer, LookupRequest } from '../runner/name-lookup.ts';

const SIGNALS = { SIGINT: 2, SIGKILL: 9, SIGTERM: 15 } as const;
type Signal = keyof typeof SIGNALS;

/** runc's global flags for a container: our state directory, its log as JSON in the bundle. */
export function runcGlobalArgs(runcState: string, bundle: string): string[] {
  return ['--root', runcState, '--log-format', 'json', '--log', join(bundle, 'runc.log')];
}

export interface ProcessOptions {
  pidFile: string;
  cleanupFiles: string[];
  afterExit?: (exit: ProcessExit) => Promise<ProcessExit>;
  killAll?: () => Promise<void>;
  /**
   * The cgroup's memory limit was set and its OOM counter cannot be read after the exit (a spare
   * runs without --keep): a SIGKILL the service did not send is the OOM killer's.
   */
  killedMeansOom?: boolean;
}

/** How the process's pipes are laid out. */
export interface ProcessPipes {
  /** fd 0 is a pipe (else /dev/null). */
  stdin: boolean;
  /** fd 4: console-relay's resize requests (-t), or a warm spare's control pipe (its go). */
  fd4?: 'resize' | 'control';
}

/**
 * One runc-started process: its pipes, the runner's status channel (fd 3), its exit. A warm
 * spare's process is made before anyone wants its output: `go` gives it its receiver.
 */
export class Process implements RunningProcess {
  readonly started: Promise<void>;
  /** A spare's runner is loaded and waits for its go (true), or it ended first (false). */
  readonly ready: Promise<boolean>;
  readonly exited: Promise<ProcessExit>;
  readonly #child: ChildProcess;
  #signal: Signal | undefined;
  #isStarted = false;
  /** It ended before the runner said its program started (RunningProcess.notStarted). */
  #endedUnstarted = false;
  #report: { code?: number; error?: string } = {};
  #oomKilled = false;
  /** A program the guest started was killed at the memory limit (the guest itself went on). */
  #childOomKilled = false;
  readonly #held: Array<[1 | 2, Uint8Array]> = [];
  /** A -t process's terminal size (TIOCSWINSZ through console-relay). */
  resize?: (rows: number, cols: number) => void;
  /** The host's pid of the container's process (runc's --pid-file), once started: see readPid. */
  pid?: number;
  /** Names on the container's networks, for the runner's lookups (kernel-node/runner/name-lookup.ts); none without. */
  names?: (name: string) => Promise<string[]>;

  #io: ProcessIO;
  /** A spare's go not yet given: what it ends with is no guest's. */
  #control: Writable | undefined;

  constructor(
    command: { file: string; args: string[]; cwd?: string },
    pipes: ProcessPipes,
    io: ProcessIO,
    private readonly opts: ProcessOptions,
  ) {
    this.#io = io;
    // fd 3: the runner's status channel; fd 4: see ProcessPipes.
    const stdio: Array<'pipe' | 'ignore'> = [pipes.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe', 'pipe', ...(pipes.fd4 ? ['pipe' as const] : [])];
    this.#child = spawn(command.file, command.args, { stdio, ...(command.cwd ? { cwd: command.cwd } : {}) });
    if (pipes.fd4) {
      const fd4 = this.#child.stdio[4] as Writable;
      fd4.on('error', () => undefined);
      if (pipes.fd4 === 'control') this.#control = fd4;
      else {
        this.resize = (rows, cols) => {
          if (this.#child.exitCode === null) fd4.write(`${Math.floor(rows)} ${Math.floor(cols)}\n`);
        };
      }
    }
    let markStarted!: () => void;
    this.started = new Promise((r) => (markStarted = r));
    let markReady!: (ready: boolean) => void;
    this.ready = new Promise((r) => (markReady = r));
    const status = this.#child.stdio[3] as Readable;
    let statusText = '';
    status.on('data', (d: Buffer) => {
      statusText += d.toString();
      for (let nl = statusText.indexOf('\n'); nl >= 0; nl = statusText.indexOf('\n')) {
        const msg = JSON.parse(statusText.slice(0, nl)) as { ready?: boolean; started?: boolean; code?: number; error?: string; oomKilled?: boolean; childOomKilled?: boolean } & Partial<LookupRequest>;
        statusText = statusText.slice(nl + 1);
        if (typeof msg.resolve === 'string' && typeof msg.id === 'number') this.#answer(status as Duplex, msg.resolve, msg.id);
        else if (msg.ready) markReady(true);
        else if (msg.oomKilled) this.#oomKilled = true;
        else if (msg.childOomKilled) this.#childOomKilled = true;
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
        markReady(false);
        this.#endedUnstarted ||= !this.#isStarted;
        markStarted();
        resolve({ exitCode: 125, oomKilled: false, error: `runc: ${e.message}` });
      });
      this.#child.on('close', (code, signal) => {
        markReady(false);
        this.#endedUnstarted ||= !this.#isStarted;
        markStarted();
        void this.#finish(code ?? 128 + (signal ? (SIGNALS[signal as Signal] ?? 1) : 1)).then(resolve);
      });
    });
  }

  /** The program never ran: the runner could not start it, or runc failed (the port's contract). */
  get notStarted(): boolean {
    return this.#endedUnstarted;
  }

  /** Every lookup is answered (nothing, when it fails), so the runner never waits out its timeout. */
  #answer(channel: Duplex, name: string, id: number): void {
    void (this.names?.(name) ?? Promise.resolve([]))
      .catch(() => [])
      .then((addresses) => {
        if (!channel.destroyed) channel.write(JSON.stringify({ id, addresses } satisfies LookupAnswer) + '\n');
      });
  }

  async #finish(code: number): Promise<ProcessExit> {
    let exit: ProcessExit;
    if (this.#isStarted) {
      exit = { exitCode: code, oomKilled: false };
      if (this.#signal === 'SIGKILL') exit.exitCode = 137;
      if (this.#oomKilled || (this.opts.killedMeansOom && code === 137 && this.#signal !== 'SIGKILL')) exit = { exitCode: 137, oomKilled: true };
      // As Docker's OOMKilled: any process of the container killed for memory, the exit status stays the container's own.
      else if (this.#childOomKilled) exit.oomKilled = true;
    } else if (this.#report.error) {
      // The program could not start: what the runner said of it is the container's output (in
      // Docker's words, engine/wasi/program-path.ts startFailureLine), as the browser shows it.
      for (const [stream, data] of this.#held.splice(0)) (stream === 1 ? this.#io.stdout : this.#io.stderr)(data);
      exit = { exitCode: this.#report.code ?? 126, oomKilled: false, error: this.#report.error };
    } else {
      const runcLog = Buffer.concat(this.#held.filter(([s]) => s === 2).map(([, d]) => d)).toString().trim();
      exit = { exitCode: this.#signal === 'SIGKILL' ? 137 : 125, oomKilled: false, error: runcLog || `the container runtime failed to start (status ${code})` };
    }
    if (this.opts.afterExit) exit = await this.opts.afterExit(exit);
    await Promise.all(this.opts.cleanupFiles.map((f) => rm(f, { force: true })));
    return exit;
  }

  #emit(stream: 1 | 2, data: Uint8Array): void {
    if (!this.#isStarted) {
      // Held until the runner reports on fd 3 (another pipe, so its message may arrive later):
      // then it is the guest's output; if the runner never starts, stderr is runc's error.
      this.#held.push([stream, data]);
      return;
    }
    if (stream === 1) this.#io.stdout(data);
    else this.#io.stderr(data);
  }

  /**
   * A spare's go: the guest's receiver of output, then the runner's spec on the control pipe
   * (closed after it: the runner reads to its end).
   */
  go(io: ProcessIO, runnerSpec: object, openStdin: boolean): void {
    this.#io = io;
    if (!openStdin) this.closeStdin();
    this.#control?.end(JSON.stringify(runnerSpec));
    this.#control = undefined;
  }

  /** A spare nobody will use: its runner reads an empty go and exits. */
  dismiss(): void {
    this.#control?.end();
    this.#control = undefined;
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
    // runc forwards the signals it receives to the process; the runner makes it pending for the
    // guest, which decides what it does (wasi-runner.ts).
    try {
      this.#child.kill(signal);
    } catch {
      // Already gone.
    }
  }

  /** Read the pid runc wrote (it does so before the process runs): State.Pid, as Docker shows it. */
  async readPid(): Promise<void> {
    this.pid = await this.#pid();
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
