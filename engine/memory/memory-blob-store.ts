import type { BlobClaim, BlobStore, Digest } from '../ports.ts';
import { concatBytes } from '../bytes.ts';
import { EngineError } from '../errors.ts';
import { DigestVerifier, parseDigest, verifyBytes } from '../oci/digest.ts';

/**
 * A BlobStore held in memory: for tests, and as the fallback when a host has no persistent store.
 * It keeps the port's contract exactly - bytes are staged and verified before they become visible,
 * and every `get` re-verifies - so code tested against it behaves the same over IndexedDB or disk.
 *
 * `maxBytes` simulates a quota: a put that would exceed it fails with 'resource-exhausted'.
 */
export class MemoryBlobStore implements BlobStore {
  readonly #blobs = new Map<Digest, Uint8Array>();
  readonly #maxBytes: number;
  #used = 0;

  constructor(options: { maxBytes?: number } = {}) {
    this.#maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
  }

  async put(claim: BlobClaim, data: Uint8Array | AsyncIterable<Uint8Array>): Promise<void> {
    const digest = parseDigest(claim.digest);
    if (this.#blobs.has(digest)) {
      await drain(data);
      return;
    }
    const verifier = new DigestVerifier(claim.size === undefined ? digest : { mediaType: '', digest, size: claim.size });
    const chunks: Uint8Array[] = [];
    let total = 0;
    const take = (chunk: Uint8Array) => {
      verifier.update(chunk);
      total += chunk.length;
      if (this.#used + total > this.#maxBytes) {
        throw new EngineError('resource-exhausted', `storage quota exceeded while storing ${digest} (${this.#maxBytes} bytes allowed)`);
      }
      chunks.push(chunk.slice());
    };
    if (data instanceof Uint8Array) take(data);
    else {
      const iterator = data[Symbol.asyncIterator]();
      try {
        for (let next = await iterator.next(); !next.done; next = await iterator.next()) take(next.value);
      } catch (e) {
        await iterator.return?.();
        throw e;
      }
    }
    verifier.verify();
    // A concurrent put of the same blob may have finished while this one streamed: keep one copy.
    if (this.#blobs.has(digest)) return;
    this.#blobs.set(digest, concatBytes(chunks));
    this.#used += total;
  }

  async get(digest: Digest): Promise<Uint8Array> {
    const bytes = this.#blobs.get(parseDigest(digest));
    if (!bytes) throw new EngineError('not-found', `blob ${digest} not found`);
    verifyBytes(bytes, digest);
    return bytes.slice();
  }

  async has(digest: Digest): Promise<boolean> {
    return this.#blobs.has(parseDigest(digest));
  }

  async size(digest: Digest): Promise<number | undefined> {
    return this.#blobs.get(parseDigest(digest))?.length;
  }

  async delete(digest: Digest): Promise<void> {
    const bytes = this.#blobs.get(parseDigest(digest));
    if (!bytes) return;
    this.#blobs.delete(digest);
    this.#used -= bytes.length;
  }

  async list(): Promise<Digest[]> {
    return [...this.#blobs.keys()].sort();
  }

  /** Test hook: corrupt a stored blob in place, as a failing disk would, to prove `get` verifies. */
  corruptForTest(digest: Digest): void {
    const bytes = this.#blobs.get(digest);
    if (bytes && bytes.length > 0) bytes[0] ^= 0xff;
  }
}

async function drain(data: Uint8Array | AsyncIterable<Uint8Array>): Promise<void> {
  if (data instanceof Uint8Array) return;
  const iterator = data[Symbol.asyncIterator]();
  await iterator.return?.();
}

