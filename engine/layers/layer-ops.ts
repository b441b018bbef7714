import { EngineError } from '../errors.ts';
import type { TarEntry } from '../tar/tar-entry.ts';
import { checkLinkTarget, checkPathLength, cleanEntryPath, cleanHardlinkTarget, joinPath, parentPath, parseWhiteout, resolveInRoot, splitPath } from './path-rules.ts';

/**
 * A layer as validated operations, the single meaning of a layer tar for both hosts: the
 * in-memory applier (apply-layer.ts) and the Linux host's disk applier both run `applyLayerOps`
 * over their own `LayerTarget`, so the rules below exist once.
 *
 * Paths are clean and relative to the root (`''` is the root) but NOT yet resolved: a parent may
 * be a symlink, which `applyLayerOps` resolves inside the root against the current state.
 */
export type LayerOp =
  | { op: 'mkdir'; path: string; mode: number; mtime?: number }
  | { op: 'file'; path: string; mode: number; content: Uint8Array; mtime?: number }
  | { op: 'symlink'; path: string; target: string; mtime?: number }
  /** `target`: another path of the root (clean, relative), linked as it is when the op runs. */
  | { op: 'hardlink'; path: string; target: string; mtime?: number }
  /** Remove `path` as the lower layers have it (from the `.wh.<name>` entry). */
  | { op: 'whiteout'; path: string }
  /** Hide everything the lower layers have under directory `path` (from `.wh..wh..opq`). */
  | { op: 'opaque'; path: string }
  /** Device nodes, FIFOs, aufs metadata...: noted, never applied (HOSTILE 10). */
  | { op: 'skip'; path: string; reason: string };

export type SkippedEntry = { path: string; reason: string };

function invalidLayer(message: string): EngineError {
  return new EngineError('invalid-content', `invalid layer: ${message}`);
}

/**
 * Validate and normalise tar entries into layer operations (HOSTILE 1, 3, 6, 10). Modes keep the
 * permission bits (and a directory's sticky bit) only: no setuid or setgid reaches either host,
 * as nothing in a container may gain from them and the disk must hold what the browser shows.
 */
export async function* layerOps(entries: AsyncIterable<TarEntry> | Iterable<TarEntry>): AsyncGenerator<LayerOp> {
  for await (const entry of entries) yield toOp(entry);
}

export function toOp(entry: TarEntry): LayerOp {
  const path = cleanEntryPath(entry.path);
  if (entry.type === 'skipped') return { op: 'skip', path, reason: entry.reason };
  const wh = parseWhiteout(path);
  if (wh.kind === 'whiteout') return { op: 'whiteout', path: wh.target };
  if (wh.kind === 'opaque') return { op: 'opaque', path: wh.dir };
  if (wh.kind === 'meta') return { op: 'skip', path, reason: 'aufs whiteout metadata' };
  if (path === '' && entry.type !== 'dir') throw invalidLayer(`the root cannot be a ${entry.type}`);
  const time = entry.mtime === undefined || !Number.isFinite(entry.mtime) ? {} : { mtime: entry.mtime };
  switch (entry.type) {
    case 'dir':
      return { op: 'mkdir', path, mode: (entry.mode ?? 0o755) & 0o1777, ...time };
    case 'file':
      return { op: 'file', path, mode: (entry.mode ?? 0o644) & 0o777, content: entry.content, ...time };
    case 'symlink':
      return { op: 'symlink', path, target: checkLinkTarget(entry.target, path), ...time };
    case 'hardlink':
      return { op: 'hardlink', path, target: cleanHardlinkTarget(entry.target, path), ...time };
  }
}

type MaybePromise<T> = T | Promise<T>;
export type NodeKind = 'file' | 'dir' | 'symlink';

/**
 * Where a layer is applied: an in-memory tree or a directory on disk. Every path given is already
 * resolved inside the root (no symlink in any parent), so a target only does plain operations.
 */
export interface LayerTarget {
  /** The kind of node at exactly this path, symlinks not followed; undefined if absent. */
  lstat(path: string): MaybePromise<NodeKind | undefined>;
  readlink(path: string): MaybePromise<string>;
  /** Names in a directory. */
  list(path: string): MaybePromise<string[]>;
  /** Remove the node at this path, recursively for a directory. */
  remove(path: string): MaybePromise<void>;
  /** Create a directory, or set the mode of the existing one (keeping its contents). */
  mkdir(path: string, mode: number): MaybePromise<void>;
  /** Create a file where nothing exists. */
  writeFile(path: string, content: Uint8Array, mode: number): MaybePromise<void>;
  symlink(path: string, target: string): MaybePromise<void>;
  /** Make `path` (absent) another name for the file or symlink at `existing`. */
  link(path: string, existing: string): MaybePromise<void>;
  /**
   * Set the modification (and access) time of the node at this path, a symlink itself and not
   * its target, in seconds. Optional: a target without times (the browser's) leaves it out.
   */
  setTime?(path: string, mtime: number): MaybePromise<void>;
}

export interface ApplyHooks {
  /** Called before the node at `path` (resolved) is removed or replaced. */
  beforeRemove?(path: string): MaybePromise<void>;
}

