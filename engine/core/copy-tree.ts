import type { FileTree, TreeNode } from '../layers/file-tree.ts';
import type { FsNode, VolumeEntries } from '../ports.ts';

/**
 * The Snapshotter's `write` for a root held as a tree (the browser's snapshots, the core's test
 * double), and the core's dry run of it: each entry replaces what is at its path under `dir`,
 * a directory over a directory keeps its children and takes the new mode. A file or link where
 * an entry needs a directory on its way throws (FileTree's 'invalid-content'), leaving the
 * caller to discard the tree.
 */
export function writeTreeEntries(tree: FileTree, dir: string, entries: VolumeEntries): void {
  const base = dir.split('/').filter(Boolean).join('/');
  for (const [path, node] of entries) {
    if (path === '') continue;
    const at = base ? `${base}/${path}` : path;
    const existing = tree.lstat(at);
    if (node.type === 'dir' && existing?.type === 'dir') existing.mode = node.mode;
    else tree.setNode(at, treeNode(node));
  }
}

function treeNode(node: FsNode): TreeNode {
  if (node.type === 'file') return { type: 'file', mode: node.mode, content: node.content };
  if (node.type === 'symlink') return { type: 'symlink', mode: 0o777, target: node.target };
  return { type: 'dir', mode: node.mode, children: new Map() };
}
