import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { EngineError, isEngineError } from '../../engine/errors.ts';
import { parseDigest } from '../../engine/oci/digest.ts';
import type { BlobClaim, BlobStore, Digest } from '../../engine/ports.ts';

const HEX = /^[0-9a-f]{64}$/;

/** Disk full and friends become 'resource-exhausted' (the port's contract); anything else stays. */
export function diskError(e: unknown, what: string): unknown {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return new EngineError('resource-exhausted', `no space left on device while ${what}`);
  return e;
}

/** fsync a directory, so a rename in it survives a power cut. */
export async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Blobs as files named by their hex digest. A put streams into a staging file, hashing as it
 * writes, stops one chunk past a claimed size, fsyncs, and renames into place only once the
 * digest matches: a crash at any point leaves at most a staging file (removed at start), never a
 * visible blob with the wrong bytes. Every get re-hashes; a blob that fails is moved aside.
 */
export class DiskBlobStore implements BlobStore {
  constructor(
    private readonly dir: string,
    private readonly staging: string,
    private readonly quarantine: string,
  ) {}

  static async open(dir: string, staging: string, quarantine: string): Promise<DiskBlobStore> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging, { recursive: true, mode: 0o700 });
    return new DiskBlobStore(dir, staging, quarantine);
  }

  #path(digest: Digest): string {
    return join(this.dir, parseDigest(digest).slice(7));
  }

  async put(claim: BlobClaim, data: Uint8Array | AsyncIterable<Uint8Array>): Promise<void> {
    const final = this.#path(claim.digest);
    if (await this.has(claim.digest)) {
      if (!(data instanceof Uint8Array)) await data[Symbol.asyncIterator]().return?.();
      return;
    }
    const tmp = join(this.staging, randomBytes(12).toString('hex'));
    const fh = await open(tmp, 'wx', 0o600);
    let closed = false;
    try {
      const hash = createHash('sha256');
      let size = 0;
      const write = async (chunk: Uint8Array) => {
        size += chunk.length;
        if (claim.size !== undefined && size > claim.size) throw new EngineError('invalid-content', `size mismatch for ${claim.digest}: more than the expected ${claim.size} bytes`);
        hash.update(chunk);
        await fh.write(chunk);
      };
      if (data instanceof Uint8Array) await write(data);
      else for await (const chunk of data) await write(chunk);
      if (claim.size !== undefined && size !== claim.size) throw new EngineError('invalid-content', `size mismatch for ${claim.digest}: expected ${claim.size} bytes, got ${size}`);
      const actual = `sha256:${hash.digest('hex')}`;
      if (actual !== claim.digest) throw new EngineError('invalid-content', `digest mismatch: expected ${claim.digest}, got ${actual}`);
      await fh.sync();
      await fh.close();
      closed = true;
      await rename(tmp, final);
      await syncDir(this.dir);
    } catch (e) {
      if (!closed) await fh.close().catch(() => undefined);
      await rm(tmp, { force: true });
      throw isEngineError(e) ? e : diskError(e, `storing ${claim.digest}`);
    }
  }

  async get(digest: Digest): Promise<Uint8Array> {
    const path = this.#path(digest);
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new EngineError('not-found', `blob ${digest} not found`);
      throw e;
    }
    const actual = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    if (actual !== digest) {
      await mkdir(this.quarantine, { recursive: true, mode: 0o700 });
      await rename(path, join(this.quarantine, `${digest.slice(7)}.${Date.now()}`)).catch(() => undefined);
      throw new EngineError('invalid-content', `blob ${digest} is corrupt on disk (its bytes hash to ${actual}); it was moved aside`);
    }
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  }

  async has(digest: Digest): Promise<boolean> {
    return (await this.size(digest)) !== undefined;
  }

  async size(digest: Digest): Promise<number | undefined> {
    try {
      return (await stat(this.#path(digest))).size;
    } catch {
      return undefined;
    }
  }

  async delete(digest: Digest): Promise<void> {
    await rm(this.#path(digest), { force: true });
  }

  async list(): Promise<Digest[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    return names
      .filter((n) => HEX.test(n))
      .sort()
      .map((n) => `sha256:${n}` as Digest);
  }
}
