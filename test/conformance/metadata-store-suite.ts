/**
 * The MetadataStore conformance suite: every adapter (memory, IndexedDB, disk) runs it.
 *
 *   metadataStoreSuite('disk', async () => openDiskMetadata(await freshDir()), { reopen });
 *
 * `make` returns an empty store. `reopen`, when given, opens a second handle on the same storage
 * (a new tab, a restarted service) so the suite can prove that a resolved batch is durable. The
 * engine worker's layers over IndexedDB (worker/store/tab-metadata.ts: write-behind, tenure
 * caches) run it too: the core sees one contract, whichever store is under it.
 */
import { describe, it, expect } from 'vitest';
import type { MetadataStore } from '../../engine/ports.ts';

export interface MetadataStoreSuiteOptions {
  reopen?: (store: MetadataStore) => Promise<MetadataStore>;
}

async function rejects(p: Promise<unknown>): Promise<boolean> {
  try {
    await p;
    return false;
  } catch {
    return true;
  }
}

export function metadataStoreSuite(name: string, make: () => Promise<MetadataStore>, options: MetadataStoreSuiteOptions = {}): void {
  describe(`MetadataStore conformance: ${name}`, () => {
    it('puts, gets and deletes records by bucket and key', async () => {
      const store = await make();
      await store.batch([{ op: 'put', bucket: 'tags', key: 'box:latest', value: 'sha256:' + 'a'.repeat(64) }]);
      expect(await store.get('tags', 'box:latest')).toBe('sha256:' + 'a'.repeat(64));
      expect(await store.get('images', 'box:latest')).toBeUndefined();
      await store.batch([{ op: 'delete', bucket: 'tags', key: 'box:latest' }]);
      expect(await store.get('tags', 'box:latest')).toBeUndefined();
    });

    it('returns undefined for a missing key and an empty list for an empty bucket', async () => {
      const store = await make();
      expect(await store.get('containers', 'nope')).toBeUndefined();
      expect(await store.list('volumes')).toEqual([]);
    });

    it('deleting a missing key is not an error', async () => {
      const store = await make();
      await store.batch([{ op: 'delete', bucket: 'volumes', key: 'ghost' }]);
      expect(await store.list('volumes')).toEqual([]);
    });

    it('lists a bucket sorted by key, and only that bucket', async () => {
      const store = await make();
      await store.batch([
        { op: 'put', bucket: 'volumes', key: 'zeta', value: 1 },
        { op: 'put', bucket: 'volumes', key: 'alpha', value: 2 },
        { op: 'put', bucket: 'volumes', key: 'Mid', value: 3 },
        { op: 'put', bucket: 'containers', key: 'c1', value: 4 },
      ]);
      expect(await store.list('volumes')).toEqual([
        ['Mid', 3],
        ['alpha', 2],
        ['zeta', 1],
      ]);
    });

    it('applies the ops of a batch in order (a later put or delete of the same key wins)', async () => {
      const store = await make();
      await store.batch([
        { op: 'put', bucket: 'tags', key: 'k', value: 1 },
        { op: 'put', bucket: 'tags', key: 'k', value: 2 },
        { op: 'put', bucket: 'tags', key: 'gone', value: 3 },
        { op: 'delete', bucket: 'tags', key: 'gone' },
      ]);
      expect(await store.list('tags')).toEqual([['k', 2]]);
    });

    it('is atomic: a batch with one bad op changes nothing', async () => {
      const store = await make();
      await store.batch([{ op: 'put', bucket: 'images', key: 'keep', value: { v: 1 } }]);
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      const failed = await rejects(
        store.batch([
          { op: 'put', bucket: 'images', key: 'new', value: { v: 2 } },
          { op: 'delete', bucket: 'images', key: 'keep' },
          { op: 'put', bucket: 'tags', key: 'bad', value: cyclic },
        ]),
      );
      expect(failed).toBe(true);
      expect(await store.list('images')).toEqual([['keep', { v: 1 }]]);
      expect(await store.list('tags')).toEqual([]);
    });

    it('returns copies: editing a written or read value does not change the record', async () => {
      const store = await make();
      const value = { RepoTags: ['box:latest'], nested: { n: 1 } };
      await store.batch([{ op: 'put', bucket: 'images', key: 'i', value }]);
      value.RepoTags.push('mutated');
      value.nested.n = 99;
      const read = await store.get<typeof value>('images', 'i');
      expect(read).toEqual({ RepoTags: ['box:latest'], nested: { n: 1 } });
      read!.RepoTags.push('again');
      const listed = await store.list<typeof value>('images');
      listed[0][1].nested.n = 7;
      expect(await store.get('images', 'i')).toEqual({ RepoTags: ['box:latest'], nested: { n: 1 } });
    });

    it('round-trips JSON values faithfully: strings with any characters, numbers, nulls, arrays', async () => {
      const store = await make();
      const value = { s: 'line\nbreak "quoted" \u00e9\u{1f433}', n: -1.5, z: 0, b: false, nul: null, a: [1, 'two', { three: 3 }] };
      await store.batch([{ op: 'put', bucket: 'settings', key: 'weird key/with:chars', value }]);
      expect(await store.get('settings', 'weird key/with:chars')).toEqual(value);
    });

    it('keeps many concurrent batches without losing one', async () => {
      const store = await make();
      await Promise.all(Array.from({ length: 50 }, (_, i) => store.batch([{ op: 'put', bucket: 'containers', key: `c${String(i).padStart(2, '0')}`, value: i }])));
      const all = await store.list<number>('containers');
      expect(all.length).toBe(50);
      expect(all.map(([, v]) => v)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    });

    it("reads see this engine's own writes: behind batches at once, in get, list and a list that may lag", async () => {
      const store = await make();
      await store.batch([{ op: 'put', bucket: 'containers', key: 'c', value: { s: 'created' }, created: true }], { behind: true });
      await store.batch([{ op: 'put', bucket: 'containers', key: 'c', value: { s: 'exited' } }], { behind: true });
      expect(await store.get('containers', 'c')).toEqual({ s: 'exited' });
      expect(await store.list('containers')).toEqual([['c', { s: 'exited' }]]);
      expect(await store.list('containers', { mayLag: true })).toEqual([['c', { s: 'exited' }]]);
      await store.batch([{ op: 'delete', bucket: 'containers', key: 'c' }], { behind: true });
      expect(await store.get('containers', 'c')).toBeUndefined();
      expect(await store.list('containers', { mayLag: true })).toEqual([]);
    });

    it('refuses a behind batch it could not commit, and keeps nothing of it', async () => {
      const store = await make();
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      // In Docker's error shape, not a JavaScript TypeError.
      await expect(store.batch([{ op: 'put', bucket: 'containers', key: 'bad', value: cyclic }], { behind: true })).rejects.toMatchObject({ code: 'invalid-argument' });
      await expect(store.batch([{ op: 'put', bucket: 'containers', key: '', value: 1 }], { behind: true })).rejects.toMatchObject({ code: 'invalid-argument' });
      await store.batch([{ op: 'put', bucket: 'containers', key: 'good', value: 1 }]);
      expect(await store.list('containers')).toEqual([['good', 1]]);
    });

    if (options.reopen) {
      const reopen = options.reopen;
      it('a durable batch, an empty one too, commits every behind batch before it', async () => {
        const store = await make();
        await store.batch([{ op: 'put', bucket: 'containers', key: 'c', value: { s: 'running' } }], { behind: true });
        await store.batch([]);
        await store.batch([{ op: 'put', bucket: 'containers', key: 'd', value: { s: 'exited' } }], { behind: true });
        await store.batch([{ op: 'put', bucket: 'tags', key: 't', value: 'sha256:' + 'c'.repeat(64) }]);
        const again = await reopen(store);
        expect(await again.list('containers')).toEqual([
          ['c', { s: 'running' }],
          ['d', { s: 'exited' }],
        ]);
      });

      it('a resolved batch is durable: a second handle sees it', async () => {
        const store = await make();
        await store.batch([
          { op: 'put', bucket: 'tags', key: 'box:latest', value: 'sha256:' + 'b'.repeat(64) },
          { op: 'put', bucket: 'images', key: 'sha256:' + 'b'.repeat(64), value: { Id: 'x' } },
        ]);
        const again = await reopen(store);
        expect(await again.get('tags', 'box:latest')).toBe('sha256:' + 'b'.repeat(64));
        expect(await again.list('images')).toEqual([['sha256:' + 'b'.repeat(64), { Id: 'x' }]]);
      });
    }
  });
}
