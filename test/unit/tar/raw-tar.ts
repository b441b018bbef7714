// Hand-made tar blocks for hostile cases our own writer would never produce.
import { concatBytes } from '../../../engine/bytes.ts';

const enc = new TextEncoder();

export interface RawHeader {
  name: string;
  typeflag?: string;
  size?: number;
  mode?: number;
  linkname?: string;
  prefix?: string;
  /** Seconds since the epoch (0 when not given). */
  mtime?: number;
  /** Break the checksum on purpose. */
  badChecksum?: boolean;
}

function field(h: Uint8Array, offset: number, width: number, value: number): void {
  h.set(enc.encode(value.toString(8).padStart(width - 1, '0')), offset);
}

export function rawHeader(f: RawHeader): Uint8Array {
  const h = new Uint8Array(512);
  h.set(enc.encode(f.name).subarray(0, 100), 0);
  field(h, 100, 8, f.mode ?? 0o644);
  field(h, 108, 8, 0);
  field(h, 116, 8, 0);
  field(h, 124, 12, f.size ?? 0);
  field(h, 136, 12, f.mtime ?? 0);
  h[156] = (f.typeflag ?? '0').charCodeAt(0);
  h.set(enc.encode(f.linkname ?? '').subarray(0, 100), 157);
  h.set(enc.encode('ustar\x0000'), 257);
  h.set(enc.encode(f.prefix ?? '').subarray(0, 155), 345);
  h.fill(0x20, 148, 156);
  const sum = h.reduce((a, b) => a + b, 0) + (f.badChecksum ? 1 : 0);
  field(h, 148, 7, sum);
  return h;
}

/** Content padded to whole blocks. */
export function rawData(data: Uint8Array | string): Uint8Array {
  const bytes = typeof data === 'string' ? enc.encode(data) : data;
  const out = new Uint8Array(Math.ceil(bytes.length / 512) * 512);
  out.set(bytes);
  return out;
}

export function paxData(records: Record<string, string>): Uint8Array {
  let text = '';
  for (const [k, v] of Object.entries(records)) {
    // A record's length counts bytes, its own digits included.
    const body = enc.encode(` ${k}=${v}\n`).length;
    let len = body + 1;
    while (len !== body + String(len).length) len = body + String(len).length;
    text += `${len} ${k}=${v}\n`;
  }
  return enc.encode(text);
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  return concatBytes(parts);
}

export const END = new Uint8Array(1024);

/** A file entry (header + padded content). */
export function rawFile(name: string, content = '', extra: Partial<RawHeader> = {}): Uint8Array {
  const bytes = enc.encode(content);
  return concat(rawHeader({ name, size: bytes.length, ...extra }), rawData(bytes));
}
