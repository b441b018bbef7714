/**
 * Small real OCI images for the core's tests: layers written with the engine's tar writer,
 * configs as canonical JSON, laid out as OCI image layouts in a Map that a readFile serves.
 */
import { gzipSync } from 'fflate';
import { sha256 } from '../../../../engine/oci/digest.ts';
import { encodeCanonical } from '../../../../engine/oci/canonical-json.ts';
import { MediaType } from '../../../../engine/oci/media-types.ts';
import type { ContainerConfig, Descriptor, ImageConfig } from '../../../../engine/oci/types.ts';
import { writeTar } from '../../../../engine/tar/tar-writer.ts';
import type { TarEntry } from '../../../../engine/tar/tar-entry.ts';
import type { Digest } from '../../../../engine/ports.ts';

const enc = (s: string) => new TextEncoder().encode(s);

export interface FixtureLayer {
  entries: TarEntry[];
  createdBy?: string;
  gzip?: boolean;
}

export interface FixtureImage {
  tag: string;
  layers: FixtureLayer[];
  config?: ContainerConfig;
  /** Extra history steps with empty_layer, appended after the layers. */
  emptySteps?: string[];
  created?: string;
  /** Wrap the manifest in an index with a wasi/wasm entry (and a linux/amd64 decoy). */
  index?: boolean;
}

export function files(spec: Record<string, string>): TarEntry[] {
  return Object.entries(spec).map(([path, content]) =>
    path.endsWith('/') ? { type: 'dir' as const, path: path.slice(0, -1) } : { type: 'file' as const, path, content: enc(content), mode: 0o644 },
  );
}

export class Layout {
  readonly files = new Map<string, Uint8Array>();
  readonly #images = new Map<string, Descriptor[]>();

  readFile = async (path: string): Promise<Uint8Array> => {
    const bytes = this.files.get(path);
    if (!bytes) throw new Error(`ENOENT: ${path}`);
    return bytes.slice();
  };

  blob(dir: string, bytes: Uint8Array, mediaType: string): Descriptor {
    const digest = sha256(bytes);
    this.files.set(`${dir}/blobs/sha256/${digest.slice(7)}`, bytes);
    return { mediaType, digest, size: bytes.length };
  }

  /** Add an image under `dir` (e.g. "box"); returns its image ID and the manifest digest. */
  add(dir: string, image: FixtureImage): { id: Digest; manifest: Digest; diffIds: Digest[] } {
    const layerDescs: Descriptor[] = [];
    const diffIds: Digest[] = [];
    for (const layer of image.layers) {
      const tar = writeTar(layer.entries);
      diffIds.push(sha256(tar));
      layerDescs.push(layer.gzip ? this.blob(dir, gzipSync(tar, { mtime: 0 }), MediaType.ociLayerGzip) : this.blob(dir, tar, MediaType.ociLayer));
    }
    const created = image.created ?? '2024-01-01T00:00:00Z';
    const config: ImageConfig = {
      created,
      architecture: 'wasm',
      os: 'wasi',
      config: image.config ?? {},
      rootfs: { type: 'layers', diff_ids: diffIds },
      history: [
        ...image.layers.map((l, i) => ({ created, created_by: l.createdBy ?? `layer ${i}` })),
        ...(image.emptySteps ?? []).map((s) => ({ created, created_by: s, empty_layer: true })),
      ],
    };
    const configDesc = this.blob(dir, encodeCanonical(config), MediaType.ociConfig);
    const manifest = encodeCanonical({ schemaVersion: 2, mediaType: MediaType.ociManifest, config: configDesc, layers: layerDescs });
    const manifestDesc = this.blob(dir, manifest, MediaType.ociManifest);
    let top: Descriptor = manifestDesc;
    if (image.index) {
      const decoy = this.blob(dir, encodeCanonical({ schemaVersion: 2, mediaType: MediaType.ociManifest, config: configDesc, layers: [] }), MediaType.ociManifest);
      const index = encodeCanonical({
        schemaVersion: 2,
        mediaType: MediaType.ociIndex,
        manifests: [
          { ...decoy, platform: { os: 'linux', architecture: 'amd64' } },
          { ...manifestDesc, platform: { os: 'wasi', architecture: 'wasm' } },
        ],
      });
      top = this.blob(dir, index, MediaType.ociIndex);
    }
    const entries = this.#images.get(dir) ?? [];
    entries.push({ ...top, annotations: { 'org.opencontainers.image.ref.name': image.tag } });
    this.#images.set(dir, entries);
    this.files.set(`${dir}/oci-layout`, enc('{"imageLayoutVersion":"1.0.0"}'));
    this.files.set(`${dir}/index.json`, encodeCanonical({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: entries }));
    return { id: configDesc.digest, manifest: top.digest, diffIds };
  }
}

/** Put a whole layout's files (engine/oci's imageLayoutFiles) under `dir`. */
export function addLayoutFiles(layout: Layout, dir: string, files: Map<string, Uint8Array>): void {
  for (const [path, bytes] of files) layout.files.set(`${dir}/${path}`, bytes);
}
