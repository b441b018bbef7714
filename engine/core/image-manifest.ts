import { encodeCanonical } from '../oci/canonical-json.ts';
import { sha256 } from '../oci/digest.ts';
import { MediaType } from '../oci/media-types.ts';
import type { Descriptor } from '../oci/types.ts';
import type { Core } from './context.ts';
import type { ImageRecord } from './records.ts';

/**
 * The manifest of a local image as we publish it (push, save): OCI, layers uncompressed as we
 * store them. Canonical JSON, so the same image gives the same manifest digest on both hosts.
 */
export async function imageManifest(core: Core, record: ImageRecord): Promise<{ bytes: Uint8Array; descriptor: Descriptor; layers: Descriptor[]; config: Descriptor }> {
  const size = async (d: typeof record.Id) => (await core.ports.blobs.size(d)) ?? (await core.ports.blobs.get(d)).length;
  const config: Descriptor = { mediaType: MediaType.ociConfig, digest: record.Id, size: await size(record.Id) };
  const layers: Descriptor[] = [];
  for (const l of record.layers) layers.push({ mediaType: MediaType.ociLayer, digest: l, size: await size(l) });
  const bytes = encodeCanonical({ schemaVersion: 2, mediaType: MediaType.ociManifest, config, layers });
  return { bytes, descriptor: { mediaType: MediaType.ociManifest, digest: sha256(bytes), size: bytes.length }, layers, config };
}
