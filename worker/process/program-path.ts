/** How a command names its program, as execvp reads it: a name without "/" is looked up in PATH. */
import { normalizeGuestPath, resolveGuestPath } from '../../engine/wasi/spawn-abi.ts';

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The absolute path of the program `name`, or undefined when no such file exists. */
export function findProgram(name: string, env: string[], cwd: string, isFile: (path: string) => boolean): string | undefined {
  if (name === '') return undefined;
  if (name.includes('/')) {
    const path = resolveGuestPath(cwd, name);
    return isFile(path) ? path : undefined;
  }
  const pathVar = env.filter((e) => e.startsWith('PATH=')).pop()?.slice(5) ?? DEFAULT_PATH;
  for (const dir of pathVar.split(':')) {
    if (dir === '') continue;
    const candidate = normalizeGuestPath(`${dir}/${name}`);
    if (isFile(candidate)) return candidate;
  }
  return undefined;
}
