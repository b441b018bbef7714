import { spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../engine/oci/digest.ts';
import type { Digest, VolumeEntries } from '../../engine/ports.ts';
import { DiskBlobStore } from '../../kernel-node/store/disk-blob-store.ts';
import { DiskLogStore } from '../../kernel-node/store/disk-log-store.ts';
import { DiskMetadataStore } from '../../kernel-node/store/disk-metadata-store.ts';
import { DiskVolumeStore } from '../../kernel-node/store/disk-volume-store.ts';
import { blobStoreSuite } from '../conformance/blob-store-suite.ts';
import { logStoreSuite } from '../conformance/log-store-suite.ts';
import { metadataStoreSuite } from '../conformance/metadata-store-suite.ts';
import { tempDir } from './harness.ts';
import { MemoryBlobStore } from '../../engine/memory/index.ts';
import { DataRoot } from '../../kernel-node/store/data-root.ts';
import { mountOverlay, unmount } from '../../kernel-node/runtime/mounts.ts';
import { OverlaySnapshotter } from '../../kernel-node/store/overlay-snapshotter.ts';
import { snapshotterSuite } from '../conformance/snapshotter-suite.ts';
import { volumeStoreSuite } from '../conformance/volume-store-suite.ts';

const root = tempDir('dockyard-stores-');
let n = 0;
const fresh = () => join(root, String(n++));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const openBlobs = (dir: string) => DiskBlobStore.open(join(dir, 'sha256'), join(dir, 'staging'), join(dir, 'quarantine'));
const blobDirs = new Map<DiskBlobStore, string>();

blobStoreSuite(
  'disk',
  async () => {
    const dir = fresh();
    const store = await openBlobs(dir);
    blobDirs.set(store, dir);
    return store;
  },
  {
    corrupt: async (store, digest) => {
      writeFileSync(join(blobDirs.get(store as DiskBlobStore)!, 'sha256', digest.slice(7)), 'flipped bytes');
    },
  },
);

const metaDirs = new Map<DiskMetadataStore, string>();
metadataStoreSuite(
  'disk',
  async () => {
    const dir = fresh();
    const store = await DiskMetadataStore.open(dir);
    metaDirs.set(store, dir);
    return store;
  },
  { reopen: async (store) => DiskMetadataStore.open(metaDirs.get(store as DiskMetadataStore)!) },
);

logStoreSuite('disk', async () => DiskLogStore.open(fresh()));

// The overlayfs snapshotter, its writable layer changed through an overlay mount of the same
// directories (as a container's processes change it).
snapshotterSuite('overlayfs', async () => {
  const data = new DataRoot(fresh());
  const blobs = new MemoryBlobStore();
  const snapshots = new OverlaySnapshotter(data, blobs);
  const inRoot = async <T>(key: string, fn: (root: string) => Promise<T>): Promise<T> => {
    const root = join(data.mounts, `suite-${n++}`);
    await mkdir(root, { recursive: true });
    await mountOverlay(root, await snapshots.overlay(key));
    try {
      return await fn(root);
    } finally {
      await unmount(root);
      await rm(root, { recursive: true, force: true });
    }
  };
  return {
    snapshots,
    blobs,
    fs: {
      writeFile: (key, path, content) => inRoot(key, (r) => writeFile(join(r, path), content)),
      mkdir: (key, path) => inRoot(key, (r) => mkdir(join(r, path))),
      remove: (key, path) => inRoot(key, (r) => rm(join(r, path), { recursive: true })),
      symlink: (key, path, target) => inRoot(key, (r) => symlink(target, join(r, path))),
      readFile: (key, path) => inRoot(key, (r) => readFile(join(r, path)).then((b) => new Uint8Array(b), () => undefined)),
    },
  };
});

describe('disk stores survive kill -9 at any point', () => {
  it('a writer killed mid-way leaves stores that open, verify, and hold whole batches only', async () => {
    const dir = fresh();
    // A child process writes blobs then a tag naming them, in the core's order, in a loop; we kill -9 it.
    const script = `
      import { DiskBlobStore } from ${JSON.stringify(new URL('../../kernel-node/store/disk-blob-store.ts', import.meta.url).pathname)};
      import { DiskMetadataStore } from ${JSON.stringify(new URL('../../kernel-node/store/disk-metadata-store.ts', import.meta.url).pathname)};
      import { createHash } from 'node:crypto';
      const blobs = await DiskBlobStore.open(${JSON.stringify(join(dir, 'blobs'))}, ${JSON.stringify(join(dir, 'staging'))}, ${JSON.stringify(join(dir, 'q'))});
      const meta = await DiskMetadataStore.open(${JSON.stringify(join(dir, 'meta'))});
      for (let i = 0; ; i++) {
        const bytes = new Uint8Array(256 * 1024).fill(i % 251);
        bytes[0] = i & 255; bytes[1] = i >> 8;
        const digest = 'sha256:' + createHash('sha256').update(bytes).digest('hex');
        async function* chunks() { for (let o = 0; o < bytes.length; o += 8192) yield bytes.subarray(o, o + 8192); }
        await blobs.put({ digest, size: bytes.length }, chunks());
        await meta.batch([{ op: 'put', bucket: 'images', key: digest, value: { i } }, { op: 'put', bucket: 'tags', key: 'img:' + i, value: digest }]);
        if (i === 3) process.stdout.write('going\\n');
      }`;
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'writer.mts');
    writeFileSync(file, script);
    const child = spawn(process.execPath, ['--import', 'tsx', file], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      child.stdout.once('data', () => resolve());
      child.once('close', (code) => reject(new Error(`writer exited with ${code}`)));
    });
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('close', r));
    const store = await DiskBlobStore.open(join(dir, 'blobs'), join(dir, 'staging'), join(dir, 'q'));
    const meta = await DiskMetadataStore.open(join(dir, 'meta'));
    expect(readdirSync(join(dir, 'staging'))).toEqual([]);
    const tags = await meta.list<Digest>('tags');
    expect(tags.length).toBeGreaterThan(3);
    for (const [, digest] of tags) {
      expect(sha256(await store.get(digest))).toBe(digest);
      expect(await meta.get('images', digest)).toBeDefined();
    }
    for (const digest of await store.list()) expect(sha256(await store.get(digest))).toBe(digest);
  });
});

