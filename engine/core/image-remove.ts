import type { RemovedImage } from '../engine.ts';
import { EngineError } from '../errors.ts';
import { isDigest } from '../oci/digest.ts';
import { familiarRepository, parseReference } from '../oci/reference.ts';
import type { Digest, MetadataOp } from '../ports.ts';
import type { Core } from './context.ts';
import { allTags, deleteUnusedBlobs, imageRecords, resolveImageId, tagKey } from './image-store.ts';
import { truncateId } from './ids.ts';
import type { ContainerRecord, ImageRecord } from './records.ts';

/**
 * `docker rmi`, with Docker's rules (moby's image_delete):
 * - By name: that tag is removed first ("Untagged"); the image is deleted only when no tag is left.
 *   The last tag of an image a container uses is kept unless forced ("must force").
 * - By ID: refused while more than one tag names it, unless forced; then every tag goes.
 * - A running container's image, or an image other images are built on, is never deleted
 *   ("cannot be forced"); a stopped container's image only with force.
 * - Deleting an image deletes its layers that no other image or container still needs, and
 *   (unless noprune) its parent, if that parent is now untagged and unused.
 */
export async function removeImage(core: Core, name: string, options: { force?: boolean; noprune?: boolean } = {}): Promise<RemovedImage[]> {
  const force = options.force ?? false;
  return core.imageLock.run(async () => {
    const id = await resolveImageId(core, name);
    const records: RemovedImage[] = [];
    const containers = await core.containers.list();
    const tags = (await allTags(core)).filter(([, v]) => v === id).map(([k]) => k);
    const byId = isIdReference(name, id);

    if (!byId) {
      const ref = parseReference(name);
      const key = ref.digest ? undefined : tagKey(ref);
      if (!force && tags.length <= 1) {
        const user = containers.find((c) => c.Image === id);
        if (user) {
          throw new EngineError(
            'conflict',
            `conflict: unable to remove repository reference "${name}" (must force) - container ${truncateId(user.Id)} is using its referenced image ${truncateId(id)}`,
          );
        }
      }
      if (key && tags.includes(key)) {
        await core.ports.metadata.batch([{ op: 'delete', bucket: 'tags', key }]);
        records.push({ Untagged: key });
        core.events.emit('image', 'untag', id, { name: key });
        const left = tags.filter((t) => t !== key);
        const digests = await untagRepositoryDigests(core, id, familiarRepository(ref), left, records);
        // Any reference left - a tag, or a digest of another repository - keeps the image.
        if (left.length + digests.length > 0) return records;
      } else if (ref.digest) {
        const record = (await core.ports.metadata.get<ImageRecord>('images', id))!;
        const repoDigest = `${familiarRepository(ref)}@${ref.digest}`;
        const remaining = record.repoDigests.filter((d) => d !== repoDigest);
        await core.ports.metadata.batch([{ op: 'put', bucket: 'images', key: id, value: { ...record, repoDigests: remaining } }]);
        records.push({ Untagged: repoDigest });
        if (tags.length > 0) return records;
      }
      await deleteImage(core, id, records, force, !options.noprune, true);
      return records;
    }

    // Docker says "multiple repositories" for any second tag, even box:1.0 next to box:latest.
    if (tags.length > 1 && !force) {
      throw new EngineError('conflict', `conflict: unable to delete ${truncateId(id)} (must be forced) - image is referenced in multiple repositories`);
    }
    checkConflicts(id, containers, await imageRecords(core), force);
    for (const t of tags) {
      await core.ports.metadata.batch([{ op: 'delete', bucket: 'tags', key: t }]);
      records.push({ Untagged: t });
      core.events.emit('image', 'untag', id, { name: t });
    }
    await deleteImage(core, id, records, force, !options.noprune, false);
    return records;
  });
}

/**
 * As Docker's: once a repository's last tag of an image is gone, its digest references in that
 * repository (from a pull or a push) go too, each an "Untagged: repo@sha256:..." line - no
 * `<none>` row is left for it. Returns the image's digest references that remain.
 */
async function untagRepositoryDigests(core: Core, id: Digest, repository: string, tagsLeft: string[], records: RemovedImage[]): Promise<string[]> {
  const record = await core.ports.metadata.get<ImageRecord>('images', id);
  if (!record) return [];
  if (tagsLeft.some((t) => t.slice(0, t.lastIndexOf(':')) === repository)) return record.repoDigests;
  const gone = record.repoDigests.filter((d) => d.slice(0, d.indexOf('@')) === repository);
  if (gone.length === 0) return record.repoDigests;
  const remaining = record.repoDigests.filter((d) => !gone.includes(d));
  await core.ports.metadata.batch([{ op: 'put', bucket: 'images', key: id, value: { ...record, repoDigests: remaining } }]);
  for (const d of gone) records.push({ Untagged: d });
  return remaining;
}

function isIdReference(name: string, id: Digest): boolean {
  if (isDigest(name)) return true;
  const hex = name.startsWith('sha256:') ? name.slice(7) : name;
  return /^[0-9a-f]{1,64}$/.test(hex) && id.slice(7).startsWith(hex);
}

interface Conflict {
  hard: boolean;
  message: string;
}

function findConflict(id: Digest, containers: ContainerRecord[], images: ImageRecord[], force: boolean): Conflict | undefined {
  if (images.some((i) => i.parent === id)) return { hard: true, message: 'image has dependent child images' };
  const running = containers.find((c) => c.Image === id && c.State.Running);
  if (running) return { hard: true, message: `image is being used by running container ${truncateId(running.Id)}` };
  if (!force) {
    const stopped = containers.find((c) => c.Image === id);
    if (stopped) return { hard: false, message: `image is being used by stopped container ${truncateId(stopped.Id)}` };
  }
  return undefined;
}

function conflictError(id: Digest, c: Conflict): EngineError {
  return new EngineError('conflict', `conflict: unable to delete ${truncateId(id)} (${c.hard ? 'cannot be forced' : 'must be forced'}) - ${c.message}`);
}

function checkConflicts(id: Digest, containers: ContainerRecord[], images: ImageRecord[], force: boolean): void {
  const c = findConflict(id, containers, images, force);
  if (c) throw conflictError(id, c);
}

/**
 * Delete an untagged image record and the blobs only it needed. `quiet` (after an untag, or when
 * pruning a parent) turns a conflict into "leave it" instead of an error, as Docker does.
 */
async function deleteImage(core: Core, id: Digest, records: RemovedImage[], force: boolean, prune: boolean, quiet: boolean): Promise<void> {
  const { metadata } = core.ports;
  const record = await metadata.get<ImageRecord>('images', id);
  if (!record) return;
  const containers = await core.containers.list();
  const conflict = findConflict(id, containers, await imageRecords(core), force);
  if (conflict) {
    if (quiet) return;
    throw conflictError(id, conflict);
  }
  const ops: MetadataOp[] = [{ op: 'delete', bucket: 'images', key: id }];
  for (const [k, v] of await allTags(core)) if (v === id) ops.push({ op: 'delete', bucket: 'tags', key: k });
  await metadata.batch(ops);
  core.events.emit('image', 'delete', id);
  records.push({ Deleted: id });
  const deleted = await deleteUnusedBlobs(core, [...record.layers, id]);
  for (const d of record.layers) if (deleted.includes(d)) records.push({ Deleted: d });
  if (!prune || !record.parent) return;
  const parentTags = (await allTags(core)).filter(([, v]) => v === record.parent);
  if (parentTags.length === 0) await deleteImage(core, record.parent as Digest, records, false, true, true);
}
