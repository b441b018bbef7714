import type { ProgressListener } from '../engine.ts';
import { EngineError } from '../errors.ts';
import { encodeCanonical } from '../oci/canonical-json.ts';
import { isDigest, sha256, verifyBytes } from '../oci/digest.ts';
import { MediaType } from '../oci/media-types.ts';
import { parseReference, qualifiedName } from '../oci/reference.ts';
import { WASI_PLATFORM, type Descriptor, type ImageManifest } from '../oci/types.ts';
import type { TarEntry } from '../tar/tar-entry.ts';
import { readTar } from '../tar/tar-reader.ts';
import { writeTar } from '../tar/tar-writer.ts';
import type { Digest } from '../ports.ts';
import type { Core } from './context.ts';
import { parseConfig, parseImageDocument } from '../oci/validate.ts';
import { imageManifest } from './image-manifest.ts';
import { lastTagTime, noSuchImage, recordImage, resolveImage, tagKey, tagsOf } from './image-store.ts';
import { ingestLayer, LayerStack } from './layer-ingest.ts';

const REF_NAME = 'org.opencontainers.image.ref.name';
const IMAGE_NAME = 'io.containerd.image.name';

/**
 * `docker save`: an OCI image layout as a tar (oci-layout, index.json, blobs/sha256/...) plus
 * Docker's `manifest.json`, so both `docker load` and OCI tools read it. Deterministic: the same
 * images give the same archive bytes on both hosts.
 */
export async function saveImages(core: Core, names: string[]): Promise<Uint8Array> {
  if (names.length === 0) throw new EngineError('invalid-argument', 'no images specified');
  const blobs = new Map<Digest, Uint8Array>();
  const index: Descriptor[] = [];
  const dockerManifest: Array<{ Config: string; RepoTags: string[]; Layers: string[] }> = [];
  const seen = new Set<string>();
  for (const name of names) {
    // Docker's save names the image as it was asked for ("No such image: box"), not as a reference.
    const { record } = await resolveImage(core, name).catch((e: unknown) => {
      throw e instanceof EngineError && e.code === 'not-found' ? noSuchImage(name) : e;
    });
    const byId = /^(sha256:)?[0-9a-f]{1,64}$/.test(name) && record.Id.slice(7).startsWith(name.replace(/^sha256:/, ''));
    // Saved by ID: every tag goes along, as in Docker; by name: that name only.
    const ref = byId ? undefined : parseReference(name);
    const repoTags = ref ? (ref.digest ? [] : [tagKey(ref)]) : await tagsOf(core, record.Id);
    const key = record.Id + repoTags.join(',');
    if (seen.has(key)) continue;
    seen.add(key);
    const manifest = await imageManifest(core, record);
    for (const d of [record.Id, ...record.layers]) if (!blobs.has(d)) blobs.set(d, await core.ports.blobs.get(d));
    blobs.set(manifest.descriptor.digest, manifest.bytes);
    if (repoTags.length === 0) index.push(manifest.descriptor);
    for (const t of repoTags) {
      const ref = parseReference(t);
      index.push({ ...manifest.descriptor, annotations: { [IMAGE_NAME]: qualifiedName(ref), [REF_NAME]: ref.tag ?? 'latest' } });
    }
    dockerManifest.push({ Config: blobPath(record.Id), RepoTags: repoTags, Layers: record.layers.map(blobPath) });
  }
  const entries: TarEntry[] = [
    { type: 'file', path: 'oci-layout', content: encodeCanonical({ imageLayoutVersion: '1.0.0' }) },
    { type: 'file', path: 'index.json', content: encodeCanonical({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: index }) },
    { type: 'file', path: 'manifest.json', content: encodeCanonical(dockerManifest) },
    { type: 'dir', path: 'blobs' },
    { type: 'dir', path: 'blobs/sha256' },
  ];
  for (const [d, bytes] of blobs) entries.push({ type: 'file', path: blobPath(d), content: bytes });
  return writeTar(entries);
}

function blobPath(d: Digest): string {
  return `blobs/sha256/${d.slice(7)}`;
}

/**
 * `docker load`: an OCI layout tar (ours, Docker 25+, skopeo's) or Docker's older format
 * (manifest.json with `<id>/layer.tar`). Every blob is verified, layers are stored uncompressed;
 * each image is recorded with its tags only once all its blobs are in.
 */
