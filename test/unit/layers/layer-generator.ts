// A seeded generator of layer tars, valid and hostile, for the differential test of the two
// appliers (layer-differential.test.ts). Raw headers, so it can write what our own writer never
// would: names climbing out of the root, duplicate entries, pax and GNU long names, bad checksums.
import { concat, END, paxData, rawData, rawHeader } from '../tar/raw-tar.ts';

const enc = new TextEncoder();

/** mulberry32: small, fast, and the same sequence on every machine for a seed. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const chance = (r: Rand, p: number) => r() < p;

/** One member as the generator means it; `style` says how its name reaches the tar. */
export interface GenEntry {
  /** '0' file, '5' dir, '2' symlink, '1' hardlink, '3' char device, '6' FIFO, 'Z' unknown. */
  typeflag: string;
  name: string;
  link?: string;
  mode: number;
  content?: string;
  style: 'ustar' | 'pax' | 'gnu';
}

// 254, 255 and 256 bytes: either side of NAME_MAX, in ASCII and in two-byte UTF-8.
const LONG = ['n'.repeat(254), 'n'.repeat(255), 'n'.repeat(256), 'é'.repeat(127) + 'x', 'é'.repeat(128), '.wh.' + 'w'.repeat(251), '.wh.' + 'w'.repeat(252)];
const SHORT = ['a', 'b', 'c', 'd', 'e'];
const SPECIAL = ['.', '..', '', '.wh.a', '.wh.b', '.wh.c', '.wh..wh..opq', '.wh..wh.plnk', '.wh.', '.wh..', 'é'];
const FILE_MODES = [0o644, 0o755, 0o600, 0o000, 0o4755, 0o2755, 0o777, 0o1644, 0o7777];
// Every directory mode keeps the owner's rwx: the disk side may run without root.
const DIR_MODES = [0o755, 0o700, 0o777, 0o1777, 0o2755, 0o4755, 0o7777];

function component(r: Rand, hostile: boolean): string {
  const x = r();
  if (!hostile || x < 0.88) return pick(r, SHORT);
  if (x < 0.96) return pick(r, SPECIAL);
  return pick(r, LONG);
}

// Valid layers name directories and files apart, so most of them apply; hostile ones mix them up.
const LEAVES = ['f', 'g', 'h'];

function pathName(r: Rand, hostile: boolean, leaf = false): string {
  const depth = 1 + Math.floor(r() * r() * 4);
  const parts = Array.from({ length: depth }, () => component(r, hostile));
  if (leaf && !(hostile && chance(r, 0.3))) parts[depth - 1] = pick(r, LEAVES);
  let name = parts.join('/');
  if (!leaf && chance(r, 0.03)) return pick(r, ['.', './', '/', '']); // the root itself
  if (hostile && chance(r, 0.08)) name = '/' + name;
  if (chance(r, 0.1)) name = './' + name;
  // A whole path over the limits: 15 components of 250 bytes (3764) or 17 (4266).
  if (hostile && chance(r, 0.01)) name = Array.from({ length: pick(r, [13, 15, 17]) }, () => 'p'.repeat(250)).join('/') + '/f';
  return name;
}

function linkTarget(r: Rand, hostile: boolean): string {
  const x = r();
  if (x < 0.5) return pathName(r, false);
  if (x < 0.6) return '/' + pathName(r, false);
  if (x < 0.7) return '../' + pathName(r, false);
  if (x < 0.8) return '../../../' + pick(r, SHORT);
  if (x < 0.85) return '.';
  if (!hostile) return pick(r, SHORT);
  if (x < 0.9) return pathName(r, true);
  if (x < 0.94) return 'n'.repeat(pick(r, [4095, 4096]));
  return pick(r, ['', 'a/../..', '/', LONG[2]]);
}

/** The whiteout of what an earlier entry (or layer) wrote, or the opaque marker of its directory. */
function markerFor(r: Rand, entry: GenEntry, hostile: boolean): string {
  const clean = entry.name.split('/').filter((p) => p !== '' && p !== '.');
  if (clean.length === 0) return '.wh..wh..opq';
  if ((entry.typeflag === '5' || hostile) && chance(r, 0.3)) return [...clean, '.wh..wh..opq'].join('/');
  return [...clean.slice(0, -1), `.wh.${clean[clean.length - 1]}`].join('/');
}

/**
 * A layer's entries: mostly valid, some hostile. `below` are the entries of the layers under it:
 * names to whiteout, make opaque, replace, write beneath, or hardlink to across layers.
 */
