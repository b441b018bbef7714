import { describe, it, expect } from 'vitest';
import { applyLayer } from '../../../engine/layers/apply-layer.ts';
import { FileTree } from '../../../engine/layers/file-tree.ts';
import type { TarEntry } from '../../../engine/tar/tar-entry.ts';
import { writeTar } from '../../../engine/tar/tar-writer.ts';
import { concat, END, rawFile, rawHeader } from '../tar/raw-tar.ts';

const enc = new TextEncoder();
const text = (s: string) => enc.encode(s);
const file = (path: string, content = '', mode?: number): TarEntry => ({ type: 'file', path, content: text(content), ...(mode ? { mode } : {}) });
const dir = (path: string, mode?: number): TarEntry => ({ type: 'dir', path, ...(mode ? { mode } : {}) });
const symlink = (path: string, target: string): TarEntry => ({ type: 'symlink', path, target });
const hardlink = (path: string, target: string): TarEntry => ({ type: 'hardlink', path, target });

async function stack(...layers: TarEntry[][]): Promise<FileTree> {
  let tree = new FileTree();
  for (const [i, entries] of layers.entries()) tree = (await applyLayer(tree, entries, { layer: i })).tree;
  return tree;
}

/** `path -> description` for every node: what a user would see with `find`. */
function listing(tree: FileTree): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [p, n] of tree.walk()) out[p] = n.type === 'file' ? `file:${new TextDecoder().decode(n.content)}` : n.type === 'symlink' ? `-> ${n.target}` : 'dir';
  return out;
}

async function refused(tree: FileTree, entries: TarEntry[] | Uint8Array, pattern: RegExp): Promise<void> {
  const before = listing(tree);
  await expect(applyLayer(tree, entries)).rejects.toMatchObject({ code: 'invalid-content', message: expect.stringMatching(pattern) });
  expect(listing(tree)).toEqual(before);
}

describe('HOSTILE 1: entry names that climb out', () => {
  it.each(['../x', '/../x', 'a/../../x', './../x'])('%s is rejected, nothing applied', async (name) => {
    const lower = await stack([file('keep', 'k')]);
    await refused(lower, [file('first', 'written before the bad entry'), file(name, 'evil')], /points outside the root/);
  });

  it('an absolute name is written inside the root', async () => {
    expect(listing(await stack([file('/etc/passwd', 'root:x:0:0')]))).toEqual({ etc: 'dir', 'etc/passwd': 'file:root:x:0:0' });
  });

  it('the same refusal from raw tar bytes', async () => {
    await refused(new FileTree(), concat(rawFile('ok', 'fine'), rawFile('../../etc/passwd', 'evil'), END), /outside the root/);
  });
});

describe('HOSTILE 2, 5: writing through symlinks stays inside the root', () => {
  it.each(['/etc', '../../../etc', '/../../etc/', 'sub/../../../../etc'])('l -> %s, then l/f lands at etc/f', async (target) => {
    const tree = await stack([dir('etc'), symlink('l', target), file('l/f', 'data')]);
    expect(listing(tree)).toEqual({ etc: 'dir', 'etc/f': 'file:data', l: `-> ${target}` });
  });

  it('across layers: a lower directory d becomes a symlink to /etc, then d/f', async () => {
    const tree = await stack([file('d/keep', 'k'), dir('etc')], [symlink('d', '/etc'), file('d/f', 'x')]);
    expect(listing(tree)).toEqual({ d: '-> /etc', etc: 'dir', 'etc/f': 'file:x' });
  });

  it('a symlink loop is an invalid layer, not a hang', async () => {
    await refused(await stack([symlink('a', 'b'), symlink('b', 'a')]), [file('a/f')], /too many levels of symbolic links/);
  });
});

describe('HOSTILE 3: hardlinks', () => {
  it.each(['../x', '/../x'])('a hardlink to %s is rejected', async (target) => {
    await refused(await stack([file('x', 'x')]), [hardlink('h', target)], /outside the root/);
  });

  it('a hardlink to /x means the root\'s x', async () => {
    const tree = await stack([file('x', 'data')], [hardlink('h', '/x')]);
    expect(listing(tree)).toMatchObject({ h: 'file:data', x: 'file:data' });
  });

  it('a hardlink to a missing file or a directory is rejected', async () => {
    await refused(new FileTree(), [hardlink('h', 'nope')], /does not exist/);
    await refused(await stack([dir('d')]), [hardlink('h', 'd')], /points to a directory/);
  });

  it('writing the link path later replaces it and never changes the original', async () => {
    const tree = await stack([file('etc/shadow', 'secret')], [hardlink('h', 'etc/shadow'), file('h', 'overwritten')]);
    expect(listing(tree)).toMatchObject({ 'etc/shadow': 'file:secret', h: 'file:overwritten' });
  });

  it('a hardlink through a symlinked parent is resolved inside the root', async () => {
    const tree = await stack([file('etc/passwd', 'inside'), symlink('l', '../../..')], [hardlink('h', 'l/etc/passwd')]);
    expect(listing(tree).h).toBe('file:inside');
  });
});

