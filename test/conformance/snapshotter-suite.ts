/**
 * The Snapshotter conformance suite: the browser's in-memory snapshotter and the Linux overlayfs
 * one both run it.
 *
 *   snapshotterSuite('overlayfs', async () => ({ snapshots, blobs, fs }));
 *
 * `make` returns a fresh snapshotter with the BlobStore it reads layers from, and `fs`: a way to
 * change and read a prepared snapshot's files as a container would (the suite's stand-in for a
 * running process). Paths are absolute inside the snapshot. The suite stores its own small layers
 * (written with the engine's tar writer) in the BlobStore.
 */
import { describe, it, expect } from 'vitest';
import type { BlobStore, Digest, SnapshotChange, Snapshotter } from '../../engine/ports.ts';
import { sha256 } from '../../engine/oci/digest.ts';
import { writeTar } from '../../engine/tar/tar-writer.ts';
import type { TarEntry } from '../../engine/tar/tar-entry.ts';

export interface SnapshotFs {
  writeFile(key: string, path: string, content: Uint8Array): Promise<void>;
  mkdir(key: string, path: string): Promise<void>;
  /** Remove a file, symlink or directory tree. */
  remove(key: string, path: string): Promise<void>;
  symlink(key: string, path: string, target: string): Promise<void>;
  /** The file's bytes in the merged view, or undefined when there is none. */
  readFile(key: string, path: string): Promise<Uint8Array | undefined>;
}

export interface SnapshotterFixture {
  snapshots: Snapshotter;
  blobs: BlobStore;
  fs: SnapshotFs;
}

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array | undefined) => (b === undefined ? undefined : new TextDecoder().decode(b));

async function layer(blobs: BlobStore, entries: TarEntry[]): Promise<Digest> {
  const tar = writeTar(entries);
  const digest = sha256(tar);
  await blobs.put({ digest, size: tar.length }, tar);
  return digest;
}

/** Bottom: /etc/{os-release,motd}, /srv/old/{a,b}, /bin/tool; top: overrides motd, whites out /srv/old/b, adds /opt/x. */
async function layerSet(blobs: BlobStore): Promise<Digest[]> {
  const bottom = await layer(blobs, [
    { type: 'dir', path: 'etc' },
    { type: 'file', path: 'etc/os-release', content: enc('ID=test\n') },
    { type: 'file', path: 'etc/motd', content: enc('old motd\n') },
    { type: 'dir', path: 'srv' },
    { type: 'dir', path: 'srv/old' },
    { type: 'file', path: 'srv/old/a', content: enc('a') },
    { type: 'file', path: 'srv/old/b', content: enc('b') },
    { type: 'dir', path: 'bin' },
    { type: 'file', path: 'bin/tool', content: enc('tool'), mode: 0o755 },
    { type: 'dir', path: 'tmp' },
  ]);
  const top = await layer(blobs, [
    { type: 'dir', path: 'etc' },
    { type: 'file', path: 'etc/motd', content: enc('new motd\n') },
    { type: 'dir', path: 'srv' },
    { type: 'dir', path: 'srv/old' },
    { type: 'file', path: 'srv/old/.wh.b', content: new Uint8Array(0) },
    { type: 'dir', path: 'opt' },
    { type: 'file', path: 'opt/x', content: enc('x') },
  ]);
  return [bottom, top];
}

const brief = (changes: SnapshotChange[]) => changes.map((c) => `${c.kind} ${c.path}`);

