/**
 * `docker compose exec SERVICE COMMAND`: `docker exec` in the service's running container, with
 * Compose's defaults (stdin attached, a TTY when the terminal is one; `-T` turns that off).
 */
import { exec as dockerExec } from '../exec.ts';
import { parseFlags } from '../flags.ts';
import { ComposeError } from './compose-error.ts';
import type { ComposeSubcommand } from './compose-subcommand.ts';
import { projectContainers } from './project-containers.ts';
import { selectServices } from './project-model.ts';

export const exec: ComposeSubcommand = {
  use: '[OPTIONS] SERVICE COMMAND [ARGS...]',
  short: 'Execute a command in a running container',
  flags: [
    { name: 'detach', short: 'd', type: 'bool', usage: 'Detached mode: Run command in the background' },
    { name: 'env', short: 'e', type: 'list', usage: 'Set environment variables' },
    { name: 'index', type: 'int', usage: 'Index of the container if service has multiple replicas', default: 1 },
    { name: 'no-TTY', short: 'T', type: 'bool', usage: 'Disable pseudo-TTY allocation. By default `docker compose exec` allocates a TTY.' },
    { name: 'workdir', short: 'w', type: 'string', usage: 'Path to workdir directory for this command' },
  ],
  interspersed: false,
  args: { min: 2 },
  async run(ccx, flags, args) {
    const project = await ccx.project();
    const [serviceName, ...command] = args;
    selectServices(project, [serviceName], false);
    const index = flags.int('index');
    const container = (await projectContainers(ccx.cx.engine, project.name, { services: [serviceName] })).find((c) => c.number === index && c.summary.State === 'running');
    if (!container) throw new ComposeError(`service "${serviceName}" is not running`);
    const tty = ccx.cx.io.isTTY === true && !flags.bool('no-TTY');
    const argv = [
      ...(flags.bool('detach') ? ['-d'] : ['-i']),
      ...(tty ? ['-t'] : []),
      ...flags.list('env').flatMap((e) => ['-e', e]),
      ...(flags.has('workdir') ? ['-w', flags.string('workdir')] : []),
      container.summary.Id,
      ...command,
    ];
    const parsed = parseFlags(argv, dockerExec.flags ?? [], { interspersed: false });
    return dockerExec.run(ccx.cx, parsed.flags, parsed.args);
  },
};