describe('HOSTILE 4: chmod through a symlink', () => {
  it('a directory entry over a symlink replaces the link; the target keeps its mode', async () => {
    const tree = await stack([dir('etc', 0o755), symlink('l', '/etc')], [dir('l', 0o700)]);
    expect(tree.lstat('etc')).toMatchObject({ type: 'dir', mode: 0o755 });
    expect(tree.lstat('l')).toMatchObject({ type: 'dir', mode: 0o700 });
  });
});

describe('HOSTILE 6: invalid whiteouts', () => {
  it.each(['.wh..', '.wh...', 'd/.wh..', 'd/.wh.'])('%s is an invalid layer and the parent is untouched', async (name) => {
    await refused(await stack([file('d/keep', 'k'), file('top', 't')]), [file(name)], /whiteout .* names no file/);
  });

  it('.wh.link removes the link, not its target', async () => {
    const tree = await stack([file('etc/target', 't'), symlink('link', '/etc/target')], [file('.wh.link')]);
    expect(listing(tree)).toEqual({ etc: 'dir', 'etc/target': 'file:t' });
  });

  it('a whiteout under a symlinked directory removes inside the root', async () => {
    const tree = await stack([file('etc/motd', 'm'), symlink('l', '/etc')], [file('l/.wh.motd')]);
    expect(listing(tree)).toEqual({ etc: 'dir', l: '-> /etc' });
  });

  it('a whiteout never removes what the same layer wrote', async () => {
    const tree = await stack([file('a/old', 'o')], [file('a/new', 'n'), file('a/.wh.new'), file('a/.wh.old')]);
    expect(listing(tree)).toEqual({ a: 'dir', 'a/new': 'file:n' });
  });
});

describe('HOSTILE 7: opaque directories', () => {
  it('opaque listed after a/b/foo in the same layer hides lower a/* and keeps a/b/foo', async () => {
    const tree = await stack([file('a/lower1', '1'), file('a/b/lower2', '2'), file('other', 'o')], [file('a/b/foo', 'f'), file('a/.wh..wh..opq')]);
    expect(listing(tree)).toEqual({ a: 'dir', 'a/b': 'dir', 'a/b/foo': 'file:f', other: 'file:o' });
  });

  it('opaque listed first works the same', async () => {
    const tree = await stack([file('a/lower', '1')], [file('a/.wh..wh..opq'), file('a/new', 'n')]);
    expect(listing(tree)).toEqual({ a: 'dir', 'a/new': 'file:n' });
  });
});

describe('HOSTILE 8: a/foo; .wh.a; a/baz', () => {
  it('leaves only a/baz', async () => {
    const tree = await stack([file('a/foo', 'foo')], [file('.wh.a')], [file('a/baz', 'baz')]);
    expect(listing(tree)).toEqual({ a: 'dir', 'a/baz': 'file:baz' });
  });
});

describe('HOSTILE 9: duplicate paths in one layer', () => {
  it('last wins, by unlink and recreate: never written through an earlier symlink', async () => {
    const tree = await stack([file('etc/passwd', 'root')], [symlink('x', '/etc/passwd'), file('x', 'second')]);
    expect(listing(tree)).toEqual({ etc: 'dir', 'etc/passwd': 'file:root', x: 'file:second' });
  });

  it('file, then dir, then file again: the last one stands', async () => {
    const tree = await stack([file('p', '1'), dir('p'), file('p/child', 'c'), file('p', '3')]);
    expect(listing(tree)).toEqual({ p: 'file:3' });
  });

  it('a directory listed twice keeps its children and takes the last mode', async () => {
    const tree = await stack([dir('d', 0o700), file('d/f', 'f'), dir('d', 0o755)]);
    expect(tree.lstat('d')).toMatchObject({ mode: 0o755 });
    expect(listing(tree)['d/f']).toBe('file:f');
  });
});

