import type { TarEntry } from '../tar/tar-entry.ts';
import { readTar, type TarBudget } from '../tar/tar-reader.ts';
import { FileTree, type TreeNode } from './file-tree.ts';
import { applyLayerOps, layerOps, type LayerOp, type LayerTarget, type SkippedEntry } from './layer-ops.ts';

export interface ApplyOptions {
  /** Recorded as `layer` on every node this layer writes. */
  layer?: number;
  /** Budget for reading a tar given as bytes or chunks. */
  budget?: Partial<TarBudget>;
  /** Told about every node this layer removes or replaces (merged-view counts wasted bytes with it). */
  onRemove?(path: string, node: TreeNode): void;
}

export interface ApplyResult {
  tree: FileTree;
  skipped: SkippedEntry[];
}

/** A source of a layer: the tar itself (bytes or chunks), entries, or validated operations. */
export type LayerSource = Uint8Array | AsyncIterable<Uint8Array> | AsyncIterable<TarEntry> | Iterable<TarEntry> | { ops: AsyncIterable<LayerOp> | Iterable<LayerOp> };

/**
 * Apply one layer to a tree, all or nothing: the result is a new tree; `tree` itself is never
 * changed, so on any error (a bad entry, a budget) the caller still holds the tree as it was.
 */
export async function applyLayer(tree: FileTree, source: LayerSource, options: ApplyOptions = {}): Promise<ApplyResult> {
  const next = tree.clone();
  const skipped = await applyLayerOps(treeTarget(next, options.layer), opsOf(source, options.budget), {
    beforeRemove: options.onRemove
      ? (p) => {
          const node = next.lstat(p);
          if (node) options.onRemove!(p, node);
        }
      : undefined,
  });
  return { tree: next, skipped };
}

function opsOf(source: LayerSource, budget?: Partial<TarBudget>): AsyncIterable<LayerOp> | Iterable<LayerOp> {
  if ('ops' in source) return source.ops;
  if (source instanceof Uint8Array) return layerOps(readTar(source, budget));
  return layerOps(entriesOf(source, budget));
}

/** Chunks of a tar or entries already read: told apart by the first item. */
async function* entriesOf(source: AsyncIterable<Uint8Array> | AsyncIterable<TarEntry> | Iterable<TarEntry>, budget?: Partial<TarBudget>): AsyncGenerator<TarEntry> {
  if (Symbol.iterator in source) {
    yield* source as Iterable<TarEntry>;
    return;
  }
  const it = (source as AsyncIterable<Uint8Array | TarEntry>)[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) return;
  if (first.value instanceof Uint8Array) {
    const chunks = async function* () {
      yield first.value as Uint8Array;
      for (let r = await it.next(); !r.done; r = await it.next()) yield r.value as Uint8Array;
    };
    yield* readTar(chunks(), budget);
    return;
  }
  yield first.value;
  for (let r = await it.next(); !r.done; r = await it.next()) yield r.value as TarEntry;
}

/** A FileTree as a LayerTarget; nodes written are stamped with the layer index. */
export function treeTarget(tree: FileTree, layer?: number): LayerTarget {
  return {
    lstat: (p) => tree.lstat(p)?.type,
    readlink: (p) => {
      const n = tree.lstat(p);
      return n?.type === 'symlink' ? n.target : '';
    },
    list: (p) => {
      const n = tree.lstat(p);
      return n?.type === 'dir' ? [...n.children.keys()] : [];
    },
    remove: (p) => void tree.remove(p),
    mkdir: (p, mode) => tree.mkdir(p, mode, layer),
    writeFile: (p, content, mode) => tree.writeFile(p, content, mode, layer),
    symlink: (p, target) => tree.symlink(p, target, layer),
    link: (p, existing) => {
      const n = tree.lstat(existing);
      if (n && n.type !== 'dir') tree.setNode(p, { ...n, layer });
    },
  };
}
