import { layerTarStream } from '../layers/layer-blob.ts';
import { layerOps } from '../layers/layer-ops.ts';
import { readTar } from '../tar/tar-reader.ts';
import type { Digest } from '../ports.ts';
import type { Core } from './context.ts';

/**
 * Store one layer as we keep layers: uncompressed, under its diff_id. gzip is inflated with the
 * engine's budget; the result must be a readable, valid layer; the BlobStore then checks
 * the bytes against the diff_id before the blob becomes visible (HOSTILE 13). The caller has
 * already verified the compressed bytes against the manifest's digest.
 */
export async function ingestLayer(core: Core, blob: Uint8Array | AsyncIterable<Uint8Array>, mediaType: string, diffId: Digest): Promise<number> {
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
  for await (const op of layerOps(readTar(chunks))) void op;
  await core.ports.blobs.put({ digest: diffId, size }, (async function* () {
    yield* chunks;
  })());
  return size;
}

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
