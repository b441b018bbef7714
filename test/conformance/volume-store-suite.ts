/**
 * The VolumeStore conformance suite: the browser's IndexedDB volumes and the Linux host's volume
 * directories keep what a new volume is filled with the same way.
 *
 *   volumeStoreSuite('disk', async () => ({ volumes, read: (name) => walk(volumes.path(name)) }));
 *
 * `read` gives a volume's contents as the host keeps them: relative paths ('' is the volume's root
 * directory), sorted by path, permission bits only. Host-neutral: no `node:*`, no DOM.
 */
import { describe, expect, it } from 'vitest';
import type { VolumeEntries, VolumeStore } from '../../engine/ports.ts';

export interface VolumeStoreFixture {
  volumes: VolumeStore;
  read(name: string): Promise<VolumeEntries>;
}

const enc = (s: string) => new TextEncoder().encode(s);

/** What `docker run -v fresh:/etc` copies from an image's /etc into the new volume. */
const etc: VolumeEntries = [
  ['', { type: 'dir', mode: 0o700 }],
  ['passwd', { type: 'file', mode: 0o644, content: enc('root:x:0:0:root:/root:/bin/sh\n') }],
  ['ssl', { type: 'dir', mode: 0o755 }],
  ['ssl/certs', { type: 'dir', mode: 0o755 }],
  ['ssl/certs/ca.pem', { type: 'file', mode: 0o600, content: enc('-----BEGIN CERTIFICATE-----\n') }],
  ['ssl/cert.pem', { type: 'symlink', target: 'certs/ca.pem' }],
];

const sorted = (entries: VolumeEntries) => [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

export function volumeStoreSuite(name: string, make: () => Promise<VolumeStoreFixture>): void {
  describe(`VolumeStore conformance: ${name}`, () => {
    it('creates an empty volume that uses no bytes; creating it again keeps what it holds', async () => {
      const { volumes } = await make();
      await volumes.create('data');
      expect(await volumes.isEmpty('data')).toBe(true);
      expect(await volumes.usage('data')).toBe(0);
      await volumes.populate('data', [['', { type: 'dir', mode: 0o755 }], ['f', { type: 'file', mode: 0o644, content: enc('kept') }]]);
      await volumes.create('data');
      expect(await volumes.isEmpty('data')).toBe(false);
      expect(await volumes.usage('data')).toBe(4);
    });

    it('fills a new volume with files, directories and symlinks as given (modes, targets, the root\'s mode)', async () => {
      const { volumes, read } = await make();
      await volumes.create('etc');
      await volumes.populate('etc', etc);
      expect(await volumes.isEmpty('etc')).toBe(false);
      expect(await read('etc')).toEqual(sorted(etc));
    });

    it('counts the bytes of its files and symlinks for system df (directories count nothing)', async () => {
      const { volumes } = await make();
      await volumes.create('etc');
      await volumes.populate('etc', etc);
      // As Docker's local driver measures a volume: the size of everything but directories.
      expect(await volumes.usage('etc')).toBe('root:x:0:0:root:/root:/bin/sh\n'.length + '-----BEGIN CERTIFICATE-----\n'.length + 'certs/ca.pem'.length);
    });

    it('refuses a path that leaves the volume with invalid-argument, and writes nothing of it', async () => {
      const { volumes, read } = await make();
      await volumes.create('v');
      await volumes.populate('v', [['', { type: 'dir', mode: 0o755 }]]);
      for (const bad of ['../escape', '/abs', 'a/../b', 'a/./b', 'a//b']) {
        await expect(volumes.populate('v', [[bad, { type: 'file', mode: 0o644, content: enc('x') }]]), bad).rejects.toMatchObject({ code: 'invalid-argument' });
      }
      expect(await read('v')).toEqual([['', { type: 'dir', mode: 0o755 }]]);
    });

    it('keeps volumes apart', async () => {
      const { volumes } = await make();
      await volumes.create('a');
      await volumes.create('b');
      await volumes.populate('a', etc);
      expect(await volumes.isEmpty('b')).toBe(true);
      expect(await volumes.usage('b')).toBe(0);
    });

    it('removes a volume with its data (a new one of that name starts empty); removing an unknown one is not an error', async () => {
      const { volumes } = await make();
      await volumes.create('gone');
      await volumes.populate('gone', etc);
      await volumes.remove('gone');
      await volumes.remove('gone');
      await volumes.remove('never-created');
      expect(await volumes.isEmpty('gone')).toBe(true);
      expect(await volumes.usage('gone')).toBe(0);
      await volumes.create('gone');
      expect(await volumes.isEmpty('gone')).toBe(true);
    });
  });
}
