import { concatBytes } from '../bytes.ts';
import { EngineError } from '../errors.ts';
import { comparePaths, normalizeMode, type TarEntry } from './tar-entry.ts';

/**
 * Every entry's mtime: the Unix epoch. Fixed (not "now", not the file's time) so the same change
 * set gives the same bytes on every host and every run; the same value on both hosts.
 */
export const LAYER_EPOCH = 0;

const BLOCK = 512;
const encoder = new TextEncoder();
/** Largest size an 11-digit octal field holds; bigger files carry their size in a pax record. */
const MAX_OCTAL_SIZE = 0o77777777777;

type WritableEntry = Exclude<TarEntry, { type: 'skipped' }>;

/**
 * Write a deterministic tar: entries sorted by path, uid/gid 0, empty user/group names,
 * mtime LAYER_EPOCH, normalised modes, directories named with a trailing `/`, pax extended headers
 * only for a path or link target that does not fit ustar (never atime/ctime), two zero blocks at
 * the end and no record padding. Whiteouts are ordinary empty files named `.wh.<name>`.
 * The same entries always give byte-identical output.
 *
 * `dotRoot`: the archive is rooted at `.` (an entry `.` and `./name` below it), as Docker's
 * archive of a directory's contents (`docker cp c:/dir/. .`); never for a layer.
 */
export function writeTar(entries: readonly TarEntry[], options: { dotRoot?: boolean } = {}): Uint8Array {
  return concatBytes([...tarChunks(entries, options)]);
}

/** The same bytes as writeTar, as a sequence of chunks (headers, contents, padding). */
export function* tarChunks(entries: readonly TarEntry[], options: { dotRoot?: boolean } = {}): Generator<Uint8Array> {
  const sorted = entries.filter((e): e is WritableEntry => e.type !== 'skipped').sort((a, b) => comparePaths(a.path, b.path));
  for (let i = 0; i < sorted.length; i++) {
    const entry = sorted[i];
    checkPath(entry.path, options.dotRoot);
    if (i > 0 && sorted[i - 1].path === entry.path) throw new EngineError('invalid-argument', `tar writer: duplicate entry "${entry.path}"`);
    yield* entryChunks(entry);
  }
  yield new Uint8Array(BLOCK * 2);
}

function checkPath(whole: string, dotRoot = false): void {
  if (dotRoot && whole === '.') return;
  const path = dotRoot ? whole.replace(/^\.\//, '') : whole;
  const parts = path.split('/');
  if (path === '' || parts.some((p) => p === '' || p === '.' || p === '..') || path.includes('\0')) {
    throw new EngineError('invalid-argument', `tar writer: "${path}" is not a clean relative path`);
  }
}

function* entryChunks(entry: WritableEntry): Generator<Uint8Array> {
  const name = entry.type === 'dir' ? entry.path + '/' : entry.path;
  const link = entry.type === 'symlink' || entry.type === 'hardlink' ? entry.target : '';
  if (link.includes('\0')) throw new EngineError('invalid-argument', `tar writer: link target of "${entry.path}" contains NUL`);
  const size = entry.type === 'file' ? entry.content.length : 0;

  const nameBytes = encoder.encode(name);
  const linkBytes = encoder.encode(link);
  const split = splitUstarName(nameBytes);
  const linkFits = linkBytes.length <= 100 && isAscii(linkBytes);
  const pax: [string, string][] = [];
  if (!split) pax.push(['path', name]);
  if (!linkFits) pax.push(['linkpath', link]);
  if (size > MAX_OCTAL_SIZE) pax.push(['size', String(size)]);

  if (pax.length > 0) {
    const body = encodePax(pax);
    yield header({ name: encoder.encode('././@PaxHeader'), prefix: new Uint8Array(0), mode: 0o644, size: body.length, typeflag: 'x', link: new Uint8Array(0) });
    yield* padded(body);
  }
  const typeflag = { file: '0', hardlink: '1', symlink: '2', dir: '5' }[entry.type];
  yield header({
    name: split ? split.name : truncateAscii(nameBytes, 100),
    prefix: split ? split.prefix : new Uint8Array(0),
    mode: normalizeMode(entry.type, entry.mode),
    size: size > MAX_OCTAL_SIZE ? 0 : size,
    typeflag,
    link: linkFits ? linkBytes : truncateAscii(linkBytes, 100),
  });
  if (entry.type === 'file') yield* padded(entry.content);
}

function* padded(data: Uint8Array): Generator<Uint8Array> {
  if (data.length === 0) return;
  yield data;
  const rem = data.length % BLOCK;
  if (rem) yield new Uint8Array(BLOCK - rem);
}

function isAscii(bytes: Uint8Array): boolean {
  return bytes.every((b) => b > 0 && b < 0x80);
}

/** A placeholder for the ustar field when the real value is in the pax record (as Go writes). */
function truncateAscii(bytes: Uint8Array, max: number): Uint8Array {
  const out: number[] = [];
  for (const b of bytes) {
    if (out.length === max) break;
    out.push(b > 0 && b < 0x80 ? b : 0x5f);
  }
  return Uint8Array.from(out);
}

/** ustar holds a name of up to 100 bytes, or split at a '/' into a 155-byte prefix and that. */
function splitUstarName(name: Uint8Array): { prefix: Uint8Array; name: Uint8Array } | undefined {
  if (!isAscii(name)) return undefined;
  if (name.length <= 100) return { prefix: new Uint8Array(0), name };
  if (name.length > 256) return undefined;
  // The shortest prefix that leaves a name of at most 100 bytes, so the choice is unique.
  for (let i = Math.max(0, name.length - 101); i < name.length && i <= 155; i++) {
    if (name[i] === 0x2f && i > 0 && name.length - i - 1 <= 100 && name.length - i - 1 > 0) {
      return { prefix: name.subarray(0, i), name: name.subarray(i + 1) };
    }
  }
  return undefined;
}

/** Pax records are `<length> <key>=<value>\n`, where length counts the whole record. */
function encodePax(records: [string, string][]): Uint8Array {
  let text = '';
  for (const [key, value] of records) {
    const body = ` ${key}=${value}\n`;
    const bodyLen = encoder.encode(body).length;
    let digits = String(bodyLen).length;
    let len = bodyLen + digits;
    while (String(len).length !== digits) {
      digits = String(len).length;
      len = bodyLen + digits;
    }
    text += len + body;
  }
  return encoder.encode(text);
}

interface HeaderFields {
  name: Uint8Array;
  prefix: Uint8Array;
  mode: number;
  size: number;
  typeflag: string;
  link: Uint8Array;
}

function header(f: HeaderFields): Uint8Array {
  const h = new Uint8Array(BLOCK);
  h.set(f.name, 0);
  octal(h, 100, 8, f.mode);
  octal(h, 108, 8, 0);
  octal(h, 116, 8, 0);
  octal(h, 124, 12, f.size);
  octal(h, 136, 12, LAYER_EPOCH);
  h[156] = f.typeflag.charCodeAt(0);
  h.set(f.link, 157);
  h.set(encoder.encode('ustar\x0000'), 257);
  octal(h, 329, 8, 0);
  octal(h, 337, 8, 0);
  h.set(f.prefix, 345);
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  octal(h, 148, 7, sum);
  h[155] = 0x20;
  return h;
}

/** Zero-padded octal filling width-1 bytes, then NUL. */
function octal(h: Uint8Array, offset: number, width: number, value: number): void {
  const s = value.toString(8).padStart(width - 1, '0');
  h.set(encoder.encode(s), offset);
  h[offset + width - 1] = 0;
}
