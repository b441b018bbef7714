import { concatBytes } from '../bytes.ts';
import { Gunzip } from 'fflate';
import { EngineError } from '../errors.ts';

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

export interface GunzipOptions {
  /** Most bytes the decompressed stream may produce (HOSTILE 11); 'resource-exhausted' past it. */
  maxOutputBytes: number;
}

export const DEFAULT_MAX_GUNZIP_BYTES = 1024 * 1024 * 1024;

/**
 * Input is fed to the inflater in slices this small so one step can never produce more than
 * about 1032 x 16 KiB (deflate's best ratio) before the budget is checked.
 */
const FEED = 16 * 1024;

/**
 * Streaming gunzip with an output budget: a gzip bomb is stopped after at most
 * maxOutputBytes (+ one step) of output, never inflated whole. Corrupt or truncated gzip is
 * 'invalid-content'.
 */
export async function* gunzip(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array> | Uint8Array, options: Partial<GunzipOptions> = {}): AsyncGenerator<Uint8Array> {
  const max = options.maxOutputBytes ?? DEFAULT_MAX_GUNZIP_BYTES;
  let produced = 0;
  let out: Uint8Array[] = [];
  let first = true;
  let crc = 0xffffffff;
  let members = 1;
  let tail: Uint8Array = new Uint8Array(0);
  const inflater = new Gunzip((chunk) => {
    produced += chunk.length;
    crc = crc32Update(crc, chunk);
    if (produced > max) {
      throw new EngineError('resource-exhausted', `gzip stream expands past the limit of ${max} bytes (maxOutputBytes)`, { limit: 'maxOutputBytes', value: max });
    }
    out.push(chunk);
  });
  inflater.onmember = () => void members++;
  const push = (data: Uint8Array, final: boolean) => {
    try {
      inflater.push(data, final);
    } catch (e) {
      if (e instanceof EngineError) throw e;
      throw new EngineError('invalid-content', `invalid gzip data: ${(e as Error).message}`);
    }
  };
  const chunks = source instanceof Uint8Array ? [source] : source;
  for await (const chunk of chunks) {
    if (first && chunk.length > 0) {
      if (chunk.length >= 2 && !isGzip(chunk)) throw new EngineError('invalid-content', 'invalid gzip data: missing gzip header (not compressed?)');
      first = false;
    }
    tail = lastBytes(tail, chunk, 8);
    for (let i = 0; i < chunk.length; i += FEED) {
      push(chunk.subarray(i, Math.min(i + FEED, chunk.length)), false);
      if (out.length) {
        yield* out;
        out = [];
      }
    }
  }
  if (first) throw new EngineError('invalid-content', 'invalid gzip data: empty');
  push(new Uint8Array(0), true);
  // fflate does not check the trailer; for the usual single member we do (a truncated or
  // corrupt stream). Multi-member streams rest on the blob's digest.
  if (members === 1) {
    const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
    if (tail.length < 8 || view.getUint32(0, true) !== (crc ^ 0xffffffff) >>> 0 || view.getUint32(4, true) !== produced % 2 ** 32) {
      throw new EngineError('invalid-content', 'invalid gzip data: truncated or corrupt (trailer CRC or size does not match)');
    }
  }
  yield* out;
}

function lastBytes(prev: Uint8Array, chunk: Uint8Array, n: number): Uint8Array {
  if (chunk.length >= n) return chunk.slice(chunk.length - n);
  const joined = new Uint8Array(prev.length + chunk.length);
  joined.set(prev);
  joined.set(chunk, prev.length);
  return joined.slice(Math.max(0, joined.length - n));
}

let crcTable: Uint32Array | undefined;

function crc32Update(crc: number, data: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let i = 0; i < 256; i++) {
      let c = i;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[i] = c >>> 0;
    }
  }
  for (let i = 0; i < data.length; i++) crc = crcTable[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return crc;
}

/** gunzip into one array (for small blobs: configs, tests). */
export async function gunzipBytes(bytes: Uint8Array, options: Partial<GunzipOptions> = {}): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const chunk of gunzip(bytes, options)) parts.push(chunk);
  return parts.length === 0 ? new Uint8Array(0) : concatBytes(parts);
}
