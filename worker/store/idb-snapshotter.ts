import type { BlobStore, Digest, FsNode, Mount, SnapshotChange, Snapshotter, VolumeEntries } from '../../engine/ports.ts';
import { EngineError } from '../../engine/errors.ts';
import { FileTree, type TreeNode } from '../../engine/layers/file-tree.ts';
import { diffTrees } from '../../engine/layers/layer-diff.ts';
import { mergeLayers } from '../../engine/layers/merged-view.ts';
import { applyChanges } from '../../engine/core/snapshot-layer.ts';
import { makeDirInTree } from '../../engine/core/working-dir.ts';
import { writeTreeEntries } from '../../engine/core/copy-tree.ts';
import { readTreeDir } from '../../engine/core/volume-copy.ts';
import type { Tenure } from './tenure.ts';
import type { RootDelta, RootEntries } from '../process/process-protocol.ts';
import type { ContainerRoot, ContainerRoots } from '../runtime/wasi-runtime.ts';
import { storageError } from './idb-errors.ts';
import type { IdbVolumeStore, VolumeFiles } from './idb-volume-store.ts';
import type { Db, DockyardDB } from './schema.ts';

type SnapshotRecord = DockyardDB['snapshots']['value'];

/** Ask the runtime for a running container's changes since it started (undefined when not running). */
export type LiveDelta = (key: string) => Promise<RootDelta | undefined>;

const rel = (abs: string) => abs.split('/').filter(Boolean).join('/');
const abs = (relative: string) => '/' + relative;

function toFsNode(node: TreeNode): FsNode {
  if (node.type === 'file') return { type: 'file', mode: node.mode, content: node.content };
  if (node.type === 'symlink') return { type: 'symlink', target: node.target };
  return { type: 'dir', mode: node.mode };
}

function toTreeNode(node: FsNode): TreeNode {
  if (node.type === 'file') return { type: 'file', mode: node.mode, content: node.content };
  if (node.type === 'symlink') return { type: 'symlink', mode: 0o777, target: node.target };
  return { type: 'dir', mode: node.mode, children: new Map() };
}

/** Apply what a process changed (absolute paths) to a tree. */
function applyDelta(tree: FileTree, delta: RootDelta): void {
  for (const p of delta.removed) tree.remove(rel(p));
  for (const [p, node] of delta.written) {
    const existing = tree.lstat(rel(p));
    if (existing?.type === 'dir' && node.type === 'dir') continue;
    tree.setNode(rel(p), toTreeNode(node));
  }
}

function under(path: string, mount: Mount): string | undefined {
  if (path === mount.target) return '/';
  return path.startsWith(mount.target + '/') ? path.slice(mount.target.length) : undefined;
}

/**
 * Containers' root file systems in the browser: the image layers merged in memory (cached per
 * layer stack), the container's writable layer stored in IndexedDB as a change set after each run,
 * and volumes mounted over both. `changes` on a running container asks its process Worker.
 */
export class IdbSnapshotter implements Snapshotter, ContainerRoots {
  readonly #lower = new Map<string, Promise<FileTree>>();
  /**
   * The layers of snapshots prepared by this engine. A snapshot's record is written to IndexedDB
   * with its first change, not at `prepare`: a writable layer that was never written is empty, and
   * `run --rm` of a program that changes no file costs no transaction for it.
   */
  readonly #prepared = new Map<string, Digest[]>();
  /** The root of a container that has no change of its own and no volume: its image's, by layer stack. */
  readonly #imageRoots = new Map<string, Promise<ContainerRoot>>();
  /**
   * Snapshots prepared `fresh` by this engine and not written since, with the writer tenure they
   * were prepared in: while that tenure lasts no other engine can have started the container (start
   * is a writer operation) nor so written its layer, so it is known empty without a read - and
   * removing it deletes nothing from the store.
   */
  readonly #unwritten = new Map<string, number>();
  live: LiveDelta = async () => undefined;
  /** This tab's writer tenure (writer-lease.ts); none: another engine may write at any time. */
  tenure: Tenure | undefined;

  constructor(
    readonly db: Db,
    readonly blobs: BlobStore,
    readonly volumes: IdbVolumeStore,
  ) {}

  async prepare(key: string, layers: Digest[], options: { fresh?: boolean } = {}): Promise<void> {
    this.#prepared.set(key, [...layers]);
    const tenure = this.tenure?.current();
    if (options.fresh && tenure !== undefined) this.#unwritten.set(key, tenure);
  }

