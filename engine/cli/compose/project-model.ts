/**
 * The project Compose builds from one file: its services (normalized), the networks and volumes
 * they use with the names the engine knows them by (`PROJECT_default`, `PROJECT_data`), and the
 * order `depends_on` asks for. References to undefined services, networks or volumes and cycles
 * fail with Compose's messages.
 */
import { ComposeError } from './compose-error.ts';
import type { LoadedProject } from './load.ts';
import { listOrDict, normalizeService, notSupported, type Service } from './service-model.ts';

export interface ProjectNetwork {
  /** The key in the file (`default`). */
  key: string;
  /** The engine's name: `PROJECT_KEY`, the `name:` given, or an external network's own. */
  name: string;
  external: boolean;
  labels: Record<string, string>;
}

export interface ProjectVolume {
  key: string;
  name: string;
  external: boolean;
  labels: Record<string, string>;
}

export interface Project {
  name: string;
  loaded: LoadedProject;
  /** In the file's order. */
  services: Service[];
  networks: Record<string, ProjectNetwork>;
  volumes: Record<string, ProjectVolume>;
}

const NETWORK_KEYS = new Set(['driver', 'external', 'name', 'labels']);
const VOLUME_KEYS = new Set(['driver', 'external', 'name', 'labels']);

export async function buildProject(loaded: LoadedProject): Promise<Project> {
  const data = loaded.file.data;
  for (const key of ['secrets', 'configs']) if (data[key] !== undefined) throw notSupported(loaded, [key]);
  const rawServices = (data.services ?? {}) as Record<string, Record<string, unknown>>;
  const services: Service[] = [];
  for (const [name, raw] of Object.entries(rawServices)) services.push(await normalizeService(loaded, name, raw ?? {}));

  const networks: Record<string, ProjectNetwork> = {};
  const declaredNetworks = (data.networks ?? {}) as Record<string, Record<string, unknown> | null>;
  for (const [key, raw] of Object.entries(declaredNetworks)) {
    const n = raw ?? {};
    checkKeys(loaded, ['networks', key], n, NETWORK_KEYS);
    if (n.driver !== undefined && n.driver !== 'bridge') throw notSupported(loaded, ['networks', key, 'driver'], `"${String(n.driver)}" (only bridge networks)`);
    networks[key] = { key, name: resourceName(loaded.name, key, n), external: isExternal(n), labels: listOrDict(n.labels, false) };
  }
  if (services.some((s) => 'default' in s.networks) && !networks.default) {
    networks.default = { key: 'default', name: `${loaded.name}_default`, external: false, labels: {} };
  }
  const volumes: Record<string, ProjectVolume> = {};
  for (const [key, raw] of Object.entries((data.volumes ?? {}) as Record<string, Record<string, unknown> | null>)) {
    const v = raw ?? {};
    checkKeys(loaded, ['volumes', key], v, VOLUME_KEYS);
    if (v.driver !== undefined && v.driver !== 'local') throw notSupported(loaded, ['volumes', key, 'driver'], `"${String(v.driver)}" (only local volumes)`);
    volumes[key] = { key, name: resourceName(loaded.name, key, v), external: isExternal(v), labels: listOrDict(v.labels, false) };
  }

  const names = new Set(services.map((s) => s.name));
  for (const s of services) {
    for (const dep of Object.keys(s.dependsOn)) {
      if (!names.has(dep)) throw new ComposeError(`service "${s.name}" depends on undefined service "${dep}": invalid compose project`);
    }
    for (const n of Object.keys(s.networks)) {
      if (!networks[n]) throw new ComposeError(`service "${s.name}" refers to undefined network ${n}: invalid compose project`);
    }
    for (const v of s.volumes) {
      if (v.source && !volumes[v.source]) throw new ComposeError(`service "${s.name}" refers to undefined volume ${v.source}: invalid compose project`);
    }
  }
  const project = { name: loaded.name, loaded, services, networks, volumes };
  checkCycles(project);
  return project;
}

function checkKeys(loaded: LoadedProject, path: string[], raw: Record<string, unknown>, allowed: Set<string>): void {
  for (const key of Object.keys(raw)) if (!allowed.has(key) && !key.startsWith('x-')) throw notSupported(loaded, [...path, key]);
}

function isExternal(raw: Record<string, unknown>): boolean {
  return raw.external === true || (typeof raw.external === 'object' && raw.external !== null);
}

function resourceName(project: string, key: string, raw: Record<string, unknown>): string {
  if (typeof raw.name === 'string') return raw.name;
  const external = raw.external as { name?: string } | boolean | undefined;
  if (typeof external === 'object' && external?.name) return external.name;
  if (isExternal(raw)) return key;
  return `${project}_${key}`;
}

/** Compose's check: from each service in name order, children in name order; the first loop found is named. */
function checkCycles(project: Project): void {
  const byName = new Map(project.services.map((s) => [s.name, s]));
  const visit = (path: string[]): void => {
    const current = byName.get(path[path.length - 1])!;
    for (const child of Object.keys(current.dependsOn).sort()) {
      const i = path.indexOf(child);
      if (i >= 0) throw new ComposeError(`dependency cycle detected: ${[...path.slice(i), child].join(' -> ')}`);
      visit([...path, child]);
    }
  };
  for (const name of [...byName.keys()].sort()) visit([name]);
}

/** The services a command names (all when none), with what they depend on when `withDependencies`. */
export function selectServices(project: Project, names: readonly string[], withDependencies: boolean): Service[] {
  for (const n of names) {
    if (!project.services.some((s) => s.name === n)) throw new ComposeError(`no such service: ${n}`);
  }
  if (!names.length) return project.services;
  const chosen = new Set(names);
  if (withDependencies) {
    const add = (name: string) => {
      for (const dep of Object.keys(project.services.find((s) => s.name === name)!.dependsOn)) {
        if (!chosen.has(dep)) {
          chosen.add(dep);
          add(dep);
        }
      }
    };
    names.forEach(add);
  }
  return project.services.filter((s) => chosen.has(s.name));
}

/** Dependencies before the services that need them; among equals, by name (Compose starts them together). */
export function startOrder<T extends Pick<Service, 'name' | 'dependsOn'>>(services: readonly T[]): T[] {
  const left = new Map(services.map((s) => [s.name, s]));
  const out: T[] = [];
  while (left.size) {
    const ready = [...left.values()].filter((s) => Object.keys(s.dependsOn).every((d) => !left.has(d))).sort((a, b) => a.name.localeCompare(b.name));
    // buildProject refused cycles; this only keeps a mistake from looping for ever.
    if (!ready.length) throw new ComposeError(`dependency cycle among ${[...left.keys()].join(', ')}`);
    for (const s of ready) {
      out.push(s);
      left.delete(s.name);
    }
  }
  return out;
}
