/**
 * One service of a compose file as this engine runs it: the file's short and long forms settled
 * into one shape (Compose's normalization), and every key this engine cannot honour refused by
 * name instead of being ignored.
 */
import type { PortMap } from '../../engine.ts';
import type { HealthConfig } from '../../oci/types.ts';
import { mergePortMaps, parsePublish } from '../../core/port-bindings.ts';
import { splitCommandLine } from '../shell-words.ts';
import { ComposeError } from './compose-error.ts';
import { parseGoDuration } from '../../core/go-duration.ts';
import { parseEnvFile } from './env-file.ts';
import type { LoadedProject } from './load.ts';
import { joinPath } from './paths.ts';

export type DependencyCondition = 'service_started' | 'service_healthy' | 'service_completed_successfully';

export interface ServiceVolume {
  /** A named volume's key in the file's `volumes:`; absent for an anonymous volume. */
  source?: string;
  target: string;
  readOnly: boolean;
}

export interface ServicePort {
  target: number;
  published?: string;
  hostIp?: string;
  protocol: string;
}

export interface Service {
  name: string;
  /** The image to run: the file's `image`, or `PROJECT-SERVICE` for a build without one. */
  image: string;
  build?: { context: string; dockerfile?: string; args: Record<string, string>; target?: string; labels: Record<string, string> };
  command?: string[];
  entrypoint?: string[];
  /** KEY=VALUE, env_file first, then `environment`. */
  environment: Record<string, string>;
  ports: ServicePort[];
  expose: string[];
  volumes: ServiceVolume[];
  /** Network key in the file -> aliases. */
  networks: Record<string, string[]>;
  dependsOn: Record<string, DependencyCondition>;
  healthcheck?: HealthConfig;
  workingDir?: string;
  hostname?: string;
  labels: Record<string, string>;
  stopSignal?: string;
  /** Seconds `docker stop` waits before SIGKILL (stop_grace_period). */
  stopGracePeriod?: number;
  containerName?: string;
  tty: boolean;
  stdinOpen: boolean;
}

/** The service keys this engine honours; any other key of the specification is refused by name. */
const SUPPORTED = new Set([
  'image', 'build', 'command', 'entrypoint', 'environment', 'env_file', 'ports', 'expose', 'volumes', 'networks', 'depends_on', 'restart',
  'healthcheck', 'working_dir', 'hostname', 'labels', 'stop_signal', 'stop_grace_period', 'container_name', 'tty', 'stdin_open',
]);
const BUILD_KEYS = new Set(['context', 'dockerfile', 'args', 'target', 'labels']);

export function notSupported(project: LoadedProject, path: Array<string | number>, detail = ''): ComposeError {
  const line = project.file.lineOf(path.slice(0, -1), String(path[path.length - 1]));
  return new ComposeError(`${path.join('.')}${detail ? ` ${detail}` : ''} is not supported here${line ? ` (line ${line} of ${project.file.absolute})` : ''}`);
}

function invalid(message: string): ComposeError {
  return new ComposeError(`${message}: invalid compose project`);
}

