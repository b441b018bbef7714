/**
 * Parity of hostile layers: both engines apply a layer with the same rules
 * (engine/layers/layer-ops.ts) and say the same when one is refused - in the layer's own words,
 * never `internal`, never a path of the kernel service's data root.
 */
import { describe, expect } from 'vitest';
import type { TarEntry } from '../../engine/tar/tar-entry.ts';
import { dockerArchive, fileEntry } from '../unit/core/support/docker-archive.ts';
import { parityIt } from './open-differences.ts';
import { expectSame, useParity } from './parity-harness.ts';

const h = useParity([]);
const file = fileEntry;

/** `docker load` reads the archive on stdin, which the harness takes as text: the bytes are ASCII. */
function archive(tag: string, layers: TarEntry[][]): string {
  const bytes = dockerArchive(tag, layers);
  expect(bytes.every((b) => b < 0x80)).toBe(true);
  return new TextDecoder().decode(bytes);
}

describe('hostile layers', () => {
  parityIt('an entry beneath a regular file of a lower layer: load refuses it in the same words, and keeps nothing', async () => {
    const r = await h.both(['load'], { stdin: archive('hostile:under-file', [[file('a', 'x')], [file('a/b', 'y')]]) });
    expectSame(r);
    expect(r.kernel.code).toBe(1);
    expect(r.kernel.stderr).toContain('invalid layer: cannot create "a/b": "a" is not a directory');
    expect(r.kernel.stderr).not.toMatch(/internal|\/tmp\/|dockyard-/);
    expectSame(await h.both(['image', 'inspect', '-f', '{{.Id}}', 'hostile:under-file']));
  });

  parityIt('a whiteout beneath a regular file is refused the same way', async () => {
    const r = await h.both(['load'], { stdin: archive('hostile:whiteout', [[file('a', 'x')], [file('a/.wh.b')]]) });
    expectSame(r);
    expect(r.kernel.stderr).toContain('"a" is not a directory');
  });

  parityIt('a name component of 256 bytes is refused at load; 255 loads and runs into the same tree', async () => {
    const r = await h.both(['load'], { stdin: archive('hostile:long', [[file(`d/${'n'.repeat(256)}`)]]) });
    expectSame(r);
    expect(r.kernel.code).toBe(1);
    expect(r.kernel.stderr).toContain('file name too long (a component of more than 255 bytes)');
    const ok = await h.both(['load'], { stdin: archive('fine:long', [[file(`d/${'n'.repeat(255)}`)]]) });
    expectSame(ok);
    expect(ok.kernel.stdout).toBe('Loaded image: fine:long\n');
  });
});
