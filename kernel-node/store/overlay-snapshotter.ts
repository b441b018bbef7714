import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, readFile, readdir, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EngineError } from '../../engine/errors.ts';
import type { BlobStore, Digest, FsNode, SnapshotChange, Snapshotter, VolumeEntries } from '../../engine/ports.ts';
import { resolveInRoot } from '../../engine/layers/path-rules.ts';
import { comparePaths } from '../../engine/tar/tar-entry.ts';
import type { DataRoot } from './data-root.ts';
import { LayerUnpacker } from './layer-unpacker.ts';
import { mountOverlay, unmount, type OverlayDirs } from '../runtime/mounts.ts';
import { opaqueDirs } from './opaque-dirs.ts';
import { ensureInitLayer } from '../runtime/runtime-files.ts';

const KEY = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;

/**
 * Containers' root file systems as overlayfs: the image's unpacked layers below, one upper
 * directory per container. The overlay itself is mounted by runc inside the container's mount
 * namespace (so it vanishes with the container and never lingers on the host); this class owns the
 * directories and reads the upper directory back as changes.
 */
export class OverlaySnapshotter implements Snapshotter {
  readonly unpacker: LayerUnpacker;
  /** Told when a snapshot has been removed (a warm spare held for a container that never started gives it up). */
  onRemove?: (key: string) => Promise<void>;

  constructor(
    private readonly data: DataRoot,
    blobs: BlobStore,
  ) {
    this.unpacker = new LayerUnpacker(data, blobs);
  }

  #dir(key: string): string {
    if (!KEY.test(key)) throw new EngineError('invalid-argument', `invalid snapshot key ${JSON.stringify(key)}`);
    return this.data.container(key);
  }

  async prepare(key: string, layers: Digest[]): Promise<void> {
    const dir = this.#dir(key);
    await this.unpacker.dirs(layers);
    await mkdir(join(dir, 'upper'), { recursive: true, mode: 0o755 });
    await mkdir(join(dir, 'work'), { recursive: true, mode: 0o700 });
    await writeFile(join(dir, 'layers.json'), JSON.stringify(layers));
  }

  /**
   * The overlay of a prepared snapshot, for the runtime's bundle: the image's layers, then the
   * container's init layer (the runtime files' mount points, kernel-node/runtime/runtime-files.ts), then
   * its writable upper directory.
   */
  async overlay(key: string): Promise<Required<OverlayDirs>> {
    const dir = this.#dir(key);
    let layers: Digest[];
    try {
      layers = JSON.parse(await readFile(join(dir, 'layers.json'), 'utf8')) as Digest[];
    } catch {
      throw new EngineError('not-found', `no such snapshot: ${key}`);
    }
    const lower = await this.unpacker.dirs(layers);
    lower.push(await ensureInitLayer(dir, lower));
    return { lower, upper: join(dir, 'upper'), work: join(dir, 'work') };
  }

  /** Docker's GraphDriver.Data for overlay2: the lower directories top first (the init layer on top), upper and work. */
  async describe(key: string): Promise<Record<string, string>> {
    const { lower, upper, work } = await this.overlay(key);
    return { LowerDir: [...lower].reverse().join(':'), UpperDir: upper, WorkDir: work };
  }

  async changes(key: string): Promise<SnapshotChange[]> {
    const { lower, upper } = await this.overlay(key);
    // The lower layers merged, read-only: what the image (and the init layer) has at each path.
    let view = lower[0];
    let mounted = '';
    if (lower.length > 1) {
      mounted = join(this.data.mounts, `lower-${randomBytes(8).toString('hex')}`);
      await mkdir(mounted, { recursive: true });
      await mountOverlay(mounted, { lower });
      view = mounted;
    }
    try {
      const out: SnapshotChange[] = [];
      await walkUpper({ upper, lowerView: view, opaque: await opaqueDirs(upper) }, '', out);
      return out.sort((a, b) => comparePaths(a.path, b.path));
    } finally {
      if (mounted) {
        await unmount(mounted);
        await rm(mounted, { recursive: true, force: true });
      }
    }
  }

  async remove(key: string): Promise<void> {
    await rm(this.#dir(key), { recursive: true, force: true });
    await this.onRemove?.(key);
  }

  /** Made through a writable overlay of the stack on the host (the container is not running, so nothing else has it mounted). */
  async makeDir(key: string, path: string): Promise<void> {
    const dirs = await this.overlay(key);
    const view = join(this.data.mounts, `mkdir-${randomBytes(8).toString('hex')}`);
    await mkdir(view, { recursive: true });
    await mountOverlay(view, dirs);
    try {
      const target = await resolveInRoot(path, true, (p) => readlink(join(view, p)).catch(() => undefined));
      // A file in the way: nothing is made, as in the browser (engine/core/working-dir.ts).
      if (target !== '') await mkdir(join(view, target), { recursive: true, mode: 0o755 }).catch(() => undefined);
    } finally {
      await unmount(view);
      await rm(view, { recursive: true, force: true });
    }
  }

  /** Written through a writable overlay of the stack (the container is not running); the core resolved `dir` and checked the way. */
  async write(key: string, dir: string, entries: VolumeEntries): Promise<void> {
    const dirs = await this.overlay(key);
    const view = join(this.data.mounts, `write-${randomBytes(8).toString('hex')}`);
    await mkdir(view, { recursive: true });
    await mountOverlay(view, dirs);
    try {
      for (const [p, node] of entries) {
        const parts = `${dir}/${p}`.split('/').filter(Boolean);
        if (parts.some((part) => part === '.' || part === '..')) throw new EngineError('invalid-argument', `invalid path to write: ${JSON.stringify(p)}`);
        const at = join(view, ...parts);
        const existing = await kindAt(at);
        if (node.type === 'dir' && existing === 'dir') {
          await chmod(at, node.mode & 0o7777);
          continue;
        }
        if (existing) await rm(at, { recursive: true, force: true });
        if (node.type === 'dir') {
          await mkdir(at);
          await chmod(at, node.mode & 0o7777);
        } else if (node.type === 'file') {
          await writeFile(at, node.content, { mode: node.mode & 0o7777 });
          await chmod(at, node.mode & 0o7777);
        } else await symlink(node.target, at);
      }
    } finally {
      await unmount(view);
      await rm(view, { recursive: true, force: true });
    }
  }

  /** Read from a read-only overlay of the whole stack, the writable layer as its top lower layer (its whiteouts and opaque markers hold there too). */
  async read(key: string, path: string): Promise<VolumeEntries | undefined> {
    const { lower, upper } = await this.overlay(key);
    const view = join(this.data.mounts, `read-${randomBytes(8).toString('hex')}`);
    await mkdir(view, { recursive: true });
    await mountOverlay(view, { lower: [...lower, upper] });
    try {
      let dir = view;
      for (const part of path.split('/').filter(Boolean)) {
        if (part === '.' || part === '..') return undefined;
        dir = join(dir, part);
        if ((await kindAt(dir)) !== 'dir') return undefined;
      }
      const out: VolumeEntries = [['', { type: 'dir', mode: (await lstat(dir)).mode & 0o7777 }]];
      await readDir(dir, '', out);
      return out;
    } finally {
      await unmount(view);
      await rm(view, { recursive: true, force: true });
    }
  }
}

