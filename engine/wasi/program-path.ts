/**
 * How a container's command names its program, as execvp reads it: a name with a "/" is a path
 * (relative to the working directory), a bare name is looked up in the PATH of the process's
 * environment. One rule for both hosts, so the same image finds the same program on each - and
 * fails the same way, with the status and words Docker's runtime uses.
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

/** What a guest path is, symlinks followed (undefined: nothing there). */
export type PathKind = 'file' | 'dir' | undefined;

/** A program found, or why the container cannot start: 127 nothing to run, 126 not runnable. */
export type ProgramLookup = { path: string } | { exitCode: 126 | 127; error: string };

/**
 * Find the program as runc's exec does: a PATH entry that is a directory is skipped (execvp goes
 * on), but a path given by the user that names a directory cannot be run - 126, "permission
 * denied" as Docker says it (`docker run box /etc`). Nothing found is 127, worded as Docker words
 * it for a path (`stat /x: no such file or directory`) or a name (`executable file not found`).
 */
export function lookupProgram(name: string, env: string[], cwd: string, kindOf: (path: string) => PathKind): ProgramLookup {
  if (name === '') return { exitCode: 127, error: 'exec: no command given' };
  const isPath = name.includes('/');
  for (const path of programCandidates(name, env, cwd)) {
    const kind = kindOf(path);
    if (kind === 'file') return { path };
    if (kind === 'dir' && isPath) return { exitCode: 126, error: `exec: "${name}": permission denied` };
  }
  return { exitCode: 127, error: isPath ? `exec: "${name}": stat ${name}: no such file or directory` : `exec: "${name}": executable file not found in $PATH` };
}

/** A file that is not a WebAssembly module (or one WebAssembly refuses): 126, as Docker says for a binary of another format. */
export function notExecutable(name: string): { exitCode: 126; error: string } {
  return { exitCode: 126, error: `exec: "${name}": exec format error` };
}

/**
 * The line a container that could not start its program shows on stderr: what Docker's CLI prints
 * for it (`docker run`), or what `docker exec` prints, around the same State.Error text.
 */
export function startFailureLine(error: string, how: 'run' | 'exec'): string {
  return how === 'run' ? `docker: Error response from daemon: ${error}.\n` : `OCI runtime exec failed: exec failed: unable to start container process: ${error}: unknown\n`;
}
