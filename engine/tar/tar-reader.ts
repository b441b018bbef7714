import { EngineError } from '../errors.ts';
import { ByteSource } from './byte-source.ts';
import type { TarEntry } from './tar-entry.ts';

/**
 * Limits on what one archive may make us hold or do (HOSTILE 11). Exceeding any one is a
 * 'resource-exhausted' error naming the limit; the defaults fit every real image layer we know.
 */
export interface TarBudget {
  /** Headers of any kind, pax and GNU long-name headers included. */
  maxEntries: number;
  /** Archive bytes consumed: headers, contents, padding and trailing zeros. */
  maxTotalBytes: number;
  /** UTF-8 bytes of one entry's path or link target (a 4 KiB path is refused). */
  maxPathLength: number;
  /** Components of one entry's path. */
  maxPathDepth: number;
  /** Bytes of one pax extended header or GNU long-name record. */
  maxPaxHeaderSize: number;
}

export const DEFAULT_TAR_BUDGET: Readonly<TarBudget> = Object.freeze({
  maxEntries: 100_000,
  maxTotalBytes: 1024 * 1024 * 1024,
  maxPathLength: 4095,
  maxPathDepth: 256,
  maxPaxHeaderSize: 1024 * 1024,
});

const BLOCK = 512;
const decoder = new TextDecoder();

function corrupt(message: string, offset?: number): EngineError {
  return new EngineError('invalid-content', offset === undefined ? `invalid tar: ${message}` : `invalid tar at byte ${offset}: ${message}`);
}

function exhausted(limit: keyof TarBudget, value: number, detail: string): EngineError {
  return new EngineError('resource-exhausted', `tar budget exceeded: ${detail} (${limit} = ${value})`, { limit, value });
}

interface Overrides {
  path?: string;
  linkpath?: string;
  size?: number;
  mtime?: number;
}

/**
 * Read a tar archive as a stream of entries: ustar, pax (`path`, `linkpath`, `size`) and GNU
 * long names/links. Names are yielded as found; nothing here decides whether a name is safe - see
 * `engine/layers/path-rules.ts`. Device nodes and FIFOs come out as `skipped` entries.
 * Fails with 'invalid-content' on a truncated archive, a bad header checksum, non-zero bytes after
 * the end-of-archive marker, or compressed bytes where a tar is expected (HOSTILE 12), and with
 * 'resource-exhausted' when the budget is exceeded (HOSTILE 11).
 */
