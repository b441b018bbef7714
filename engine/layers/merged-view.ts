import { applyLayer, type LayerSource } from './apply-layer.ts';
import { FileTree, type TreeNode } from './file-tree.ts';
import type { SkippedEntry } from './layer-ops.ts';
import { diffTrees } from './layer-diff.ts';
import type { TarBudget } from '../tar/tar-reader.ts';

export interface LayerStats {
  index: number;
  /** Paths this layer adds, changes or deletes (directories listed only for their own sake). */
  added: number;
  changed: number;
  deleted: number;
  /** Bytes of regular files this layer leaves in the merged view at the time it is applied. */
  bytes: number;
  /** Bytes of this layer's files that later layers overwrite or delete. */
  wastedBytes: number;
  skipped: SkippedEntry[];
}

export interface MergedView {
  /** The merged root file system; every node's `layer` is the index of the layer it comes from. */
  tree: FileTree;
  layers: LayerStats[];
  /**
   * Bytes stored in the layers but not visible in the merged view: file versions overwritten or
   * deleted by a later layer (what `dive` calls wasted space, counted per version).
   */
  wastedBytes: number;
  /** The index of the layer a path (resolved inside the root) comes from, or undefined. */
  origin(path: string): number | undefined;
}

function fileBytes(node: TreeNode, visit: (size: number, layer: number | undefined) => void): void {
  if (node.type === 'file') visit(node.content.length, node.layer);
  else if (node.type === 'dir') for (const child of node.children.values()) fileBytes(child, visit);
}

/** Merge a stack of layers, bottom first, reporting where each path comes from and per-layer figures. */
export async function mergeLayers(layers: readonly LayerSource[], options: { budget?: Partial<TarBudget> } = {}): Promise<MergedView> {
  let tree = new FileTree();
  const stats: LayerStats[] = [];
  for (const [index, source] of layers.entries()) {
    // Versions this same layer wrote twice (duplicate entries) are wasted within it.
    let pendingWaste = 0;
    const result = await applyLayer(tree, source, {
      layer: index,
      budget: options.budget,
      onRemove: (_path, node) =>
        fileBytes(node, (size, layer) => {
          if (layer !== undefined && stats[layer]) stats[layer].wastedBytes += size;
          else if (layer === index) pendingWaste += size;
        }),
    });
    const counts = { A: 0, C: 0, D: 0 };
    for (const c of diffTrees(tree, result.tree)) {
      const before = tree.lstat(c.path.slice(1));
      const after = result.tree.lstat(c.path.slice(1));
      if (c.kind === 'C' && before?.type === 'dir' && after?.type === 'dir') continue;
      counts[c.kind]++;
    }
    let bytes = 0;
    for (const [, node] of result.tree.walk()) if (node.type === 'file' && node.layer === index) bytes += node.content.length;
    stats.push({ index, added: counts.A, changed: counts.C, deleted: counts.D, bytes, wastedBytes: pendingWaste, skipped: result.skipped });
    tree = result.tree;
  }
  const merged = tree;
  return {
    tree: merged,
    layers: stats,
    wastedBytes: stats.reduce((n, s) => n + s.wastedBytes, 0),
    origin: (path) => merged.get(path, false)?.layer,
  };
}
