/**
 * `docker compose run [--rm] SERVICE [COMMAND...]`: the service's dependencies brought up as `up
 * -d` would, then a one-off container (`PROJECT-SERVICE-run-<id>`, labelled oneoff=True, ports
 * not published unless --service-ports) run attached as `docker run` runs one.
 */
import { errorText } from '../report.ts';
import { runAttached } from '../run.ts';
import { keyValueMap } from '../labels.ts';
import { randomId } from '../../core/ids.ts';
import { ComposeError } from './compose-error.ts';
import type { ComposeSubcommand } from './compose-subcommand.ts';
import { startAll } from './converge.ts';
import { containerPlan } from './container-spec.ts';
import { ensureImage } from './images.ts';
import { selectServices } from './project-model.ts';
import { ensureNetworks, ensureVolumes } from './resources.ts';
import { createProject } from './up.ts';

export const run: ComposeSubcommand = {
  use: '[OPTIONS] SERVICE [COMMAND] [ARGS...]',
  short: 'Run a one-off command on a service',
  flags: [
    { name: 'build', type: 'bool', usage: 'Build image before starting container' },
    { name: 'detach', short: 'd', type: 'bool', usage: 'Run container in background and print container ID' },
    { name: 'entrypoint', type: 'string', usage: 'Override the entrypoint of the image' },
    { name: 'env', short: 'e', type: 'list', usage: 'Set environment variables' },
    { name: 'interactive', short: 'i', type: 'bool', usage: 'Keep STDIN open even if not attached', default: true },
    { name: 'name', type: 'string', usage: 'Assign a name to the container' },
    { name: 'no-deps', type: 'bool', usage: "Don't start linked services" },
    { name: 'no-TTY', short: 'T', type: 'bool', usage: 'Disable pseudo-TTY allocation (default: auto-detected)' },
    { name: 'rm', type: 'bool', usage: 'Automatically remove the container when it exits' },
    { name: 'service-ports', type: 'bool', usage: "Run command with all service's ports enabled and mapped to the host" },
    { name: 'workdir', short: 'w', type: 'string', usage: 'Working directory inside the container' },
  ],
  interspersed: false,
  args: { min: 1 },
  async run(ccx, flags, args) {
    const project = await ccx.project();
    const { cx } = ccx;
    const [serviceName, ...command] = args;
    const [service] = selectServices(project, [serviceName], false);
    if (!flags.bool('no-deps')) {
      const deps = Object.keys(service.dependsOn);
      if (deps.length) await startAll(ccx, project, await createProject(ccx, project, deps, { build: flags.bool('build') }));
    }
    const imageId = await ensureImage(ccx, project, service, { build: flags.bool('build') });
    await ensureNetworks(ccx, project, [service]);
    await ensureVolumes(ccx, project, [service]);
    const detach = flags.bool('detach');
    const tty = cx.io.isTTY === true && !flags.bool('no-TTY') && !detach;
    const interactive = flags.bool('interactive') && !detach && cx.io.stdin !== undefined;
    const name = flags.string('name') || `${project.name}-${service.name}-run-${randomId().slice(0, 12)}`;
    const plan = containerPlan(project, { ...service, ...(flags.has('workdir') ? { workingDir: flags.string('workdir') } : {}) }, {
      number: 1,
      name,
      imageId,
      oneoff: true,
      ...(command.length ? { command } : {}),
      ...(flags.has('entrypoint') ? { entrypoint: [flags.string('entrypoint')] } : {}),
      tty,
      interactive,
      env: keyValueMap(flags.list('env')),
      publish: flags.bool('service-ports'),
    });
    if (flags.bool('rm')) plan.create.HostConfig = { ...plan.create.HostConfig, AutoRemove: true };
    let id: string;
    try {
      id = (await cx.engine.createContainer(plan.create)).Id;
      for (const { network, aliases } of plan.connect) await cx.engine.connectNetwork(network, id, { Aliases: aliases });
    } catch (e) {
      throw new ComposeError(errorText(e));
    }
    if (detach) {
      await cx.engine.startContainer(id);
      cx.out(`${name}\n`);
      return 0;
    }
    return runAttached(cx, id, {
      tty,
      stdin: interactive,
      autoRemove: flags.bool('rm'),
      sigProxy: true,
      onStartError: (e) => {
        cx.err(`${errorText(e)}\n`);
        return 1;
      },
    });
  },
};