export async function* readTar(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array> | Uint8Array, budget: Partial<TarBudget> = {}): AsyncGenerator<TarEntry> {
  const b: TarBudget = { ...DEFAULT_TAR_BUDGET, ...budget };
  const src = new ByteSource(source, b.maxTotalBytes, () => exhausted('maxTotalBytes', b.maxTotalBytes, `archive larger than ${b.maxTotalBytes} bytes`));
  let headers = 0;
  let pending: Overrides = {};

  for (;;) {
    const at = src.offset;
    const h = await src.read(BLOCK);
    if (h.length === 0) {
      if (at === 0) throw corrupt('empty archive');
      throw corrupt('archive ends without the end-of-archive marker (truncated?)', at);
    }
    if (at === 0) checkNotCompressed(h);
    if (h.length < BLOCK) throw corrupt('truncated header', at);
    if (isZero(h)) {
      await readEnd(src);
      if (Object.keys(pending).length) throw corrupt('extended header not followed by an entry', at);
      return;
    }
    checkChecksum(h, at);
    if (++headers > b.maxEntries) throw exhausted('maxEntries', b.maxEntries, `more than ${b.maxEntries} entries`);

    const typeflag = String.fromCharCode(h[156]);
    const meta = typeflag === 'x' || typeflag === 'g' || typeflag === 'L' || typeflag === 'K';
    const headerSize = parseNumber(h, 124, 12, at, 'size');
    const size = meta ? headerSize : (pending.size ?? headerSize);
    if (meta && size > b.maxPaxHeaderSize) throw exhausted('maxPaxHeaderSize', b.maxPaxHeaderSize, `extended header of ${size} bytes`);
    const dataBlocks = Math.ceil(size / BLOCK) * BLOCK;
    if (src.offset + dataBlocks > b.maxTotalBytes) throw exhausted('maxTotalBytes', b.maxTotalBytes, `entry of ${size} bytes does not fit`);

    if (meta) {
      const data = await readData(src, size);
      if (typeflag === 'x') pending = { ...pending, ...parsePax(data, at) };
      else if (typeflag === 'L') pending.path = cString(data);
      else if (typeflag === 'K') pending.linkpath = cString(data);
      continue; // 'g' (global) records carry nothing we keep: times and owners are normalised.
    }

    const path = pending.path ?? ustarName(h);
    const linkpath = pending.linkpath ?? cString(h.subarray(157, 257));
    const mtime = pending.mtime ?? headerTime(h, at);
    pending = {};
    checkPath(path, b);
    const mode = parseNumber(h, 100, 8, at, 'mode') & 0o7777;
    const time = mtime === undefined ? {} : { mtime };

    switch (typeflag) {
      case '0':
      case '\0':
      case '7': {
        const content = await readData(src, size);
        // Pre-POSIX archives mark directories only by a trailing slash.
        if (typeflag === '\0' && path.endsWith('/')) yield { type: 'dir', path, mode, ...time };
        else yield { type: 'file', path, mode, content, ...time };
        break;
      }
      case '5':
        await readData(src, size);
        yield { type: 'dir', path, mode, ...time };
        break;
      case '1':
      case '2':
        await readData(src, size);
        checkPath(linkpath, b, 'link target');
        if (linkpath === '') throw corrupt(`link "${path}" has an empty target`, at);
        yield { type: typeflag === '1' ? 'hardlink' : 'symlink', path, target: linkpath, mode, ...time };
        break;
      default:
        await readData(src, size);
        yield { type: 'skipped', path, reason: SKIPPED_KINDS[typeflag] ?? `unsupported tar entry type '${printable(typeflag)}'` };
    }
  }
}

const SKIPPED_KINDS: Record<string, string> = {
  '3': 'character device',
  '4': 'block device',
  '6': 'FIFO',
  S: 'GNU sparse file (unsupported)',
};

function printable(c: string): string {
  return /^[\x21-\x7e]$/.test(c) ? c : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
}

function isZero(block: Uint8Array): boolean {
  for (const byte of block) if (byte !== 0) return false;
  return true;
}

/** After the first zero block: a second one (or, leniently, the end), then only zeros. */
async function readEnd(src: ByteSource): Promise<void> {
  const at = src.offset;
  const second = await src.read(BLOCK);
  if (second.length > 0 && !isZero(second)) throw corrupt('data after a zero block (a lone zero block, or trailing garbage)', at);
  for await (const chunk of src.rest()) {
    if (!isZero(chunk)) throw corrupt('trailing garbage after the end-of-archive marker', src.offset - chunk.length);
  }
}

function checkNotCompressed(h: Uint8Array): void {
  if (h[0] === 0x1f && h[1] === 0x8b) throw corrupt('gzip-compressed data where an uncompressed tar was expected (is the media type right?)');
  if (h[0] === 0x28 && h[1] === 0xb5 && h[2] === 0x2f && h[3] === 0xfd) throw corrupt('zstd-compressed data where an uncompressed tar was expected');
}

function checkChecksum(h: Uint8Array, at: number): void {
  const stored = parseNumber(h, 148, 8, at, 'checksum');
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : h[i];
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  // Some old writers summed signed bytes; both are accepted, as every tar reader does.
  if (stored !== unsigned && stored !== signed) throw corrupt(`header checksum mismatch (not a tar archive, or corrupt)`, at);
}

