import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { EngineError } from '../errors.ts';
import type { Descriptor } from './types.ts';

/**
 * A content digest. Only sha256 is accepted: it is what every registry and Docker speak, and a
 * digest is also a storage key, so one strict shape (`sha256:` + 64 lowercase hex) is all that
 * ever reaches a store or a disk path.
 */
export type Digest = `sha256:${string}`;

const DIGEST_SHAPE = /^sha256:[0-9a-f]{64}$/;

export function isDigest(value: unknown): value is Digest {
  return typeof value === 'string' && DIGEST_SHAPE.test(value);
}

/** Parse a digest string; anything but `sha256:<64 lowercase hex>` is 'invalid-argument'. */
export function parseDigest(s: string): Digest {
  if (isDigest(s)) return s;
  const shown = JSON.stringify(s.length > 100 ? s.slice(0, 100) + '...' : s);
  const colon = s.indexOf(':');
  if (colon <= 0) throw new EngineError('invalid-argument', `invalid digest ${shown}: expected "sha256:" followed by 64 hex digits`);
  const algorithm = s.slice(0, colon);
  const hex = s.slice(colon + 1);
  if (algorithm !== 'sha256') {
    throw new EngineError('invalid-argument', `invalid digest ${shown}: unsupported digest algorithm "${algorithm.slice(0, 32)}" (only sha256)`);
  }
  if (/[A-F]/.test(hex) && /^[0-9a-fA-F]+$/.test(hex)) {
    throw new EngineError('invalid-argument', `invalid digest ${shown}: hex must be lowercase`);
  }
  if (!/^[0-9a-fA-F]*$/.test(hex)) {
    throw new EngineError('invalid-argument', `invalid digest ${shown}: hex part contains characters other than 0-9 a-f`);
  }
  throw new EngineError('invalid-argument', `invalid digest ${shown}: sha256 needs 64 hex digits, got ${hex.length}`);
}

/** The 64 hex digits of a digest (for a content-addressed path: only ever from a parsed Digest). */
export function digestHex(digest: Digest): string {
  return parseDigest(digest).slice('sha256:'.length);
}

/** Docker's short image/layer ID: the first 12 hex digits. */
export function shortId(digest: Digest | string): string {
  const hex = digest.startsWith('sha256:') ? digest.slice(7) : digest;
  return hex.slice(0, 12);
}

export function sha256(bytes: Uint8Array): Digest {
  return `sha256:${bytesToHex(nobleSha256(bytes))}`;
}

/** Streaming sha256: a large layer is hashed chunk by chunk, never held whole for hashing. */
export class DigestHasher {
  #hash = nobleSha256.create();
  #size = 0;
  #done = false;

  /** Bytes hashed so far. */
  get size(): number {
    return this.#size;
  }

  update(chunk: Uint8Array): this {
    if (this.#done) throw new EngineError('internal', 'DigestHasher.update after digest()');
    this.#hash.update(chunk);
    this.#size += chunk.length;
    return this;
  }

  /** Finish; a hasher gives its digest once. */
  digest(): Digest {
    if (this.#done) throw new EngineError('internal', 'DigestHasher.digest called twice');
    this.#done = true;
    return `sha256:${bytesToHex(this.#hash.digest())}`;
  }
}

type Expected = Descriptor | Digest;

function expectation(expected: Expected): { digest: Digest; size?: number } {
  return typeof expected === 'string' ? { digest: parseDigest(expected) } : { digest: parseDigest(expected.digest), size: expected.size };
}

/** Throw 'invalid-content' unless `bytes` have the expected digest (and size, for a descriptor). */
export function verifyBytes(bytes: Uint8Array, expected: Expected): void {
  const { digest, size } = expectation(expected);
  if (size !== undefined && bytes.length !== size) {
    throw new EngineError('invalid-content', `size mismatch for ${digest}: expected ${size} bytes, got ${bytes.length}`, { digest, expectedSize: size, actualSize: bytes.length });
  }
  const actual = sha256(bytes);
  if (actual !== digest) {
    throw new EngineError('invalid-content', `digest mismatch: expected ${digest}, got ${actual}`, { expected: digest, actual });
  }
}

/**
 * Verifies a blob as it streams in (HOSTILE 13, 14): `update` fails as soon as more bytes than the
 * descriptor's size arrive, so a caller reading a body stops at size+1; `verify` checks the final
 * size and digest. Nothing should become visible before `verify` returns.
 */
export class DigestVerifier {
  readonly #hasher = new DigestHasher();
  readonly #digest: Digest;
  readonly #size?: number;

  constructor(expected: Expected) {
    const e = expectation(expected);
    this.#digest = e.digest;
    this.#size = e.size;
  }

  get size(): number {
    return this.#hasher.size;
  }

  update(chunk: Uint8Array): this {
    if (this.#size !== undefined && this.#hasher.size + chunk.length > this.#size) {
      throw new EngineError('invalid-content', `size mismatch for ${this.#digest}: more than the expected ${this.#size} bytes`, { digest: this.#digest, expectedSize: this.#size });
    }
    this.#hasher.update(chunk);
    return this;
  }

  verify(): Digest {
    const size = this.#hasher.size;
    if (this.#size !== undefined && size !== this.#size) {
      throw new EngineError('invalid-content', `size mismatch for ${this.#digest}: expected ${this.#size} bytes, got ${size}`, { digest: this.#digest, expectedSize: this.#size, actualSize: size });
    }
    const actual = this.#hasher.digest();
    if (actual !== this.#digest) {
      throw new EngineError('invalid-content', `digest mismatch: expected ${this.#digest}, got ${actual}`, { expected: this.#digest, actual });
    }
    return actual;
  }
}
