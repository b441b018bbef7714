import { treeTarget } from '../layers/apply-layer.ts';
import { FileTree } from '../layers/file-tree.ts';
import { layerTarStream } from '../layers/layer-blob.ts';
import { applyLayerOps, layerOps, type LayerTarget } from '../layers/layer-ops.ts';
import { readTar } from '../tar/tar-reader.ts';
import type { Digest } from '../ports.ts';
import type { Core } from './context.ts';

/**
 * Store one layer as we keep layers: uncompressed, under its diff_id. gzip is inflated with the
 * engine's budget; the result must be a readable, valid layer; the BlobStore then checks
 * the bytes against the diff_id before the blob becomes visible (HOSTILE 13). The caller has
 * already verified the compressed bytes against the manifest's digest.
 *
 * With `stack` (the image's layers below this one), the layer is applied onto them first, with
 * the rules both hosts apply it by at run: a layer that only fails on top of its lower layers
 * (an entry beneath a lower layer's file) is refused here, at pull or load, as Docker refuses to
 * register it - never later, at a different step on each host.
 */
export async function ingestLayer(core: Core, blob: Uint8Array | AsyncIterable<Uint8Array>, mediaType: string, diffId: Digest, stack?: LayerStack): Promise<number> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const tar = layerTarStream(mediaType, blob);
  const source = tar instanceof Uint8Array ? [tar] : tar;
  for await (const chunk of source) {
    chunks.push(chunk);
    size += chunk.length;
  }
  // A layer must be a tar we can read (the reader refuses garbage, truncation and compressed
  // bytes) whose every entry is a valid layer operation (no path out of the root, no bad whiteout):
  // a hostile layer is refused at pull or load, before anything is stored (HOSTILE 1, 6, 11, 12).
  if (stack) await stack.apply(chunks);
  else for await (const op of layerOps(readTar(chunks))) void op;
  await core.ports.blobs.put({ digest: diffId, size }, (async function* () {
    yield* chunks;
  })());
  return size;
}

/**
 * The shape of an image's layers as a pull or load takes them in, bottom first: names, kinds and
 * link targets, no file contents (a large image is not held in memory twice). A layer already in
 * the store is read back only when a new layer above it needs the stack.
 */
export class LayerStack {
  readonly #tree = new FileTree();
  readonly #target: LayerTarget;
  #unread: Digest[] = [];

  constructor(private readonly core: Core) {
    const tree = treeTarget(this.#tree);
    this.#target = { ...tree, writeFile: (p, _content, mode) => tree.writeFile(p, EMPTY, mode) };
  }

  /** A layer of the image the store has already: below every layer that comes after it. */
  existing(diffId: Digest): void {
    this.#unread.push(diffId);
  }

  /** Apply a new layer (its tar) on top of those below it. */
  async apply(tar: Uint8Array[]): Promise<void> {
    for (const below of this.#unread) await applyLayerOps(this.#target, layerOps(readTar(await this.core.ports.blobs.get(below))));
    this.#unread = [];
    await applyLayerOps(this.#target, layerOps(readTar(tar)));
  }
}

const EMPTY = new Uint8Array(0);

/** Collect a stream into one array (configs and manifests are small). */
export async function collect(source: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let n = 0;
  for await (const p of source) {
    parts.push(p);
    n += p.length;
  }
  const out = new Uint8Array(n);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
