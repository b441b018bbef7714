/**
 * The project's networks and volumes: made with Compose's names and labels when missing, found
 * when they exist, removed by `down` (volumes only with `-v`). External ones must exist already.
 */
import { isEngineError } from '../../errors.ts';
import { resourceLabels, LABEL } from './compose-labels.ts';
import type { ComposeContext } from './compose-context.ts';
import { ComposeError } from './compose-error.ts';
import type { Project } from './project-model.ts';
import type { Service } from './service-model.ts';

export async function ensureNetworks(ccx: ComposeContext, project: Project, services: readonly Service[]): Promise<void> {
  const engine = ccx.cx.engine;
  const used = new Set(services.flatMap((s) => Object.keys(s.networks)));
  for (const key of Object.keys(project.networks).sort()) {
    if (!used.has(key)) continue;
    const network = project.networks[key];
    const existing = (await engine.listNetworks({ filters: { name: [network.name] } })).find((n) => n.Name === network.name);
    if (network.external) {
      if (!existing) throw new ComposeError(`network ${network.name} declared as external, but could not be found`);
      continue;
    }
    if (existing) {
      if (existing.Labels?.[LABEL.project] !== project.name) {
        ccx.warn(`a network with name ${network.name} exists but was not created for project "${project.name}".\nSet \`external: true\` to use an existing network`);
      }
      continue;
    }
    ccx.progress('Network', network.name, 'Creating');
    await engine.createNetwork({ Name: network.name, Driver: 'bridge', Labels: resourceLabels(project, 'network', key, network.labels) });
    ccx.progress('Network', network.name, 'Created');
  }
}

export async function ensureVolumes(ccx: ComposeContext, project: Project, services: readonly Service[]): Promise<void> {
  const engine = ccx.cx.engine;
  const used = new Set(services.flatMap((s) => s.volumes.map((v) => v.source).filter((v): v is string => v !== undefined)));
  for (const key of Object.keys(project.volumes).sort()) {
    if (!used.has(key)) continue;
    const volume = project.volumes[key];
    try {
      await engine.inspectVolume(volume.name);
      continue;
    } catch (e) {
      if (!isEngineError(e, 'not-found')) throw e;
    }
    if (volume.external) throw new ComposeError(`external volume "${volume.name}" not found`);
    ccx.progress('Volume', volume.name, 'Creating');
    await engine.createVolume({ Name: volume.name, Labels: resourceLabels(project, 'volume', key, volume.labels) });
    ccx.progress('Volume', volume.name, 'Created');
  }
}

/** `down`: the project's own networks (never external ones), and with `-v` its own volumes. */
export async function removeResources(ccx: ComposeContext, project: Pick<Project, 'name' | 'networks' | 'volumes'>, volumes: boolean): Promise<void> {
  const engine = ccx.cx.engine;
  if (volumes) {
    for (const key of Object.keys(project.volumes).sort()) {
      const volume = project.volumes[key];
      if (volume.external) continue;
      try {
        const found = await engine.inspectVolume(volume.name);
        if (found.Labels?.[LABEL.project] !== project.name) continue;
      } catch (e) {
        if (isEngineError(e, 'not-found')) continue;
        throw e;
      }
      ccx.progress('Volume', volume.name, 'Removing');
      await engine.removeVolume(volume.name);
      ccx.progress('Volume', volume.name, 'Removed');
    }
  }
  for (const key of Object.keys(project.networks).sort()) {
    const network = project.networks[key];
    if (network.external) continue;
    const found = (await engine.listNetworks({ filters: { name: [network.name] } })).find((n) => n.Name === network.name);
    if (!found || found.Labels?.[LABEL.project] !== project.name) continue;
    ccx.progress('Network', network.name, 'Removing');
    await engine.removeNetwork(network.name);
    ccx.progress('Network', network.name, 'Removed');
  }
}

/**
 * A project as its labels tell it, for `docker compose -p NAME down` without a compose file (as
 * Compose allows): the networks and volumes labelled with the project, keyed by their labels.
 */
export async function labelledResources(ccx: ComposeContext, name: string): Promise<Pick<Project, 'name' | 'networks' | 'volumes'>> {
  const engine = ccx.cx.engine;
  const label = `${LABEL.project}=${name}`;
  const networks = (await engine.listNetworks({ filters: { label: [label] } })).map((n) => [n.Labels[LABEL.network] ?? n.Name, { key: n.Labels[LABEL.network] ?? n.Name, name: n.Name, external: false, labels: {} }] as const);
  const volumes = (await engine.listVolumes()).Volumes.filter((v) => v.Labels?.[LABEL.project] === name).map((v) => [v.Labels[LABEL.volume] ?? v.Name, { key: v.Labels[LABEL.volume] ?? v.Name, name: v.Name, external: false, labels: {} }] as const);
  return { name, networks: Object.fromEntries(networks), volumes: Object.fromEntries(volumes) };
}
