import { EngineError } from '../errors.ts';
import type { FileTree, TreeNode } from '../layers/file-tree.ts';
import { diffLayer, diffTrees, type Change, type DiffLayer } from '../layers/layer-diff.ts';
import { mergeLayers } from '../layers/merged-view.ts';
import type { Digest, FsNode, SnapshotChange } from '../ports.ts';
import type { Core } from './context.ts';

/**
 * A snapshot's changes, turned into what both hosts must agree on byte for byte: the change list
 * of `docker diff` and the layer of `commit` / a build's RUN. Snapshotters report changes their
 * own way (overlayfs copy-up, an in-memory tree); replaying them onto the merged image tree and
 * diffing with engine/layers gives one answer for both.
 */
const TREE_CACHE_SIZE = 4;
const treeCache = new WeakMap<Core, Map<string, Promise<FileTree>>>();

/**
 * The merged root file system of a stack of layers, as a tree the caller may change. Layers are
 * immutable, so the last few stacks are kept (diff, commit, build steps and df ask for the same
 * image again and again); each caller gets its own copy.
 */
export async function imageTree(core: Core, layers: Digest[]): Promise<FileTree> {
  let cache = treeCache.get(core);
  if (!cache) treeCache.set(core, (cache = new Map()));
  const key = layers.join(',');
  let tree = cache.get(key);
  if (tree) cache.delete(key);
  else {
    tree = Promise.all(layers.map((l) => core.ports.blobs.get(l))).then(async (blobs) => (await mergeLayers(blobs)).tree);
    tree.catch(() => cache.delete(key));
  }
  cache.set(key, tree);
  while (cache.size > TREE_CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return (await tree).clone();
}

function toTreeNode(node: FsNode, existing: TreeNode | undefined, opaque: boolean): TreeNode {
  switch (node.type) {
    case 'file':
      return { type: 'file', mode: node.mode, content: node.content };
    case 'symlink':
      return { type: 'symlink', mode: 0o777, target: node.target };
    case 'dir':
      return { type: 'dir', mode: node.mode, children: existing?.type === 'dir' && !opaque ? existing.children : new Map() };
  }
}

/** The container's file system: the image tree with the snapshot's changes applied. */
export function applyChanges(lower: FileTree, changes: SnapshotChange[]): FileTree {
  const upper = lower.clone();
  const sorted = [...changes].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const c of sorted) {
    const path = c.path.split('/').filter((p) => p !== '').join('/');
    if (path === '' || path.split('/').some((p) => p === '.' || p === '..')) throw new EngineError('invalid-content', `snapshot reported an invalid path ${JSON.stringify(c.path)}`);
    if (c.kind === 'D') {
      upper.remove(path);
      continue;
    }
    if (!c.node) throw new EngineError('invalid-content', `snapshot change ${c.kind} ${c.path} has no node`);
    const existing = upper.lstat(path);
    const node = toTreeNode(c.node, existing, c.opaque ?? false);
    if (existing?.type === 'dir' && node.type === 'dir') {
      existing.mode = node.mode;
      if (c.opaque) existing.children = new Map();
    } else {
      upper.setNode(path, node);
    }
  }
  return upper;
}

export async function snapshotDiff(core: Core, key: string, layers: Digest[]): Promise<{ lower: FileTree; upper: FileTree }> {
  const [lower, changes] = await Promise.all([imageTree(core, layers), core.ports.snapshots.changes(key)]);
  return { lower, upper: applyChanges(lower, changes) };
}

export async function snapshotChanges(core: Core, key: string, layers: Digest[]): Promise<Change[]> {
  const { lower, upper } = await snapshotDiff(core, key, layers);
  return diffTrees(lower, upper);
}

/** The deterministic layer of a snapshot's changes (not yet stored). */
export async function snapshotLayer(core: Core, key: string, layers: Digest[]): Promise<DiffLayer> {
  const { lower, upper } = await snapshotDiff(core, key, layers);
  return diffLayer(lower, upper);
}
