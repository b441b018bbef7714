import { EngineError } from '../errors.ts';
import { encodeCanonical } from './canonical-json.ts';
import { sha256, type Digest } from './digest.ts';
import { MediaType } from './media-types.ts';
import { WASI_PLATFORM, type ContainerConfig, type Descriptor, type HistoryEntry, type ImageConfig, type ImageManifest } from './types.ts';

/**
 * Pure image edits, after go-containerregistry's `mutate`: every function returns a new Image
 * and never changes its input. An Image here is the config plus its layers; `buildImage` turns
 * it into the bytes and descriptors to store, and its ID.
 */
export interface LayerRef {
  /** The blob as stored (ours: uncompressed, so digest = diffId). */
  descriptor: Descriptor;
  /** sha256 of the uncompressed tar (rootfs.diff_ids). */
  diffId: Digest;
}

export interface Image {
  config: ImageConfig;
  layers: LayerRef[];
}

export interface BuiltImage {
  /** The image ID, as Docker: the config's digest. */
  id: Digest;
  config: ImageConfig;
  configBytes: Uint8Array;
  configDescriptor: Descriptor;
  manifest: ImageManifest;
  manifestBytes: Uint8Array;
  manifestDescriptor: Descriptor;
}

/**
 * An image with no layers for platform wasi/wasm. `created` is left out unless given: a fixed
 * or omitted time keeps image IDs equal across hosts (timestamps would make every build unique).
 */
export function emptyImage(options: { created?: string } = {}): Image {
  return {
    config: {
      ...(options.created ? { created: options.created } : {}),
      architecture: WASI_PLATFORM.architecture,
      os: WASI_PLATFORM.os,
      config: {},
      rootfs: { type: 'layers', diff_ids: [] },
      history: [],
    },
    layers: [],
  };
}

/** The LayerRef of an uncompressed layer tar as we store it. */
export function uncompressedLayer(tar: Uint8Array): LayerRef {
  const digest = sha256(tar);
  return { descriptor: { mediaType: MediaType.ociLayer, digest, size: tar.length }, diffId: digest };
}

/** An Image from a parsed manifest and config (each layer paired with its diff_id). */
export function imageFrom(manifest: ImageManifest, config: ImageConfig): Image {
  if (manifest.layers.length !== config.rootfs.diff_ids.length) {
    throw new EngineError('invalid-content', `image config lists ${config.rootfs.diff_ids.length} diff_ids for ${manifest.layers.length} layers`);
  }
  return structuredClone({ config, layers: manifest.layers.map((descriptor, i) => ({ descriptor, diffId: config.rootfs.diff_ids[i] })) });
}

/** Add a layer on top, with the history entry of the step that made it. */
export function appendLayer(image: Image, layer: LayerRef, history: Omit<HistoryEntry, 'empty_layer'> = {}): Image {
  const next = structuredClone(image);
  next.layers.push(structuredClone(layer));
  next.config.rootfs.diff_ids.push(layer.diffId);
  next.config.history = [...(next.config.history ?? []), clean(history)];
  return next;
}

/**
 * Change the runtime config (ENV, CMD, WORKDIR...); with a history entry it is recorded as an
 * `empty_layer` step, as Docker records config-only instructions.
 */
export function setConfig(image: Image, change: Partial<ContainerConfig> | ((config: ContainerConfig) => ContainerConfig), history?: Omit<HistoryEntry, 'empty_layer'>): Image {
  const next = structuredClone(image);
  const current = next.config.config ?? {};
  next.config.config = typeof change === 'function' ? change(structuredClone(current)) : { ...current, ...structuredClone(change) };
  if (history) next.config.history = [...(next.config.history ?? []), { ...clean(history), empty_layer: true }];
  return next;
}

/** Set top-level config fields (`created`, `author`) - not the runtime config. */
export function setImageFields(image: Image, fields: Pick<ImageConfig, 'created' | 'author'>): Image {
  const next = structuredClone(image);
  Object.assign(next.config, clean(fields));
  return next;
}

function clean<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** The image ID of a config document. */
export function imageId(configBytes: Uint8Array): Digest {
  return sha256(configBytes);
}

/** Serialise (canonical JSON) and address an Image: config, manifest, their descriptors, the ID. */
export function buildImage(image: Image, annotations?: Record<string, string>): BuiltImage {
  if (image.layers.length !== image.config.rootfs.diff_ids.length) throw new EngineError('internal', 'image layers and rootfs.diff_ids disagree');
  const config = structuredClone(image.config);
  const configBytes = encodeCanonical(config);
  const configDescriptor: Descriptor = { mediaType: MediaType.ociConfig, digest: sha256(configBytes), size: configBytes.length };
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: configDescriptor,
    layers: image.layers.map((l) => structuredClone(l.descriptor)),
    ...(annotations && Object.keys(annotations).length ? { annotations: { ...annotations } } : {}),
  };
  const manifestBytes = encodeCanonical(manifest);
  const manifestDescriptor: Descriptor = { mediaType: MediaType.ociManifest, digest: sha256(manifestBytes), size: manifestBytes.length };
  return { id: configDescriptor.digest, config, configBytes, configDescriptor, manifest, manifestBytes, manifestDescriptor };
}
