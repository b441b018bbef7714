import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { writeTar, tarChunks, LAYER_EPOCH } from '../../../engine/tar/tar-writer.ts';
import { readTar } from '../../../engine/tar/tar-reader.ts';
import type { TarEntry } from '../../../engine/tar/tar-entry.ts';
import { sha256 } from '../../../engine/oci/digest.ts';
import { isEngineError } from '../../../engine/errors.ts';

const enc = new TextEncoder();

/** A small but complete root file system: every entry kind, long and non-ASCII names. */
function goldenEntries(): TarEntry[] {
  return [
    { type: 'dir', path: 'bin', mode: 0o700 },
    { type: 'file', path: 'bin/sh', mode: 0o4711, content: enc.encode('\0asm fake shell') },
    { type: 'symlink', path: 'bin/ls', target: 'sh' },
    { type: 'hardlink', path: 'bin/busybox', target: 'bin/sh' },
    { type: 'dir', path: 'etc' },
    { type: 'file', path: 'etc/hostname', mode: 0o600, content: enc.encode('box\n') },
    { type: 'file', path: 'etc/.wh.motd', content: new Uint8Array(0) },
    { type: 'symlink', path: 'etc/escape', target: '../../../../etc/passwd' },
    { type: 'file', path: 'tmp/' + 'deep/'.repeat(30) + 'file', content: enc.encode('x'.repeat(700)) },
    { type: 'file', path: 'home/zoë/notes.txt', content: enc.encode('héllo') },
    { type: 'symlink', path: 'home/long', target: '/' + 'target/'.repeat(20) },
  ];
}

// Committed: change it only with a deliberate, explained change of the layer format.
const GOLDEN_DIGEST = 'sha256:25e5c32205185568eb37ac7111e79f2ff0f982ae470a069cde1d7f9d40199f73';

async function entriesOf(bytes: Uint8Array): Promise<TarEntry[]> {
  const out: TarEntry[] = [];
  for await (const e of readTar(bytes)) out.push(e);
  return out;
}

describe('deterministic tar writer', () => {
  it('golden vector: the same entries give the committed digest', () => {
    expect(sha256(writeTar(goldenEntries()))).toBe(GOLDEN_DIGEST);
  });

  it('gives byte-identical output whatever the input order', () => {
    const a = writeTar(goldenEntries());
    const b = writeTar(goldenEntries().reverse());
    expect(b).toEqual(a);
  });

  it('streams the same bytes as it writes whole', () => {
    const parts = [...tarChunks(goldenEntries())];
    const joined = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    parts.reduce((o, p) => (joined.set(p, o), o + p.length), 0);
    expect(joined).toEqual(writeTar(goldenEntries()));
  });

  it('sorts parents before children, normalises modes and owners, fixes mtime', () => {
    const listing = execFileSync('tar', ['--numeric-owner', '--full-time', '-tvf', '-'], { input: writeTar(goldenEntries()) }).toString();
    const lines = listing.trim().split('\n');
    expect(lines[0]).toMatch(/^drwxr-xr-x 0\/0 +0 1970-01-01 00:00:00 bin\/$/);
    expect(listing).toContain('-rwxr-xr-x 0/0              15 1970-01-01 00:00:00 bin/sh');
    expect(listing).toContain('-rw-r--r-- 0/0               4 1970-01-01 00:00:00 etc/hostname');
    expect(listing).toContain('lrwxrwxrwx 0/0               0 1970-01-01 00:00:00 bin/ls -> sh');
    expect(listing).toContain('bin/busybox link to bin/sh');
    expect(listing).toContain('home/zoë/notes.txt');
    const names = lines.map((l) => l.split(' ').find((w, i, all) => i > 0 && all[i - 1].match(/^\d\d:\d\d:\d\d$/))!);
    expect(names).toEqual([...names].sort());
    expect(LAYER_EPOCH).toBe(0);
  });

  it('uses pax headers only for names that do not fit ustar, never times', () => {
    const tar = writeTar(goldenEntries());
    const text = new TextDecoder('latin1').decode(tar);
    expect(text).toContain('path=home/zoë/notes.txt'.replace('ë', '\u00c3\u00ab'));
    expect(text).toContain('linkpath=/target/');
    expect(text).not.toMatch(/atime|ctime|mtime=/);
    // 185-byte ASCII name: fits ustar's prefix + name split, so no pax record for it.
    expect(text).not.toContain('path=tmp/');
  });

  it('round-trips through the reader', async () => {
    const read = await entriesOf(writeTar(goldenEntries()));
    expect(read.map((e) => e.path)).toContain('tmp/' + 'deep/'.repeat(30) + 'file');
    const shell = read.find((e) => e.path === 'bin/sh');
    expect(shell).toMatchObject({ type: 'file', mode: 0o755 });
    expect(read.find((e) => e.path === 'home/long')).toMatchObject({ type: 'symlink', target: '/' + 'target/'.repeat(20) });
    expect(read.find((e) => e.path === 'etc/')).toMatchObject({ type: 'dir', mode: 0o755 });
  });

  it('refuses duplicate and unclean paths', () => {
    const dup = () => writeTar([{ type: 'dir', path: 'a' }, { type: 'file', path: 'a', content: new Uint8Array() }]);
    expect(dup).toThrow(/duplicate entry "a"/);
    for (const path of ['/etc', '../x', 'a//b', 'a/./b', '']) {
      try {
        writeTar([{ type: 'dir', path }]);
        expect.unreachable(path);
      } catch (e) {
        expect(isEngineError(e, 'invalid-argument')).toBe(true);
      }
    }
  });

  it('writes an empty layer as two zero blocks', () => {
    expect(writeTar([])).toEqual(new Uint8Array(1024));
  });
});
