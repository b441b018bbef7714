import { EngineError } from '../errors.ts';

/**
 * The one place for the path rules of layers, used by the in-memory applier and (through
 * `layerOps`) by the Linux host's disk applier.
 *
 * Decisions (HOSTILE 1-3):
 * - Entry names are made relative: a leading `/` is dropped (as GNU tar and containerd do), `./`
 *   and empty components are removed, and `..` is resolved lexically. A name whose `..` climbs
 *   above the root (`../x`, `/../x`, `a/../../x`) is REJECTED as an invalid layer, not clamped:
 *   no legitimate layer writer produces one.
 * - Symlink targets are kept as written; they are resolved only "as if chrooted" (`resolveInRoot`):
 *   an absolute target starts at the layer root, and `..` at the root stays at the root.
 * - Lengths are Linux's, counted in UTF-8 bytes, so a layer the browser takes is one a disk can
 *   hold: a name component at most 255 bytes (NAME_MAX), a symlink target at most 4095 (PATH_MAX
 *   less its NUL), and a whole path at most MAX_PATH_BYTES. Entry names, hardlink targets and
 *   every path a symlink resolves to are checked; too long is an invalid layer, as the
 *   ENAMETOOLONG Docker meets when it unpacks one.
 */

export const WHITEOUT_PREFIX = '.wh.';
export const OPAQUE_WHITEOUT = '.wh..wh..opq';
/** aufs bookkeeping names (`.wh..wh.plnk`, `.wh..wh.aufs`): never applied. */
const WHITEOUT_META_PREFIX = '.wh..wh.';
/** Linux's limit on symlinks followed while resolving one path (ELOOP). */
export const MAX_SYMLINK_HOPS = 40;
/** NAME_MAX: the longest file name component, in bytes. */
export const MAX_NAME_BYTES = 255;
/** PATH_MAX less its NUL: the longest symlink target Linux stores. */
export const MAX_LINK_TARGET_BYTES = 4095;
/**
 * The longest path inside a layer. The Linux host opens `<its directory>/<path>` and the kernel
 * refuses more than PATH_MAX (4096) bytes in all, so 512 are left for that directory's own path.
 */
export const MAX_PATH_BYTES = 4096 - 512;

function invalidLayer(message: string): EngineError {
  return new EngineError('invalid-content', `invalid layer: ${message}`);
}

function shown(name: string): string {
  return JSON.stringify(name.length > 120 ? name.slice(0, 120) + '...' : name);
}

const utf8 = new TextEncoder();

/** More than `max` bytes of UTF-8; most strings are short enough to need no encoding to tell. */
function overBytes(text: string, max: number): boolean {
  return text.length * 3 > max && utf8.encode(text).length > max;
}

/**
 * A clean path no disk would refuse for its length (see the decisions above); 'invalid-content'
 * otherwise. `via`: the entry name it was resolved from, when a symlink made it (for the message).
 */
export function checkPathLength(clean: string, via?: string): string {
  if (!overBytes(clean, MAX_NAME_BYTES)) return clean;
  const what = via === undefined ? `entry name ${shown(clean)}` : `${shown(via)} resolves to ${shown(clean)}, whose`;
  if (overBytes(clean, MAX_PATH_BYTES)) throw invalidLayer(`${what}: file name too long (more than ${MAX_PATH_BYTES} bytes)`);
  if (splitPath(clean).some((part) => overBytes(part, MAX_NAME_BYTES))) throw invalidLayer(`${what}: file name too long (a component of more than ${MAX_NAME_BYTES} bytes)`);
  return clean;
}

/** A symlink's target as Linux stores one: not empty, no NUL, at most MAX_LINK_TARGET_BYTES. */
export function checkLinkTarget(target: string, entry: string): string {
  if (target === '' || target.includes('\0')) throw invalidLayer(`symlink ${shown(entry)} has an invalid target`);
  if (overBytes(target, MAX_LINK_TARGET_BYTES)) throw invalidLayer(`symlink ${shown(entry)}: target too long (more than ${MAX_LINK_TARGET_BYTES} bytes)`);
  return target;
}

/** Components of a clean relative path ('' is the root and has none). */
export function splitPath(clean: string): string[] {
  return clean === '' ? [] : clean.split('/');
}

export function joinPath(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}

export function parentPath(clean: string): string {
  const slash = clean.lastIndexOf('/');
  return slash < 0 ? '' : clean.slice(0, slash);
}

export function baseName(clean: string): string {
  return clean.slice(clean.lastIndexOf('/') + 1);
}

