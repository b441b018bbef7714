/**
 * A Snapshotter for the core's tests: each snapshot is a real directory (the merged image tree
 * written out), so the Node WASI runtime can run programs in it, and `changes` reads it back and
 * diffs it against the image tree with engine/layers.
 */
import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync, chmodSync, readdirSync, lstatSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BlobStore, Digest, FsNode, SnapshotChange, Snapshotter, VolumeEntries } from '../../../../engine/ports.ts';
import { readTreeDir } from '../../../../engine/core/volume-copy.ts';
import { makeDirInTree } from '../../../../engine/core/working-dir.ts';
import { FileTree, type DirNode } from '../../../../engine/layers/file-tree.ts';
import { mergeLayers } from '../../../../engine/layers/merged-view.ts';
import { diffTrees } from '../../../../engine/layers/layer-diff.ts';

interface Snapshot {
  dir: string;
  base: FileTree;
}

export class DirSnapshotter implements Snapshotter {
  readonly #snapshots = new Map<string, Snapshot>();
  readonly #root = mkdtempSync(join(tmpdir(), 'dockyard-snap-'));

  constructor(private readonly blobs: BlobStore) {}

  dir(key: string): string {
    const s = this.#snapshots.get(key);
    if (!s) throw new Error(`no snapshot ${key}`);
    return s.dir;
  }

  has(key: string): boolean {
    return this.#snapshots.has(key);
  }

  async prepare(key: string, layers: Digest[]): Promise<void> {
    if (this.#snapshots.has(key)) return;
    const base = (await mergeLayers(await Promise.all(layers.map((l) => this.blobs.get(l))))).tree;
    const dir = join(this.#root, key.replace(/[^a-zA-Z0-9_-]/g, '_'));
    mkdirSync(dir, { recursive: true });
    writeTree(base.root, dir);
    this.#snapshots.set(key, { dir, base });
  }

  async changes(key: string): Promise<SnapshotChange[]> {
    const s = this.#snapshots.get(key);
    if (!s) throw new Error(`no snapshot ${key}`);
    const upper = new FileTree(readTree(s.dir));
    return diffTrees(s.base, upper).map((c) => {
      if (c.kind === 'D') return { path: c.path, kind: 'D' };
      const n = upper.lstat(c.path.slice(1))!;
      const node: FsNode = n.type === 'file' ? { type: 'file', mode: n.mode, content: n.content } : n.type === 'dir' ? { type: 'dir', mode: n.mode } : { type: 'symlink', target: n.target };
      return { path: c.path, kind: c.kind, node };
    });
  }

  async read(key: string, path: string): Promise<VolumeEntries | undefined> {
    return readTreeDir(new FileTree(readTree(this.dir(key))), path);
  }

  async makeDir(key: string, path: string): Promise<void> {
    const tree = new FileTree(readTree(this.dir(key)));
    if (!makeDirInTree(tree, path)) return;
    const target = tree.resolve(path.replace(/^\/+/, ''));
    mkdirSync(join(this.dir(key), target), { recursive: true, mode: 0o755 });
  }

  async write(key: string, dir: string, entries: VolumeEntries): Promise<void> {
    for (const [p, node] of entries) {
      const at = join(this.dir(key), dir, p);
      const existing = lstatSync(at, { throwIfNoEntry: false });
      if (node.type === 'dir' && existing?.isDirectory()) {
        chmodSync(at, node.mode & 0o777);
        continue;
      }
      if (existing) rmSync(at, { recursive: true, force: true });
      if (node.type === 'dir') {
        mkdirSync(at);
        chmodSync(at, node.mode & 0o777);
      } else if (node.type === 'file') {
        writeFileSync(at, node.content);
        chmodSync(at, node.mode & 0o777);
      } else symlinkSync(node.target, at);
    }
  }

  async remove(key: string): Promise<void> {
    const s = this.#snapshots.get(key);
    if (!s) return;
    rmSync(s.dir, { recursive: true, force: true });
    this.#snapshots.delete(key);
  }

  dispose(): void {
    rmSync(this.#root, { recursive: true, force: true });
  }
}

function writeTree(dir: DirNode, path: string): void {
  for (const [name, node] of dir.children) {
    const p = join(path, name);
    if (node.type === 'dir') {
      mkdirSync(p);
      writeTree(node, p);
      chmodSync(p, node.mode & 0o777);
    } else if (node.type === 'file') {
      writeFileSync(p, node.content);
      chmodSync(p, node.mode & 0o777);
    } else {
      symlinkSync(node.target, p);
    }
  }
}

function readTree(path: string): DirNode {
  const dir: DirNode = { type: 'dir', mode: lstatSync(path).mode & 0o777, children: new Map() };
  for (const name of readdirSync(path)) {
    const p = join(path, name);
    const st = lstatSync(p);
    if (st.isSymbolicLink()) dir.children.set(name, { type: 'symlink', mode: 0o777, target: readlinkSync(p) });
    else if (st.isDirectory()) dir.children.set(name, readTree(p));
    else if (st.isFile()) dir.children.set(name, { type: 'file', mode: st.mode & 0o777, content: new Uint8Array(readFileSync(p)) });
  }
  return dir;
}
