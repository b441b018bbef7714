/**
 * The labels Compose puts on what it makes, under the names Compose uses, so `docker ps --filter
 * label=com.docker.compose.project=hits` and a real Compose find them; and the config hash that
 * tells whether a service's container must be recreated.
 */
import { canonicalJson } from '../../oci/canonical-json.ts';
import { sha256 } from '../../oci/digest.ts';
import type { Project } from './project-model.ts';
import type { Service } from './service-model.ts';

/** The Compose release whose behaviour this follows, in `docker compose version` and the labels. */
export const COMPOSE_VERSION = '2.39.2';

export const LABEL = {
  project: 'com.docker.compose.project',
  service: 'com.docker.compose.service',
  number: 'com.docker.compose.container-number',
  oneoff: 'com.docker.compose.oneoff',
  configHash: 'com.docker.compose.config-hash',
  workingDir: 'com.docker.compose.project.working_dir',
  configFiles: 'com.docker.compose.project.config_files',
  version: 'com.docker.compose.version',
  image: 'com.docker.compose.image',
  dependsOn: 'com.docker.compose.depends_on',
  network: 'com.docker.compose.network',
  volume: 'com.docker.compose.volume',
} as const;

/** A service's config hash: everything that shapes its container (its build does not: the image ID is compared apart). */
export function configHash(service: Service): string {
  const { build: _build, ...shape } = service;
  return sha256(new TextEncoder().encode(canonicalJson(shape))).slice('sha256:'.length);
}

export function containerLabels(project: Project, service: Service, number: number, oneoff: boolean, imageId: string): Record<string, string> {
  return {
    ...service.labels,
    [LABEL.configHash]: configHash(service),
    [LABEL.number]: String(number),
    [LABEL.dependsOn]: Object.entries(service.dependsOn).map(([name, condition]) => `${name}:${condition}:false`).join(','),
    [LABEL.image]: imageId,
    [LABEL.oneoff]: oneoff ? 'True' : 'False',
    [LABEL.project]: project.name,
    [LABEL.configFiles]: project.loaded.file.absolute,
    [LABEL.workingDir]: project.loaded.absoluteDir,
    [LABEL.service]: service.name,
    [LABEL.version]: COMPOSE_VERSION,
  };
}

export function resourceLabels(project: Project, kind: 'network' | 'volume', key: string, own: Record<string, string>): Record<string, string> {
  return { ...own, [LABEL[kind]]: key, [LABEL.project]: project.name, [LABEL.version]: COMPOSE_VERSION };
}
