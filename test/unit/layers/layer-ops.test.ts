import { describe, it, expect } from 'vitest';
import { applyLayerOps, layerOps, type LayerTarget, type NodeKind } from '../../../engine/layers/layer-ops.ts';
import { applyLayer } from '../../../engine/layers/apply-layer.ts';
import { FileTree } from '../../../engine/layers/file-tree.ts';
import type { TarEntry } from '../../../engine/tar/tar-entry.ts';

const enc = new TextEncoder();
const file = (path: string, content = ''): TarEntry => ({ type: 'file', path, content: enc.encode(content) });

type DiskNode = { kind: NodeKind; mode: number; data?: string; target?: string };

/** A flat path -> node map with asynchronous methods: the shape of the Linux host's disk applier. */
class FakeDisk implements LayerTarget {
  nodes = new Map<string, DiskNode>([['', { kind: 'dir', mode: 0o755 }]]);
  async lstat(p: string) {
    return this.nodes.get(p)?.kind;
  }
  async readlink(p: string) {
    return this.nodes.get(p)!.target!;
  }
  async list(p: string) {
    const prefix = p === '' ? '' : p + '/';
    return [...this.nodes.keys()].filter((k) => k !== p && k.startsWith(prefix) && !k.slice(prefix.length).includes('/')).map((k) => k.slice(prefix.length));
  }
  async remove(p: string) {
    for (const k of [...this.nodes.keys()]) if (k === p || k.startsWith(p + '/')) this.nodes.delete(k);
  }
  async mkdir(p: string, mode: number) {
    this.nodes.set(p, { kind: 'dir', mode });
  }
  async writeFile(p: string, content: Uint8Array, mode: number) {
    this.nodes.set(p, { kind: 'file', mode, data: new TextDecoder().decode(content) });
  }
  async symlink(p: string, target: string) {
    this.nodes.set(p, { kind: 'symlink', mode: 0o777, target });
  }
  async link(p: string, existing: string) {
    this.nodes.set(p, { ...this.nodes.get(existing)! });
  }
  setTime?: (p: string, mtime: number) => Promise<void>;
  listing(): string[] {
    return [...this.nodes].filter(([k]) => k !== '').map(([k, n]) => `${k} ${n.kind}${n.data !== undefined ? ':' + n.data : ''}${n.target ? ' -> ' + n.target : ''}`).sort();
  }
}

function treeListing(tree: FileTree): string[] {
  return [...tree.walk()].map(([k, n]) => `${k} ${n.type}${n.type === 'file' ? ':' + new TextDecoder().decode(n.content) : ''}${n.type === 'symlink' ? ' -> ' + n.target : ''}`).sort();
}

const layers: TarEntry[][] = [
  [file('etc/passwd', 'root'), file('a/foo', 'foo'), file('a/b/lower', 'l'), { type: 'dir', path: 'd' }, file('d/keep', 'k')],
  [{ type: 'symlink', path: 'l', target: '../../../etc' }, file('l/f', 'via link'), file('a/b/new', 'n'), file('a/.wh..wh..opq'), { type: 'symlink', path: 'd', target: '/etc' }, file('d/g', 'g')],
  [file('.wh.l'), { type: 'hardlink', path: 'h', target: '/etc/passwd' }, file('x', '1'), file('x', '2'), { type: 'skipped', path: 'dev/null', reason: 'character device' }],
];

describe('layerOps + applyLayerOps: one rule set for the in-memory tree and the disk', () => {
  it('an asynchronous disk-like target ends in exactly the state of the FileTree', async () => {
    const disk = new FakeDisk();
    let tree = new FileTree();
    const skipped: string[] = [];
    for (const entries of layers) {
      skipped.push(...(await applyLayerOps(disk, layerOps(entries))).map((s) => s.path));
      tree = (await applyLayer(tree, entries)).tree;
    }
    expect(disk.listing()).toEqual(treeListing(tree));
    expect(disk.listing()).toEqual([
      'a dir',
      'a/b dir',
      'a/b/new file:n',
      'd symlink -> /etc',
      'etc dir',
      'etc/f file:via link',
      'etc/g file:g',
      'etc/passwd file:root',
      'h file:root',
      'x file:2',
    ]);
    expect(skipped).toEqual(['dev/null']);
  });

  it('normalises names and turns whiteout names into operations', async () => {
    const ops = [];
    for await (const op of layerOps([file('./a//b/'), file('/abs'), file('d/.wh.gone'), file('d/.wh..wh..opq'), file('.wh..wh.plnk')])) ops.push(op);
    expect(ops.map((o) => `${o.op} ${o.path}`)).toEqual(['file a/b', 'file abs', 'whiteout d/gone', 'opaque d', 'skip .wh..wh.plnk']);
  });

  it('entries keep their tar mtime, set after every write (directories last touched by their children) on nodes still there', async () => {
    const set: string[] = [];
    const disk = new FakeDisk();
    disk.setTime = async (p: string, mtime: number) => {
      // Every path given still holds the node it was written as: never reached through a later symlink.
      expect(disk.nodes.has(p)).toBe(true);
      // Only once the whole layer is written: a later write into a directory would change its time.
      expect(disk.nodes.has('untimed')).toBe(true);
      set.push(`${p}@${mtime}`);
    };
    const t = (e: TarEntry, mtime: number): TarEntry => ({ ...e, mtime }) as TarEntry;
    await applyLayerOps(
      disk,
      layerOps([
        t({ type: 'dir', path: 'etc' }, 0),
        t(file('etc/passwd', 'root'), 0),
        t({ type: 'dir', path: 'gone' }, 7),
        t(file('gone/secret', 's'), 7),
        // Replaced by a symlink out of the root: its old children's times must not be set through it.
        t({ type: 'symlink', path: 'gone', target: '/' }, 9),
        t(file('twice', '1'), 1),
        t(file('twice', '2'), 2),
        file('untimed'),
      ]),
    );
    expect(set.sort()).toEqual(['etc/passwd@0', 'etc@0', 'gone@9', 'twice@2']);
  });
});
