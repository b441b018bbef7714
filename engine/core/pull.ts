import type { ImageInspect, ProgressListener, RegistryAuth } from '../engine.ts';
import { EngineError } from '../errors.ts';
import { WASI_PLATFORM, type Descriptor, type ImageManifest } from '../oci/types.ts';
import { DEFAULT_TAG, familiarRepository, namesTagOrDigest } from '../oci/reference.ts';
import type { Digest, FetchedManifest, RegistryClient } from '../ports.ts';
import type { Core } from './context.ts';
import { checkDiffIdCount, parseConfig, parseImageDocument } from '../oci/validate.ts';
import { lastTagTime, recordImage, tagKey } from './image-store.ts';
import { inspectImage } from './image-views.ts';
import { collect, ingestLayer, LayerStack } from './layer-ingest.ts';
import { registryClient, remoteFor, type Remote } from './remote.ts';
import { truncateId } from './ids.ts';
import type { ImageRecord } from './records.ts';

/**
 * `docker pull`: resolve the reference, fetch manifest (an index picks wasi/wasm), config and
 * layers, verify all of it, store layers uncompressed under their diff_ids, and only then record
 * the image and its tag in one batch. Progress lines are Docker's. With `allTags` (`pull -a`, or
 * the API's empty `tag`), every tag the registry lists for the repository, in its order.
 */
export async function pull(core: Core, name: string, options: { onProgress?: ProgressListener; allTags?: boolean; auth?: RegistryAuth } = {}): Promise<ImageInspect> {
  const onProgress = options.onProgress ?? (() => {});
  const registry = registryClient(core, options.auth);
  if (!options.allTags) {
    const one = await pullOne(core, registry, name, onProgress);
    const shown = one.tag ?? one.repoDigest;
    onProgress({ status: one.changed ? `Status: Downloaded newer image for ${shown}` : `Status: Image is up to date for ${shown}` });
    return one.image;
  }
  if (namesTagOrDigest(name)) throw new EngineError('invalid-argument', "tag can't be used with --all-tags/-a");
  const remote = remoteFor(core, name);
  const tags = await registry.listTags(remote.registry, remote.repository);
  if (tags.length === 0) throw new EngineError('not-found', `manifest unknown: no tags in repository ${remote.repository}`);
  const repo = familiarRepository(remote.ref);
  let changed = false;
  let last: ImageInspect | undefined;
  let latest: ImageInspect | undefined;
  for (const tag of tags) {
    const one = await pullOne(core, registry, `${repo}:${tag}`, onProgress);
    changed ||= one.changed;
    last = one.image;
    if (tag === DEFAULT_TAG) latest = one.image;
  }
  onProgress({ status: changed ? `Status: Downloaded newer image for ${repo}` : `Status: Image is up to date for ${repo}` });
  return latest ?? last!;
}

interface PulledOne {
  image: ImageInspect;
  changed: boolean;
  tag: string | undefined;
  repoDigest: string;
}

async function pullOne(core: Core, registry: RegistryClient, name: string, onProgress: ProgressListener): Promise<PulledOne> {
  const remote = remoteFor(core, name);
  const top = await registry.getManifest(remote.registry, remote.repository, remote.reference);
  // After the manifest, as Docker: a missing image is only the error, no "Pulling from" before it.
  onProgress({ status: `Pulling from ${remote.repository}`, id: remote.ref.digest ?? remote.ref.tag ?? 'latest' });
  const manifest = await pickManifest(registry, remote, top);
  const configBytes = await collect(await registry.getBlob(remote.registry, remote.repository, manifest.config));
  const config = parseConfig(configBytes, manifest.config);
  checkDiffIdCount(manifest, config);
  const imageId = manifest.config.digest;
  const diffIds = config.rootfs.diff_ids;
  const tag = remote.ref.digest ? undefined : tagKey(remote.ref);
  const repoDigest = `${familiarRepository(remote.ref)}@${top.digest}`;

  return core.pinned([imageId, ...diffIds], async () => {
    let downloaded = false;
    const stack = new LayerStack(core);
    for (let i = 0; i < manifest.layers.length; i++) {
      const layer = manifest.layers[i];
      const id = truncateId(layer.digest);
      if (await core.ports.blobs.has(diffIds[i])) {
        stack.existing(diffIds[i]);
        onProgress({ status: 'Already exists', progressDetail: {}, id });
        continue;
      }
      downloaded = true;
      onProgress({ status: 'Pulling fs layer', progressDetail: {}, id });
      const bytes = await collect(await registry.getBlob(remote.registry, remote.repository, layer));
      onProgress({ status: 'Downloading', progressDetail: { current: bytes.length, total: layer.size }, id });
      onProgress({ status: 'Verifying Checksum', progressDetail: {}, id });
      onProgress({ status: 'Download complete', progressDetail: {}, id });
      onProgress({ status: 'Extracting', progressDetail: { current: layer.size, total: layer.size }, id });
      try {
        await ingestLayer(core, bytes, layer.mediaType, diffIds[i], stack);
      } catch (e) {
        if (e instanceof EngineError && e.code === 'invalid-content' && /digest mismatch/.test(e.message)) {
          throw new EngineError('invalid-content', `failed to register layer: layer ${layer.digest} does not match the config's diff_id ${diffIds[i]}`);
        }
        throw e;
      }
      onProgress({ status: 'Pull complete', progressDetail: {}, id });
    }
    if (!(await core.ports.blobs.has(imageId))) {
      downloaded = true;
      await core.ports.blobs.put({ digest: imageId, size: configBytes.length }, configBytes);
    }

    const changed = await core.imageLock.run(async () => {
      const before = tag ? await core.ports.metadata.get<Digest>('tags', tag) : undefined;
      const known = await core.ports.metadata.get<ImageRecord>('images', imageId);
      const record: ImageRecord = { Id: imageId, layers: diffIds, parent: '', repoDigests: [repoDigest], lastTagTime: lastTagTime(core) };
      await recordImage(core, record, tag && before !== imageId ? [tag] : []);
      return downloaded || !known || (tag !== undefined && before !== imageId);
    });
    onProgress({ status: `Digest: ${top.digest}` });
    core.events.emit('image', 'pull', tag ?? repoDigest, { name: tag ?? repoDigest });
    return { image: await inspectImage(core, imageId), changed, tag, repoDigest };
  });
}

/** The image manifest to pull: the document itself, or the wasi/wasm entry of an index. */
async function pickManifest(registry: RegistryClient, remote: Remote, fetched: FetchedManifest): Promise<ImageManifest> {
  const doc = parseImageDocument(fetched.bytes, { mediaType: fetched.mediaType || undefined });
  if (doc.kind === 'manifest') return doc.manifest;
  const entries = doc.index.manifests;
  const match =
    entries.find((m: Descriptor) => m.platform?.os === WASI_PLATFORM.os && m.platform?.architecture === WASI_PLATFORM.architecture) ??
    (entries.length === 1 && !entries[0].platform ? entries[0] : undefined);
  if (!match) throw new EngineError('not-found', `no matching manifest for ${WASI_PLATFORM.os}/${WASI_PLATFORM.architecture} in the manifest list entries`);
  const inner = await registry.getManifest(remote.registry, remote.repository, match.digest);
  const innerDoc = parseImageDocument(inner.bytes, { descriptor: match, mediaType: inner.mediaType || match.mediaType });
  if (innerDoc.kind !== 'manifest') throw new EngineError('invalid-content', 'invalid image index: an entry for wasi/wasm is itself an index');
  return innerDoc.manifest;
}
