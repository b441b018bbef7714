import { EngineError } from '../errors.ts';
import { comparePaths } from '../tar/tar-entry.ts';
import { baseName, joinPath, parentPath, resolveInRootSync, splitPath } from './path-rules.ts';

/**
 * An in-memory root file system: what a stack of layers adds up to, or a container's files.
 * `layer` is the index of the layer that last wrote a node (set by the applier).
 *
 * File and symlink nodes are treated as immutable values: a write replaces the node, never edits
 * it, so clones can share them. A hardlink therefore becomes a second node sharing the same
 * content bytes - a copy-on-write twin: writing one path later does not change the other. (No
 * layer we write contains hardlinks; see layer-diff.ts.)
 */
export type FileNode = { type: 'file'; mode: number; content: Uint8Array; layer?: number };
export type SymlinkNode = { type: 'symlink'; mode: number; target: string; layer?: number };
export type DirNode = { type: 'dir'; mode: number; children: Map<string, TreeNode>; layer?: number };
export type TreeNode = FileNode | SymlinkNode | DirNode;

function fail(code: 'invalid-content' | 'not-found', message: string): EngineError {
  return new EngineError(code, message);
}

export class FileTree {
  constructor(readonly root: DirNode = { type: 'dir', mode: 0o755, children: new Map() }) {}

  /** A copy that can be changed without touching this tree (directories copied, files shared). */
  clone(): FileTree {
    const copyDir = (d: DirNode): DirNode => ({
      ...d,
      children: new Map([...d.children].map(([name, n]) => [name, n.type === 'dir' ? copyDir(n) : n])),
    });
    return new FileTree(copyDir(this.root));
  }

  /** The node at exactly this resolved path (no symlinks followed), or undefined. */
  lstat(path: string): TreeNode | undefined {
    let node: TreeNode = this.root;
    for (const part of splitPath(path)) {
      if (node.type !== 'dir') return undefined;
      const next = node.children.get(part);
      if (!next) return undefined;
      node = next;
    }
    return node;
  }

  /** Resolve a path inside this tree as if chrooted (see path-rules.ts). */
  resolve(path: string, followFinal = true): string {
    return resolveInRootSync(path, followFinal, (p) => {
      const n = this.lstat(p);
      return n?.type === 'symlink' ? n.target : undefined;
    });
  }

  /** Look a path up, following symlinks inside the root (the last one only if `follow`). */
  get(path: string, follow = true): TreeNode | undefined {
    return this.lstat(this.resolve(trimSlashes(path), follow));
  }

  readFile(path: string): Uint8Array {
    const n = this.get(path);
    if (!n) throw fail('not-found', `${path}: no such file or directory`);
    if (n.type !== 'file') throw fail('invalid-content', `${path}: not a regular file`);
    return n.content;
  }

  /** Names in a directory, sorted. */
  list(path: string): string[] {
    const n = this.get(path);
    if (n?.type !== 'dir') throw fail('not-found', `${path}: not a directory`);
    return [...n.children.keys()].sort(comparePaths);
  }

  /** The directory that will hold `path`: parents created (0755) where missing; a non-directory in the way is an error. */
  #parentDir(path: string, layer?: number): DirNode {
    let dir = this.root;
    for (const part of splitPath(parentPath(path))) {
      let next = dir.children.get(part);
      if (!next) {
        next = { type: 'dir', mode: 0o755, children: new Map(), layer };
        dir.children.set(part, next);
      }
      if (next.type !== 'dir') throw fail('invalid-content', `invalid layer: cannot create "${path}": "${part}" is not a directory`);
      dir = next;
    }
    return dir;
  }

  /** Put `node` at resolved `path`, replacing whatever was there (unlink and recreate). */
  setNode(path: string, node: TreeNode): void {
    if (path === '') {
      if (node.type !== 'dir') throw fail('invalid-content', 'invalid layer: the root must stay a directory');
      this.root.mode = node.mode;
      this.root.layer = node.layer;
      return;
    }
    this.#parentDir(path, node.layer).children.set(baseName(path), node);
  }

  /** Create a directory, or update the mode of an existing one keeping its children. */
  mkdir(path: string, mode = 0o755, layer?: number): void {
    const existing = this.lstat(path);
    if (existing?.type === 'dir') {
      existing.mode = mode;
      existing.layer = layer;
      return;
    }
    this.setNode(path, { type: 'dir', mode, children: new Map(), layer });
  }

  writeFile(path: string, content: Uint8Array, mode = 0o644, layer?: number): void {
    this.setNode(path, { type: 'file', mode, content, layer });
  }

  symlink(path: string, target: string, layer?: number): void {
    this.setNode(path, { type: 'symlink', mode: 0o777, target, layer });
  }

  /** Remove a resolved path and everything under it; returns the removed node. */
  remove(path: string): TreeNode | undefined {
    if (path === '') throw fail('invalid-content', 'invalid layer: cannot remove the root');
    const parent = this.lstat(parentPath(path));
    if (parent?.type !== 'dir') return undefined;
    const node = parent.children.get(baseName(path));
    parent.children.delete(baseName(path));
    return node;
  }

  /** Every node below the root, parents before children, sorted by path. */
  *walk(from = ''): Generator<[string, TreeNode]> {
    const start = this.lstat(from);
    if (start?.type !== 'dir') return;
    const all: [string, TreeNode][] = [];
    const visit = (dir: DirNode, prefix: string) => {
      for (const [name, node] of dir.children) {
        const p = joinPath(prefix, name);
        all.push([p, node]);
        if (node.type === 'dir') visit(node, p);
      }
    };
    visit(start, from);
    all.sort((a, b) => comparePaths(a[0], b[0]));
    yield* all;
  }

  /** Total bytes of regular files (hardlink twins counted each time). */
  size(): number {
    let n = 0;
    for (const [, node] of this.walk()) if (node.type === 'file') n += node.content.length;
    return n;
  }
}

function trimSlashes(path: string): string {
  return path.split('/').filter((p) => p !== '' && p !== '.').join('/');
}