volumeStoreSuite('disk', async () => {
  const volumes = new DiskVolumeStore(fresh());
  const walk = (root: string, at = ''): VolumeEntries => {
    const path = at === '' ? root : join(root, at);
    const st = lstatSync(path);
    if (st.isSymbolicLink()) return [[at, { type: 'symlink', target: readlinkSync(path) }]];
    if (st.isFile()) return [[at, { type: 'file', mode: st.mode & 0o777, content: new Uint8Array(readFileSync(path)) }]];
    return [[at, { type: 'dir', mode: st.mode & 0o777 }], ...readdirSync(path).flatMap((n) => walk(root, at === '' ? n : `${at}/${n}`))];
  };
  return { volumes, read: async (name) => walk(volumes.path(name)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) };
});

describe('DiskVolumeStore', () => {
  it('creates, measures and removes a volume directory; refuses names that are paths', async () => {
    const dir = fresh();
    const vols = new DiskVolumeStore(dir);
    await vols.create('data');
    expect(existsSync(join(dir, 'data', '_data'))).toBe(true);
    writeFileSync(join(dir, 'data', '_data', 'f'), 'x'.repeat(1000));
    expect(await vols.usage('data')).toBe(1000);
    await vols.remove('data');
    expect(existsSync(join(dir, 'data'))).toBe(false);
    for (const bad of ['../etc', 'a/b', '.hidden', '']) await expect(vols.create(bad)).rejects.toMatchObject({ code: 'invalid-argument' });
  });

  it('populates an empty volume (modes kept, no setuid); refuses paths leaving it, also through a symlink it wrote', async () => {
    const dir = fresh();
    const vols = new DiskVolumeStore(dir);
    await vols.create('etc');
    expect(await vols.isEmpty('etc')).toBe(true);
    const content = new TextEncoder().encode('root:x:0:0\n');
    await vols.populate('etc', [
      ['', { type: 'dir', mode: 0o700 }],
      ['passwd', { type: 'file', mode: 0o4755, content }],
      ['sub', { type: 'dir', mode: 0o755 }],
      ['sub/link', { type: 'symlink', target: '/etc/passwd' }],
    ]);
    const data = join(dir, 'etc', '_data');
    expect(await vols.isEmpty('etc')).toBe(false);
    expect(statSync(data).mode & 0o7777).toBe(0o700);
    expect(statSync(join(data, 'passwd')).mode & 0o7777).toBe(0o755);
    expect(readFileSync(join(data, 'passwd'), 'utf8')).toBe('root:x:0:0\n');
    expect(readlinkSync(join(data, 'sub', 'link'))).toBe('/etc/passwd');
    const outside = join(dir, 'outside');
    mkdirSync(outside);
    await vols.create('evil');
    await vols.populate('evil', [['out', { type: 'symlink', target: outside }]]);
    for (const bad of ['../escape', '/abs', 'a/../b', 'out/through']) {
      await expect(vols.populate('evil', [[bad, { type: 'file', mode: 0o644, content }]])).rejects.toMatchObject({ code: 'invalid-argument' });
    }
    expect(readdirSync(outside)).toEqual([]);
    expect(existsSync(join(dir, 'escape'))).toBe(false);
  });
});