/**
 * Apply operations in order, with OCI semantics (HOSTILE 2-9):
 * - writes never follow the last component: a symlink or file in the way is unlinked and the new
 *   node created (duplicate paths: last wins); a directory in the way of a directory keeps its
 *   contents, anything else replacing a directory removes it;
 * - an entry for the root directory itself is ignored (any other kind there is invalid);
 * - parents are resolved through symlinks inside the root and created (0755) where missing, for
 *   every entry, whiteouts and opaque markers too (as containerd and Docker do); a parent that is
 *   not a directory makes the layer invalid, and so does a path that resolves too long. That
 *   parent may be a lower layer's file: containerd refuses such a layer, and so does Docker 20.10
 *   on vfs ("open /a/b: not a directory"); Docker on overlay2 takes it (each layer unpacked alone,
 *   its new directory hides the file). We apply onto the lower layers as containerd does, and
 *   refuse it at pull and load (engine/core/layer-ingest.ts);
 * - whiteouts and opaque markers act on the lower layers only: what this same layer wrote, before
 *   or after the marker, stays (so opaque `a/` listed after `a/b/foo` keeps `a/b/foo`);
 * - entries keep their tar mtime (when the target has times): set once everything is in place,
 *   as adding to a directory would change its time, and only on nodes still there (a path whose
 *   node was removed or replaced later is forgotten, so no time is set through a new symlink).
 * Not atomic by itself: callers apply to a copy (FileTree) or a staging directory, then swap.
 */
export async function applyLayerOps(target: LayerTarget, ops: AsyncIterable<LayerOp> | Iterable<LayerOp>, hooks: ApplyHooks = {}): Promise<SkippedEntry[]> {
  const skipped: SkippedEntry[] = [];
  const written = new Set<string>();
  const holdsWritten = new Set<string>(['']);
  const readlink = async (p: string) => ((await target.lstat(p)) === 'symlink' ? target.readlink(p) : undefined);
  const resolve = async (p: string) => checkPathLength(await resolveInRoot(p, false, readlink), p);

  const times = new Map<string, number>();
  const markWritten = (p: string) => {
    written.add(p);
    for (let d = parentPath(p); d !== ''; d = parentPath(d)) holdsWritten.add(d);
  };
  const remove = async (p: string) => {
    await hooks.beforeRemove?.(p);
    await target.remove(p);
    // Only what this layer wrote has a time to forget (lower nodes never do): no scan otherwise.
    if (written.has(p) || holdsWritten.has(p)) {
      for (const t of times.keys()) if (t === p || t.startsWith(p === '' ? '' : `${p}/`)) times.delete(t);
    }
  };
  const ensureParents = async (p: string) => {
    let dir = '';
    for (const part of splitPath(parentPath(p))) {
      dir = joinPath(dir, part);
      const kind = await target.lstat(dir);
      if (kind === undefined) await target.mkdir(dir, 0o755);
      else if (kind !== 'dir') throw invalidLayer(`cannot create "${p}": "${dir}" is not a directory`);
    }
  };
  // Remove what the lower layers put at p, keeping whatever this layer wrote there or below.
  const removeLower = async (p: string): Promise<void> => {
    const kind = await target.lstat(p);
    if (kind === undefined) return;
    if (written.has(p) || holdsWritten.has(p)) {
      if (kind === 'dir') for (const name of await target.list(p)) await removeLower(joinPath(p, name));
      return;
    }
    await remove(p);
  };

  for await (const op of ops) {
    if (op.op === 'skip') {
      skipped.push({ path: op.path, reason: op.reason });
      continue;
    }
    const real = await resolve(op.path);
    switch (op.op) {
      case 'whiteout':
        if (real === '') throw invalidLayer('a whiteout cannot remove the root');
        await ensureParents(real);
        await removeLower(real);
        continue;
      case 'opaque': {
        const kind = await target.lstat(real);
        if (kind !== 'dir') {
          if (kind !== undefined && written.has(real)) throw invalidLayer(`opaque marker in "${op.path}", which this layer made a ${kind}`);
          if (kind !== undefined) await remove(real);
          await ensureParents(real);
          await target.mkdir(real, 0o755);
        }
        for (const name of await target.list(real)) await removeLower(joinPath(real, name));
        if (real !== '') markWritten(real);
        continue;
      }
      case 'mkdir': {
        // The root's own entry (`./`) changes nothing, as in containerd ("resolved to root") and
        // Docker (a container's `/` is 0755 whatever the layer says): each host's root directory
        // is its own, and an overlay shows the top directory's mode, never a lower layer's.
        if (real === '') continue;
        await ensureParents(real);
        const kind = await target.lstat(real);
        if (kind !== undefined && kind !== 'dir') await remove(real);
        await target.mkdir(real, op.mode);
        break;
      }
      default: {
        if (real === '') throw invalidLayer(`the root cannot be a ${op.op}`);
        let linkTo = '';
        if (op.op === 'hardlink') {
          linkTo = await resolve(op.target);
          const kind = await target.lstat(linkTo);
          if (kind === undefined) throw invalidLayer(`hardlink "${op.path}" points to "${op.target}", which does not exist`);
          if (kind === 'dir') throw invalidLayer(`hardlink "${op.path}" points to a directory`);
          if (linkTo === real) break;
        }
        await ensureParents(real);
        if ((await target.lstat(real)) !== undefined) {
          await remove(real);
          // Replacing a directory removed what a hardlink into it named (`a` linked to `a/c`):
          // nothing is left to link, as in Docker, which removes first and then fails to link.
          if (op.op === 'hardlink' && (await target.lstat(linkTo)) === undefined) throw invalidLayer(`hardlink "${op.path}" points to "${op.target}", which this entry removed`);
        }
        if (op.op === 'file') await target.writeFile(real, op.content, op.mode);
        else if (op.op === 'symlink') await target.symlink(real, op.target);
        else await target.link(real, linkTo);
      }
    }
    markWritten(real);
    if (op.mtime !== undefined && target.setTime) {
      times.delete(real); // re-inserted last: the last entry for a path wins, as for its content
      times.set(real, op.mtime);
    }
  }
  if (target.setTime) for (const [p, mtime] of times) await target.setTime(p, mtime);
  return skipped;
}
