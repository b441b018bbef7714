/**
 * A container's root file system inside @wasmer/wasi's MemFS, and the way back out.
 *
 * MemFS quirks this file absorbs (checked against @wasmer/wasi 1.2.2):
 * - A MemFS handle passed to `new WASI({ fs })` is consumed: the old JS handle then fails with
 *   "lock error". Every WASI instance therefore gets a fresh handle from `anchor.fs`.
 * - MemFS has no symlinks and no modes. Links are kept in a table beside it (memfs-links.ts), each
 *   with an empty placeholder file at its path. Modes come back from the entries the root was
 *   built from; a new file is 0644, a new directory 0755.
 */
import type { WASI } from '@wasmer/wasi';
import type { FsNode } from '../../engine/ports.ts';
import type { RootDelta, RootEntries } from './process-protocol.ts';
import { LinkTable } from './memfs-links.ts';

type MemFS = WASI['fs'];

interface DirEntry {
  path: string;
  metadata: { filetype: { dir: boolean; file: boolean; symlink: boolean } };
}

export function writeFile(fs: MemFS, path: string, content: Uint8Array): void {
  const file = fs.open(path, { read: true, write: true, create: true, truncate: true });
  if (content.length > 0) file.write(content);
  file.free();
}

export function readFile(fs: MemFS, path: string): Uint8Array {
  const file = fs.open(path, { read: true });
  const bytes = file.read();
  file.free();
  return bytes;
}

export interface LoadedRoot {
  /** The entries the MemFS was built from, by path. */
  before: Map<string, FsNode>;
  /** The container's symbolic links. */
  links: LinkTable;
  /**
   * Set once a process may have changed the MemFS (change-watch.ts); while false it still holds
   * exactly `before`, and the delta is empty without reading a file back.
   */
  changed: boolean;
}

/** Fill an empty MemFS with `entries` (parents before children, absolute paths). */
export function loadRoot(anchor: WASI, entries: RootEntries): LoadedRoot {
  const before = new Map(entries);
  const links = new LinkTable(() => anchor.fs);
  const fs = anchor.fs;
  for (const [path, node] of entries) {
    if (path === '/') continue;
    if (node.type === 'dir') fs.createDir(path);
    else if (node.type === 'file') writeFile(fs, path, node.content);
    else links.place(fs, path, node.target);
  }
  return { before, links, changed: false };
}

/** Write `files` over a loaded root that is unchanged since it was loaded (a kept root, kept-root.ts). */
export function overwriteFiles(anchor: WASI, root: LoadedRoot, files: RootEntries): void {
  for (const [path, node] of files) {
    if (node.type !== 'file') throw new Error(`only files can be written over a kept root: ${path}`);
    writeFile(anchor.fs, path, node.content);
    root.before.set(path, node);
  }
}

/** What `path` is once every link is followed: undefined when nothing is there (dangling, a loop). */
export function kindAt(anchor: WASI, root: LoadedRoot, path: string): 'file' | 'dir' | undefined {
  const real = root.links.resolve(path);
  if (real === undefined) return undefined;
  try {
    const meta = anchor.fs.metadata(real) as { filetype: { file: boolean; dir: boolean } };
    return meta.filetype.dir ? 'dir' : meta.filetype.file ? 'file' : undefined;
  } catch {
    return undefined;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** What the processes changed: compare the MemFS with the entries it was loaded from. */
export function readDelta(fs: MemFS, root: LoadedRoot): RootDelta {
  const before = root.before;
  const written: Array<[string, FsNode]> = [];
  const seen = new Set<string>(['/']);
  const visit = (dir: string) => {
    const list = (fs.readDir(dir) as DirEntry[]).slice().sort((a, b) => (a.path < b.path ? -1 : 1));
    for (const entry of list) {
      const path = entry.path;
      seen.add(path);
      const old = before.get(path);
      const target = root.links.readlink(path);
      if (target !== undefined) {
        if (old?.type !== 'symlink' || old.target !== target) written.push([path, { type: 'symlink', target }]);
        continue;
      }
      if (entry.metadata.filetype.dir) {
        if (old?.type !== 'dir') written.push([path, { type: 'dir', mode: 0o755 }]);
        visit(path);
        continue;
      }
      const content = readFile(fs, path);
      if (old?.type === 'file' && sameBytes(old.content, content)) continue;
      written.push([path, { type: 'file', mode: old?.type === 'file' ? old.mode : 0o644, content }]);
    }
  };
  visit('/');
  const removed: string[] = [];
  for (const path of before.keys()) {
    if (seen.has(path)) continue;
    const parent = path.slice(0, path.lastIndexOf('/')) || '/';
    // Only the top of a removed subtree is reported.
    if (parent === '/' || seen.has(parent)) removed.push(path);
  }
  return { written, removed };
}