  #knownEmpty(key: string): boolean {
    const tenure = this.#unwritten.get(key);
    return tenure !== undefined && tenure === this.tenure?.current();
  }

  async #put(record: SnapshotRecord): Promise<void> {
    this.#unwritten.delete(record.key);
    await this.db.put('snapshots', record);
  }

  async changes(key: string): Promise<SnapshotChange[]> {
    const delta = await this.live(key);
    // Prepared by an engine before a reload and never changed: no record, nothing changed.
    const record = await this.#record(key, !delta);
    if (!record) return [];
    if (!delta) return record.changes;
    const lower = await this.#lowerTree(record.layers);
    const upper = applyChanges(lower, record.changes);
    applyDelta(upper, delta);
    return changeSet(lower, upper);
  }

  async remove(key: string): Promise<void> {
    const empty = this.#knownEmpty(key);
    this.#prepared.delete(key);
    this.#unwritten.delete(key);
    if (!empty) await this.db.delete('snapshots', key);
  }

  /** A running container's own changes are read too (`docker export` and `cp` of a running container). */
  async read(key: string, path: string): Promise<VolumeEntries | undefined> {
    const [record, delta] = await Promise.all([this.#record(key), this.live(key)]);
    const tree = applyChanges(await this.#lowerTree(record.layers), record.changes);
    if (delta) applyDelta(tree, delta);
    return readTreeDir(tree, path);
  }

  async makeDir(key: string, path: string): Promise<void> {
    const record = await this.#record(key);
    const lower = await this.#lowerTree(record.layers);
    const tree = applyChanges(lower, record.changes);
    if (!makeDirInTree(tree, path)) return;
    try {
      await this.#put({ ...record, changes: changeSet(lower, tree) });
    } catch (e) {
      throw storageError(e, `saving the file system of ${key.slice(0, 12)}`);
    }
  }

  async write(key: string, dir: string, entries: VolumeEntries): Promise<void> {
    const record = await this.#record(key);
    const lower = await this.#lowerTree(record.layers);
    const tree = applyChanges(lower, record.changes);
    writeTreeEntries(tree, dir, entries);
    try {
      await this.#put({ ...record, changes: changeSet(lower, tree) });
    } catch (e) {
      throw storageError(e, `saving the file system of ${key.slice(0, 12)}`);
    }
  }

  async root(key: string, mounts: Mount[]): Promise<ContainerRoot> {
    const record = await this.#record(key);
    if (record.changes.length === 0 && mounts.length === 0) return this.#imageRoot(record.layers);
    const lower = await this.#lowerTree(record.layers);
    const tree = applyChanges(lower, record.changes);
    await this.#makeMountPoints(record, lower, tree, mounts);
    for (const m of mounts) {
      tree.remove(rel(m.target));
      tree.mkdir(rel(m.target), 0o755);
      for (const [p, node] of await this.volumes.files(m.volume)) if (p !== '/') tree.setNode(rel(m.target + p), toTreeNode(node));
    }
    const entries: RootEntries = [['/', { type: 'dir', mode: tree.root.mode }]];
    for (const [p, node] of tree.walk()) entries.push([abs(p), toFsNode(node)]);
    return {
      entries,
      programKey: (path) => {
        const node = tree.lstat(rel(path));
        // Only bytes that come from an image layer, untouched, can share a compiled module.
        if (node?.type !== 'file' || node.layer === undefined || lower.lstat(rel(path)) !== node) return undefined;
        return `${record.layers[node.layer]}:${path}`;
      },
    };
  }

  /**
   * The root of every container of these layers before it changes a file: built once, and named
   * (`rootKey`) so that a process Worker that kept it can start the next such container on it.
   */
  #imageRoot(layers: Digest[]): Promise<ContainerRoot> {
    const cacheKey = layers.join(',');
    let root = this.#imageRoots.get(cacheKey);
    if (!root) {
      root = this.#lowerTree(layers).then((lower) => {
        const entries: RootEntries = [['/', { type: 'dir', mode: lower.root.mode }]];
        for (const [p, node] of lower.walk()) entries.push([abs(p), toFsNode(node)]);
        return {
          entries,
          rootKey: `layers:${cacheKey}`,
          programKey: (path: string) => {
            const node = lower.lstat(rel(path));
            return node?.type === 'file' && node.layer !== undefined ? `${layers[node.layer]}:${path}` : undefined;
          },
        };
      });
      this.#imageRoots.set(cacheKey, root);
      root.catch(() => this.#imageRoots.delete(cacheKey));
    }
    return root;
  }

  async record(key: string, delta: RootDelta, mounts: Mount[]): Promise<void> {
    if (delta.written.length === 0 && delta.removed.length === 0) return;
    const record = await this.#record(key);
    // Paths under a volume belong to the volume, not to the container's layer.
    const layerDelta: RootDelta = { written: [], removed: [] };
    const perVolume = new Map<Mount, RootDelta>();
    const route = (path: string) => {
      for (const m of mounts) {
        const inner = under(path, m);
        if (inner !== undefined) {
          if (!perVolume.has(m)) perVolume.set(m, { written: [], removed: [] });
          return { delta: perVolume.get(m)!, path: inner };
        }
      }
      return { delta: layerDelta, path };
    };
    for (const [p, node] of delta.written) {
      const r = route(p);
      r.delta.written.push([r.path, node]);
    }
    for (const p of delta.removed) {
      const r = route(p);
      r.delta.removed.push(r.path);
    }
    for (const [m, d] of perVolume) {
      if (m.readOnly) continue;
      const tree = new FileTree();
      for (const [p, node] of await this.volumes.files(m.volume)) if (p !== '/') tree.setNode(rel(p), toTreeNode(node));
      applyDelta(tree, d);
      await this.volumes.setFiles(m.volume, [...tree.walk()].map(([p, node]) => [abs(p), toFsNode(node)] as [string, FsNode]) as VolumeFiles);
    }
    if (layerDelta.written.length === 0 && layerDelta.removed.length === 0) return;
    const lower = await this.#lowerTree(record.layers);
    const upper = applyChanges(lower, record.changes);
    applyDelta(upper, layerDelta);
    try {
      await this.#put({ ...record, changes: changeSet(lower, upper) });
    } catch (e) {
      throw storageError(e, `saving the file system of ${key.slice(0, 12)}`);
    }
  }

  /**
   * A mount point the container's root lacks is made in its writable layer when it starts, as
   * Docker's runtime does (mkdir -p): `docker diff` then shows `A /data` for `-v v:/data`. A mount
   * point inside another mount belongs to that volume, not to the layer.
   */
  async #makeMountPoints(record: { key: string; layers: Digest[]; changes: SnapshotChange[] }, lower: FileTree, tree: FileTree, mounts: Mount[]): Promise<void> {
    let made = false;
    for (const m of mounts) {
      if (mounts.some((o) => m.target.startsWith(o.target + '/'))) continue;
      const path = tree.resolve(rel(m.target));
      if (tree.lstat(path)) continue;
      try {
        tree.mkdir(path, 0o755);
        made = true;
      } catch {
        // A file on the way: the mount covers it in the process's view, there is nothing to make.
      }
    }
    if (!made) return;
    try {
      await this.#put({ ...record, changes: changeSet(lower, tree) });
    } catch (e) {
      throw storageError(e, `saving the file system of ${record.key.slice(0, 12)}`);
    }
  }

  async #record(key: string): Promise<SnapshotRecord>;
  async #record(key: string, orNone: boolean): Promise<SnapshotRecord | undefined>;
  async #record(key: string, orNone = false): Promise<SnapshotRecord | undefined> {
    const layers = this.#prepared.get(key);
    if (layers && this.#knownEmpty(key)) return { key, layers, changes: [] };
    const stored = await this.db.get('snapshots', key);
    if (stored) return stored;
    if (layers) return { key, layers, changes: [] };
    if (orNone) return undefined;
    throw new EngineError('not-found', `no file system prepared for ${key.slice(0, 12)}`);
  }

  #lowerTree(layers: Digest[]): Promise<FileTree> {
    const cacheKey = layers.join(',');
    let tree = this.#lower.get(cacheKey);
    if (!tree) {
      tree = Promise.all(layers.map((l) => this.blobs.get(l))).then(async (blobs) => (await mergeLayers(blobs)).tree);
      this.#lower.set(cacheKey, tree);
      tree.catch(() => this.#lower.delete(cacheKey));
    }
    return tree;
  }
}

/** The writable layer as the port reports it: what turns the image tree into the container's. */
function changeSet(lower: FileTree, upper: FileTree): SnapshotChange[] {
  return diffTrees(lower, upper).map((c) => {
    if (c.kind === 'D') return { path: c.path, kind: 'D' };
    const node = upper.lstat(rel(c.path))!;
    return { path: c.path, kind: c.kind, node: toFsNode(node) };
  });
}