export async function normalizeService(project: LoadedProject, name: string, raw: Record<string, unknown>): Promise<Service> {
  const at = (...path: Array<string | number>) => ['services', name, ...path];
  for (const key of Object.keys(raw)) {
    if (!SUPPORTED.has(key) && !key.startsWith('x-')) throw notSupported(project, at(key));
  }
  const build = raw.build === undefined ? undefined : normalizeBuild(project, name, raw.build);
  if (raw.image === undefined && !build) throw invalid(`service "${name}" has neither an image nor a build context specified`);
  if (raw.restart !== undefined && raw.restart !== 'no') throw notSupported(project, at('restart'), `"${String(raw.restart)}" (this engine does not restart containers)`);
  return {
    name,
    image: (raw.image as string | undefined) ?? `${project.name}-${name}`,
    ...(build ? { build } : {}),
    ...(raw.command !== undefined && raw.command !== null ? { command: commandWords(raw.command) } : {}),
    ...(raw.entrypoint !== undefined && raw.entrypoint !== null ? { entrypoint: commandWords(raw.entrypoint) } : {}),
    environment: { ...(await envFiles(project, raw.env_file)), ...listOrDict(raw.environment, true) },
    ports: ((raw.ports as unknown[] | undefined) ?? []).flatMap((p, i) => normalizePort(project, at('ports', i), p)),
    expose: ((raw.expose as unknown[] | undefined) ?? []).map(String),
    volumes: ((raw.volumes as unknown[] | undefined) ?? []).map((v, i) => normalizeVolume(project, at('volumes', i), v)),
    networks: normalizeNetworks(raw.networks),
    dependsOn: normalizeDependsOn(raw.depends_on),
    ...(raw.healthcheck ? { healthcheck: normalizeHealthcheck(raw.healthcheck as Record<string, unknown>) } : {}),
    ...(raw.working_dir !== undefined ? { workingDir: String(raw.working_dir) } : {}),
    ...(raw.hostname !== undefined ? { hostname: String(raw.hostname) } : {}),
    labels: listOrDict(raw.labels, false),
    ...(raw.stop_signal !== undefined ? { stopSignal: String(raw.stop_signal) } : {}),
    ...(raw.stop_grace_period !== undefined ? { stopGracePeriod: Math.ceil(parseGoDuration(String(raw.stop_grace_period)) / 1e9) } : {}),
    ...(raw.container_name !== undefined ? { containerName: String(raw.container_name) } : {}),
    tty: raw.tty === true,
    stdinOpen: raw.stdin_open === true,
  };
}

function normalizeBuild(project: LoadedProject, service: string, raw: unknown): NonNullable<Service['build']> {
  if (typeof raw === 'string') return { context: raw, args: {}, labels: {} };
  const b = raw as Record<string, unknown>;
  for (const key of Object.keys(b)) {
    if (!BUILD_KEYS.has(key) && !key.startsWith('x-')) throw notSupported(project, ['services', service, 'build', key]);
  }
  return {
    context: (b.context as string | undefined) ?? '.',
    ...(b.dockerfile !== undefined ? { dockerfile: String(b.dockerfile) } : {}),
    args: listOrDict(b.args, true),
    ...(b.target !== undefined ? { target: String(b.target) } : {}),
    labels: listOrDict(b.labels, false),
  };
}

/** `command: echo hi` is split as a shell would; a list is taken as it is. */
function commandWords(raw: unknown): string[] {
  if (Array.isArray(raw)) return raw.map(String);
  return splitCommandLine(String(raw));
}

/**
 * `KEY=VALUE` lists and mappings. In `environment`, a name without a value would take the
 * client's variable; the terminal has none, so the name is dropped as Compose drops an unset one.
 */
export function listOrDict(raw: unknown, dropUnset: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(raw)) {
    for (const item of raw.map(String)) {
      const eq = item.indexOf('=');
      if (eq < 0) {
        if (!dropUnset) out[item] = '';
        continue;
      }
      out[item.slice(0, eq)] = item.slice(eq + 1);
    }
  } else if (raw && typeof raw === 'object') {
    for (const [k, v] of Object.entries(raw)) {
      if (v === null || v === undefined) {
        if (!dropUnset) out[k] = '';
        continue;
      }
      out[k] = String(v);
    }
  }
  return out;
}

async function envFiles(project: LoadedProject, raw: unknown): Promise<Record<string, string>> {
  if (raw === undefined || raw === null) return {};
  const files = Array.isArray(raw) ? raw : [raw];
  const out: Record<string, string> = {};
  for (const entry of files) {
    const file = typeof entry === 'string' ? entry : String((entry as { path: string }).path);
    const path = joinPath(project.dir, file);
    const absolute = joinPath(project.absoluteDir, file);
    let bytes: Uint8Array;
    try {
      bytes = await project.readFile(path);
    } catch {
      throw new ComposeError(`env file ${absolute} not found: stat ${absolute}: no such file or directory`);
    }
    for (const [k, v] of parseEnvFile(new TextDecoder().decode(bytes), absolute)) if (v !== undefined) out[k] = v;
  }
  return out;
}

