/**
 * Bringing services to what the file says, as `docker compose up` does: a missing container is
 * created, one whose config hash or image changed is recreated (the others are left as they
 * run), then every container is started in `depends_on` order, each after its dependencies meet
 * their condition (started, healthy, or exited with 0).
 */
import type { Engine } from '../../engine.ts';
import { errorText } from '../report.ts';
import type { ComposeContext } from './compose-context.ts';
import { ComposeError } from './compose-error.ts';
import { configHash, LABEL } from './compose-labels.ts';
import { containerName, containerPlan } from './container-spec.ts';
import { projectContainers, type ProjectContainer } from './project-containers.ts';
import type { Project } from './project-model.ts';
import type { Service } from './service-model.ts';

export interface Converged {
  service: Service;
  id: string;
  name: string;
  number: number;
}

/** Create or recreate each service's container (number 1: scale is not supported). */
export async function converge(ccx: ComposeContext, project: Project, services: readonly Service[], imageIds: Map<string, string>, options: { forceRecreate?: boolean } = {}): Promise<Converged[]> {
  const engine = ccx.cx.engine;
  const existing = await projectContainers(engine, project.name);
  const out: Converged[] = [];
  for (const service of services) {
    const imageId = imageIds.get(service.name)!;
    const current = existing.find((c) => c.service === service.name);
    const name = containerName(project, service, current?.number ?? 1);
    if (current && !options.forceRecreate && current.summary.Labels[LABEL.configHash] === configHash(service) && current.summary.ImageID === imageId) {
      out.push({ service, id: current.summary.Id, name: current.name, number: current.number });
      continue;
    }
    if (current) {
      ccx.progress('Container', current.name, 'Recreate');
      // Compose stops the old container with its grace period before it makes the new one.
      if (current.summary.State === 'running') await engine.stopContainer(current.summary.Id, stopOptions(service));
      await engine.removeContainer(current.summary.Id, { force: true });
      const id = await createContainer(engine, project, service, current.number, name, imageId);
      ccx.progress('Container', name, 'Recreated');
      out.push({ service, id, name, number: current.number });
      continue;
    }
    ccx.progress('Container', name, 'Creating');
    const id = await createContainer(engine, project, service, 1, name, imageId);
    ccx.progress('Container', name, 'Created');
    out.push({ service, id, name, number: 1 });
  }
  return out;
}

async function createContainer(engine: Engine, project: Project, service: Service, number: number, name: string, imageId: string): Promise<string> {
  const plan = containerPlan(project, service, { number, name, imageId });
  const { Id } = await engine.createContainer(plan.create);
  for (const { network, aliases } of plan.connect) await engine.connectNetwork(network, Id, { Aliases: aliases });
  return Id;
}

export function stopOptions(service: Service | undefined): { timeout?: number } {
  return service?.stopGracePeriod !== undefined ? { timeout: service.stopGracePeriod } : {};
}

const POLL_MS = 250;

/** Start each container after its dependencies meet their conditions; a failing dependency ends `up` with Compose's words. */
export async function startAll(ccx: ComposeContext, project: Project, converged: readonly Converged[]): Promise<void> {
  const engine = ccx.cx.engine;
  const byService = new Map(converged.map((c) => [c.service.name, c]));
  for (const c of converged) {
    for (const [dep, condition] of Object.entries(c.service.dependsOn)) {
      const target = byService.get(dep) ?? (await findRunning(ccx, project, dep));
      if (!target || condition === 'service_started') continue;
      await waitFor(ccx, target.name, target.id, condition, dep);
    }
    const state = (await engine.inspectContainer(c.id)).State;
    if (state.Running) {
      ccx.progress('Container', c.name, 'Running');
      continue;
    }
    ccx.progress('Container', c.name, 'Starting');
    try {
      await engine.startContainer(c.id);
    } catch (e) {
      ccx.progress('Container', c.name, 'Error');
      throw new ComposeError(errorText(e));
    }
    ccx.progress('Container', c.name, 'Started');
  }
}

async function findRunning(ccx: ComposeContext, project: Project, service: string): Promise<{ name: string; id: string } | undefined> {
  const found = (await projectContainers(ccx.cx.engine, project.name, { services: [service] }))[0];
  return found ? { name: found.name, id: found.summary.Id } : undefined;
}

/** service_healthy: healthy, or Compose's error when it exited or became unhealthy. service_completed_successfully: exit 0. */
async function waitFor(ccx: ComposeContext, name: string, id: string, condition: 'service_healthy' | 'service_completed_successfully', service: string): Promise<void> {
  const engine = ccx.cx.engine;
  ccx.progress('Container', name, 'Waiting');
  const signal = ccx.cx.io.signal;
  for (;;) {
    if (signal?.aborted) throw new ComposeError('canceled');
    const info = await engine.inspectContainer(id);
    const state = info.State;
    if (condition === 'service_completed_successfully') {
      if (state.Status === 'exited' || state.Status === 'dead') {
        if (state.ExitCode !== 0) {
          ccx.progress('Container', name, 'Error');
          throw new ComposeError(`service "${service}" didn't complete successfully: exit ${state.ExitCode}`);
        }
        ccx.progress('Container', name, 'Exited');
        return;
      }
    } else {
      if (state.Status === 'exited' || state.Status === 'dead') {
        ccx.progress('Container', name, 'Error');
        throw new ComposeError(`dependency failed to start: container ${name} exited (${state.ExitCode})`);
      }
      const test = info.Config.Healthcheck?.Test;
      if (!test?.length || test[0] === 'NONE') {
        ccx.progress('Container', name, 'Error');
        throw new ComposeError(`dependency failed to start: container ${name} has no healthcheck configured`);
      }
      if (state.Health?.Status === 'healthy') {
        ccx.progress('Container', name, 'Healthy');
        return;
      }
      if (state.Health?.Status === 'unhealthy') {
        ccx.progress('Container', name, 'Error');
        throw new ComposeError(`dependency failed to start: container ${name} is unhealthy`);
      }
    }
    await sleep(POLL_MS, signal);
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}

/** For messages of other commands: the containers of the named services, or a Compose error when there are none. */
export async function serviceContainers(ccx: ComposeContext, project: Project, services: readonly Service[], all = true): Promise<ProjectContainer[]> {
  const found = await projectContainers(ccx.cx.engine, project.name, { services: services.map((s) => s.name) });
  return all ? found : found.filter((c) => c.summary.State === 'running');
}
