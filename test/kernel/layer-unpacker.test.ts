// The kernel's real layer writer (LayerUnpacker: each layer applied onto an overlay mount of the
// ones below it, into its own upper directory) against the browser's in-memory applier, on
// generated stacks of valid, mutated and hostile layers: the merged view a container gets is the
// same tree, or both refuse with the same error (test/unit/layers has the plain-directory twin).
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyLayer } from '../../engine/layers/apply-layer.ts';
import { FileTree } from '../../engine/layers/file-tree.ts';
import { MemoryBlobStore } from '../../engine/memory/index.ts';
import { sha256 } from '../../engine/oci/digest.ts';
import { DataRoot } from '../../kernel-node/store/data-root.ts';
import { LayerUnpacker } from '../../kernel-node/store/layer-unpacker.ts';
import { mountOverlay, unmount } from '../../kernel-node/runtime/mounts.ts';
import { genCase } from '../unit/layers/layer-generator.ts';
import { listDisk, listTree, outcomeOf, type Outcome } from '../unit/layers/tree-listing.ts';
import { tempDir } from './harness.ts';

const CASES = 500;
const SEED = 0x0e71a7;
const dir = tempDir('dockyard-unpack-');

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('LayerUnpacker agrees with the in-memory applier', () => {
  it(`on ${CASES} generated layer stacks over overlayfs: same merged tree or same error`, async () => {
    const blobs = new MemoryBlobStore();
    const unpacker = new LayerUnpacker(new DataRoot(join(dir, 'root')), blobs);
    const view = join(dir, 'view');
    await mkdir(view, { recursive: true });
    let ok = 0;
    for (let i = 0; i < CASES; i++) {
      const { layers, describe } = genCase(SEED + i);
      const diffIds = layers.map((l) => sha256(l));
      for (const [j, l] of layers.entries()) await blobs.put({ digest: diffIds[j], size: l.length }, l);
      let tree = new FileTree();
      let memory: Outcome = { ok: true };
      try {
        for (const l of layers) tree = (await applyLayer(tree, l)).tree;
      } catch (e) {
        memory = outcomeOf(e);
      }
      let disk: Outcome = { ok: true };
      let dirs: string[] = [];
      try {
        dirs = await unpacker.dirs(diffIds);
      } catch (e) {
        disk = outcomeOf(e);
      }
      const context = `case ${i} (seed ${SEED + i}):\n${describe()}`;
      expect(disk, context).toEqual(memory);
      if (!memory.ok) continue;
      ok++;
      if (dirs.length === 1) {
        expect(await listDisk(dirs[0]), context).toEqual(listTree(tree));
        continue;
      }
      await mountOverlay(view, { lower: dirs });
      try {
        expect(await listDisk(view), context).toEqual(listTree(tree));
      } finally {
        await unmount(view);
      }
    }
    expect(ok).toBeGreaterThan(CASES / 4);
  }, 600_000);
});
