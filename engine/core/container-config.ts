import type { ContainerCreate } from '../engine.ts';
import { EngineError } from '../errors.ts';
import type { ContainerConfig, HealthConfig } from '../oci/types.ts';
import type { Mount } from '../ports.ts';
import { mergeHealthcheck } from './health-config.ts';

/**
 * Docker's merge of a create request with the image config (moby's `merge`):
 * - Entrypoint given (even empty) replaces the image's, and then the image's Cmd is dropped too
 *   unless Cmd is also given; no Entrypoint: the image's, with Cmd from the request or the image.
 * - Env: the request's entries first, then the image's whose key the request did not set.
 * - WorkingDir, User: the request's, else the image's. Labels: the image's, overridden by key.
 * - Volumes: the image's and the request's (`-v /path`), each an anonymous volume unless bound.
 * - StopSignal: the request's, else the image's. Healthcheck: health-config.ts's mergeHealthcheck.
 */
export interface MergedConfig {
  Entrypoint: string[] | null;
  Cmd: string[] | null;
  Env: string[];
  WorkingDir: string;
  User: string;
  Labels: Record<string, string>;
  Volumes: Record<string, object>;
  StopSignal?: string;
  ExposedPorts?: Record<string, object>;
  Healthcheck?: HealthConfig;
  Shell?: string[];
}

export function mergeConfig(image: ContainerConfig | undefined, create: ContainerCreate): MergedConfig {
  const img = image ?? {};
  let entrypoint: string[] | null;
  let cmd: string[] | null;
  if (create.Entrypoint !== undefined) {
    // `--entrypoint ""` arrives as [""]: it clears the image's entrypoint.
    entrypoint = create.Entrypoint.length === 1 && create.Entrypoint[0] === '' ? null : [...create.Entrypoint];
    cmd = create.Cmd && create.Cmd.length > 0 ? [...create.Cmd] : null;
  } else {
    entrypoint = img.Entrypoint ? [...img.Entrypoint] : null;
    cmd = create.Cmd && create.Cmd.length > 0 ? [...create.Cmd] : img.Cmd ? [...img.Cmd] : null;
  }
  const healthcheck = mergeHealthcheck(img.Healthcheck, create.Healthcheck);
  return {
    Entrypoint: entrypoint,
    Cmd: cmd,
    Env: mergeEnv(img.Env ?? [], create.Env ?? []),
    WorkingDir: create.WorkingDir || img.WorkingDir || '',
    User: img.User ?? '',
    Labels: { ...(img.Labels ?? {}), ...(create.Labels ?? {}) },
    Volumes: { ...(img.Volumes ?? {}), ...(create.Volumes ?? {}) },
    ...(create.StopSignal || img.StopSignal ? { StopSignal: create.StopSignal || img.StopSignal } : {}),
    ...(img.ExposedPorts ? { ExposedPorts: { ...img.ExposedPorts } } : {}),
    ...(healthcheck ? { Healthcheck: healthcheck } : {}),
    ...(img.Shell?.length ? { Shell: [...img.Shell] } : {}),
  };
}

/**
 * `-u` (run, create, exec): every process of this engine runs as root - WASI has no users, so
 * another user could not be honoured, and is refused rather than ignored. root, 0 and their group
 * forms are fine. `flag` names the flag as the user typed it.
 */
export function refuseOtherUser(user: string | undefined, flag: string): void {
  if (!user || /^(root|0)(:(root|0))?$/.test(user)) return;
  throw new EngineError('invalid-argument', `${flag} ${user}: this engine runs every process as root (WebAssembly programs have no users); leave -u out or use -u root`);
}

export function envKey(entry: string): string {
  const eq = entry.indexOf('=');
  return eq < 0 ? entry : entry.slice(0, eq);
}

/** The request's entries first, then the base's entries whose key the request did not set. */
export function mergeEnv(base: string[], overrides: string[]): string[] {
  const keys = new Set(overrides.map(envKey));
  return [...overrides, ...base.filter((e) => !keys.has(envKey(e)))];
}

/** Path and Args as `docker inspect` shows them: Entrypoint + Cmd, first word is the program. */
export function commandLine(config: { Entrypoint: string[] | null; Cmd: string[] | null }): { Path: string; Args: string[] } {
  const argv = [...(config.Entrypoint ?? []), ...(config.Cmd ?? [])];
  if (argv.length === 0) throw new EngineError('invalid-argument', 'no command specified');
  return { Path: argv[0], Args: argv.slice(1) };
}

/** `docker ps`'s COMMAND as the Engine API gives it: arguments with a space in single quotes. */
export function commandText(path: string, args: string[]): string {
  return [path, ...args.map((a) => (a.includes(' ') ? `'${a}'` : a))].join(' ');
}

const VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

export function checkVolumeName(name: string): void {
  if (!VOLUME_NAME.test(name)) {
    throw new EngineError(
      'invalid-argument',
      `create ${name}: "${name}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`,
    );
  }
}

/** `-v name:/path[:ro|rw]`. Host paths are refused: a container sees its image and its volumes only. */
export function parseBind(spec: string): Mount {
  const parts = spec.split(':');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => p === '')) {
    throw new EngineError('invalid-argument', `invalid volume specification: '${spec}'`);
  }
  const [source, target, mode = 'rw'] = parts;
  if (source.startsWith('/') || source.startsWith('.') || source.startsWith('~')) {
    throw new EngineError(
      'invalid-argument',
      `invalid volume specification: '${spec}': host directories cannot be mounted here; use a named volume instead (for example "data:${target}")`,
    );
  }
  checkVolumeName(source);
  if (!target.startsWith('/')) {
    throw new EngineError('invalid-argument', `invalid volume specification: '${spec}': invalid mount config for type "volume": invalid mount path: '${target}' mount path must be absolute`);
  }
  if (mode !== 'ro' && mode !== 'rw') throw new EngineError('invalid-argument', `invalid mode: ${mode}`);
  return { volume: source, target: normalizeTarget(target), readOnly: mode === 'ro' };
}

export function normalizeTarget(target: string): string {
  const parts = target.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw new EngineError('invalid-argument', `invalid mount path: '${target}' must not contain ".."`);
  return '/' + parts.join('/');
}
