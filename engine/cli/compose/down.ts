/**
 * `docker compose down [-v]`: the project's containers stopped and removed (dependents first),
 * one-off `run` containers too, then its networks, and with `-v` its volumes and the anonymous
 * volumes of its containers.
 */
import type { ComposeSubcommand } from './compose-subcommand.ts';
import { stopOptions } from './converge.ts';
import { projectContainers } from './project-containers.ts';
import { startOrder } from './project-model.ts';
import { removeResources } from './resources.ts';

export const down: ComposeSubcommand = {
  use: '[OPTIONS] [SERVICES]',
  short: 'Stop and remove containers, networks',
  flags: [
    { name: 'remove-orphans', type: 'bool', usage: 'Remove containers for services not defined in the Compose file' },
    { name: 'volumes', short: 'v', type: 'bool', usage: 'Remove named volumes declared in the "volumes" section of the Compose file and anonymous volumes attached to containers' },
  ],
  async run(ccx, flags) {
    const project = await ccx.project();
    const engine = ccx.cx.engine;
    const order = startOrder(project.services).map((s) => s.name).reverse();
    const rank = (service: string) => (order.includes(service) ? order.indexOf(service) : -1);
    const containers = [...(await projectContainers(engine, project.name)), ...(await projectContainers(engine, project.name, { oneoff: true }))].sort((a, b) => rank(a.service) - rank(b.service));
    const volumes = flags.bool('volumes');
    for (const c of containers) {
      const service = project.services.find((s) => s.name === c.service);
      if (c.summary.State === 'running') {
        ccx.progress('Container', c.name, 'Stopping');
        await engine.stopContainer(c.summary.Id, stopOptions(service));
        ccx.progress('Container', c.name, 'Stopped');
      }
      ccx.progress('Container', c.name, 'Removing');
      await engine.removeContainer(c.summary.Id, { force: true, volumes });
      ccx.progress('Container', c.name, 'Removed');
    }
    await removeResources(ccx, project, volumes);
    return 0;
  },
};
