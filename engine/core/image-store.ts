import { EngineError } from '../errors.ts';
import { isDigest } from '../oci/digest.ts';
import { familiarName, familiarRepository, parseReference, type Reference } from '../oci/reference.ts';
import type { ImageConfig } from '../oci/types.ts';
import type { Digest, MetadataOp } from '../ports.ts';
import type { Core } from './context.ts';
import type { ImageRecord } from './records.ts';
import { rfc3339Nano } from './clock.ts';

/**
 * Local images: records in 'images' (by ID = config digest), names in 'tags' (familiar
 * reference -> ID), configs and layers as blobs. One place decides how a name finds an image and
 * when a blob is no longer needed.
 */
export interface StoredImage {
  record: ImageRecord;
  config: ImageConfig;
}

const configCache = new WeakMap<Core, Map<Digest, ImageConfig>>();

/** The parsed config of a local image (blobs are immutable, so parsed configs are cached). */
export async function readConfig(core: Core, id: Digest): Promise<ImageConfig> {
  let cache = configCache.get(core);
  if (!cache) configCache.set(core, (cache = new Map()));
  const hit = cache.get(id);
  if (hit) return structuredClone(hit);
  const config = JSON.parse(new TextDecoder().decode(await core.ports.blobs.get(id))) as ImageConfig;
  cache.set(id, config);
  return structuredClone(config);
}

const presentBlobs = new WeakMap<Core, Set<Digest>>();

/**
 * The first of `digests` the BlobStore does not have. A blob seen once is not asked for again:
 * blobs are immutable, and one that an image or a container record refers to is never deleted
 * (deleteUnusedBlobs keeps them, in every tab); deletions go through `deleteBlob`.
 */
export async function missingBlob(core: Core, digests: Iterable<Digest>): Promise<Digest | undefined> {
  let seen = presentBlobs.get(core);
  if (!seen) presentBlobs.set(core, (seen = new Set()));
  for (const d of digests) {
    if (seen.has(d)) continue;
    if (!(await core.ports.blobs.has(d))) return d;
    seen.add(d);
  }
  return undefined;
}

export async function deleteBlob(core: Core, digest: Digest): Promise<void> {
  presentBlobs.get(core)?.delete(digest);
  await core.ports.blobs.delete(digest);
}

/** The key of a tag: `box:latest`, `localhost:5000/team/app:v2` (Docker's familiar form). */
export function tagKey(ref: Reference): string {
  return familiarName({ ...ref, digest: undefined, tag: ref.tag ?? 'latest' });
}

export function noSuchImage(name: string): EngineError {
  return new EngineError('not-found', `No such image: ${name}`);
}

export async function imageRecords(core: Core): Promise<ImageRecord[]> {
  return (await core.ports.metadata.list<ImageRecord>('images')).map(([, r]) => r);
}

export async function allTags(core: Core): Promise<Array<[string, Digest]>> {
  return core.ports.metadata.list<Digest>('tags');
}

/** RepoTags of an image, sorted. */
export async function tagsOf(core: Core, id: Digest, tags?: Array<[string, Digest]>): Promise<string[]> {
  return (tags ?? (await allTags(core))).filter(([, v]) => v === id).map(([k]) => k);
}

/**
 * Find a local image as Docker does: a full ID (`sha256:...` or 64 hex), a reference (`box`,
 * `box:1.0`, `box@sha256:...`), or a unique prefix of an ID. 'not-found': "No such image: x".
 */
export async function resolveImage(core: Core, name: string): Promise<StoredImage> {
  const id = await resolveImageId(core, name);
  const record = await core.ports.metadata.get<ImageRecord>('images', id);
  if (!record) throw noSuchImage(name);
  return { record, config: await readConfig(core, id) };
}

/**
 * What `create` needs of an image - its ID, layers and config - with one read of the store for a
 * tag: a tag only ever names a recorded image (recordImage, rmi untags first), an image's layers
 * are its config's diff_ids (its ID is that config's digest), and configs are cached.
 */
