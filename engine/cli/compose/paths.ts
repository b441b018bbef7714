/**
 * "/"-separated paths as the terminal reads them: files are read relative to the terminal's
 * directory, the project directory is the compose file's, labels carry absolute paths.
 */
export function joinPath(dir: string, path: string): string {
  if (path.startsWith('/')) return normalize(path);
  return normalize(dir === '' || dir === '.' ? path : `${dir}/${path}`);
}

export function dirName(path: string): string {
  const i = path.lastIndexOf('/');
  if (i < 0) return '.';
  return i === 0 ? '/' : path.slice(0, i);
}

export function baseName(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

export function normalize(path: string): string {
  const absolute = path.startsWith('/');
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && parts.length && parts[parts.length - 1] !== '..') parts.pop();
    else if (part !== '..' || !absolute) parts.push(part);
  }
  const joined = parts.join('/');
  return absolute ? `/${joined}` : joined || '.';
}
