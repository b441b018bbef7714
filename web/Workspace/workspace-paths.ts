/**
 * Paths in the workspace: "/"-separated, relative to its root, no leading slash; "" is the root.
 * The host shell shows the root as "~". Every path that enters the workspace goes through
 * `resolvePath`, which is where "..", "." and doubled slashes are settled - so no name can climb
 * out of the root, and the build context's paths are always clean.
 */
export function resolvePath(cwd: string, input: string): string {
  let base = cwd;
  let rest = input;
  if (rest === '~' || rest.startsWith('~/')) {
    base = '';
    rest = rest.slice(1);
  } else if (rest.startsWith('/')) {
    base = '';
  }
  const parts = base ? base.split('/') : [];
  for (const part of rest.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return parts.join('/');
}

export function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i === -1 ? '' : path.slice(0, i);
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function joinPath(dir: string, name: string): string {
  return dir ? `${dir}/${name}` : name;
}

/** True when `path` is `dir` or inside it. */
export function isWithin(path: string, dir: string): boolean {
  return dir === '' || path === dir || path.startsWith(`${dir}/`);
}

/** The workspace root as an absolute path, for programs that want one (`docker compose` names a project after its folder). */
export const HOME = '/home/learner';

/** A workspace path as an absolute path under HOME: "" -> "/home/learner". */
export function absolutePath(path: string): string {
  return path ? `${HOME}/${path}` : HOME;
}

/** How the shell prints a directory: "~", "~/examples/greeter". */
export function displayPath(path: string): string {
  return path ? `~/${path}` : '~';
}

/** A name the workspace accepts for a file or folder (one path segment). */
export function checkName(name: string): string | null {
  if (!name || name === '.' || name === '..') return 'a name is required';
  if (name.includes('/')) return 'a name cannot contain "/"';
  if (name.length > 255) return 'the name is too long';
  return null;
}
