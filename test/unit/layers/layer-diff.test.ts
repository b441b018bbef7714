import { describe, it, expect } from 'vitest';
import { applyLayer } from '../../../engine/layers/apply-layer.ts';
import { FileTree } from '../../../engine/layers/file-tree.ts';
import { diffEntries, diffLayer, diffTrees } from '../../../engine/layers/layer-diff.ts';
import { mergeLayers } from '../../../engine/layers/merged-view.ts';
import { readTar } from '../../../engine/tar/tar-reader.ts';
import type { TarEntry } from '../../../engine/tar/tar-entry.ts';

const enc = new TextEncoder();

function base(): FileTree {
  const t = new FileTree();
  t.mkdir('etc');
  t.writeFile('etc/hostname', enc.encode('box\n'));
  t.writeFile('etc/motd', enc.encode('hi\n'));
  t.mkdir('bin');
  t.writeFile('bin/sh', enc.encode('\0asm'), 0o755);
  t.symlink('bin/ls', 'sh');
  t.mkdir('var/cache');
  t.writeFile('var/cache/a', enc.encode('a'));
  t.writeFile('var/cache/b', enc.encode('b'));
  return t;
}

/** A container's work on top of base(): add, change, delete, chmod, retarget, rm -rf && mkdir. */
function changed(): FileTree {
  const t = base().clone();
  t.writeFile('etc/hostname', enc.encode('web\n'));
  t.writeFile('etc/new.conf', enc.encode('x=1'));
  t.remove('etc/motd');
  t.writeFile('bin/sh', enc.encode('\0asm'), 0o644);
  t.symlink('bin/ls', '/bin/sh');
  t.remove('var/cache');
  t.mkdir('var/cache');
  t.writeFile('var/cache/c', enc.encode('c'));
  t.mkdir('srv/app');
  t.writeFile('srv/app/main.wasm', enc.encode('\0asm app'));
  return t;
}

async function read(tar: Uint8Array): Promise<TarEntry[]> {
  const out: TarEntry[] = [];
  for await (const e of readTar(tar)) out.push(e);
  return out;
}

describe('diffTrees: docker diff', () => {
  it('lists changes sorted by path with changed parents, like docker diff', () => {
    expect(diffTrees(base(), changed()).map((c) => `${c.kind} ${c.path}`)).toEqual([
      'C /bin',
      'C /bin/ls',
      'C /bin/sh',
      'C /etc',
      'C /etc/hostname',
      'D /etc/motd',
      'A /etc/new.conf',
      'A /srv',
      'A /srv/app',
      'A /srv/app/main.wasm',
      'C /var',
      'C /var/cache',
      'D /var/cache/a',
      'D /var/cache/b',
      'A /var/cache/c',
    ]);
  });

  it('is empty for equal trees, even built separately', () => {
    expect(diffTrees(base(), base())).toEqual([]);
  });

  it('a deleted directory is one D line', () => {
    const t = base().clone();
    t.remove('var');
    expect(diffTrees(base(), t)).toEqual([{ path: '/var', kind: 'D' }]);
  });
});

describe('diffLayer: trees into a deterministic layer', () => {
  it('writes whiteouts for deletions and an opaque marker for a directory replaced wholesale', async () => {
    const entries = (await read(diffLayer(base(), changed()).tar)).map((e) => `${e.type} ${e.path}`);
    expect(entries).toEqual([
      'dir bin/',
      'symlink bin/ls',
      'file bin/sh',
      'dir etc/',
      'file etc/.wh.motd',
      'file etc/hostname',
      'file etc/new.conf',
      'dir srv/',
      'dir srv/app/',
      'file srv/app/main.wasm',
      'dir var/',
      'dir var/cache/',
      'file var/cache/.wh..wh..opq',
      'file var/cache/c',
    ]);
  });

  it('applying the diff to the lower tree gives the upper tree back', async () => {
    const { tar } = diffLayer(base(), changed());
    const { tree } = await applyLayer(base(), tar);
    expect(diffTrees(tree, changed())).toEqual([]);
  });

  it('golden vector: the same change set gives the same bytes and diff_id every run', () => {
    const a = diffLayer(base(), changed());
    const b = diffLayer(base(), changed());
    expect(b.tar).toEqual(a.tar);
    expect(a.diffId).toBe('sha256:3e43210ea18e7b5582048059ea76c3149b4a0299e5626cb5089028433b9e05ef');
  });

  it('removing the only file of a directory is a whiteout, not an opaque marker', () => {
    const t = base().clone();
    t.remove('var/cache/a');
    t.remove('var/cache/b');
    expect(diffEntries(base(), t).map((e) => e.path)).toEqual(['var', 'var/cache', 'var/cache/.wh.a', 'var/cache/.wh.b']);
  });
});

describe('mergeLayers: where each path comes from', () => {
  const file = (path: string, content: string): TarEntry => ({ type: 'file', path, content: enc.encode(content) });

  it('tells the origin layer of each path and the per-layer figures, with wasted bytes', async () => {
    const view = await mergeLayers([
      [file('app/big.bin', 'x'.repeat(1000)), file('app/config', 'v1'), file('keep', 'k')],
      [file('app/config', 'v2-longer'), file('.wh.keep', '')],
      [file('app/.wh.big.bin', ''), file('tmp/twice', '12345'), file('tmp/twice', '6')],
    ]);
    expect(view.origin('app/config')).toBe(1);
    expect(view.origin('tmp/twice')).toBe(2);
    expect(view.origin('keep')).toBeUndefined();
    expect(view.layers.map(({ added, changed, deleted, bytes, wastedBytes }) => ({ added, changed, deleted, bytes, wastedBytes }))).toEqual([
      { added: 4, changed: 0, deleted: 0, bytes: 1003, wastedBytes: 1003 },
      { added: 0, changed: 1, deleted: 1, bytes: 9, wastedBytes: 0 },
      { added: 2, changed: 0, deleted: 1, bytes: 1, wastedBytes: 5 },
    ]);
    expect(view.wastedBytes).toBe(1008);
  });
});
