/**
 * The BlobStore conformance suite: every adapter (memory, IndexedDB, disk) runs it.
 *
 *   import { blobStoreSuite } from '../../conformance/blob-store-suite.ts';
 *   blobStoreSuite('IndexedDB', async () => openIdbBlobStore(freshName()), { corrupt });
 *
 * `make` must return an empty store each call. `corrupt`, when given, flips stored bytes behind the
 * store's back (as a failing disk would) so the suite can prove that `get` verifies on every read.
 */
import { describe, it, expect } from 'vitest';
import type { BlobStore, Digest } from '../../engine/ports.ts';
import { isEngineError } from '../../engine/errors.ts';
import { sha256 } from '../../engine/oci/digest.ts';

export interface BlobStoreSuiteOptions {
  corrupt?: (store: BlobStore, digest: Digest) => Promise<void>;
}

const enc = (s: string) => new TextEncoder().encode(s);

async function* chunksOf(bytes: Uint8Array, size: number, onChunk?: (i: number) => Promise<void>): AsyncIterable<Uint8Array> {
  for (let i = 0, n = 0; i < bytes.length; i += size, n++) {
    if (onChunk) await onChunk(n);
    yield bytes.subarray(i, Math.min(bytes.length, i + size));
  }
}

async function errorOf(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected the promise to reject');
}

