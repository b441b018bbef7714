/**
 * A container's root file system inside @wasmer/wasi's MemFS, and the way back out.
 *
 * MemFS quirks this file absorbs (checked against @wasmer/wasi 1.2.2):
 * - A MemFS handle passed to `new WASI({ fs })` is consumed: the old JS handle then fails with
 *   "lock error". Every WASI instance therefore gets a fresh handle from `anchor.fs`.
 * - MemFS has no symlinks and no modes. A symlink to a small file is materialised as a copy of
 *   its target; a symlink to a large one (box's applets -> a 200 KB multi-call binary, thirty
 *   times) as a placeholder that program loading follows (`programPath`), so a container does not
 *   copy megabytes in and out. The placeholder is the 8-byte empty WebAssembly module, so a shell
 *   that checks for "\0asm" before running `/bin/ls` still sees a program (reading the file shows
 *   those 8 bytes, not the binary). A symlink to a directory is left out. Modes come back from
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

/** Symlinks to files larger than this become placeholders rather than copies. */
const COPY_LINK_MAX_BYTES = 4096;
const PLACEHOLDER = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

export interface LoadedRoot {
  /** The entries the MemFS was built from, by path. */
  before: Map<string, FsNode>;
  /** Placeholder path -> the file path its symlink resolves to. */
  links: Map<string, string>;
}

function resolvedPath(path: string, byPath: Map<string, FsNode>): string {
  let current = path;
  for (let hops = 0; hops < 40; hops++) {
    const node = byPath.get(current);
    if (node?.type !== 'symlink') return current;
    const base = current.slice(0, current.lastIndexOf('/')) || '/';
    current = normalise(node.target.startsWith('/') ? node.target : `${base}/${node.target}`);
  }
  return current;
}

/** Fill an empty MemFS with `entries` (parents before children, absolute paths). */
export function loadRoot(fs: MemFS, entries: RootEntries): LoadedRoot {
  const before = new Map(entries);
  const links = new Map<string, string>();
  for (const [path, node] of entries) {
    if (path === '/') continue;
    if (node.type === 'dir') fs.createDir(path);
    else if (node.type === 'file') writeFile(fs, path, node.content);
    else {
      const target = resolveFile(path, before);
      if (!target) continue;
      if (target.content.length <= COPY_LINK_MAX_BYTES) writeFile(fs, path, target.content);
      else {
        writeFile(fs, path, PLACEHOLDER);
        links.set(path, resolvedPath(path, before));
      }
    }
  }
  return { before, links };
}

/** True while the file at a placeholder's path is still the placeholder. */
function untouched(fs: MemFS, path: string): boolean {
  const file = fs.open(path, { read: true });
  try {
    return Number(file.size()) === PLACEHOLDER.length && sameBytes(file.read(), PLACEHOLDER);
  } finally {
    file.free();
  }
}

/** The file to load a program from: a placeholder still untouched stands for its link's target. */
export function programPath(fs: MemFS, root: LoadedRoot, path: string): string {
  const target = root.links.get(path);
  return target !== undefined && untouched(fs, path) ? target : path;
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
      if (entry.metadata.filetype.dir) {
        if (old?.type !== 'dir') written.push([path, { type: 'dir', mode: 0o755 }]);
        visit(path);
        continue;
      }
      if (root.links.has(path) && untouched(fs, path)) continue;
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
