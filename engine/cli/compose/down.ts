/**
 * `docker compose down [-v]`: the project's containers stopped and removed (dependents first),
 * one-off `run` containers too, then its networks, and with `-v` its volumes and the anonymous
 * volumes of its containers. With `-p NAME` and no compose file, the project is what its labels
 * say (containers, networks, volumes), as Compose does.
 */
import { LABEL } from './compose-labels.ts';
import type { ComposeContext } from './compose-context.ts';
import { ComposeError } from './compose-error.ts';
import type { ComposeSubcommand } from './compose-subcommand.ts';
import { stopOptions } from './converge.ts';
import { projectContainers, type ProjectContainer } from './project-containers.ts';
import { startOrder, type Project } from './project-model.ts';
import { labelledResources, removeResources } from './resources.ts';

/** The compose file's project, or with -p and no file found, the project its labels describe. */
async function projectOrLabels(ccx: ComposeContext): Promise<{ project?: Project; resources: Pick<Project, 'name' | 'networks' | 'volumes'> }> {
  const name = ccx.options.projectName;
  const byLabels = name !== undefined && !ccx.options.files.length;
  // A host without files (the Containers view) has only the labels to go by.
  if (byLabels && !ccx.cx.io.readFile) return { resources: await labelledResources(ccx, name) };
  try {
    const project = await ccx.project();
    return { project, resources: project };
  } catch (e) {
    if (!byLabels || !(e instanceof ComposeError) || !e.message.startsWith('no configuration file provided')) throw e;
    return { resources: await labelledResources(ccx, name) };
  }
}

/** Dependents before what they depend on: by the file, or by the depends_on labels without one. */
function stopOrder(containers: ProjectContainer[], project: Project | undefined): ProjectContainer[] {
  const dependsOn = (c: ProjectContainer): string[] =>
    project
      ? Object.keys(project.services.find((s) => s.name === c.service)?.dependsOn ?? {})
      : (c.summary.Labels[LABEL.dependsOn] ?? '').split(',').filter(Boolean).map((d) => d.split(':')[0]);
  const services = new Map(containers.map((c) => [c.service, dependsOn(c)]));
  const order = startOrder([...services].map(([name, deps]) => ({ name, dependsOn: Object.fromEntries(deps.filter((d) => services.has(d)).map((d) => [d, 'service_started' as const])) }))).map((s) => s.name).reverse();
  return [...containers].sort((a, b) => order.indexOf(a.service) - order.indexOf(b.service));
}

export const down: ComposeSubcommand = {
  use: '[OPTIONS] [SERVICES]',
  short: 'Stop and remove containers, networks',
  flags: [
    { name: 'remove-orphans', type: 'bool', usage: 'Remove containers for services not defined in the Compose file' },
    { name: 'volumes', short: 'v', type: 'bool', usage: 'Remove named volumes declared in the "volumes" section of the Compose file and anonymous volumes attached to containers' },
  ],
  async run(ccx, flags) {
    const { project, resources } = await projectOrLabels(ccx);
    const engine = ccx.cx.engine;
    const containers = stopOrder([...(await projectContainers(engine, resources.name)), ...(await projectContainers(engine, resources.name, { oneoff: true }))], project);
    const volumes = flags.bool('volumes');
    for (const c of containers) {
      const service = project?.services.find((s) => s.name === c.service);
      if (c.summary.State === 'running') {
        ccx.progress('Container', c.name, 'Stopping');
        await engine.stopContainer(c.summary.Id, stopOptions(service));
        ccx.progress('Container', c.name, 'Stopped');
      }
      ccx.progress('Container', c.name, 'Removing');
      await engine.removeContainer(c.summary.Id, { force: true, volumes });
      ccx.progress('Container', c.name, 'Removed');
    }
    await removeResources(ccx, resources, volumes);
    return 0;
  },
};