function normalizePort(project: LoadedProject, path: Array<string | number>, raw: unknown): ServicePort[] {
  if (typeof raw === 'object' && raw !== null) {
    const p = raw as Record<string, unknown>;
    if (p.mode !== undefined && p.mode !== 'ingress' && p.mode !== 'host') throw notSupported(project, [...path, 'mode']);
    return [{
      target: Number(p.target),
      ...(p.published !== undefined ? { published: String(p.published) } : {}),
      ...(p.host_ip !== undefined ? { hostIp: String(p.host_ip) } : {}),
      protocol: (p.protocol as string | undefined) ?? 'tcp',
    }];
  }
  let map: PortMap;
  try {
    map = parsePublish(String(raw));
  } catch (e) {
    throw new ComposeError(`${path.join('.')}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const out: ServicePort[] = [];
  for (const [key, bindings] of Object.entries(map)) {
    const [port, protocol] = key.split('/');
    for (const b of bindings ?? [{ HostIp: '', HostPort: '' }]) {
      out.push({ target: Number(port), ...(b.HostPort ? { published: b.HostPort } : {}), ...(b.HostIp ? { hostIp: b.HostIp } : {}), protocol });
    }
  }
  return out;
}

/** The ports as a create request's PortBindings. */
export function portBindings(ports: readonly ServicePort[]): PortMap {
  return mergePortMaps(ports.map((p) => ({ [`${p.target}/${p.protocol}`]: [{ HostIp: p.hostIp ?? '', HostPort: p.published ?? '' }] })));
}

function normalizeVolume(project: LoadedProject, path: Array<string | number>, raw: unknown): ServiceVolume {
  if (typeof raw === 'object' && raw !== null) {
    const v = raw as Record<string, unknown>;
    if (v.type !== 'volume') throw notSupported(project, [...path, 'type'], `"${String(v.type)}" (only named and anonymous volumes)`);
    for (const key of ['bind', 'tmpfs', 'consistency']) if (v[key] !== undefined) throw notSupported(project, [...path, key]);
    return { ...(v.source ? { source: String(v.source) } : {}), target: String(v.target), readOnly: v.read_only === true };
  }
  const spec = String(raw);
  const parts = spec.split(':');
  if (parts.length === 1) return { target: spec, readOnly: false };
  const [source, target, mode = 'rw'] = parts;
  if (parts.length > 3 || !target) throw new ComposeError(`invalid spec: ${spec}: too many colons`);
  if (/^[./~]/.test(source)) throw notSupported(project, path, `("${spec}": bind mounts of host paths; use a named volume)`);
  const modes = mode.split(',');
  if (modes.some((m) => !['ro', 'rw', 'z', 'Z', 'nocopy'].includes(m))) throw new ComposeError(`invalid spec: ${spec}: unknown option ${mode}`);
  return { source, target, readOnly: modes.includes('ro') };
}

function normalizeNetworks(raw: unknown): Record<string, string[]> {
  if (raw === undefined || raw === null) return { default: [] };
  if (Array.isArray(raw)) return Object.fromEntries(raw.map((n) => [String(n), []]));
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    out[name] = ((value as { aliases?: string[] } | null)?.aliases ?? []).map(String);
  }
  return out;
}

function normalizeDependsOn(raw: unknown): Record<string, DependencyCondition> {
  if (raw === undefined || raw === null) return {};
  if (Array.isArray(raw)) return Object.fromEntries(raw.map((n) => [String(n), 'service_started' as const]));
  return Object.fromEntries(Object.entries(raw as Record<string, { condition: DependencyCondition }>).map(([k, v]) => [k, v.condition]));
}

/** Docker's API form: the test as ["CMD", ...] / ["CMD-SHELL", cmd] / ["NONE"], times in nanoseconds. */
function normalizeHealthcheck(raw: Record<string, unknown>): HealthConfig {
  if (raw.disable === true) return { Test: ['NONE'] };
  const test = raw.test;
  // An empty Test keeps the image's, as the Engine API reads it.
  const out: HealthConfig = { Test: [] };
  if (typeof test === 'string') out.Test = ['CMD-SHELL', test];
  else if (Array.isArray(test)) out.Test = test.map(String);
  if (raw.interval !== undefined) out.Interval = parseGoDuration(String(raw.interval));
  if (raw.timeout !== undefined) out.Timeout = parseGoDuration(String(raw.timeout));
  if (raw.start_period !== undefined) out.StartPeriod = parseGoDuration(String(raw.start_period));
  if (raw.retries !== undefined) out.Retries = Number(raw.retries);
  return out;
}