/**
 * A tar entry name as a clean path relative to the layer root: `./a//b/` -> `a/b`,
 * `/etc/passwd` -> `etc/passwd`, `.` -> `` (the root). `..` escaping the root -> 'invalid-content'.
 */
export function cleanEntryPath(name: string): string {
  if (name.includes('\0')) throw invalidLayer(`entry name ${shown(name)} contains NUL`);
  const out: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) throw invalidLayer(`entry name ${shown(name)} points outside the root`);
      out.pop();
    } else out.push(part);
  }
  return checkPathLength(out.join('/'));
}

/** A hardlink's target names another entry of the layer: the same rules, and never the root. */
export function cleanHardlinkTarget(target: string, entry: string): string {
  const clean = cleanEntryPath(target);
  if (clean === '') throw invalidLayer(`hardlink ${shown(entry)} points at the root`);
  return clean;
}

export type WhiteoutName =
  | { kind: 'none' }
  /** Removes `target` (a sibling of the whiteout file) from the lower layers. */
  | { kind: 'whiteout'; target: string }
  /** Hides everything the lower layers have under `dir`. */
  | { kind: 'opaque'; dir: string }
  /** aufs metadata: ignored. */
  | { kind: 'meta' };

/** Classify a clean entry path by the OCI whiteout naming rules; `.wh.`, `.wh..`, `.wh...` are invalid (HOSTILE 6). */
export function parseWhiteout(clean: string): WhiteoutName {
  const base = baseName(clean);
  if (!base.startsWith(WHITEOUT_PREFIX)) return { kind: 'none' };
  const dir = parentPath(clean);
  if (base === OPAQUE_WHITEOUT) return { kind: 'opaque', dir };
  if (base.startsWith(WHITEOUT_META_PREFIX)) return { kind: 'meta' };
  const name = base.slice(WHITEOUT_PREFIX.length);
  if (name === '' || name === '.' || name === '..') throw invalidLayer(`whiteout ${shown(clean)} names no file`);
  return { kind: 'whiteout', target: joinPath(dir, name) };
}

/** The whiteout entry that deletes `clean` in a layer we write. */
export function whiteoutFor(clean: string): string {
  return joinPath(parentPath(clean), WHITEOUT_PREFIX + baseName(clean));
}

export function opaqueFor(dir: string): string {
  return joinPath(dir, OPAQUE_WHITEOUT);
}

/**
 * Resolve `path` (clean, relative) inside a root, following symlinks as if the root were `/`
 * (HOSTILE 2, 4, 5): absolute targets restart at the root, `..` never climbs above it. The last
 * component is followed only when `followFinal` (writes, unlinks and chmods never follow it, so
 * they replace a symlink instead of writing through it). `readlink(p)` answers the target when
 * `p` (a resolved path) is a symlink, otherwise undefined.
 */
export function resolveInRootSync(path: string, followFinal: boolean, readlink: (p: string) => string | undefined): string {
  const steps = resolveSteps(path, followFinal);
  let r = steps.next();
  while (!r.done) r = steps.next(readlink(r.value));
  return r.value;
}

/** resolveInRootSync for a host whose readlink is asynchronous (the disk). */
export async function resolveInRoot(path: string, followFinal: boolean, readlink: (p: string) => Promise<string | undefined> | string | undefined): Promise<string> {
  const steps = resolveSteps(path, followFinal);
  let r = steps.next();
  while (!r.done) r = steps.next(await readlink(r.value));
  return r.value;
}

/** The resolution itself, once for both: yields each path to readlink, receives its target. */
function* resolveSteps(path: string, followFinal: boolean): Generator<string, string, string | undefined> {
  const pending = path.split('/').reverse();
  let resolved: string[] = [];
  let hops = 0;
  while (pending.length > 0) {
    const part = pending.pop()!;
    if (part === '' || part === '.') continue;
    if (part === '..') {
      resolved.pop();
      continue;
    }
    const candidate = [...resolved, part].join('/');
    const isFinal = pending.every((p) => p === '' || p === '.');
    if (isFinal && !followFinal) {
      resolved.push(part);
      break;
    }
    const target = yield candidate;
    if (target === undefined) {
      resolved.push(part);
      continue;
    }
    if (++hops > MAX_SYMLINK_HOPS) throw invalidLayer(`too many levels of symbolic links resolving ${shown(path)}`);
    if (target.startsWith('/')) resolved = [];
    pending.push(...target.split('/').reverse());
  }
  return resolved.join('/');
}
