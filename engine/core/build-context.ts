import { EngineError } from '../errors.ts';

/**
 * The build context as Docker's legacy builder sees it: files and symbolic links filtered by
 * `.dockerignore`, and the sources a COPY/ADD names (globs `*`, `?`, `[...]`; a directory means its
 * contents). Links stay links when a directory is copied; a source named by a link is its target.
 */
export type Context = Map<string, Uint8Array | ContextLink>;

/** A symbolic link of the context, as the docker CLI sends it. */
export interface ContextLink {
  link: string;
}

export function isLink(entry: Uint8Array | ContextLink | undefined): entry is ContextLink {
  return entry !== undefined && !(entry instanceof Uint8Array);
}

/**
 * Where a context path leads once its links are followed (relative targets from the link's
 * directory, absolute ones from the context's root, never above it); undefined for a loop.
 */
export function resolveContextPath(context: Context, path: string): string | undefined {
  let at = path;
  for (let hops = 0; hops <= 40; hops++) {
    const entry = context.get(at);
    if (!isLink(entry)) return at;
    const base = entry.link.startsWith('/') ? '' : at.slice(0, Math.max(0, at.lastIndexOf('/')));
    const parts: string[] = [];
    for (const part of `${base}/${entry.link}`.split('/')) {
      if (part === '..') parts.pop();
      else if (part !== '' && part !== '.') parts.push(part);
    }
    at = parts.join('/');
  }
  return undefined;
}

/** A file of the context by path, links followed; undefined when there is no such file. */
export function contextFile(context: Context, path: string): Uint8Array | undefined {
  const resolved = resolveContextPath(context, cleanPath(path));
  const entry = resolved === undefined ? undefined : context.get(resolved);
  return isLink(entry) ? undefined : entry;
}

function cleanPath(p: string): string {
  const parts: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return '..';
      parts.pop();
    } else parts.push(part);
  }
  return parts.join('/');
}

interface Pattern {
  negate: boolean;
  regex: RegExp;
}

/** A Go filepath.Match-style pattern with `**` for any number of directories, as a RegExp. */
function globRegex(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        i++;
        if (pattern[i + 1] === '/') {
          i++;
          re += '(?:.*/)?';
        } else re += '.*';
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) throw new EngineError('invalid-argument', `syntax error in pattern "${pattern}"`);
      let cls = pattern.slice(i + 1, end);
      if (cls.startsWith('^') || cls.startsWith('!')) cls = '^' + cls.slice(1);
      re += `[${cls.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else if (c === '\\' && i + 1 < pattern.length) {
      re += pattern[++i].replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

export function parseDockerignore(text: string): Pattern[] {
  const patterns: Pattern[] = [];
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const negate = line.startsWith('!');
    if (negate) line = line.slice(1).trim();
    const clean = cleanPath(line);
    if (clean === '' || clean === '..') continue;
    patterns.push({ negate, regex: globRegex(clean) });
  }
  return patterns;
}

/** Docker's rule: the last pattern matching the path (or one of its parent directories) decides. */
export function isIgnored(path: string, patterns: Pattern[]): boolean {
  const parents: string[] = [];
  const parts = path.split('/');
  for (let i = 1; i <= parts.length; i++) parents.push(parts.slice(0, i).join('/'));
  let ignored = false;
  for (const p of patterns) if (parents.some((q) => p.regex.test(q))) ignored = !p.negate;
  return ignored;
}

/** The context with `.dockerignore` applied (the Dockerfile and .dockerignore themselves stay readable). */
export function loadContext(files: Record<string, Uint8Array>, dockerfile: string, links: Record<string, string> = {}): Context {
  const context: Context = new Map();
  const entries: Array<[string, Uint8Array | ContextLink]> = [...Object.entries(files), ...Object.entries(links).map(([p, link]): [string, ContextLink] => [p, { link }])];
  for (const [path, content] of entries) {
    const clean = cleanPath(path);
    if (clean === '' || clean === '..' || clean.startsWith('../')) throw new EngineError('invalid-argument', `build context path ${JSON.stringify(path)} is outside the context`);
    context.set(clean, content);
  }
  const ignoreFile = contextFile(context, '.dockerignore');
  if (!ignoreFile) return context;
  const patterns = parseDockerignore(new TextDecoder().decode(ignoreFile));
  const keep = new Set([cleanPath(dockerfile), '.dockerignore']);
  for (const path of [...context.keys()]) if (!keep.has(path) && isIgnored(path, patterns)) context.delete(path);
  return context;
}

export interface CopySource {
  /** Context path of the file. */
  from: string;
  /** Path relative to the destination directory (or '' when the source is the destination file itself). */
  rel: string;
}

/** Every directory implied by the context's file paths. */
function contextDirs(context: Context): Set<string> {
  const dirs = new Set<string>();
  for (const path of context.keys()) {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  return dirs;
}

/**
 * The files a COPY/ADD takes from the context, each with its path below the destination. A file
 * source lands as its base name; a directory source copies its contents; `.` is the whole context.
 * `single` tells whether exactly one file was named (then the destination may be a file path).
 */
export function copySources(context: Context, sources: string[], instruction: string): { files: CopySource[]; single: boolean; named: number } {
  const dirs = contextDirs(context);
  const files: CopySource[] = [];
  let named = 0;
  let onlyFile = true;
  for (const source of sources) {
    const clean = cleanPath(source);
    if (clean === '..' || clean.startsWith('../')) {
      throw new EngineError('invalid-argument', `${instruction} failed: forbidden path outside the build context: ${source}`);
    }
    const matches: string[] = [];
    if (/[*?[]/.test(clean)) {
      const regex = globRegex(clean);
      for (const p of [...context.keys(), ...dirs]) if (regex.test(p)) matches.push(p);
      matches.sort();
    } else if (clean === '' || context.has(clean) || dirs.has(clean)) matches.push(clean);
    if (matches.length === 0) {
      throw new EngineError('invalid-argument', `${instruction} failed: file not found in build context or excluded by .dockerignore: stat ${source}: file does not exist`);
    }
    for (const m of matches) {
      named++;
      // A source named by a link is what the link leads to (Docker follows it within the context).
      const target = resolveContextPath(context, m);
      if (target === undefined || (isLink(context.get(m)) && !context.has(target) && !dirs.has(target) && target !== '')) {
        throw new EngineError('invalid-argument', `${instruction} failed: file not found in build context or excluded by .dockerignore: stat ${source}: file does not exist`);
      }
      if (context.has(target)) files.push({ from: target, rel: m.slice(m.lastIndexOf('/') + 1) });
      else {
        onlyFile = false;
        const prefix = target === '' ? '' : target + '/';
        for (const p of [...context.keys()].sort()) if (p.startsWith(prefix)) files.push({ from: p, rel: p.slice(prefix.length) });
      }
    }
  }
  return { files, single: named === 1 && onlyFile, named };
}