/** Everything below `dir`, parents first; nodes a layer cannot hold (FIFOs, sockets, devices) are left out. */
async function readDir(base: string, rel: string, out: VolumeEntries): Promise<void> {
  for (const name of (await readdir(rel === '' ? base : join(base, rel))).sort()) {
    const p = rel === '' ? name : `${rel}/${name}`;
    const st = await lstat(join(base, p));
    if (st.isDirectory()) {
      out.push([p, { type: 'dir', mode: st.mode & 0o7777 }]);
      await readDir(base, p, out);
    } else if (st.isSymbolicLink()) out.push([p, { type: 'symlink', target: await readlink(join(base, p)) }]);
    else if (st.isFile()) out.push([p, { type: 'file', mode: st.mode & 0o7777, content: new Uint8Array(await readFile(join(base, p))) }]);
  }
}

async function kindAt(path: string): Promise<'dir' | 'other' | undefined> {
  try {
    return (await lstat(path)).isDirectory() ? 'dir' : 'other';
  } catch {
    return undefined;
  }
}

interface UpperWalk {
  upper: string;
  /** The lower layers merged: what the image has at each path. */
  lowerView: string;
  /** Directories overlayfs marked opaque (relative paths). */
  opaque: Set<string>;
}

/** Overlay upper directory -> changes: char 0/0 is a deletion; a directory marked opaque over a lower directory hides it wholesale. */
async function walkUpper(w: UpperWalk, rel: string, out: SnapshotChange[]): Promise<void> {
  const { upper, lowerView } = w;
  const names = await readdir(join(upper, rel));
  for (const name of names) {
    const p = rel === '' ? name : `${rel}/${name}`;
    const st = await lstat(join(upper, p));
    const inLower = await kindAt(join(lowerView, p));
    if (st.isCharacterDevice() && st.rdev === 0) {
      if (inLower) out.push({ path: `/${p}`, kind: 'D' });
      continue;
    }
    let node: FsNode;
    let opaque = false;
    if (st.isDirectory()) {
      node = { type: 'dir', mode: st.mode & 0o7777 };
      opaque = inLower === 'dir' && w.opaque.has(p);
    } else if (st.isSymbolicLink()) {
      node = { type: 'symlink', target: await readlink(join(upper, p)) };
    } else if (st.isFile()) {
      node = { type: 'file', mode: st.mode & 0o7777, content: new Uint8Array(await readFile(join(upper, p))) };
    } else {
      continue; // FIFOs and sockets a program made: not representable in a layer.
    }
    out.push({ path: `/${p}`, kind: inLower ? 'C' : 'A', node, ...(opaque ? { opaque } : {}) });
    if (st.isDirectory()) await walkUpper(w, p, out);
  }
}
