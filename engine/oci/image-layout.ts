import { encodeCanonical } from './canonical-json.ts';
import { digestHex, type Digest } from './digest.ts';
import type { BuiltImage } from './image-builder.ts';
import { MediaType } from './media-types.ts';
import type { Descriptor } from './types.ts';

/** The annotation that names a tag in an OCI layout's index.json. */
export const REF_NAME_ANNOTATION = 'org.opencontainers.image.ref.name';

export interface LayoutImage {
  built: BuiltImage;
  /** The layer blobs, in manifest order. */
  layers: Uint8Array[];
  /** Tags this image carries in the layout ("latest", "1.0"); none gives an untagged entry. */
  tags: string[];
}

/**
 * The files of an OCI image layout (`oci-layout`, `index.json`, `blobs/sha256/<hex>`) holding the
 * given images, as relative path -> bytes. Deterministic: index entries in the order given, each
 * blob once, so the same images always give the same bytes.
 */
export function imageLayoutFiles(images: LayoutImage[]): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const blob = (digest: Digest, bytes: Uint8Array) => files.set(`blobs/sha256/${digestHex(digest)}`, bytes);
  const manifests: Descriptor[] = [];
  for (const { built, layers, tags } of images) {
    blob(built.configDescriptor.digest, built.configBytes);
    blob(built.manifestDescriptor.digest, built.manifestBytes);
    built.manifest.layers.forEach((d, i) => blob(d.digest, layers[i]));
    const platform = { architecture: built.config.architecture, os: built.config.os };
    if (tags.length === 0) manifests.push({ ...built.manifestDescriptor, platform });
    for (const tag of tags) manifests.push({ ...built.manifestDescriptor, platform, annotations: { [REF_NAME_ANNOTATION]: tag } });
  }
  files.set('oci-layout', encodeCanonical({ imageLayoutVersion: '1.0.0' }));
  files.set('index.json', encodeCanonical({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests }));
  return files;
}