export async function imageToRun(core: Core, name: string): Promise<{ record: Pick<ImageRecord, 'Id' | 'layers'>; config: ImageConfig }> {
  const id = await resolveImageId(core, name);
  const config = await readConfig(core, id).catch(() => {
    throw noSuchImage(name);
  });
  return { record: { Id: id, layers: [...config.rootfs.diff_ids] as Digest[] }, config };
}

export async function resolveImageId(core: Core, name: string): Promise<Digest> {
  const { metadata } = core.ports;
  if (isDigest(name)) {
    if (await metadata.get('images', name)) return name;
    throw noSuchImage(name);
  }
  if (/^[0-9a-f]{64}$/.test(name) && (await metadata.get('images', `sha256:${name}`))) return `sha256:${name}`;
  let ref: Reference | undefined;
  try {
    ref = parseReference(name);
  } catch (e) {
    if (!/^(sha256:)?[0-9a-f]+$/.test(name)) throw e;
  }
  if (ref) {
    if (ref.digest) {
      const wanted = `${familiarRepository(ref)}@${ref.digest}`;
      const match = (await imageRecords(core)).find((r) => r.repoDigests.includes(wanted));
      if (match) return match.Id;
    } else {
      const id = await metadata.get<Digest>('tags', tagKey(ref));
      if (id) return id;
    }
  }
  const prefix = name.startsWith('sha256:') ? name.slice(7) : name;
  if (/^[0-9a-f]{1,64}$/.test(prefix)) {
    const matches = (await metadata.list<ImageRecord>('images')).filter(([k]) => k.slice(7).startsWith(prefix));
    if (matches.length === 1) return matches[0][1].Id;
  }
  throw noSuchImage(ref && !ref.digest ? tagKey(ref) : name);
}

/**
 * Record a new image whose blobs (config and layers) are already in the BlobStore: the image
 * record and every tag in one atomic batch, so no tag ever points at a missing image. A tag that
 * pointed at another image moves (that image becomes dangling, as in Docker).
 */
export async function recordImage(core: Core, record: ImageRecord, tags: string[]): Promise<void> {
  const { blobs, metadata } = core.ports;
  for (const digest of [record.Id, ...record.layers]) {
    if (!(await blobs.has(digest))) throw new EngineError('internal', `image ${record.Id} is missing blob ${digest}`);
  }
  const existing = await metadata.get<ImageRecord>('images', record.Id);
  const merged: ImageRecord = existing
    ? { ...existing, repoDigests: [...new Set([...existing.repoDigests, ...record.repoDigests])], lastTagTime: tags.length ? record.lastTagTime : existing.lastTagTime }
    : record;
  const ops: MetadataOp[] = [{ op: 'put', bucket: 'images', key: record.Id, value: merged }];
  for (const tag of tags) ops.push({ op: 'put', bucket: 'tags', key: tag, value: record.Id });
  await metadata.batch(ops);
  for (const tag of tags) core.events.emit('image', 'tag', record.Id, { name: tag });
}

export function lastTagTime(core: Core): string {
  return rfc3339Nano(core.now());
}

/**
 * Delete the blobs among `candidates` that nothing needs any more: not a layer or config of a
 * local image, not a layer under a container, not pinned by an operation in flight. Returns the
 * deleted digests. Callers hold core.imageLock.
 */
export async function deleteUnusedBlobs(core: Core, candidates: Iterable<Digest>): Promise<Digest[]> {
  const used = await usedBlobs(core);
  const deleted: Digest[] = [];
  for (const digest of new Set(candidates)) {
    if (used.has(digest) || core.isPinned(digest)) continue;
    await deleteBlob(core, digest);
    deleted.push(digest);
  }
  return deleted;
}

export async function usedBlobs(core: Core): Promise<Set<Digest>> {
  const used = new Set<Digest>();
  for (const r of await imageRecords(core)) {
    used.add(r.Id);
    for (const l of r.layers) used.add(l);
  }
  for (const c of await core.containers.list()) for (const l of c.layers) used.add(l);
  return used;
}
