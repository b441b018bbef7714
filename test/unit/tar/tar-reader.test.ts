import { describe, it, expect } from 'vitest';
import { readTar, type TarBudget } from '../../../engine/tar/tar-reader.ts';
import { writeTar } from '../../../engine/tar/tar-writer.ts';
import type { TarEntry } from '../../../engine/tar/tar-entry.ts';
import { gzipSync } from 'fflate';
import { concat, END, paxData, rawData, rawFile, rawHeader } from './raw-tar.ts';

const enc = new TextEncoder();

async function read(source: Uint8Array | AsyncIterable<Uint8Array>, budget?: Partial<TarBudget>): Promise<TarEntry[]> {
  const out: TarEntry[] = [];
  for await (const e of readTar(source, budget)) out.push(e);
  return out;
}

async function failure(source: Uint8Array | AsyncIterable<Uint8Array>, budget?: Partial<TarBudget>): Promise<{ code: string; message: string }> {
  try {
    await read(source, budget);
  } catch (e) {
    return e as { code: string; message: string };
  }
  throw new Error('expected the archive to be refused');
}

async function* inChunks(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe('tar reader: formats', () => {
  it('reads ustar prefix names, pax path/linkpath/size and GNU long names', async () => {
    const longName = 'x/'.repeat(150) + 'end';
    const tar = concat(
      rawFile('name.txt', 'hello', { prefix: 'some/prefix' }),
      rawHeader({ name: 'PaxHeader', typeflag: 'x', size: paxData({ path: longName, linkpath: 'far/away' }).length }),
      rawData(paxData({ path: longName, linkpath: 'far/away' })),
      rawHeader({ name: 'short', typeflag: '2', linkname: 'ignored' }),
      rawHeader({ name: '././@LongLink', typeflag: 'L', size: 301 }),
      rawData('g/'.repeat(150) + '\0'),
      rawFile('trunc', 'gnu'),
      END,
    );
    const entries = await read(tar);
    expect(entries).toEqual([
      { type: 'file', path: 'some/prefix/name.txt', mode: 0o644, content: enc.encode('hello'), mtime: 0 },
      { type: 'symlink', path: longName, target: 'far/away', mode: 0o644, mtime: 0 },
      { type: 'file', path: 'g/'.repeat(150), mode: 0o644, content: enc.encode('gnu'), mtime: 0 },
    ]);
  });

  it('keeps each entry\'s modification time: the header\'s, or a pax mtime over it; an unreadable one is left out', async () => {
    const garbled = rawHeader({ name: 'garbled', mtime: 1 });
    garbled.set(new TextEncoder().encode('not octal!!'), 136);
    garbled.fill(0x20, 148, 156);
    garbled.set(new TextEncoder().encode(garbled.reduce((a, b) => a + b, 0).toString(8).padStart(6, '0') + '\0'), 148);
    const tar = concat(
      rawFile('old', 'x', { mtime: 1700000000 }),
      rawHeader({ name: 'dir/', typeflag: '5', mtime: 86400 }),
      rawHeader({ name: 'PaxHeader', typeflag: 'x', size: paxData({ mtime: '1700000123.25' }).length }),
      rawData(paxData({ mtime: '1700000123.25' })),
      rawHeader({ name: 'link', typeflag: '2', linkname: 'old', mtime: 5 }),
      garbled,
      END,
    );
    const entries = await read(tar);
    expect(entries.map((e) => [e.path, 'mtime' in e ? e.mtime : 'none'])).toEqual([
      ['old', 1700000000],
      ['dir/', 86400],
      ['link', 1700000123.25],
      ['garbled', 'none'],
    ]);
  });

  it('gives the same entries however the stream is chunked', async () => {
    const tar = writeTar([
      { type: 'file', path: 'a', content: new Uint8Array(1500).fill(7) },
      { type: 'dir', path: 'b' },
    ]);
    const whole = await read(tar);
    for (const size of [1, 7, 511, 512, 513, 4096]) expect(await read(inChunks(tar, size))).toEqual(whole);
  });

  it('HOSTILE 10: device nodes and FIFOs are reported as skipped, never as files', async () => {
    const tar = concat(rawHeader({ name: 'dev/null', typeflag: '3' }), rawHeader({ name: 'dev/sda', typeflag: '4' }), rawHeader({ name: 'run/fifo', typeflag: '6' }), rawFile('ok', 'x'), END);
    const entries = await read(tar);
    expect(entries.map((e) => [e.type, e.path, e.type === 'skipped' ? e.reason : ''])).toEqual([
      ['skipped', 'dev/null', 'character device'],
      ['skipped', 'dev/sda', 'block device'],
      ['skipped', 'run/fifo', 'FIFO'],
      ['file', 'ok', ''],
    ]);
  });
});

describe('tar reader: HOSTILE 12 (truncated, corrupt, compressed)', () => {
  const good = writeTar([{ type: 'file', path: 'a', content: enc.encode('x'.repeat(1000)) }]);

  it('a tar cut inside an entry is refused as truncated', async () => {
    const e = await failure(good.subarray(0, 700));
    expect(e.code).toBe('invalid-content');
    expect(e.message).toMatch(/truncated entry/);
  });

  it('a tar without its end-of-archive marker is refused', async () => {
    const e = await failure(good.subarray(0, good.length - 1024));
    expect(e.message).toMatch(/without the end-of-archive marker/);
  });

  it('a bad header checksum is refused', async () => {
    const e = await failure(concat(rawFile('a', 'x', { badChecksum: true }), END));
    expect(e).toMatchObject({ code: 'invalid-content' });
    expect(e.message).toMatch(/checksum mismatch/);
  });

  it('trailing garbage after the end blocks is refused; trailing zeros are fine', async () => {
    expect(await read(concat(good, new Uint8Array(10240)))).toHaveLength(1);
    const e = await failure(concat(good, new Uint8Array(100), enc.encode('evil')));
    expect(e.message).toMatch(/trailing garbage/);
  });

  it('gzip where an uncompressed tar is expected is refused with a clear message', async () => {
    const e = await failure(gzipSync(good));
    expect(e.code).toBe('invalid-content');
    expect(e.message).toMatch(/gzip-compressed data where an uncompressed tar was expected/);
  });

  it('an empty stream and random bytes are refused', async () => {
    expect((await failure(new Uint8Array(0))).message).toMatch(/empty archive/);
    expect((await failure(new Uint8Array(512).fill(0x41))).code).toBe('invalid-content');
  });

  it('a malformed pax record is refused', async () => {
    const bad = enc.encode('999 path=x\n');
    const e = await failure(concat(rawHeader({ name: 'p', typeflag: 'x', size: bad.length }), rawData(bad), rawFile('a'), END));
    expect(e.message).toMatch(/malformed pax record/);
  });
});

describe('tar reader: HOSTILE 11 (budgets)', () => {
  it('too many entries: stopped at maxEntries, without reading the rest', async () => {
    async function* endless(): AsyncGenerator<Uint8Array> {
      for (let i = 0; ; i++) yield rawFile(`f${i}`);
    }
    const e = await failure(endless(), { maxEntries: 1000 });
    expect(e.code).toBe('resource-exhausted');
    expect(e.message).toMatch(/more than 1000 entries \(maxEntries = 1000\)/);
  });

  it('10^6 entries are stopped by the default budget', async () => {
    async function* million(): AsyncGenerator<Uint8Array> {
      const block = rawFile('f');
      for (let i = 0; i < 1_000_000; i++) yield block;
    }
    const e = await failure(million());
    expect(e.message).toMatch(/maxEntries/);
  }, 60_000);

  it('a path of 4 KiB is refused (maxPathLength)', async () => {
    const path = 'a'.repeat(4096);
    const pax = paxData({ path });
    const e = await failure(concat(rawHeader({ name: 'p', typeflag: 'x', size: pax.length }), rawData(pax), rawFile('x'), END));
    expect(e).toMatchObject({ code: 'resource-exhausted' });
    expect(e.message).toMatch(/path of 4096 bytes \(maxPathLength = 4095\)/);
  });

  it('a path 1,000 levels deep is refused (maxPathDepth)', async () => {
    const pax = paxData({ path: 'd/'.repeat(999) + 'f' });
    const e = await failure(concat(rawHeader({ name: 'p', typeflag: 'x', size: pax.length }), rawData(pax), rawFile('x'), END));
    expect(e.message).toMatch(/1000 levels deep \(maxPathDepth = 256\)/);
  });

  it('a 1 GiB pax header is refused from its declared size, before reading it', async () => {
    const e = await failure(concat(rawHeader({ name: 'p', typeflag: 'x', size: 1024 ** 3 }), END));
    expect(e).toMatchObject({ code: 'resource-exhausted' });
    expect(e.message).toMatch(/extended header of 1073741824 bytes \(maxPaxHeaderSize = 1048576\)/);
  });

  it('a GNU long name beyond the header budget is refused', async () => {
    const e = await failure(concat(rawHeader({ name: '././@LongLink', typeflag: 'L', size: 2 * 1024 * 1024 }), END));
    expect(e.message).toMatch(/maxPaxHeaderSize/);
  });

  it('an archive larger than maxTotalBytes is stopped', async () => {
    const tar = writeTar([{ type: 'file', path: 'big', content: new Uint8Array(10_000) }]);
    const e = await failure(tar, { maxTotalBytes: 5000 });
    expect(e).toMatchObject({ code: 'resource-exhausted' });
    expect(e.message).toMatch(/maxTotalBytes = 5000/);
  });

  it('endless trailing zeros are stopped by maxTotalBytes too', async () => {
    async function* zeros(): AsyncGenerator<Uint8Array> {
      for (;;) yield new Uint8Array(65536);
    }
    const e = await failure(zeros(), { maxTotalBytes: 1_000_000 });
    expect(e.message).toMatch(/maxTotalBytes/);
  });
});
