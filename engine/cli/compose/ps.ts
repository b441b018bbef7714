/**
 * `docker compose ps`: the project's containers (running ones; all with `-a`), sorted by name, in
 * Compose's table (NAME IMAGE COMMAND SERVICE CREATED STATUS PORTS); `-q` IDs, `--services`
 * service names, `--status` a state.
 */
import { containerRow } from '../ps.ts';
import { tabwrite } from '../table.ts';
import { StatusError } from '../command.ts';
import type { ComposeSubcommand } from './compose-subcommand.ts';
import { projectContainers } from './project-containers.ts';
import { selectServices } from './project-model.ts';

const STATES = ['paused', 'restarting', 'removing', 'running', 'dead', 'created', 'exited'];

export const ps: ComposeSubcommand = {
  use: '[OPTIONS] [SERVICE...]',
  short: 'List containers',
  flags: [
    { name: 'all', short: 'a', type: 'bool', usage: 'Show all stopped containers (including those created by the run command)' },
    { name: 'quiet', short: 'q', type: 'bool', usage: 'Only display IDs' },
    { name: 'services', type: 'bool', usage: 'Display services' },
    { name: 'status', type: 'list', usage: 'Filter services by status. Values: [paused | restarting | removing | running | dead | created | exited]' },
  ],
  async run(ccx, flags, args) {
    const project = await ccx.project();
    const services = selectServices(project, args, false).map((s) => s.name);
    const statuses = flags.list('status');
    for (const s of statuses) if (!STATES.includes(s)) throw new StatusError(1, `invalid filter 'status=${s}'`);
    const all = flags.bool('all') || statuses.length > 0;
    let containers = await projectContainers(ccx.cx.engine, project.name, { services });
    if (flags.bool('all')) containers.push(...(await projectContainers(ccx.cx.engine, project.name, { services, oneoff: true })));
    containers = containers.filter((c) => (all ? true : c.summary.State === 'running') && (!statuses.length || statuses.includes(c.summary.State)));
    containers.sort((a, b) => a.name.localeCompare(b.name));
    if (flags.bool('services')) {
      const names = [...new Set(containers.map((c) => c.service))];
      if (names.length) ccx.cx.out(names.join('\n') + '\n');
      return 0;
    }
    if (flags.bool('quiet')) {
      if (containers.length) ccx.cx.out(containers.map((c) => c.summary.Id).join('\n') + '\n');
      return 0;
    }
    const now = ccx.cx.now();
    const lines = ['NAME\tIMAGE\tCOMMAND\tSERVICE\tCREATED\tSTATUS\tPORTS'];
    for (const c of containers) {
      const row = containerRow(c.summary, true, now);
      lines.push([c.name, row.Image, row.Command, c.service, row.RunningFor, row.Status, row.Ports].join('\t'));
    }
    ccx.cx.out(tabwrite(lines));
    return 0;
  },
};