/** Octal (space/NUL padded) or GNU base-256 for large values. */
function parseNumber(h: Uint8Array, offset: number, width: number, at: number, field: string): number {
  const bytes = h.subarray(offset, offset + width);
  if (bytes[0] & 0x80) {
    if (bytes[0] === 0xff) throw corrupt(`negative ${field}`, at);
    let value = bytes[0] & 0x7f;
    for (let i = 1; i < bytes.length; i++) {
      value = value * 256 + bytes[i];
      if (value > Number.MAX_SAFE_INTEGER) throw corrupt(`${field} too large`, at);
    }
    return value;
  }
  const text = decoder.decode(bytes).replace(/\0.*$/s, '').trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw corrupt(`${field} field is not an octal number`, at);
  return parseInt(text, 8);
}

/**
 * The header's modification time in seconds. Only kept, never required: a field no reader could
 * parse leaves the time unknown rather than failing a layer the other fields make valid.
 */
function headerTime(h: Uint8Array, at: number): number | undefined {
  try {
    return parseNumber(h, 136, 12, at, 'mtime');
  } catch {
    return undefined;
  }
}

function cString(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return decoder.decode(end >= 0 ? bytes.subarray(0, end) : bytes);
}

function ustarName(h: Uint8Array): string {
  const name = cString(h.subarray(0, 100));
  // Only POSIX ustar has a prefix field; GNU keeps times there.
  const posix = cString(h.subarray(257, 263)) === 'ustar' && h[262] === 0;
  const prefix = posix ? cString(h.subarray(345, 500)) : '';
  return prefix ? `${prefix}/${name}` : name;
}

async function readData(src: ByteSource, size: number): Promise<Uint8Array> {
  const at = src.offset;
  const data = await src.read(size);
  if (data.length < size) throw corrupt(`truncated entry: expected ${size} bytes, got ${data.length}`, at);
  const pad = (BLOCK - (size % BLOCK)) % BLOCK;
  if (pad && (await src.read(pad)).length < pad) throw corrupt('truncated entry padding', at + size);
  return data;
}

function checkPath(path: string, b: TarBudget, what = 'path'): void {
  if (path.includes('\0')) throw corrupt(`${what} contains NUL`);
  const length = new TextEncoder().encode(path).length;
  if (length > b.maxPathLength) throw exhausted('maxPathLength', b.maxPathLength, `${what} of ${length} bytes`);
  const depth = path.split('/').filter((c) => c !== '' && c !== '.').length;
  if (depth > b.maxPathDepth) throw exhausted('maxPathDepth', b.maxPathDepth, `${what} ${depth} levels deep`);
}

/** Pax records: `<decimal length> <key>=<value>\n`, the length counting the whole record. */
function parsePax(data: Uint8Array, at: number): Overrides {
  const out: Overrides = {};
  let pos = 0;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    if (space < 0 || space - pos > 20) throw corrupt('malformed pax record length', at);
    const lenText = decoder.decode(data.subarray(pos, space));
    if (!/^[1-9][0-9]*$/.test(lenText)) throw corrupt('malformed pax record length', at);
    const len = Number(lenText);
    const end = pos + len;
    if (end > data.length || data[end - 1] !== 0x0a || end <= space + 1) throw corrupt('malformed pax record', at);
    const record = decoder.decode(data.subarray(space + 1, end - 1));
    const eq = record.indexOf('=');
    if (eq <= 0) throw corrupt('pax record without a key', at);
    const key = record.slice(0, eq);
    const value = record.slice(eq + 1);
    if (key === 'path' && value) out.path = value;
    else if (key === 'linkpath' && value) out.linkpath = value;
    else if (key === 'size' && value) {
      if (!/^[0-9]{1,15}$/.test(value)) throw corrupt('malformed pax size', at);
      out.size = Number(value);
    } else if (key === 'mtime' && /^-?[0-9]{1,15}(\.[0-9]{1,9})?$/.test(value)) out.mtime = Number(value);
    pos = end;
  }
  return out;
}