export function snapshotterSuite(name: string, make: () => Promise<SnapshotterFixture>): void {
  describe(`Snapshotter conformance: ${name}`, () => {
    it('prepares the merged view of the layers (upper wins, whiteouts hide) with no changes', async () => {
      const { snapshots, blobs, fs } = await make();
      await snapshots.prepare('c1', await layerSet(blobs));
      expect(dec(await fs.readFile('c1', '/etc/motd'))).toBe('new motd\n');
      expect(dec(await fs.readFile('c1', '/etc/os-release'))).toBe('ID=test\n');
      expect(await fs.readFile('c1', '/srv/old/b')).toBeUndefined();
      expect(dec(await fs.readFile('c1', '/opt/x'))).toBe('x');
      expect(await snapshots.changes('c1')).toEqual([]);
    });

    it("reports added, changed and deleted paths like docker diff, sorted, with changed parents", async () => {
      const { snapshots, blobs, fs } = await make();
      await snapshots.prepare('c1', await layerSet(blobs));
      await fs.writeFile('c1', '/tmp/new.txt', enc('hello'));
      await fs.writeFile('c1', '/etc/motd', enc('mine\n'));
      await fs.remove('c1', '/srv/old/a');
      await fs.mkdir('c1', '/data');
      await fs.writeFile('c1', '/data/f', enc('f'));
      const changes = await snapshots.changes('c1');
      expect(brief(changes)).toEqual(['A /data', 'A /data/f', 'C /etc', 'C /etc/motd', 'C /srv', 'C /srv/old', 'D /srv/old/a', 'C /tmp', 'A /tmp/new.txt']);
      const motd = changes.find((c) => c.path === '/etc/motd')!;
      expect(motd.node?.type).toBe('file');
      expect(dec(motd.node?.type === 'file' ? motd.node.content : undefined)).toBe('mine\n');
      expect(changes.find((c) => c.path === '/srv/old/a')!.node).toBeUndefined();
    });

    it('reads a directory with everything below it as a volume mounted there starts (image and writable layer; symlinks not followed)', async () => {
      const { snapshots, blobs, fs } = await make();
      await snapshots.prepare('c1', await layerSet(blobs));
      await fs.writeFile('c1', '/srv/old/mine', enc('m'));
      await fs.remove('c1', '/srv/old/a');
      await fs.symlink('c1', '/srv/link', 'old');
      const entries = (await snapshots.read('c1', '/srv'))!;
      expect(entries.map(([p, n]) => `${p}:${n.type}`)).toEqual([':dir', 'link:symlink', 'old:dir', 'old/mine:file']);
      expect(entries[1][1]).toEqual({ type: 'symlink', target: 'old' });
      expect(entries[3][1]).toEqual({ type: 'file', mode: expect.any(Number), content: enc('m') });
      expect(await snapshots.read('c1', '/srv/link')).toBeUndefined();
      expect(await snapshots.read('c1', '/srv/link/mine')).toBeUndefined();
      expect(await snapshots.read('c1', '/etc/motd')).toBeUndefined();
      expect(await snapshots.read('c1', '/nowhere')).toBeUndefined();
    });

    it('writes entries into a directory (docker cp): files replace, a directory over a directory keeps what is below it', async () => {
      const { snapshots, blobs, fs } = await make();
      await snapshots.prepare('c1', await layerSet(blobs));
      if (!snapshots.write) throw new Error(`${name} has no write`);
      await snapshots.write('c1', '/srv', [
        ['old', { type: 'dir', mode: 0o700 }],
        ['old/a', { type: 'file', mode: 0o755, content: enc('A') }],
        ['new', { type: 'dir', mode: 0o755 }],
        ['new/n', { type: 'file', mode: 0o644, content: enc('n') }],
        ['ln', { type: 'symlink', target: 'new/n' }],
      ]);
      await snapshots.write('c1', '/', [['etc/motd', { type: 'dir', mode: 0o755 }]]);
      expect(dec(await fs.readFile('c1', '/srv/old/a'))).toBe('A');
      expect(dec(await fs.readFile('c1', '/srv/new/n'))).toBe('n');
      const srv = new Map((await snapshots.read('c1', '/srv'))!);
      expect(srv.get('old')).toEqual({ type: 'dir', mode: 0o700 });
      expect(srv.get('ln')).toEqual({ type: 'symlink', target: 'new/n' });
      expect((srv.get('old/a') as { mode: number }).mode & 0o777).toBe(0o755);
      expect(brief(await snapshots.changes('c1'))).toEqual(['C /etc', 'C /etc/motd', 'C /srv', 'A /srv/ln', 'A /srv/new', 'A /srv/new/n', 'C /srv/old', 'C /srv/old/a']);
    });

    it('reports a deleted directory as one D line', async () => {
      const { snapshots, blobs, fs } = await make();
      await snapshots.prepare('c1', await layerSet(blobs));
      await fs.remove('c1', '/srv/old');
      expect(brief(await snapshots.changes('c1'))).toEqual(['C /srv', 'D /srv/old']);
    });

    it('reports a symlink with its target', async () => {
      const { snapshots, blobs, fs } = await make();
      await snapshots.prepare('c1', await layerSet(blobs));
      await fs.symlink('c1', '/bin/alias', 'tool');
      const changes = await snapshots.changes('c1');
      expect(brief(changes)).toEqual(['C /bin', 'A /bin/alias']);
      expect(changes[1].node).toEqual({ type: 'symlink', target: 'tool' });
    });

    it('is idempotent per key: a second prepare keeps the writable layer', async () => {
      const { snapshots, blobs, fs } = await make();
      const layers = await layerSet(blobs);
      await snapshots.prepare('c1', layers);
      await fs.writeFile('c1', '/tmp/kept', enc('1'));
      await snapshots.prepare('c1', layers);
      expect(dec(await fs.readFile('c1', '/tmp/kept'))).toBe('1');
      expect(brief(await snapshots.changes('c1'))).toEqual(['C /tmp', 'A /tmp/kept']);
    });

    it('keeps snapshots of the same layers apart', async () => {
      const { snapshots, blobs, fs } = await make();
      const layers = await layerSet(blobs);
      await snapshots.prepare('a', layers);
      await snapshots.prepare('b', layers);
      await fs.writeFile('a', '/tmp/only-a', enc('a'));
      expect(await fs.readFile('b', '/tmp/only-a')).toBeUndefined();
      expect(await snapshots.changes('b')).toEqual([]);
    });

    it('removes a snapshot (a new prepare starts fresh); removing an unknown key is not an error', async () => {
      const { snapshots, blobs, fs } = await make();
      const layers = await layerSet(blobs);
      await snapshots.prepare('c1', layers);
      await fs.writeFile('c1', '/tmp/gone', enc('x'));
      await snapshots.remove('c1');
      await snapshots.remove('c1');
      await snapshots.remove('never-prepared');
      await snapshots.prepare('c1', layers);
      expect(await snapshots.changes('c1')).toEqual([]);
      expect(await fs.readFile('c1', '/tmp/gone')).toBeUndefined();
    });

    it('prepares an empty root from no layers', async () => {
      const { snapshots, fs } = await make();
      await snapshots.prepare('empty', []);
      expect(await snapshots.changes('empty')).toEqual([]);
      await fs.writeFile('empty', '/hello', enc('hi'));
      expect(brief(await snapshots.changes('empty'))).toEqual(['A /hello']);
    });
  });
}
