/**
 * A container's root file system inside @wasmer/wasi's MemFS, and the way back out.
 *
 * MemFS quirks this file absorbs (checked against @wasmer/wasi 1.2.2):
 * - A MemFS handle passed to `new WASI({ fs })` is consumed: the old JS handle then fails with
 *   "lock error". Every WASI instance therefore gets a fresh handle from `anchor.fs`.
 * - MemFS has no symlinks and no modes. A symlink to a file is materialised as a copy of its
 *   target (so `/bin/ls -> box` runs); a symlink to a directory is left out. Modes come back from
 *   the entries the root was built from; a new file is 0644, a new directory 0755.
 */
import type { WASI } from '@wasmer/wasi';
import type { FsNode } from '../../engine/ports.ts';
import type { RootDelta, RootEntries } from './process-protocol.ts';

type MemFS = WASI['fs'];

interface DirEntry {
  path: string;
  metadata: { filetype: { dir: boolean; file: boolean; symlink: boolean } };
}

/** Follow symlinks among `entries` to a file node; undefined for directories, loops or dangling links. */
function resolveFile(path: string, byPath: Map<string, FsNode>): Extract<FsNode, { type: 'file' }> | undefined {
  let current = path;
  for (let hops = 0; hops < 40; hops++) {
    const node = byPath.get(current);
    if (!node) return undefined;
    if (node.type === 'file') return node;
    if (node.type === 'dir') return undefined;
    const base = current.slice(0, current.lastIndexOf('/')) || '/';
    current = normalise(node.target.startsWith('/') ? node.target : `${base}/${node.target}`);
  }
  return undefined;
}

function normalise(path: string): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return '/' + out.join('/');
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

/** Fill an empty MemFS with `entries` (parents before children, absolute paths). */
export function loadRoot(fs: MemFS, entries: RootEntries): Map<string, FsNode> {
  const byPath = new Map(entries);
  for (const [path, node] of entries) {
    if (path === '/') continue;
    if (node.type === 'dir') fs.createDir(path);
    else if (node.type === 'file') writeFile(fs, path, node.content);
    else {
      const target = resolveFile(path, byPath);
      if (target) writeFile(fs, path, target.content);
    }
  }
  return byPath;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** What the processes changed: compare the MemFS with the entries it was loaded from. */
export function readDelta(fs: MemFS, before: Map<string, FsNode>): RootDelta {
  const written: Array<[string, FsNode]> = [];
  const seen = new Set<string>(['/']);
  const visit = (dir: string) => {
    const list = (fs.readDir(dir) as DirEntry[]).slice().sort((a, b) => (a.path < b.path ? -1 : 1));
    for (const entry of list) {
      const path = entry.path;
      seen.add(path);
      const old = before.get(path);
      if (entry.metadata.filetype.dir) {
        if (old?.type !== 'dir') written.push([path, { type: 'dir', mode: 0o755 }]);
        visit(path);
        continue;
      }
      const content = readFile(fs, path);
      const was = old?.type === 'symlink' ? resolveFile(path, before) : old;
      if (was?.type === 'file' && sameBytes(was.content, content)) continue;
      written.push([path, { type: 'file', mode: was?.type === 'file' ? was.mode : 0o644, content }]);
    }
  };
  visit('/');
  const removed: string[] = [];
  for (const [path, node] of before) {
    if (seen.has(path)) continue;
    // A symlink to a directory never made it into the MemFS; it was not removed.
    if (node.type === 'symlink' && !resolveFile(path, before)) continue;
    const parent = path.slice(0, path.lastIndexOf('/')) || '/';
    // Only the top of a removed subtree is reported.
    if (parent === '/' || seen.has(parent)) removed.push(path);
  }
  return { written, removed };
}
