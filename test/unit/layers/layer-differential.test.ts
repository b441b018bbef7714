// The browser's in-memory applier and the Linux host's disk writer share the rules
// (engine/layers/layer-ops.ts) but not the targets: thousands of generated layers, valid and
// hostile, applied by both must give the same tree or the same error.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyLayer } from '../../../engine/layers/apply-layer.ts';
import { FileTree } from '../../../engine/layers/file-tree.ts';
import { applyLayerOps, layerOps } from '../../../engine/layers/layer-ops.ts';
import { readTar } from '../../../engine/tar/tar-reader.ts';
import { diskLayerTarget } from '../../../kernel-node/store/disk-layer-target.ts';
import { genCase } from './layer-generator.ts';
import { listDisk, listTree, outcomeOf, type Outcome } from './tree-listing.ts';

const CASES = 1500;
const SEED = 0x5eed14;

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'layer-diff-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('the in-memory applier and the disk writer agree', () => {
  it(`on ${CASES} generated layer stacks (seed ${SEED.toString(16)}): same tree or same error`, async () => {
    const tally = { ok: 0, refused: 0, codes: new Map<string, number>() };
    for (let i = 0; i < CASES; i++) {
      const { layers, describe } = genCase(SEED + i);
      const dir = join(work, String(i));
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { mode: 0o755 });
      let tree = new FileTree();
      let memory: Outcome = { ok: true };
      let disk: Outcome = { ok: true };
      for (const layer of layers) {
        try {
          tree = (await applyLayer(tree, layer)).tree;
        } catch (e) {
          memory = outcomeOf(e);
        }
        try {
          await applyLayerOps(diskLayerTarget(dir), layerOps(readTar(layer)));
        } catch (e) {
          disk = outcomeOf(e);
        }
        if (!memory.ok || !disk.ok) break;
      }
      const context = `case ${i} (seed ${SEED + i}):\n${describe()}`;
      expect(disk, context).toEqual(memory);
      if (memory.ok) {
        expect(await listDisk(dir), context).toEqual(listTree(tree));
        tally.ok++;
      } else {
        tally.refused++;
        tally.codes.set(memory.code, (tally.codes.get(memory.code) ?? 0) + 1);
      }
      await rm(dir, { recursive: true, force: true });
    }
    // The generator must reach both sides of every rule: a run where all layers pass, or all
    // fail, proves nothing about agreement.
    expect(tally.ok).toBeGreaterThan(CASES / 4);
    expect(tally.refused).toBeGreaterThan(CASES / 10);
    expect([...tally.codes.keys()].sort()).toEqual(['invalid-content', 'resource-exhausted']);
  }, 180_000);
});
