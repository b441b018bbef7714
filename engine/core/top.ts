import type { TopResult } from '../engine.ts';
import { EngineError } from '../errors.ts';
import { parseTime } from './clock.ts';
import type { ContainerRunner } from './container-run.ts';
import { findContainer } from './container-store.ts';
import type { Core } from './context.ts';
import type { ExecRunner } from './exec.ts';

/** The columns of `ps -ef`, what Docker's daemon runs for `docker top` without ps arguments. */
const TITLES = ['UID', 'PID', 'PPID', 'C', 'STIME', 'TTY', 'TIME', 'CMD'];

/**
 * `docker top`: the processes the engine runs in the container - its main process, then its
 * execs (healthcheck probes too) - as `ps -ef` lists them. Every process here runs as root;
 * PIDs are the host's where it has them (the kernel service), else the engine's own numbers
 * (the browser: the main process's, then one more for each exec). The engine keeps no CPU time
 * per process, so TIME is 00:00:00 and C 0; no PPID either (Docker's is the runtime shim's): 0.
 */
export async function top(core: Core, runner: ContainerRunner, execs: ExecRunner, name: string, psArgs = ''): Promise<TopResult> {
  if (psArgs !== '' && psArgs !== '-ef') throw new EngineError('invalid-argument', `ps options "${psArgs}" are not supported by this engine: it lists its processes as ps -ef does`);
  const c = await findContainer(core, name);
  if (!runner.isRunning(c.Id) && !c.State.Running) throw new EngineError('conflict', `Container ${c.Id} is not running`);
  const row = (pid: number, started: number, tty: boolean, cmd: string[]) => ['root', String(pid), '0', '0', clockTime(started), tty ? 'pts/0' : '?', '00:00:00', cmd.join(' ')];
  const main = c.State.Pid;
  const processes = [row(main, parseTime(c.State.StartedAt) ?? core.now(), c.Config.Tty, [c.Path, ...c.Args])];
  execs.running(c.Id).forEach((e, i) => processes.push(row(e.pid ?? main + 1 + i, e.started, e.tty, e.cmd)));
  return { Titles: [...TITLES], Processes: processes };
}

/** ps's STIME for a process started today: HH:MM (UTC, the engine's clock). */
function clockTime(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
}