describe('HOSTILE 10, 11 and all-or-nothing', () => {
  it('device nodes and FIFOs are skipped and noted', async () => {
    const tar = concat(rawHeader({ name: 'dev/null', typeflag: '3' }), rawHeader({ name: 'fifo', typeflag: '6' }), rawFile('ok', 'y'), END);
    const { tree, skipped } = await applyLayer(new FileTree(), tar);
    expect(listing(tree)).toEqual({ ok: 'file:y' });
    expect(skipped).toEqual([
      { path: 'dev/null', reason: 'character device' },
      { path: 'fifo', reason: 'FIFO' },
    ]);
  });

  it('a budget stop leaves the tree as it was', async () => {
    const lower = await stack([file('keep', 'k')]);
    const tar = writeTar(Array.from({ length: 50 }, (_, i) => file(`f${i}`)));
    await expect(applyLayer(lower, tar, { budget: { maxEntries: 10 } })).rejects.toMatchObject({ code: 'resource-exhausted' });
    expect(listing(lower)).toEqual({ keep: 'file:k' });
  });

  it('marks each node with the layer that last wrote it', async () => {
    const tree = await stack([file('a', '1'), file('b', '1')], [file('b', '2')]);
    expect(tree.lstat('a')?.layer).toBe(0);
    expect(tree.lstat('b')?.layer).toBe(1);
  });

  it('a file where a parent directory should be is an invalid layer', async () => {
    await refused(await stack([file('a', 'x')]), [file('a/b')], /"a" is not a directory/);
  });
});

describe('one rule for both hosts: parents, lengths, modes (as the disk and Docker have them)', () => {
  it('a whiteout beneath a regular file is an invalid layer, as Docker fails to unpack it', async () => {
    await refused(await stack([file('a', 'x')]), [file('a/.wh.b')], /cannot create "a\/b": "a" is not a directory/);
  });

  it('an opaque marker beneath a regular file is an invalid layer', async () => {
    await refused(await stack([file('a', 'x')]), [file('a/d/.wh..wh..opq')], /"a" is not a directory/);
  });

  it('a whiteout makes its missing parents, as containerd and Docker do', async () => {
    expect(listing(await stack([file('keep', 'k')], [file('x/y/.wh.z')]))).toEqual({ keep: 'file:k', x: 'dir', 'x/y': 'dir' });
  });

  it('a name component of 255 bytes is taken, 256 is refused; bytes, not characters, count', async () => {
    const ok = await stack([file('n'.repeat(255), 'a'), file(`d/${'é'.repeat(127)}x`, 'b')]);
    expect(Object.keys(listing(ok)).sort()).toEqual(['d', `d/${'é'.repeat(127)}x`, 'n'.repeat(255)]);
    await refused(new FileTree(), [file('n'.repeat(256))], /file name too long \(a component of more than 255 bytes\)/);
    await refused(new FileTree(), [file(`d/${'é'.repeat(128)}`)], /file name too long/);
    await refused(new FileTree(), [file(`.wh.${'w'.repeat(252)}`)], /file name too long/);
  });

  it('a path too long for a disk is refused, also when only a symlink makes it long', async () => {
    const deep = Array.from({ length: 15 }, () => 'p'.repeat(250)).join('/');
    await refused(new FileTree(), [file(deep)], /file name too long \(more than 3584 bytes\)/);
    const half = Array.from({ length: 8 }, () => 'p'.repeat(250)).join('/');
    await refused(await stack([dir(half), symlink('l', `/${half}`)]), [file(`l/${half}`)], /"l\/p+.*" resolves to .*file name too long/);
  });

  it('a symlink target over 4095 bytes is refused', async () => {
    await refused(new FileTree(), [symlink('l', 't'.repeat(4096))], /target too long/);
    expect(listing(await stack([symlink('l', 't'.repeat(4095))])).l).toBe(`-> ${'t'.repeat(4095)}`);
  });

  it('setuid and setgid never reach the tree; a directory keeps its sticky bit', async () => {
    const tree = await stack([file('su', '', 0o4755), file('sg', '', 0o2711), dir('tmp', 0o1777), dir('g', 0o2775)]);
    expect([tree.lstat('su')?.mode, tree.lstat('sg')?.mode, tree.lstat('tmp')?.mode, tree.lstat('g')?.mode]).toEqual([0o755, 0o711, 0o1777, 0o775]);
  });

  it('a hardlink that replaces the directory holding its own target is an invalid layer', async () => {
    await refused(await stack([file('a/c', 'x')]), [hardlink('a', 'a/c')], /hardlink "a" points to "a\/c", which this entry removed/);
  });
});

describe('the root entry', () => {
  it('a layer\'s ./ entry changes nothing: the root stays 0755, as in Docker and containerd', async () => {
    const tree = await stack([dir('.', 0o700), file('x', 'x')], [dir('/', 0o777)]);
    expect([tree.root.mode, listing(tree)]).toEqual([0o755, { x: 'file:x' }]);
  });
});