export async function loadImages(core: Core, archive: Uint8Array, onProgress: ProgressListener = () => {}): Promise<string[]> {
  const files = new Map<string, Uint8Array>();
  for await (const entry of readTar(archive)) {
    if (entry.type !== 'file') continue;
    files.set(entry.path.replace(/^\.\//, ''), entry.content);
  }
  const read = (path: string): Uint8Array => {
    const bytes = files.get(path.replace(/^\.\//, ''));
    if (!bytes) throw new EngineError('invalid-content', `invalid image archive: ${path} is missing`);
    return bytes;
  };
  const loaded: string[] = [];
  const images = files.has('index.json') ? ociImages(read) : dockerImages(read);
  for (const image of images) {
    const configBytes = image.config();
    const config = parseConfig(configBytes);
    if (config.rootfs.diff_ids.length !== image.layers.length) {
      throw new EngineError('invalid-content', `invalid image: config has ${config.rootfs.diff_ids.length} diff_ids but the archive has ${image.layers.length} layers`);
    }
    const id = sha256(configBytes);
    const diffIds = config.rootfs.diff_ids;
    await core.pinned([id, ...diffIds], async () => {
      const stack = new LayerStack(core);
      for (let i = 0; i < image.layers.length; i++) {
        if (await core.ports.blobs.has(diffIds[i])) {
          stack.existing(diffIds[i]);
          continue;
        }
        const { bytes, mediaType } = image.layers[i]();
        await ingestLayer(core, bytes, mediaType, diffIds[i], stack);
      }
      await core.ports.blobs.put({ digest: id, size: configBytes.length }, configBytes);
      const tags = image.names.map((n) => tagKey(parseReference(n)));
      await core.imageLock.run(() => recordImage(core, { Id: id, layers: diffIds, parent: '', repoDigests: [], lastTagTime: tags.length ? lastTagTime(core) : '' }, tags));
      if (tags.length === 0) {
        onProgress({ stream: `Loaded image ID: ${id}\n` });
        loaded.push(id);
      }
      for (const t of tags) {
        onProgress({ stream: `Loaded image: ${t}\n` });
        loaded.push(t);
      }
      core.events.emit('image', 'load', id);
    });
  }
  if (loaded.length === 0) throw new EngineError('invalid-content', 'invalid image archive: no images found');
  return loaded;
}

interface ArchiveImage {
  names: string[];
  config: () => Uint8Array;
  layers: Array<() => { bytes: Uint8Array; mediaType: string }>;
}

function verified(read: (p: string) => Uint8Array, d: Descriptor): Uint8Array {
  if (!isDigest(d.digest)) throw new EngineError('invalid-content', `invalid digest ${JSON.stringify(d.digest)}`);
  const bytes = read(blobPath(d.digest));
  verifyBytes(bytes, d);
  return bytes;
}

function ociImages(read: (p: string) => Uint8Array): ArchiveImage[] {
  const top = parseImageDocument(read('index.json'), { mediaType: MediaType.ociIndex });
  if (top.kind !== 'index') throw new EngineError('invalid-content', 'invalid OCI layout: index.json is not an index');
  const byManifest = new Map<Digest, { manifest: ImageManifest; names: string[] }>();
  const visit = (d: Descriptor, names: string[], depth: number) => {
    if (depth > 4) throw new EngineError('invalid-content', 'invalid OCI layout: indexes nested too deep');
    const doc = parseImageDocument(read(blobPath(d.digest)), { descriptor: d });
    if (doc.kind === 'index') {
      const pick = doc.index.manifests.find((m) => m.platform?.os === WASI_PLATFORM.os && m.platform?.architecture === WASI_PLATFORM.architecture) ?? (doc.index.manifests.length === 1 ? doc.index.manifests[0] : undefined);
      if (pick) visit(pick, names, depth + 1);
      return;
    }
    const entry = byManifest.get(d.digest) ?? { manifest: doc.manifest, names: [] };
    entry.names.push(...names);
    byManifest.set(d.digest, entry);
  };
  for (const d of top.index.manifests) {
    const full = d.annotations?.[IMAGE_NAME];
    const tag = d.annotations?.[REF_NAME];
    // A bare ref.name (skopeo's oci:DIR:TAG) is a tag without a repository: nothing to name the image by.
    visit(d, full ? [full] : tag && tag.includes('/') ? [tag] : [], 0);
  }
  return [...byManifest.values()].map(({ manifest, names }) => ({
    names: [...new Set(names)],
    config: () => verified(read, manifest.config),
    layers: manifest.layers.map((l) => () => ({ bytes: verified(read, l), mediaType: l.mediaType })),
  }));
}

function dockerImages(read: (p: string) => Uint8Array): ArchiveImage[] {
  return parseDockerManifest(read('manifest.json')).map((m) => ({
    names: m.RepoTags,
    config: () => read(m.Config),
    layers: m.Layers.map((p) => () => {
      const bytes = read(p);
      return { bytes, mediaType: bytes[0] === 0x1f && bytes[1] === 0x8b ? MediaType.ociLayerGzip : MediaType.ociLayer };
    }),
  }));
}

interface DockerManifestItem {
  Config: string;
  RepoTags: string[];
  Layers: string[];
}

/**
 * Docker's `manifest.json`: a list of `{Config, RepoTags, Layers}`, checked field by field so a
 * malformed one is a clear 'invalid-content' error naming what is wrong, never a TypeError. As in
 * Docker, `RepoTags` and `Layers` may be absent or null (none); the layer count is then checked
 * against the config's diff_ids.
 */
export function parseDockerManifest(bytes: Uint8Array): DockerManifestItem[] {
  const bad = (what: string) => new EngineError('invalid-content', `invalid image archive: manifest.json: ${what}`);
  let list: unknown;
  try {
    list = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw bad((e as Error).message);
  }
  if (!Array.isArray(list)) throw bad(`expected a list of images, got ${kindOf(list)}`);
  return list.map((item: unknown, i): DockerManifestItem => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) throw bad(`image ${i} is ${kindOf(item)}, not an object`);
    const { Config, RepoTags, Layers } = item as Record<string, unknown>;
    if (typeof Config !== 'string' || Config === '') throw bad(`image ${i} has no Config (the path of its config in the archive)`);
    const strings = (value: unknown, field: string): string[] => {
      if (value === undefined || value === null) return [];
      if (!Array.isArray(value)) throw bad(`image ${i}: ${field} is ${kindOf(value)}, not a list`);
      for (const v of value) if (typeof v !== 'string' || v === '') throw bad(`image ${i}: ${field} holds ${kindOf(v)}, not a name`);
      return value as string[];
    };
    return { Config, RepoTags: strings(RepoTags, 'RepoTags'), Layers: strings(Layers, 'Layers') };
  });
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return v === '' ? 'an empty string' : 'a string';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}
