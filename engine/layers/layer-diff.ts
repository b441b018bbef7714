import { sha256, type Digest } from '../oci/digest.ts';
import { comparePaths, normalizeMode, type TarEntry } from '../tar/tar-entry.ts';
import { writeTar } from '../tar/tar-writer.ts';
import type { DirNode, FileTree, TreeNode } from './file-tree.ts';
import { joinPath, opaqueFor, whiteoutFor } from './path-rules.ts';

/** One line of `docker diff`: A added, C changed, D deleted; `path` is absolute (`/etc/x`). */
export interface Change {
  path: string;
  kind: 'A' | 'C' | 'D';
}

/**
 * The changes from `lower` to `upper`, sorted by path like `docker diff`. A directory that
 * exists in both is listed as changed (`C /etc`) when anything below it changed; everything
 * under an added directory is listed as added; a deleted directory is one `D` line.
 * Files compare by content and normalised mode (what our layers keep), symlinks by target.
 */
export function diffTrees(lower: FileTree, upper: FileTree): Change[] {
  return walkDiff(lower.root, upper.root, '').map(({ path, kind }) => ({ path: '/' + path, kind }));
}

interface RawChange {
  path: string;
  kind: 'A' | 'C' | 'D';
  node?: TreeNode;
  /** Set on a directory whose lower children are all gone and which has new ones: written as opaque. */
  opaque?: boolean;
}

function walkDiff(lower: DirNode | undefined, upper: DirNode, prefix: string): RawChange[] {
  const out: RawChange[] = [];
  const names = new Set([...(lower?.children.keys() ?? []), ...upper.children.keys()]);
  for (const name of [...names].sort(comparePaths)) {
    const path = joinPath(prefix, name);
    const l = lower?.children.get(name);
    const u = upper.children.get(name);
    if (!u) {
      out.push({ path, kind: 'D' });
    } else if (!l || l.type !== u.type) {
      out.push({ path, kind: l ? 'C' : 'A', node: u });
      if (u.type === 'dir') out.push(...walkDiff(undefined, u, path).map((c) => ({ ...c, kind: 'A' as const })));
    } else if (u.type === 'dir') {
      const inner = walkDiff(l as DirNode, u, path);
      if (inner.length > 0) {
        const lowerNames = [...(l as DirNode).children.keys()];
        const opaque = lowerNames.length > 0 && u.children.size > 0 && lowerNames.every((n) => !u.children.has(n));
        out.push({ path, kind: 'C', node: u, opaque }, ...inner);
      }
    } else if (!sameNode(l, u)) {
      out.push({ path, kind: 'C', node: u });
    }
  }
  return out;
}

function sameNode(a: TreeNode, b: TreeNode): boolean {
  if (a === b) return true;
  if (a.type === 'symlink' && b.type === 'symlink') return a.target === b.target;
  if (a.type === 'file' && b.type === 'file') {
    if (normalizeMode('file', a.mode) !== normalizeMode('file', b.mode) || a.content.length !== b.content.length) return false;
    for (let i = 0; i < a.content.length; i++) if (a.content[i] !== b.content[i]) return false;
    return true;
  }
  return a.type === b.type;
}

/**
 * The layer entries that turn `lower` into `upper`: added and changed nodes as themselves (their
 * changed parent directories included, as Docker's layers do), deletions as `.wh.<name>`, and a
 * directory whose lower contents were all replaced by new ones as one opaque marker. Our layers
 * never contain hardlinks: a hardlinked file is written as a regular file under each name, so both
 * hosts produce the same bytes whatever their file systems do with links.
 */
export function diffEntries(lower: FileTree, upper: FileTree): TarEntry[] {
  const changes = walkDiff(lower.root, upper.root, '');
  const opaqueDirs = new Set(changes.filter((c) => c.opaque).map((c) => c.path));
  const entries: TarEntry[] = [];
  for (const c of changes) {
    if (c.kind === 'D') {
      const parent = c.path.slice(0, Math.max(0, c.path.lastIndexOf('/')));
      if (!opaqueDirs.has(parent)) entries.push({ type: 'file', path: whiteoutFor(c.path), content: new Uint8Array(0) });
      continue;
    }
    const node = c.node!;
    if (node.type === 'dir') entries.push({ type: 'dir', path: c.path, mode: node.mode });
    else if (node.type === 'file') entries.push({ type: 'file', path: c.path, mode: node.mode, content: node.content });
    else entries.push({ type: 'symlink', path: c.path, target: node.target });
    if (c.opaque) entries.push({ type: 'file', path: opaqueFor(c.path), content: new Uint8Array(0) });
  }
  return entries;
}

export interface DiffLayer {
  /** The deterministic, uncompressed layer tar. */
  tar: Uint8Array;
  /** sha256 of `tar`: the layer's diff_id, and its digest since we store layers uncompressed. */
  diffId: Digest;
  changes: Change[];
}

/** Diff two trees into a layer: the same two trees give the same bytes on every host. */
export function diffLayer(lower: FileTree, upper: FileTree): DiffLayer {
  const tar = writeTar(diffEntries(lower, upper));
  return { tar, diffId: sha256(tar), changes: diffTrees(lower, upper) };
}
