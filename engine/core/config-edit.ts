import { EngineError } from '../errors.ts';
import type { HealthcheckInstruction, Instruction } from '../build/dockerfile-types.ts';
import { parseDockerfile } from '../build/dockerfile.ts';
import type { ContainerConfig, HealthConfig } from '../oci/types.ts';
import { envKey } from './container-config.ts';

/**
 * What a metadata instruction does to an image's runtime config - one rule for the builder and
 * for `docker commit --change`. Returns false for instructions that are not metadata.
 */
export interface ConfigEditState {
  /** A CMD was set in this build (or change list): a later ENTRYPOINT keeps it. */
  cmdSet?: boolean;
  shell?: string[];
}

export function applyToConfig(config: ContainerConfig, instruction: Instruction, state: ConfigEditState = {}): boolean {
  const shell = state.shell ?? ['/bin/sh', '-c'];
  switch (instruction.kind) {
    case 'ENV':
      for (const [k, v] of instruction.pairs) config.Env = [...(config.Env ?? []).filter((e) => envKey(e) !== k), `${k}=${v}`];
      return true;
    case 'LABEL':
      config.Labels = { ...(config.Labels ?? {}) };
      for (const [k, v] of instruction.pairs) config.Labels[k] = v;
      return true;
    case 'CMD':
      config.Cmd = instruction.form === 'exec' ? [...instruction.args] : [...shell, instruction.args[0] ?? ''];
      state.cmdSet = true;
      return true;
    case 'ENTRYPOINT':
      config.Entrypoint = instruction.form === 'exec' ? [...instruction.args] : [...shell, instruction.args[0] ?? ''];
      // Docker: ENTRYPOINT drops a CMD inherited from the base image, not one set earlier in this build.
      if (!state.cmdSet) delete config.Cmd;
      return true;
    case 'EXPOSE':
      config.ExposedPorts = { ...(config.ExposedPorts ?? {}) };
      for (const p of instruction.ports) config.ExposedPorts[p.includes('/') ? p : `${p}/tcp`] = {};
      return true;
    case 'USER':
      config.User = instruction.user;
      return true;
    case 'VOLUME':
      config.Volumes = { ...(config.Volumes ?? {}) };
      for (const p of instruction.paths) config.Volumes[p] = {};
      return true;
    case 'WORKDIR':
      config.WorkingDir = resolveWorkdir(config.WorkingDir, instruction.path);
      return true;
    case 'STOPSIGNAL':
      config.StopSignal = instruction.signal;
      return true;
    case 'SHELL':
      config.Shell = [...instruction.args];
      state.shell = [...instruction.args];
      return true;
    case 'HEALTHCHECK':
      config.Healthcheck = healthConfig(instruction, config.Healthcheck);
      return true;
    case 'ONBUILD':
      config.OnBuild = [...(config.OnBuild ?? []), instruction.trigger];
      return true;
    default:
      return false;
  }
}

/**
 * HEALTHCHECK as Docker stores it: unset durations and retries are left out (they mean Docker's
 * defaults); NONE turns the check off and, as Docker's, leaves the timings it had.
 */
export function healthConfig(instruction: HealthcheckInstruction, previous?: HealthConfig): HealthConfig {
  if (instruction.none) return { ...previous, Test: ['NONE'] };
  const test = instruction.form === 'exec' ? ['CMD', ...(instruction.args ?? [])] : ['CMD-SHELL', instruction.args?.[0] ?? ''];
  const out: HealthConfig = { Test: test };
  if (instruction.interval) out.Interval = instruction.interval;
  if (instruction.timeout) out.Timeout = instruction.timeout;
  if (instruction.startPeriod) out.StartPeriod = instruction.startPeriod;
  if (instruction.startInterval) out.StartInterval = instruction.startInterval;
  if (instruction.retries) out.Retries = instruction.retries;
  return out;
}

/** WORKDIR is relative to the previous one; the result is a clean absolute path. */
export function resolveWorkdir(current: string | undefined, path: string): string {
  const joined = path.startsWith('/') ? path : `${current || '/'}/${path}`;
  const parts: string[] = [];
  for (const p of joined.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') parts.pop();
    else parts.push(p);
  }
  return '/' + parts.join('/');
}

const COMMIT_CHANGES = new Set(['CMD', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'LABEL', 'ONBUILD', 'USER', 'VOLUME', 'WORKDIR', 'STOPSIGNAL']);

/** `docker commit --change 'CMD ["sh"]'`: Dockerfile instructions applied to a config. */
export function applyCommitChanges(config: ContainerConfig, changes: string[]): void {
  if (changes.length === 0) return;
  // Docker checks each change's instruction word before parsing it: an unknown one is refused in these words too.
  for (const change of changes) {
    const word = change.trim().split(/\s+/)[0].toUpperCase();
    if (word && !COMMIT_CHANGES.has(word)) throw new EngineError('invalid-argument', `${word.toLowerCase()} is not a valid change command`);
  }
  const parsed = parseDockerfile(`FROM scratch\n${changes.join('\n')}\n`);
  const state: ConfigEditState = {};
  for (const instruction of parsed.stages[0].instructions) {
    if (!COMMIT_CHANGES.has(instruction.kind)) {
      throw new EngineError('invalid-argument', `${instruction.kind.toLowerCase()} is not a valid change command`);
    }
    applyToConfig(config, instruction, state);
  }
}
