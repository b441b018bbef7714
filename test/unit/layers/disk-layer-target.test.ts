// The Linux host's disk writer: what a hostile layer or a failing disk tells the user.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyLayerOps, layerOps } from '../../../engine/layers/layer-ops.ts';
import { readTar } from '../../../engine/tar/tar-reader.ts';
import { diskLayerTarget } from '../../../kernel-node/store/disk-layer-target.ts';
import { concat, END, rawData, rawFile, rawHeader } from '../tar/raw-tar.ts';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'disk-layer-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const apply = (dir: string, tar: Uint8Array) => applyLayerOps(diskLayerTarget(dir), layerOps(readTar(tar)));

describe('diskLayerTarget', () => {
  it('an entry beneath a regular file of a lower layer is an invalid layer, in the layer\'s words', async () => {
    await apply(root, concat(rawFile('a', 'x'), END));
    for (const name of ['a/b', 'a/.wh.b', 'a/b/c']) {
      const err = await apply(root, concat(rawFile(name, 'y'), END)).catch((e: Error) => e);
      expect(err).toMatchObject({ code: 'invalid-content', message: expect.stringContaining('"a" is not a directory') });
      expect((err as Error).message).not.toContain(root);
    }
  });

  it('a name of 256 bytes is refused before the disk sees it; 255 is written', async () => {
    const gnuLong = (name: string) => {
      const bytes = new TextEncoder().encode(name + '\0');
      return concat(rawHeader({ name: '././@LongLink', typeflag: 'L', size: bytes.length }), rawData(bytes), rawHeader({ name: 'x' }), END);
    };
    await expect(apply(root, gnuLong(`d/${'n'.repeat(256)}`))).rejects.toMatchObject({ code: 'invalid-content', message: expect.stringContaining('file name too long') });
    await apply(root, gnuLong(`d/${'n'.repeat(255)}`));
    expect((await stat(join(root, 'd', 'n'.repeat(255)))).isFile()).toBe(true);
  });

  it('a fault of the host names the path inside the layer, never the host directory', async () => {
    const gone = join(root, 'missing');
    const err = await apply(gone, concat(rawHeader({ name: 'sub/', typeflag: '5', mode: 0o755 }), END)).catch((e: Error) => e);
    expect(err).toMatchObject({ code: 'internal', message: 'mkdir "/sub": no such file or directory' });
  });
});
