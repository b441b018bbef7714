import type { FileTree } from '../layers/file-tree.ts';

/**
 * The container's working directory made in a root held as a tree (the browser's snapshots, the
 * core's test double), as Docker makes it at create: links on the way followed inside the root,
 * missing directories made 0755, nothing done where a file is in the way. True when it made one.
 */
export function makeDirInTree(tree: FileTree, path: string): boolean {
  const target = tree.resolve(path.replace(/^\/+/, ''));
  if (target === '' || tree.lstat(target)) return false;
  let at = '';
  for (const part of target.split('/')) {
    at = at ? `${at}/${part}` : part;
    const node = tree.lstat(at);
    if (!node) tree.mkdir(at, 0o755);
    else if (node.type !== 'dir') return false;
  }
  return true;
}
