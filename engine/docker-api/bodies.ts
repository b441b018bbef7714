/**
 * Docker request bodies -> Engine calls. Field names are already Docker's; what happens here is
 * type checking of untrusted JSON, Docker's spellings (a string for Cmd, null for "not given"),
 * and the refusals of HOSTILE-INPUTS 22: nothing a create or exec asks for may reach the host
 * (privileged, capabilities, host namespaces, devices, host mounts).
 */
import type { ContainerCreate, EndpointConfig, ExecCreate, NetworkCreate, PortMap } from '../engine.ts';
import { EngineError } from '../errors.ts';
import { HOST_NETWORK_REFUSED } from '../core/network-endpoints.ts';
import type { HealthConfig } from '../oci/types.ts';
import type { ApiRequest } from './transport.ts';

/** JSON bodies are small; a larger one is refused before it is parsed. */
export const MAX_JSON_BODY = 1024 * 1024;

type Json = Record<string, unknown>;

/** The body as a JSON object; an empty body is `{}` (docker sends none for some posts). */
export async function jsonBody(request: ApiRequest): Promise<Json> {
  const bytes = await request.body(MAX_JSON_BODY);
  const text = new TextDecoder().decode(bytes).trim();
  if (text === '' || text === 'null') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new EngineError('invalid-argument', `invalid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new EngineError('invalid-argument', 'invalid JSON: expected an object');
  return parsed as Json;
}

function bad(field: string, expected: string): EngineError {
  return new EngineError('invalid-argument', `invalid JSON: ${field} must be ${expected}`);
}

function optString(o: Json, field: string, path = field): string | undefined {
  const v = o[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw bad(path, 'a string');
  return v;
}

function optBool(o: Json, field: string, path = field): boolean | undefined {
  const v = o[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw bad(path, 'a boolean');
  return v;
}

function optNumber(o: Json, field: string, path = field): number | undefined {
  const v = o[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(path, 'a number');
  return v;
}

function optStrings(o: Json, field: string, path = field): string[] | undefined {
  const v = o[field];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw bad(path, 'an array of strings');
  return v as string[];
}

/** Docker's StrSlice: a string is one word, an array is the words. */
function optCommand(o: Json, field: string): string[] | undefined {
  const v = o[field];
  if (typeof v === 'string') return [v];
  return optStrings(o, field);
}

function optStringMap(o: Json, field: string, path = field): Record<string, string> | undefined {
  const v = o[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v) || !Object.values(v).every((x) => typeof x === 'string')) throw bad(path, 'an object of strings');
  return { ...(v as Record<string, string>) };
}

function optObject(o: Json, field: string, path = field): Json | undefined {
  const v = o[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw bad(path, 'an object');
  return v as Json;
}

function refused(what: string): EngineError {
  return new EngineError('invalid-argument', `${what} is not allowed: containers of this engine get no host access`);
}

const HOST_NAMESPACE = /^(host|container:.*)$/;
const UNCONFINED = /unconfined|label[=:]disable/i;

/** HOSTILE-INPUTS 22: refuse every HostConfig field that would reach past the container. */
function refuseHostAccess(host: Json): void {
  if (host.Privileged === true) throw refused('Privileged');
  for (const field of ['CapAdd', 'Devices', 'DeviceRequests', 'DeviceCgroupRules', 'VolumesFrom']) {
    const v = host[field];
    if (Array.isArray(v) ? v.length > 0 : v !== undefined && v !== null) throw refused(field);
  }
  if (optString(host, 'NetworkMode', 'HostConfig.NetworkMode') === 'host') throw new EngineError('invalid-argument', HOST_NETWORK_REFUSED);
  for (const field of ['PidMode', 'NetworkMode', 'IpcMode', 'UTSMode', 'UsernsMode', 'CgroupnsMode']) {
    const v = optString(host, field, `HostConfig.${field}`);
    if (v !== undefined && HOST_NAMESPACE.test(v)) throw refused(`${field} "${v}"`);
  }
  const security = optStrings(host, 'SecurityOpt', 'HostConfig.SecurityOpt') ?? [];
  const loosened = security.find((s) => UNCONFINED.test(s));
  if (loosened) throw refused(`SecurityOpt "${loosened}"`);
  const sysctls = optStringMap(host, 'Sysctls', 'HostConfig.Sysctls');
  if (sysctls && Object.keys(sysctls).length) throw refused('Sysctls');
  if (optString(host, 'CgroupParent', 'HostConfig.CgroupParent')) throw refused('CgroupParent');
}

/**
 * Flags the docker CLI sends that this engine cannot honour yet: refused with the reason, never
 * accepted and ignored (a learner would be told something that is not true). The CLI's defaults
 * (restart "no", no limits) pass.
 */
function refuseNotHonoured(host: Json): void {
  const no = (flag: string, why: string) => new EngineError('invalid-argument', `${flag} is not supported by this engine: ${why}`);
  if (optBool(host, 'ReadonlyRootfs', 'HostConfig.ReadonlyRootfs')) throw no('--read-only', "a container's root file system is always writable here");
  const restart = optObject(host, 'RestartPolicy', 'HostConfig.RestartPolicy');
  const policy = restart ? optString(restart, 'Name', 'HostConfig.RestartPolicy.Name') : undefined;
  if (policy && policy !== 'no') throw no(`--restart ${policy}`, 'containers are not restarted when they exit');
  if ((optNumber(host, 'NanoCpus', 'HostConfig.NanoCpus') ?? 0) > 0 || (optNumber(host, 'CpuQuota', 'HostConfig.CpuQuota') ?? 0) > 0) {
    throw no('--cpus', 'there is no CPU limit for a container here');
  }
  if ((optNumber(host, 'PidsLimit', 'HostConfig.PidsLimit') ?? 0) > 0) throw no('--pids-limit', 'WebAssembly programs start no processes of their own');
  if (optBool(host, 'Init', 'HostConfig.Init')) throw no('--init', 'there is no init process to add');
  const tmpfs = optStringMap(host, 'Tmpfs', 'HostConfig.Tmpfs');
  if (tmpfs && Object.keys(tmpfs).length) throw no('--tmpfs', 'use a volume (-v /path) for scratch space');
}

/** `--mount type=volume,...` entries become binds; any other type would reach the host. */
function mountsAsBinds(host: Json): string[] {
  const mounts = host.Mounts;
  if (mounts === undefined || mounts === null) return [];
  if (!Array.isArray(mounts)) throw bad('HostConfig.Mounts', 'an array');
  return mounts.map((m: unknown, i) => {
    if (typeof m !== 'object' || m === null) throw bad(`HostConfig.Mounts[${i}]`, 'an object');
    const mount = m as Json;
    const type = optString(mount, 'Type', `HostConfig.Mounts[${i}].Type`) ?? 'volume';
    if (type !== 'volume') throw refused(`a mount of type "${type}"`);
    const source = optString(mount, 'Source', `HostConfig.Mounts[${i}].Source`);
    const target = optString(mount, 'Target', `HostConfig.Mounts[${i}].Target`);
    if (!source || !target) throw new EngineError('invalid-argument', 'invalid mount config: a volume mount needs a source (anonymous volumes are not supported) and a target');
    return `${source}:${target}${mount.ReadOnly === true ? ':ro' : ''}`;
  });
}

/** `POST /containers/create` body (+ the `name` query) -> Engine.createContainer's options. */
export function containerCreate(body: Json, name: string | undefined): ContainerCreate {
  const image = optString(body, 'Image');
  if (!image) throw new EngineError('invalid-argument', 'config cannot be empty in order to create a container: no image given');
  const host = optObject(body, 'HostConfig') ?? {};
  refuseHostAccess(host);
  refuseNotHonoured(host);
  const binds = [...(optStrings(host, 'Binds', 'HostConfig.Binds') ?? []), ...mountsAsBinds(host)];
  const memory = optNumber(host, 'Memory', 'HostConfig.Memory');
  const autoRemove = optBool(host, 'AutoRemove', 'HostConfig.AutoRemove');
  const create: ContainerCreate = { Image: image };
  if (name) create.name = name;
  const cmd = optCommand(body, 'Cmd');
  if (cmd) create.Cmd = cmd;
  const entrypoint = optCommand(body, 'Entrypoint');
  if (entrypoint) create.Entrypoint = entrypoint;
  const env = optStrings(body, 'Env');
  if (env) create.Env = env;
  const labels = optStringMap(body, 'Labels');
  if (labels) create.Labels = labels;
  const user = optString(body, 'User');
  if (user) create.User = user;
  const stopSignal = optString(body, 'StopSignal');
  if (stopSignal) create.StopSignal = stopSignal;
  const healthcheck = healthConfig(body);
  if (healthcheck) create.Healthcheck = healthcheck;
  const volumes = optObject(body, 'Volumes');
  if (volumes && Object.keys(volumes).length) create.Volumes = Object.fromEntries(Object.keys(volumes).map((v) => [v, {}]));
  for (const field of ['WorkingDir', 'Hostname'] as const) {
    const v = optString(body, field);
    if (v) create[field] = v;
  }
  for (const field of ['Tty', 'OpenStdin', 'StdinOnce', 'AttachStdin', 'AttachStdout', 'AttachStderr'] as const) {
    const v = optBool(body, field);
    if (v !== undefined) create[field] = v;
  }
  const exposed = optObject(body, 'ExposedPorts');
  if (exposed) create.ExposedPorts = Object.fromEntries(Object.keys(exposed).map((k) => [k, {}]));
  const hostConfig: NonNullable<ContainerCreate['HostConfig']> = {};
  if (binds.length) hostConfig.Binds = binds;
  if (memory) hostConfig.Memory = memory;
  if (autoRemove !== undefined) hostConfig.AutoRemove = autoRemove;
  const networkMode = optString(host, 'NetworkMode', 'HostConfig.NetworkMode');
  if (networkMode) hostConfig.NetworkMode = networkMode;
  const bindings = portBindings(host);
  if (bindings) hostConfig.PortBindings = bindings;
  if (optBool(host, 'PublishAllPorts', 'HostConfig.PublishAllPorts')) hostConfig.PublishAllPorts = true;
  const consoleSize = host.ConsoleSize;
  // [0, 0] (what docker sends without a terminal) is no size at all.
  if (Array.isArray(consoleSize) && consoleSize.length === 2 && consoleSize.every((n) => Number.isInteger(n) && (n as number) > 0)) {
    hostConfig.ConsoleSize = [consoleSize[0] as number, consoleSize[1] as number];
  }
  if (optStrings(host, 'Links', 'HostConfig.Links')?.length) throw new EngineError('invalid-argument', 'links (--link) are not supported by this engine: containers on a user-defined network find each other by name');
  if (Object.keys(hostConfig).length) create.HostConfig = hostConfig;
  const endpoints = optObject(optObject(body, 'NetworkingConfig') ?? {}, 'EndpointsConfig', 'NetworkingConfig.EndpointsConfig');
  if (endpoints) {
    const out: Record<string, EndpointConfig> = {};
    for (const [network, config] of Object.entries(endpoints)) out[network] = endpointConfig(config, `NetworkingConfig.EndpointsConfig.${network}`);
    create.NetworkingConfig = { EndpointsConfig: out };
  }
  return create;
}

/** Config.Healthcheck: Test's words and the durations (ns) and retries, types checked here, values by the core. */
function healthConfig(body: Json): HealthConfig | undefined {
  const h = optObject(body, 'Healthcheck');
  if (!h) return undefined;
  const out: HealthConfig = { Test: optStrings(h, 'Test', 'Healthcheck.Test') ?? [] };
  for (const field of ['Interval', 'Timeout', 'StartPeriod', 'StartInterval', 'Retries'] as const) {
    const v = optNumber(h, field, `Healthcheck.${field}`);
    if (v === undefined) continue;
    if (!Number.isSafeInteger(v)) throw bad(`Healthcheck.${field}`, 'an integer');
    out[field] = v;
  }
  return out;
}

/** HostConfig.PortBindings: "80/tcp" -> [{HostIp, HostPort}] (values checked by the core). */
function portBindings(host: Json): PortMap | undefined {
  const map = optObject(host, 'PortBindings', 'HostConfig.PortBindings');
  if (!map) return undefined;
  const out: PortMap = {};
  for (const [key, list] of Object.entries(map)) {
    if (list === null) continue;
    if (!Array.isArray(list)) throw bad(`HostConfig.PortBindings.${key}`, 'an array');
    out[key] = list.map((b: unknown, i) => {
      const path = `HostConfig.PortBindings.${key}[${i}]`;
      if (typeof b !== 'object' || b === null || Array.isArray(b)) throw bad(path, 'an object');
      return { HostIp: optString(b as Json, 'HostIp', `${path}.HostIp`) ?? '', HostPort: optString(b as Json, 'HostPort', `${path}.HostPort`) ?? '' };
    });
  }
  return out;
}

/** One endpoint's settings of a create or connect: aliases; a static address, MAC or links are refused, not ignored. */
function endpointConfig(value: unknown, path: string): EndpointConfig {
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw bad(path, 'an object');
  const config = value as Json;
  const ipam = optObject(config, 'IPAMConfig', `${path}.IPAMConfig`);
  if (ipam && (optString(ipam, 'IPv4Address') || optString(ipam, 'IPv6Address'))) {
    throw new EngineError('invalid-argument', 'static addresses (--ip, --ip6) are not supported by this engine: each container gets the next free address of its network');
  }
  if (optString(config, 'MacAddress', `${path}.MacAddress`)) throw new EngineError('invalid-argument', 'a fixed MAC address (--mac-address) is not supported by this engine');
  if (optStrings(config, 'Links', `${path}.Links`)?.length) throw new EngineError('invalid-argument', 'links (--link) are not supported by this engine: containers on a user-defined network find each other by name');
  const aliases = optStrings(config, 'Aliases', `${path}.Aliases`);
  return aliases?.length ? { Aliases: aliases } : {};
}

/** `POST /networks/create`: the bridge driver's fields; what this engine cannot give is refused. */
export function networkCreate(body: Json): NetworkCreate {
  const name = optString(body, 'Name');
  if (!name) throw new EngineError('invalid-argument', 'network name must not be empty');
  if (optBool(body, 'EnableIPv6')) {
    throw new EngineError('forbidden', 'could not find an available, non-overlapping IPv6 address pool among the defaults to assign to the network');
  }
  if (optBool(body, 'Ingress')) throw new EngineError('unavailable', 'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.');
  if (optBool(body, 'ConfigOnly') || optString(optObject(body, 'ConfigFrom') ?? {}, 'Network', 'ConfigFrom.Network')) {
    throw new EngineError('invalid-argument', 'config-only networks (--config-only, --config-from) are not supported by this engine');
  }
  const out: NetworkCreate = { Name: name };
  const driver = optString(body, 'Driver');
  if (driver) out.Driver = driver;
  const internal = optBool(body, 'Internal');
  if (internal) out.Internal = true;
  const attachable = optBool(body, 'Attachable');
  if (attachable) out.Attachable = true;
  const labels = optStringMap(body, 'Labels');
  if (labels) out.Labels = labels;
  const options = optStringMap(body, 'Options');
  if (options) out.Options = options;
  const ipam = optObject(body, 'IPAM');
  if (ipam) {
    out.IPAM = {};
    const ipamDriver = optString(ipam, 'Driver', 'IPAM.Driver');
    if (ipamDriver) out.IPAM.Driver = ipamDriver;
    const configs = ipam.Config;
    if (configs !== undefined && configs !== null) {
      if (!Array.isArray(configs)) throw bad('IPAM.Config', 'an array');
      out.IPAM.Config = configs.map((c: unknown, i) => {
        if (typeof c !== 'object' || c === null || Array.isArray(c)) throw bad(`IPAM.Config[${i}]`, 'an object');
        const entry: { Subnet?: string; Gateway?: string; IPRange?: string } = {};
        for (const field of ['Subnet', 'Gateway', 'IPRange'] as const) {
          const v = optString(c as Json, field, `IPAM.Config[${i}].${field}`);
          if (v) entry[field] = v;
        }
        return entry;
      });
    }
  }
  return out;
}

/** `POST /networks/{id}/connect` body. */
export function networkConnect(body: Json): { container: string; config: EndpointConfig } {
  const container = optString(body, 'Container');
  if (!container) throw new EngineError('invalid-argument', 'no container given to connect');
  return { container, config: endpointConfig(body.EndpointConfig, 'EndpointConfig') };
}

/** `POST /networks/{id}/disconnect` body. */
export function networkDisconnect(body: Json): { container: string; force: boolean } {
  const container = optString(body, 'Container');
  if (!container) throw new EngineError('invalid-argument', 'no container given to disconnect');
  return { container, force: optBool(body, 'Force') ?? false };
}

/** `POST /containers/{id}/exec` body -> Engine.createExec's options. */
export function execCreate(body: Json): ExecCreate {
  if (body.Privileged === true) throw refused('Privileged');
  const cmd = optCommand(body, 'Cmd');
  if (!cmd || cmd.length === 0) throw new EngineError('invalid-argument', 'No exec command specified');
  const exec: ExecCreate = { Cmd: cmd };
  const env = optStrings(body, 'Env');
  if (env) exec.Env = env;
  const dir = optString(body, 'WorkingDir');
  if (dir) exec.WorkingDir = dir;
  const user = optString(body, 'User');
  if (user) exec.User = user;
  for (const field of ['Tty', 'AttachStdin', 'AttachStdout', 'AttachStderr'] as const) {
    const v = optBool(body, field);
    if (v !== undefined) exec[field] = v;
  }
  return exec;
}

/** `POST /exec/{id}/start` body: Detach and Tty. */
export function execStart(body: Json): { detach: boolean; tty: boolean } {
  return { detach: optBool(body, 'Detach') ?? false, tty: optBool(body, 'Tty') ?? false };
}

/** `POST /volumes/create` body. Only the local driver exists. */
export function volumeCreate(body: Json): { Name?: string; Labels?: Record<string, string> } {
  const driver = optString(body, 'Driver');
  if (driver && driver !== 'local') throw new EngineError('not-found', `error looking up volume plugin ${driver}: plugin "${driver}" not found`);
  const opts = optStringMap(body, 'DriverOpts');
  if (opts && Object.keys(opts).length) throw new EngineError('invalid-argument', 'volume driver options are not supported by this engine');
  const out: { Name?: string; Labels?: Record<string, string> } = {};
  const name = optString(body, 'Name');
  if (name) out.Name = name;
  const labels = optStringMap(body, 'Labels');
  if (labels) out.Labels = labels;
  return out;
}
