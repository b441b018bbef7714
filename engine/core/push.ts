import type { ProgressListener, RegistryAuth } from '../engine.ts';
import { EngineError } from '../errors.ts';
import { DEFAULT_TAG, familiarRepository, namesTagOrDigest, parseReference } from '../oci/reference.ts';
import type { Digest, RegistryClient } from '../ports.ts';
import type { Core } from './context.ts';
import { truncateId } from './ids.ts';
import { imageManifest } from './image-manifest.ts';
import { allTags, resolveImage, tagKey } from './image-store.ts';
import type { ImageRecord } from './records.ts';
import { registryClient, remoteFor, type Remote } from './remote.ts';

/**
 * `docker push NAME[:TAG]`: blobs the registry lacks, then the manifest under the tag; Docker's
 * progress lines. With `allTags` (`push -a`, or the API's empty `tag`), every local tag of the
 * repository, sorted; the result is the last one's.
 */
export async function push(core: Core, name: string, options: { onProgress?: ProgressListener; allTags?: boolean; auth?: RegistryAuth } = {}): Promise<{ Digest: Digest; Size: number }> {
  const onProgress = options.onProgress ?? (() => {});
  const remote = remoteFor(core, name);
  if (remote.ref.digest) throw new EngineError('invalid-argument', 'cannot push a digest reference');
  if (options.allTags && namesTagOrDigest(name)) throw new EngineError('invalid-argument', "tag can't be used with --all-tags/-a");
  const repo = familiarRepository(remote.ref);
  const tags = options.allTags
    ? (await allTags(core)).map(([key]) => parseReference(key)).filter((r) => familiarRepository(r) === repo).map((r) => r.tag!).sort()
    : [remote.ref.tag ?? DEFAULT_TAG];
  if (tags.length === 0) throw new EngineError('not-found', `An image does not exist locally with the tag: ${repo}`);
  const qualified = (remote.ref.domain ? remote.ref.domain + '/' : 'docker.io/') + remote.repository;
  onProgress({ status: `The push refers to repository [${qualified}]` });
  let result: { Digest: Digest; Size: number } | undefined;
  const registry = registryClient(core, options.auth);
  for (const tag of tags) result = await pushTag(core, registry, remoteFor(core, `${repo}:${tag}`), onProgress);
  return result!;
}

async function pushTag(core: Core, registry: RegistryClient, remote: Remote, onProgress: ProgressListener): Promise<{ Digest: Digest; Size: number }> {
  const { record } = await resolveImage(core, tagKey(remote.ref));
  const manifest = await imageManifest(core, record);
  const layers = [...manifest.layers].reverse(); // Docker lists the top layer first
  for (const l of layers) onProgress({ status: 'Preparing', progressDetail: {}, id: truncateId(l.digest) });
  for (const l of layers) {
    const id = truncateId(l.digest);
    if (await registry.hasBlob(remote.registry, remote.repository, l.digest)) {
      onProgress({ status: 'Layer already exists', progressDetail: {}, id });
      continue;
    }
    const bytes = await core.ports.blobs.get(l.digest);
    onProgress({ status: 'Pushing', progressDetail: { current: bytes.length, total: bytes.length }, id });
    await registry.putBlob(remote.registry, remote.repository, { digest: l.digest, size: l.size }, bytes);
    onProgress({ status: 'Pushed', progressDetail: {}, id });
  }
  if (!(await registry.hasBlob(remote.registry, remote.repository, manifest.config.digest))) {
    await registry.putBlob(remote.registry, remote.repository, { digest: manifest.config.digest, size: manifest.config.size }, await core.ports.blobs.get(manifest.config.digest));
  }
  const tag = remote.ref.tag ?? 'latest';
  await registry.putManifest(remote.registry, remote.repository, tag, { bytes: manifest.bytes, mediaType: manifest.descriptor.mediaType, digest: manifest.descriptor.digest });
  const repoDigest = `${familiarRepository(remote.ref)}@${manifest.descriptor.digest}`;
  await core.imageLock.run(async () => {
    const current = await core.ports.metadata.get<ImageRecord>('images', record.Id);
    if (current && !current.repoDigests.includes(repoDigest)) {
      await core.ports.metadata.batch([{ op: 'put', bucket: 'images', key: record.Id, value: { ...current, repoDigests: [...current.repoDigests, repoDigest] } }]);
    }
  });
  onProgress({ status: `${tag}: digest: ${manifest.descriptor.digest} size: ${manifest.descriptor.size}` });
  onProgress({ progressDetail: {}, aux: { Tag: tag, Digest: manifest.descriptor.digest, Size: manifest.descriptor.size } });
  core.events.emit('image', 'push', tagKey(remote.ref), { name: tagKey(remote.ref) });
  return { Digest: manifest.descriptor.digest, Size: manifest.descriptor.size };
}
