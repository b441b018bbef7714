/**
 * `docker compose up [-d] [--build] [SERVICE...]`: networks, volumes, images, containers
 * (created or recreated as their config hash says), started in `depends_on` order; attached, it
 * follows every container's output with Compose's prefixes until they have all exited, or until
 * Ctrl-C, which stops them.
 */
import { EXIT_INTERRUPTED } from '../attach.ts';
import type { ComposeContext } from './compose-context.ts';
import type { ComposeSubcommand } from './compose-subcommand.ts';
import { converge, startAll, stopOptions, type Converged } from './converge.ts';
import { ensureImage } from './images.ts';
import { followAll, logPrinter } from './log-printer.ts';
import { shortName } from './project-containers.ts';
import { selectServices, startOrder, type Project } from './project-model.ts';
import { ensureNetworks, ensureVolumes } from './resources.ts';

export const up: ComposeSubcommand = {
  use: '[OPTIONS] [SERVICE...]',
  short: 'Create and start containers',
  flags: [
    { name: 'build', type: 'bool', usage: 'Build images before starting containers' },
    { name: 'detach', short: 'd', type: 'bool', usage: 'Detached mode: Run containers in the background' },
    { name: 'force-recreate', type: 'bool', usage: "Recreate containers even if their configuration and image haven't changed" },
    { name: 'no-color', type: 'bool', usage: 'Produce monochrome output' },
    { name: 'no-log-prefix', type: 'bool', usage: "Don't print prefix in logs" },
  ],
  async run(ccx, flags, args) {
    const project = await ccx.project();
    const converged = await createProject(ccx, project, args, { build: flags.bool('build'), forceRecreate: flags.bool('force-recreate') });
    if (flags.bool('detach')) {
      await startAll(ccx, project, converged);
      return 0;
    }
    return attachedUp(ccx, project, converged, { colour: ccx.cx.io.isTTY === true && !flags.bool('no-color'), prefix: !flags.bool('no-log-prefix') });
  },
};

/** Everything up to started containers: what `up` and `run` share (run starts only the dependencies). */
export async function createProject(ccx: ComposeContext, project: Project, names: readonly string[], options: { build: boolean; forceRecreate?: boolean }): Promise<Converged[]> {
  const services = startOrder(selectServices(project, names, true));
  const imageIds = new Map<string, string>();
  for (const service of services) imageIds.set(service.name, await ensureImage(ccx, project, service, options));
  await ensureNetworks(ccx, project, services);
  await ensureVolumes(ccx, project, services);
  return converge(ccx, project, services, imageIds, options);
}

async function attachedUp(ccx: ComposeContext, project: Project, converged: readonly Converged[], options: { colour: boolean; prefix: boolean }): Promise<number> {
  const { cx } = ccx;
  const targets = converged.map((c) => ({ id: c.id, label: shortName(c, project.name) }));
  const printer = logPrinter(cx, targets, options);
  cx.out(`Attaching to ${targets.map((t) => t.label).join(', ')}\n`);
  await startAll(ccx, project, converged);
  // Following gives every line from the first one on, so nothing said while starting is lost.
  const outcome = await followAll(cx.engine, printer, targets, { interrupt: cx.io.signal, onExit: (t, code) => printer.exited(t, code) });
  if (outcome === 'ended') return 0;
  cx.out('Gracefully stopping... (press Ctrl+C again to force)\n');
  for (const c of [...converged].reverse()) {
    ccx.progress('Container', c.name, 'Stopping');
    await cx.engine.stopContainer(c.id, stopOptions(c.service)).catch(() => {});
    ccx.progress('Container', c.name, 'Stopped');
  }
  return EXIT_INTERRUPTED;
}
