import { emptyImage, type BuiltImage, type Image } from '../oci/image-builder.ts';
import { MediaType } from '../oci/media-types.ts';
import type { ImageConfig } from '../oci/types.ts';
import type { Digest } from '../ports.ts';
import type { Core } from './context.ts';

/**
 * Between local images and engine/oci's pure image edits (appendLayer, setConfig, buildImage),
 * which build and commit use to make new images.
 */
export async function localImage(core: Core, config: ImageConfig | undefined, layers: Digest[]): Promise<Image> {
  const refs = [];
  for (const digest of layers) {
    const size = (await core.ports.blobs.size(digest)) ?? 0;
    refs.push({ descriptor: { mediaType: MediaType.ociLayer, digest, size }, diffId: digest });
  }
  // No config (scratch, or an image removed under a container): the layers alone, no history.
  const base = config ? structuredClone(config) : { ...emptyImage().config, rootfs: { type: 'layers' as const, diff_ids: [...layers] } };
  return { config: base, layers: refs };
}

/** Store a built image's config blob (its layers are stored by whoever made them). */
export async function storeConfig(core: Core, built: BuiltImage): Promise<void> {
  await core.ports.blobs.put({ digest: built.id, size: built.configBytes.length }, built.configBytes);
}

export async function storeLayer(core: Core, layer: { tar: Uint8Array; diffId: Digest }): Promise<void> {
  await core.ports.blobs.put({ digest: layer.diffId, size: layer.tar.length }, layer.tar);
}
