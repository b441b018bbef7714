import type { RemovedImage } from '../engine.ts';
import type { ContainerRunner } from './container-run.ts';
import { containerSize } from './container-size.ts';
import { containerRecords } from './container-store.ts';
import type { Core } from './context.ts';
import { allTags, deleteBlob, imageRecords, usedBlobs } from './image-store.ts';
import { removeImage } from './image-remove.ts';
import type { VolumeRecord } from './records.ts';
import { deleteVolume, volumeUsers } from './volumes.ts';

/**
 * The prunes, one rule each for `docker container|image|volume prune` and `system prune` (which
 * runs them in turn), with Docker's SpaceReclaimed: the writable layers of the containers
 * removed, the bytes of blobs the images' removal freed, the volumes' contents.
 */

export async function pruneContainers(core: Core, runner: ContainerRunner): Promise<{ ContainersDeleted: string[]; SpaceReclaimed: number }> {
  const report = { ContainersDeleted: [] as string[], SpaceReclaimed: 0 };
  for (const c of await containerRecords(core)) {
    if (runner.isRunning(c.Id) || c.State.Running) continue;
    const { SizeRw } = await containerSize(core, c);
    await runner.remove(c.Id);
    report.ContainersDeleted.push(c.Id);
    report.SpaceReclaimed += SizeRw;
  }
  if (report.ContainersDeleted.length) core.events.emit('container', 'prune', '', { reclaimed: String(report.SpaceReclaimed) });
  return report;
}

/** Dangling images, or with `all` every image no container uses; an image another is built on stays, as in Docker. */
export async function pruneImages(core: Core, options: { all?: boolean } = {}): Promise<{ ImagesDeleted: RemovedImage[]; SpaceReclaimed: number }> {
  const before = await storedBytes(core);
  const report = { ImagesDeleted: [] as RemovedImage[], SpaceReclaimed: 0 };
  const tags = await allTags(core);
  const containers = await containerRecords(core);
  for (const r of await imageRecords(core)) {
    if (tags.some(([, v]) => v === r.Id) && !options.all) continue;
    if (containers.some((c) => c.Image === r.Id)) continue;
    try {
      report.ImagesDeleted.push(...(await removeImage(core, r.Id, { force: options.all ?? false })));
    } catch {
      // an image another image is built on stays
    }
  }
  await collectBlobs(core);
  report.SpaceReclaimed = Math.max(0, before - (await storedBytes(core)));
  if (report.ImagesDeleted.length) core.events.emit('image', 'prune', '', { reclaimed: String(report.SpaceReclaimed) });
  return report;
}

/** Volumes no container uses: anonymous ones only, unless `all` (Docker 23+). */
export async function pruneVolumes(core: Core, options: { all?: boolean } = {}): Promise<{ VolumesDeleted: string[]; SpaceReclaimed: number }> {
  const report = { VolumesDeleted: [] as string[], SpaceReclaimed: 0 };
  for (const [name, v] of await core.ports.metadata.list<VolumeRecord>('volumes')) {
    if (!v.anonymous && !options.all) continue;
    if ((await volumeUsers(core, name)).length) continue;
    const size = await core.ports.volumes.usage(name);
    await core.containerLock.run(() => deleteVolume(core, name));
    report.VolumesDeleted.push(name);
    report.SpaceReclaimed += Math.max(0, size);
  }
  if (report.VolumesDeleted.length) core.events.emit('volume', 'prune', '', { reclaimed: String(report.SpaceReclaimed) });
  return report;
}

/**
 * `POST /build/prune`: the builder's cache. Docker's legacy builder keeps its cache as
 * intermediate images (image prune's), so its build-cache prune lists no objects; ours keeps
 * records, dropped here with the blobs only they held, and lists none either.
 */
export async function pruneBuildCache(core: Core): Promise<{ CachesDeleted: string[]; SpaceReclaimed: number }> {
  const before = await storedBytes(core);
  for (const [key] of await core.ports.metadata.list('build-cache')) await core.ports.metadata.batch([{ op: 'delete', bucket: 'build-cache', key }]);
  await collectBlobs(core);
  return { CachesDeleted: [], SpaceReclaimed: Math.max(0, before - (await storedBytes(core))) };
}

/** Every blob nothing refers to, under the image lock (pinned ones stay: an operation is writing them). */
export async function collectBlobs(core: Core): Promise<void> {
  await core.imageLock.run(async () => {
    const used = await usedBlobs(core);
    for (const d of await core.ports.blobs.list()) if (!used.has(d) && !core.isPinned(d)) await deleteBlob(core, d);
  });
}

export async function storedBytes(core: Core): Promise<number> {
  let n = 0;
  for (const d of await core.ports.blobs.list()) n += (await core.ports.blobs.size(d)) ?? 0;
  return n;
}
