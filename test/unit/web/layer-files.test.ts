import { describe, expect, it } from 'vitest';
import type { LayerView } from '../../../engine/engine.ts';
import { efficiency, instructionOf, mergedTree } from '../../../web/Images/layer-files.ts';

function layer(changes: LayerView['changes'], extra: Partial<LayerView> = {}): LayerView {
  return { diffId: 'sha256:00', size: changes.reduce((n, c) => n + c.size, 0), createdBy: '', emptyLayer: false, sharedWith: [], changes, wastedBytes: 0, ...extra };
}

describe('the merged file system of an image up to a layer', () => {
  const layers = [
    layer([{ path: '/data', kind: 'A', size: 0, type: 'dir' }, { path: '/data/a.txt', kind: 'A', size: 5, type: 'file' }, { path: '/data/big', kind: 'A', size: 1000, type: 'file' }]),
    layer([{ path: '/data', kind: 'C', size: 0, type: 'dir' }, { path: '/data/a.txt', kind: 'C', size: 7, type: 'file' }]),
    layer([{ path: '/data', kind: 'C', size: 0, type: 'dir' }, { path: '/data/big', kind: 'D', size: 0, type: 'file' }]),
  ];

  it('marks each path with the layer it comes from', () => {
    const merged = mergedTree(layers, 1);
    expect(merged.map((f) => [f.path, f.layer, f.size])).toEqual([['/data', 1, 0], ['/data/a.txt', 1, 7], ['/data/big', 0, 1000]]);
    expect(merged.find((f) => f.path === '/data/a.txt')!.replaced).toBe(true);
  });

  it('hides what a later layer deletes, and a deleted folder takes its contents with it', () => {
    expect(mergedTree(layers, 2).map((f) => f.path)).toEqual(['/data', '/data/a.txt']);
    const gone = [...layers, layer([{ path: '/data', kind: 'D', size: 0, type: 'dir' }])];
    expect(mergedTree(gone, 3)).toEqual([]);
  });

  it('counts wasted bytes as dive does', () => {
    const score = efficiency([layer([], { size: 1000, wastedBytes: 250 }), layer([], { size: 0 })]);
    expect(score).toEqual({ wasted: 250, total: 1000, score: 0.75 });
  });
});

describe('the instruction shown for a layer', () => {
  it('reads as the Dockerfile line, with copied files named by their destination', () => {
    expect(instructionOf('/bin/sh -c #(nop)  CMD ["sh"]')).toBe('CMD ["sh"]');
    expect(instructionOf('/bin/sh -c seq 1 10 > /n')).toBe('RUN seq 1 10 > /n');
    expect(instructionOf(`COPY file:${'d5ba54fa'.padEnd(64, '0')} in /app/message.txt`)).toBe('COPY file:d5ba54fa… in /app/message.txt');
  });
});
