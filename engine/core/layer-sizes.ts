import { readTar } from '../tar/tar-reader.ts';
import type { Digest } from '../ports.ts';
import type { Core } from './context.ts';

const cache = new WeakMap<Core, Map<Digest, number>>();

/**
 * The size Docker shows for a layer (`docker history`, `docker images`): the bytes of the files it
 * holds, not the tar around them - an empty-looking layer shows 0B as on Docker. Layers are
 * immutable, so the figure is computed once per diff_id.
 */
export async function layerSize(core: Core, diffId: Digest): Promise<number> {
  let sizes = cache.get(core);
  if (!sizes) cache.set(core, (sizes = new Map()));
  const hit = sizes.get(diffId);
  if (hit !== undefined) return hit;
  let n = 0;
  for await (const entry of readTar(await core.ports.blobs.get(diffId))) if (entry.type === 'file') n += entry.content.length;
  sizes.set(diffId, n);
  return n;
}

export async function imageSize(core: Core, layers: Digest[]): Promise<number> {
  let n = 0;
  for (const l of new Set(layers)) n += await layerSize(core, l);
  return n;
}
