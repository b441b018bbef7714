/**
 * How a container's command names its program, as execvp reads it: a name with a "/" is a path
 * (relative to the working directory), a bare name is looked up in the PATH of the process's
 * environment. One rule for both hosts, so the same image finds the same program on each.
 */
import { normalizeGuestPath, resolveGuestPath } from './spawn-abi.ts';

/** PATH when the environment has none: Docker's default for Linux containers. */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The guest paths to try for `name`, in order. */
export function programCandidates(name: string, env: string[], cwd: string): string[] {
  if (name === '') return [];
  if (name.includes('/')) return [resolveGuestPath(cwd, name)];
  const pathVar = env.filter((e) => e.startsWith('PATH=')).pop()?.slice(5) ?? DEFAULT_PATH;
  return pathVar
    .split(':')
    .filter((dir) => dir !== '')
    .map((dir) => normalizeGuestPath(`${dir}/${name}`));
}

/** The absolute path of the program `name`, or undefined when no such file exists. */
export function findProgram(name: string, env: string[], cwd: string, isFile: (path: string) => boolean): string | undefined {
  return programCandidates(name, env, cwd).find(isFile);
}
