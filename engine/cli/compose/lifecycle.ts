/**
 * `docker compose stop`, `start`, `restart`: the project's existing containers, dependents
 * stopped first and dependencies started first; `-t` overrides each service's stop_grace_period.
 */
import { StatusError } from '../command.ts';
import { errorText } from '../report.ts';
import type { ComposeContext } from './compose-context.ts';
import { ComposeError } from './compose-error.ts';
import type { ComposeSubcommand } from './compose-subcommand.ts';
import { stopOptions } from './converge.ts';
import { projectContainers, type ProjectContainer } from './project-containers.ts';
import { selectServices, startOrder, type Project } from './project-model.ts';
import type { FlagValues } from '../flags.ts';

const TIMEOUT = { name: 'timeout', short: 't', type: 'int' as const, usage: 'Specify a shutdown timeout in seconds' };

async function ordered(ccx: ComposeContext, project: Project, names: string[]): Promise<ProjectContainer[]> {
  const order = startOrder(selectServices(project, names, false)).map((s) => s.name);
  const containers = await projectContainers(ccx.cx.engine, project.name, { services: order });
  return containers.sort((a, b) => order.indexOf(a.service) - order.indexOf(b.service) || a.number - b.number);
}

function timeoutOf(flags: FlagValues, project: Project, service: string): { timeout?: number } {
  if (flags.has('timeout')) return { timeout: flags.int('timeout') };
  return stopOptions(project.services.find((s) => s.name === service));
}

async function stopEach(ccx: ComposeContext, project: Project, containers: ProjectContainer[], flags: FlagValues): Promise<void> {
  for (const c of [...containers].reverse()) {
    if (c.summary.State !== 'running') continue;
    ccx.progress('Container', c.name, 'Stopping');
    await ccx.cx.engine.stopContainer(c.summary.Id, timeoutOf(flags, project, c.service));
    ccx.progress('Container', c.name, 'Stopped');
  }
}

/** Start one container; a failure is the daemon's message, as Compose prints it. */
async function startOne(ccx: ComposeContext, c: ProjectContainer): Promise<void> {
  try {
    await ccx.cx.engine.startContainer(c.summary.Id);
  } catch (e) {
    throw new ComposeError(errorText(e));
  }
  ccx.progress('Container', c.name, 'Started');
}

export const stop: ComposeSubcommand = {
  use: '[OPTIONS] [SERVICE...]',
  short: 'Stop services',
  flags: [TIMEOUT],
  async run(ccx, flags, args) {
    const project = await ccx.project();
    await stopEach(ccx, project, await ordered(ccx, project, args), flags);
    return 0;
  },
};

export const start: ComposeSubcommand = {
  use: '[SERVICE...]',
  short: 'Start services',
  async run(ccx, _flags, args) {
    const project = await ccx.project();
    const containers = await ordered(ccx, project, args);
    if (!containers.length) throw new StatusError(1, 'service(s) have no container to start: run `docker compose up` first');
    for (const c of containers) {
      if (c.summary.State === 'running') continue;
      ccx.progress('Container', c.name, 'Starting');
      await startOne(ccx, c);
    }
    return 0;
  },
};

export const restart: ComposeSubcommand = {
  use: '[OPTIONS] [SERVICE...]',
  short: 'Restart service containers',
  flags: [TIMEOUT],
  async run(ccx, flags, args) {
    const project = await ccx.project();
    const containers = await ordered(ccx, project, args);
    for (const c of containers) {
      ccx.progress('Container', c.name, 'Restarting');
      if (c.summary.State === 'running') await ccx.cx.engine.stopContainer(c.summary.Id, timeoutOf(flags, project, c.service));
      await startOne(ccx, c);
    }
    return 0;
  },
};
