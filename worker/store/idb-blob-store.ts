import type { BlobClaim, BlobStore, Digest } from '../../engine/ports.ts';
import { EngineError } from '../../engine/errors.ts';
import { DigestVerifier, parseDigest, verifyBytes } from '../../engine/oci/digest.ts';
import { storageError } from './idb-errors.ts';
import { uploadLockName, type Db } from './schema.ts';

/** Chunks are written as they arrive so a large layer is never held whole before it is stored. */
const CHUNK_BYTES = 1024 * 1024;

/**
 * The BlobStore over IndexedDB. A put streams chunks under a fresh upload id while hashing them,
 * then - only if the digest and size match - writes the index record and retires the upload in
 * one transaction: that commit is the moment the blob becomes visible. On a mismatch, a quota
 * error or any failure the upload's chunks are deleted and nothing is visible. Every get
 * re-verifies the bytes against the digest.
 */
export class IdbBlobStore implements BlobStore {
  constructor(
    readonly db: Db,
    readonly dbName: string,
  ) {}

  async put(claim: BlobClaim, data: Uint8Array | AsyncIterable<Uint8Array>): Promise<void> {
    const digest = parseDigest(claim.digest);
    if (await this.has(digest)) {
      if (!(data instanceof Uint8Array)) await data[Symbol.asyncIterator]().return?.();
      return;
    }
    const upload = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
    // The upload's lock tells a sweeper in another tab that this writer is alive.
    await navigator.locks.request(uploadLockName(this.dbName, upload), async () => {
      try {
        await this.db.put('staging', { upload, digest, started: Date.now() });
        const { chunks, size } = await this.#stage(upload, claim, data);
        const tx = this.db.transaction(['blobs', 'staging', 'chunks'], 'readwrite');
        const existing = await tx.objectStore('blobs').get(digest);
        if (existing) {
          // Another put of the same blob won the race: keep one copy.
          await tx.objectStore('chunks').delete(IDBKeyRange.bound([upload, 0], [upload, Infinity]));
        } else {
          await tx.objectStore('blobs').put({ digest, size, upload, chunks });
        }
        await tx.objectStore('staging').delete(upload);
        await tx.done;
      } catch (e) {
        await this.#discard(upload);
        throw storageError(e, `storing ${digest}`);
      }
    });
  }

  async #stage(upload: string, claim: BlobClaim, data: Uint8Array | AsyncIterable<Uint8Array>): Promise<{ chunks: number; size: number }> {
    const verifier = new DigestVerifier(claim.size === undefined ? claim.digest : { mediaType: '', digest: claim.digest, size: claim.size });
    let pending: Uint8Array[] = [];
    let pendingBytes = 0;
    let chunks = 0;
    let size = 0;
    const flush = async () => {
      if (pendingBytes === 0 && chunks > 0) return;
      const chunk = new Uint8Array(pendingBytes);
      let at = 0;
      for (const p of pending) {
        chunk.set(p, at);
        at += p.length;
      }
      pending = [];
      pendingBytes = 0;
      await this.db.put('chunks', chunk, [upload, chunks++]);
    };
    const take = async (part: Uint8Array) => {
      verifier.update(part);
      size += part.length;
      pending.push(part.slice());
      pendingBytes += part.length;
      if (pendingBytes >= CHUNK_BYTES) await flush();
    };
    if (data instanceof Uint8Array) {
      for (let i = 0; i < data.length; i += CHUNK_BYTES) await take(data.subarray(i, i + CHUNK_BYTES));
    } else {
      const iterator = data[Symbol.asyncIterator]();
      try {
        for (let next = await iterator.next(); !next.done; next = await iterator.next()) await take(next.value);
      } catch (e) {
        await iterator.return?.();
        throw e;
      }
    }
    verifier.verify();
    await flush();
    return { chunks, size };
  }

  async #discard(upload: string): Promise<void> {
    try {
      const tx = this.db.transaction(['chunks', 'staging'], 'readwrite');
      await tx.objectStore('chunks').delete(IDBKeyRange.bound([upload, 0], [upload, Infinity]));
      await tx.objectStore('staging').delete(upload);
      await tx.done;
    } catch {
      // Left for the next sweep.
    }
  }

  async get(digest: Digest): Promise<Uint8Array> {
    parseDigest(digest);
    const tx = this.db.transaction(['blobs', 'chunks'], 'readonly');
    const record = await tx.objectStore('blobs').get(digest);
    if (!record) throw new EngineError('not-found', `blob ${digest} not found`);
    const parts = await tx.objectStore('chunks').getAll(IDBKeyRange.bound([record.upload, 0], [record.upload, Infinity]));
    const bytes = new Uint8Array(record.size);
    let at = 0;
    for (const p of parts) {
      if (at + p.length > bytes.length) throw new EngineError('invalid-content', `blob ${digest} is corrupt in browser storage (larger than recorded)`);
      bytes.set(p, at);
      at += p.length;
    }
    if (at !== record.size) throw new EngineError('invalid-content', `blob ${digest} is corrupt in browser storage (${at} of ${record.size} bytes)`);
    verifyBytes(bytes, digest);
    return bytes;
  }

  async has(digest: Digest): Promise<boolean> {
    return (await this.db.getKey('blobs', parseDigest(digest))) !== undefined;
  }

  async size(digest: Digest): Promise<number | undefined> {
    return (await this.db.get('blobs', parseDigest(digest)))?.size;
  }

  async delete(digest: Digest): Promise<void> {
    parseDigest(digest);
    try {
      const tx = this.db.transaction(['blobs', 'chunks'], 'readwrite');
      const record = await tx.objectStore('blobs').get(digest);
      if (record) {
        await tx.objectStore('blobs').delete(digest);
        await tx.objectStore('chunks').delete(IDBKeyRange.bound([record.upload, 0], [record.upload, Infinity]));
      }
      await tx.done;
    } catch (e) {
      throw storageError(e, `deleting ${digest}`);
    }
  }

  async list(): Promise<Digest[]> {
    return (await this.db.getAllKeys('blobs')).sort();
  }

  /** Remove chunks of uploads whose writer is gone (a tab killed mid-pull). */
  async sweepStaging(): Promise<number> {
    let swept = 0;
    for (const { upload } of await this.db.getAll('staging')) {
      await navigator.locks.request(uploadLockName(this.dbName, upload), { ifAvailable: true }, async (lock) => {
        if (!lock) return;
        await this.#discard(upload);
        swept++;
      });
    }
    return swept;
  }

  /** Test hook: flip a stored byte behind the store's back, as a failing disk would. */
  async corruptForTest(digest: Digest): Promise<void> {
    const record = await this.db.get('blobs', digest);
    if (!record || record.size === 0) return;
    const first = await this.db.get('chunks', [record.upload, 0]);
    if (!first) return;
    first[0] ^= 0xff;
    await this.db.put('chunks', first, [record.upload, 0]);
  }
}