export function genEntries(r: Rand, hostile: boolean, below: GenEntry[] = []): GenEntry[] {
  const n = 1 + Math.floor(r() * 10);
  const out: GenEntry[] = [];
  for (let i = 0; i < n; i++) {
    const style = pick(r, ['ustar', 'ustar', 'pax', 'gnu'] as const);
    const known = [...below, ...out];
    if (known.length > 0 && chance(r, 0.12)) {
      out.push({ typeflag: '0', name: markerFor(r, pick(r, known), hostile), mode: 0o644, content: '', style });
      continue;
    }
    // Reuse an earlier name now and then: duplicates, a file replaced by a directory, a lower
    // layer's symlink or file written through or beneath.
    const x = r();
    const reuse = known.length > 0 && chance(r, 0.2) ? pick(r, known) : undefined;
    const beneath = reuse !== undefined && (reuse.typeflag === '5' || reuse.typeflag === '2' || hostile) && chance(r, 0.4);
    const name = reuse === undefined ? pathName(r, hostile, x < 0.4 || x >= 0.62) : beneath ? `${reuse.name}/${pick(r, LEAVES)}` : reuse.name;
    if (x < 0.4) out.push({ typeflag: '0', name, mode: pick(r, FILE_MODES), content: pick(r, ['', 'x', 'hello\n', 'é'.repeat(300)]), style });
    else if (x < 0.62) out.push({ typeflag: '5', name, mode: pick(r, DIR_MODES), style });
    else if (x < 0.8) out.push({ typeflag: '2', name, link: linkTarget(r, hostile), mode: 0o777, style });
    else if (x < 0.93) {
      // Mostly to a file named earlier (valid), else anywhere (often missing, a directory, out of the root).
      const files = known.filter((o) => o.typeflag === '0' && !o.name.split('/').some((p) => p.startsWith('.wh.')));
      const target = files.length > 0 && chance(r, 0.85) ? pick(r, files).name : out.length > 0 && chance(r, 0.5) ? pick(r, out).name : linkTarget(r, hostile);
      out.push({ typeflag: '1', name, link: target, mode: 0o644, style });
    } else out.push({ typeflag: hostile ? pick(r, ['3', '6', 'Z']) : '6', name, mode: 0o644, style });
  }
  return out;
}

/** The tar bytes of these entries; `mutate` breaks one header's checksum or cuts the archive short. */
export function encodeLayer(entries: GenEntry[], mutate?: { kind: 'checksum' | 'truncate'; at: number }): Uint8Array {
  const parts: Uint8Array[] = [];
  entries.forEach((e, i) => {
    const name = e.typeflag === '5' && !e.name.endsWith('/') ? e.name + '/' : e.name;
    const link = e.link ?? '';
    const content = enc.encode(e.content ?? '');
    const longName = enc.encode(name).length > 100;
    const longLink = enc.encode(link).length > 100;
    if (e.style === 'pax' && (longName || longLink)) {
      const records: Record<string, string> = {};
      if (longName) records.path = name;
      if (longLink) records.linkpath = link;
      const data = paxData(records);
      parts.push(rawHeader({ name: 'PaxHeaders/x', typeflag: 'x', size: data.length }), rawData(data));
    } else if (longName || longLink) {
      // GNU long names for 'gnu', and for 'ustar' too: a ustar name cannot hold them.
      if (longName) parts.push(rawHeader({ name: '././@LongLink', typeflag: 'L', size: enc.encode(name).length + 1 }), rawData(concat(enc.encode(name), new Uint8Array(1))));
      if (longLink) parts.push(rawHeader({ name: '././@LongLink', typeflag: 'K', size: enc.encode(link).length + 1 }), rawData(concat(enc.encode(link), new Uint8Array(1))));
    }
    const size = e.typeflag === '0' ? content.length : 0;
    parts.push(rawHeader({ name: longName ? 'x' : name, typeflag: e.typeflag, size, mode: e.mode, linkname: longLink ? 'x' : link, badChecksum: mutate?.kind === 'checksum' && mutate.at === i }));
    if (size > 0) parts.push(rawData(content));
  });
  parts.push(END);
  const bytes = concat(...parts);
  return mutate?.kind === 'truncate' ? bytes.subarray(0, Math.min(bytes.length - 1, mutate.at * 512 + 100)) : bytes;
}

/** One case: a stack of layers (the last one is the one under test) as tar bytes. */
export function genCase(seed: number): { layers: Uint8Array[]; describe: () => string } {
  const r = random(seed);
  const count = 1 + Math.floor(r() * 3);
  const hostile = chance(r, 0.5);
  const specs: GenEntry[][] = [];
  for (let i = 0; i < count; i++) specs.push(genEntries(r, hostile, specs.flat()));
  const last = specs[count - 1];
  const mutate = hostile && chance(r, 0.04) ? { kind: pick(r, ['checksum', 'truncate'] as const), at: Math.floor(r() * last.length) } : undefined;
  const layers = specs.map((s, i) => encodeLayer(s, i === count - 1 ? mutate : undefined));
  const describe = () =>
    specs
      .map((s, i) => `layer ${i}:\n` + s.map((e) => `  ${e.typeflag} ${e.style} ${JSON.stringify(e.name.length > 60 ? e.name.slice(0, 60) + `...(${e.name.length})` : e.name)} ${e.link === undefined ? '' : '-> ' + JSON.stringify(e.link.slice(0, 60))} ${e.mode.toString(8)}`).join('\n'))
      .join('\n') + (mutate ? `\nmutated: ${mutate.kind} at ${mutate.at}` : '');
  return { layers, describe };
}
