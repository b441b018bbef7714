import type { LayerView } from '../engine.ts';
import { applyLayer } from '../layers/apply-layer.ts';
import { FileTree } from '../layers/file-tree.ts';
import { diffTrees } from '../layers/layer-diff.ts';
import { mergeLayers } from '../layers/merged-view.ts';
import type { Digest } from '../ports.ts';
import { EMPTY_LAYER } from './container-commit.ts';
import type { Core } from './context.ts';
import { allTags, imageRecords, resolveImage } from './image-store.ts';
import { truncateId } from './ids.ts';
import { layerSize } from './layer-sizes.ts';

/**
 * The playground's layer view of an image, bottom first, one entry per history step: what each
 * layer adds, changes and deletes, its size, the other local images that share it, and the bytes
 * of it that later layers hide (engine/layers' merged view decides what is wasted).
 */
export async function imageLayers(core: Core, name: string): Promise<LayerView[]> {
  const { record, config } = await resolveImage(core, name);
  const blobs = await Promise.all(record.layers.map((l) => core.ports.blobs.get(l)));
  const merged = await mergeLayers(blobs);
  const tags = await allTags(core);
  const others = (await imageRecords(core)).filter((r) => r.Id !== record.Id);
  const nameOf = (id: Digest) => tags.find(([, v]) => v === id)?.[0] ?? truncateId(id);

  const perLayer: LayerView['changes'][] = [];
  let tree = new FileTree();
  for (const blob of blobs) {
    const next = (await applyLayer(tree, blob)).tree;
    const changes: LayerView['changes'] = [];
    for (const c of diffTrees(tree, next)) {
      const before = tree.lstat(c.path.slice(1));
      const node = c.kind === 'D' ? before : next.lstat(c.path.slice(1));
      if (c.kind === 'C' && before?.type === 'dir' && node?.type === 'dir') continue;
      if (!node) continue;
      changes.push({ path: c.path, kind: c.kind, size: node.type === 'file' ? node.content.length : 0, type: node.type });
    }
    perLayer.push(changes);
    tree = next;
  }

  const steps = config.history?.length ? config.history : record.layers.map(() => ({ created_by: '', empty_layer: false }));
  const views: LayerView[] = [];
  let index = 0;
  for (const step of steps) {
    if (step.empty_layer || index >= record.layers.length) {
      views.push({ diffId: EMPTY_LAYER, size: 0, createdBy: step.created_by ?? '', emptyLayer: true, sharedWith: [], changes: [], wastedBytes: 0 });
      continue;
    }
    const diffId = record.layers[index];
    views.push({
      diffId,
      size: await layerSize(core, diffId),
      createdBy: step.created_by ?? '',
      emptyLayer: false,
      sharedWith: others.filter((o) => o.layers.includes(diffId)).map((o) => nameOf(o.Id)).sort(),
      changes: perLayer[index],
      wastedBytes: merged.layers[index].wastedBytes,
    });
    index++;
  }
  return views;
}
