/**
 * Docker request bodies -> Engine calls. Field names are already Docker's; what happens here is
 * type checking of untrusted JSON, Docker's spellings (a string for Cmd, null for "not given"),
 * and the refusals of HOSTILE-INPUTS 22: nothing a create or exec asks for may reach the host
 * (privileged, capabilities, host namespaces, devices, host mounts).
 */
import type { ContainerCreate, ExecCreate } from '../engine.ts';
import { EngineError } from '../errors.ts';
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
  for (const field of ['WorkingDir', 'Hostname'] as const) {
    const v = optString(body, field);
    if (v) create[field] = v;
  }
  for (const field of ['Tty', 'OpenStdin', 'StdinOnce', 'AttachStdin', 'AttachStdout', 'AttachStderr'] as const) {
    const v = optBool(body, field);
    if (v !== undefined) create[field] = v;
  }
  const hostConfig: NonNullable<ContainerCreate['HostConfig']> = {};
  if (binds.length) hostConfig.Binds = binds;
  if (memory) hostConfig.Memory = memory;
  if (autoRemove !== undefined) hostConfig.AutoRemove = autoRemove;
  if (Object.keys(hostConfig).length) create.HostConfig = hostConfig;
  return create;
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