export function blobStoreSuite(name: string, make: () => Promise<BlobStore>, options: BlobStoreSuiteOptions = {}): void {
  describe(`BlobStore conformance: ${name}`, () => {
    it('stores a blob under its digest and returns the same bytes', async () => {
      const store = await make();
      const bytes = enc('hello, layer');
      const digest = sha256(bytes);
      await store.put({ digest, size: bytes.length }, bytes);
      expect(await store.has(digest)).toBe(true);
      expect(await store.size(digest)).toBe(bytes.length);
      expect(await store.get(digest)).toEqual(bytes);
      expect(await store.list()).toEqual([digest]);
    });

    it('accepts a stream of chunks and a claim without a size', async () => {
      const store = await make();
      const bytes = new Uint8Array(3 * 1024 * 1024 + 17).map((_, i) => (i * 31) & 0xff);
      const digest = sha256(bytes);
      await store.put({ digest }, chunksOf(bytes, 64 * 1024));
      expect(await store.size(digest)).toBe(bytes.length);
      expect(sha256(await store.get(digest))).toBe(digest);
    });

    it('does not make a blob visible before its last byte is verified', async () => {
      const store = await make();
      const bytes = enc('x'.repeat(10_000));
      const digest = sha256(bytes);
      const seen: boolean[] = [];
      await store.put({ digest, size: bytes.length }, chunksOf(bytes, 1000, async (i) => {
        if (i > 0) seen.push(await store.has(digest), (await store.list()).includes(digest));
      }));
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.every((v) => v === false)).toBe(true);
      expect(await store.has(digest)).toBe(true);
    });

    it('rejects bytes that do not match the digest and leaves nothing behind', async () => {
      const store = await make();
      const claimed = sha256(enc('the real content'));
      const e = await errorOf(store.put({ digest: claimed }, enc('something else')));
      expect(isEngineError(e, 'invalid-content')).toBe(true);
      expect(await store.has(claimed)).toBe(false);
      expect(await store.size(claimed)).toBeUndefined();
      expect(await store.list()).toEqual([]);
    });

    it('rejects a body longer than the claimed size, and one shorter', async () => {
      const store = await make();
      const bytes = enc('0123456789');
      const digest = sha256(bytes);
      for (const size of [bytes.length - 1, bytes.length + 1]) {
        const e = await errorOf(store.put({ digest, size }, chunksOf(bytes, 3)));
        expect(isEngineError(e, 'invalid-content')).toBe(true);
      }
      expect(await store.list()).toEqual([]);
    });

    it('stops reading a stream once it runs past the claimed size', async () => {
      const store = await make();
      const digest = sha256(enc('small'));
      let pulled = 0;
      async function* endless(): AsyncIterable<Uint8Array> {
        for (;;) {
          pulled++;
          yield new Uint8Array(1024);
        }
      }
      const e = await errorOf(store.put({ digest, size: 5 }, endless()));
      expect(isEngineError(e, 'invalid-content')).toBe(true);
      expect(pulled).toBeLessThan(4);
      expect(await store.list()).toEqual([]);
    });

    it('refuses digests that are not sha256 + 64 lowercase hex, before touching storage', async () => {
      const store = await make();
      for (const bad of ['sha256:../../etc/passwd', 'sha256:' + 'A'.repeat(64), 'md5:' + 'a'.repeat(32), 'sha256:abc']) {
        const e = await errorOf(store.put({ digest: bad as Digest }, enc('x')));
        expect(isEngineError(e, 'invalid-argument')).toBe(true);
      }
      expect(await store.list()).toEqual([]);
    });

    it('keeps one copy when the same blob is put twice at once', async () => {
      const store = await make();
      const bytes = enc('shared base layer '.repeat(5000));
      const digest = sha256(bytes);
      await Promise.all([
        store.put({ digest, size: bytes.length }, chunksOf(bytes, 4096)),
        store.put({ digest, size: bytes.length }, chunksOf(bytes, 1000)),
        store.put({ digest }, bytes),
      ]);
      expect(await store.list()).toEqual([digest]);
      expect(await store.get(digest)).toEqual(bytes);
    });

    it('treats a put of an existing blob as a no-op that still finishes', async () => {
      const store = await make();
      const bytes = enc('again');
      const digest = sha256(bytes);
      await store.put({ digest }, bytes);
      await store.put({ digest, size: bytes.length }, chunksOf(bytes, 2));
      expect(await store.list()).toEqual([digest]);
    });

    it('a failed put does not disturb an existing blob', async () => {
      const store = await make();
      const good = enc('good');
      await store.put({ digest: sha256(good) }, good);
      await errorOf(store.put({ digest: sha256(enc('other')) }, enc('not other')));
      expect(await store.list()).toEqual([sha256(good)]);
      expect(await store.get(sha256(good))).toEqual(good);
    });

    it("answers a missing blob with 'not-found' from get and undefined from size", async () => {
      const store = await make();
      const digest = sha256(enc('never stored'));
      expect(isEngineError(await errorOf(store.get(digest)), 'not-found')).toBe(true);
      expect(await store.has(digest)).toBe(false);
      expect(await store.size(digest)).toBeUndefined();
    });

    it('deletes a blob; deleting a missing one is not an error', async () => {
      const store = await make();
      const a = enc('a');
      const b = enc('b');
      await store.put({ digest: sha256(a) }, a);
      await store.put({ digest: sha256(b) }, b);
      await store.delete(sha256(a));
      await store.delete(sha256(a));
      expect(await store.has(sha256(a))).toBe(false);
      expect(await store.list()).toEqual([sha256(b)]);
    });

    it('lists digests sorted', async () => {
      const store = await make();
      const digests: Digest[] = [];
      for (const s of ['one', 'two', 'three', 'four', 'five']) {
        await store.put({ digest: sha256(enc(s)) }, enc(s));
        digests.push(sha256(enc(s)));
      }
      expect(await store.list()).toEqual([...digests].sort());
    });

    it('stores an empty blob', async () => {
      const store = await make();
      const digest = sha256(new Uint8Array(0));
      await store.put({ digest, size: 0 }, new Uint8Array(0));
      expect(await store.get(digest)).toEqual(new Uint8Array(0));
      expect(await store.size(digest)).toBe(0);
    });

    it('returns bytes the caller may change without changing the store', async () => {
      const store = await make();
      const bytes = enc('immutable');
      const digest = sha256(bytes);
      await store.put({ digest }, bytes);
      bytes[0] = 0; // the caller's buffer after put
      const got = await store.get(digest);
      got[1] = 0;
      expect(sha256(await store.get(digest))).toBe(digest);
    });

    if (options.corrupt) {
      const corrupt = options.corrupt;
      it("verifies on every read: a blob corrupted at rest fails get with 'invalid-content'", async () => {
        const store = await make();
        const bytes = enc('bits rot');
        const digest = sha256(bytes);
        await store.put({ digest }, bytes);
        await corrupt(store, digest);
        expect(isEngineError(await errorOf(store.get(digest)), 'invalid-content')).toBe(true);
      });
    }
  });
}
