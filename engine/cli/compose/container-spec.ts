/** A service's container as a create request: what `docker compose up` asks the engine for. */
import type { ContainerCreate } from '../../engine.ts';
import { containerLabels } from './compose-labels.ts';
import type { Project } from './project-model.ts';
import { portBindings, type Service } from './service-model.ts';

export interface ContainerPlan {
  create: ContainerCreate;
  /** Networks to connect after create (the first one is in the create request), with aliases. */
  connect: Array<{ network: string; aliases: string[] }>;
}

export function containerName(project: Project, service: Service, number: number): string {
  return service.containerName ?? `${project.name}-${service.name}-${number}`;
}

/** The service's networks in Compose's order (by key), each as its engine name with the service name as an alias. */
function endpoints(project: Project, service: Service): Array<{ network: string; aliases: string[] }> {
  return Object.keys(service.networks)
    .sort()
    .map((key) => ({ network: project.networks[key].name, aliases: [service.name, ...service.networks[key]] }));
}

export function containerPlan(
  project: Project,
  service: Service,
  options: { number: number; name: string; imageId: string; oneoff?: boolean; command?: string[]; entrypoint?: string[]; tty?: boolean; interactive?: boolean; env?: Record<string, string>; publish?: boolean },
): ContainerPlan {
  const env = { ...service.environment, ...options.env };
  const named = service.volumes.filter((v) => v.source);
  const anonymous = service.volumes.filter((v) => !v.source);
  const exposed: Record<string, object> = {};
  for (const e of service.expose) exposed[e.includes('/') ? e : `${e}/tcp`] = {};
  for (const p of service.ports) exposed[`${p.target}/${p.protocol}`] = {};
  const [first, ...rest] = endpoints(project, service);
  const command = options.command ?? service.command;
  const entrypoint = options.entrypoint ?? service.entrypoint;
  const hostConfig: NonNullable<ContainerCreate['HostConfig']> = {
    ...(named.length ? { Binds: named.map((v) => `${project.volumes[v.source!].name}:${v.target}${v.readOnly ? ':ro' : ''}`) } : {}),
    ...(service.ports.length && options.publish !== false ? { PortBindings: portBindings(service.ports) } : {}),
    ...(first ? { NetworkMode: first.network } : {}),
  };
  const create: ContainerCreate = {
    name: options.name,
    Image: service.image,
    ...(command ? { Cmd: command } : {}),
    ...(entrypoint ? { Entrypoint: entrypoint } : {}),
    ...(Object.keys(env).length ? { Env: Object.entries(env).map(([k, v]) => `${k}=${v}`) } : {}),
    ...(service.workingDir ? { WorkingDir: service.workingDir } : {}),
    ...(service.hostname ? { Hostname: service.hostname } : {}),
    Labels: containerLabels(project, service, options.number, options.oneoff === true, options.imageId),
    Tty: options.tty ?? service.tty,
    OpenStdin: options.interactive ?? service.stdinOpen,
    StdinOnce: options.interactive === true,
    AttachStdin: options.interactive === true,
    AttachStdout: options.oneoff === true,
    AttachStderr: options.oneoff === true,
    ...(Object.keys(exposed).length ? { ExposedPorts: exposed } : {}),
    ...(anonymous.length ? { Volumes: Object.fromEntries(anonymous.map((v) => [v.target, {}])) } : {}),
    ...(service.stopSignal ? { StopSignal: service.stopSignal } : {}),
    ...(service.healthcheck ? { Healthcheck: service.healthcheck } : {}),
    ...(Object.keys(hostConfig).length ? { HostConfig: hostConfig } : {}),
    ...(first ? { NetworkingConfig: { EndpointsConfig: { [first.network]: { Aliases: first.aliases } } } } : {}),
  };
  return { create, connect: rest };
}
