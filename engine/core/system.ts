import type { DiskUsage, PruneReport, SystemInfo, VersionInfo } from '../engine.ts';
import type { Digest } from '../ports.ts';
import type { ContainerRunner } from './container-run.ts';
import { containerSize } from './container-size.ts';
import { containerRecords } from './container-store.ts';
import { summary } from './containers.ts';
import type { Core } from './context.ts';
import { allTags, deleteBlob, imageRecords, usedBlobs } from './image-store.ts';
import { listImages } from './image-views.ts';
import { removeImage } from './image-remove.ts';
import { layerSize } from './layer-sizes.ts';
import type { VolumeRecord } from './records.ts';
import { deleteVolume, listVolumes, volumeUsers } from './volumes.ts';

/** `docker version`, `info`, `system df`, `system prune`. */

export const ENGINE_VERSION = '0.1.0';
export const API_VERSION = '1.50';
export const MIN_API_VERSION = '1.42';

export function version(core: Core): VersionInfo {
  const p = core.ports.platform;
  return {
    Version: ENGINE_VERSION,
    ApiVersion: API_VERSION,
    MinAPIVersion: MIN_API_VERSION,
    Os: p.host === 'linux' ? 'linux' : 'wasi',
    Arch: 'wasm',
    KernelVersion: p.kernelVersion,
    GitCommit: 'dockyard',
    GoVersion: 'n/a',
    BuildTime: '',
    Components: [{ Name: 'Engine', Version: ENGINE_VERSION, Details: { ApiVersion: API_VERSION, MinAPIVersion: MIN_API_VERSION, Os: p.host } }],
  };
}

export async function info(core: Core, runner: ContainerRunner): Promise<SystemInfo> {
  const p = core.ports.platform;
  const containers = await containerRecords(core);
  const running = containers.filter((c) => runner.isRunning(c.Id) || c.State.Running).length;
  return {
    ID: core.options.id,
    Name: core.options.name,
    Containers: containers.length,
    ContainersRunning: running,
    ContainersPaused: 0,
    ContainersStopped: containers.length - running,
    Images: (await imageRecords(core)).length,
    ServerVersion: ENGINE_VERSION,
    Driver: p.host === 'linux' ? 'overlay2' : 'memfs',
    OSType: p.host === 'linux' ? 'linux' : 'wasi',
    OperatingSystem: p.host === 'linux' ? `Dockyard kernel service (${p.name})` : 'Dockyard (browser)',
    Architecture: 'wasm',
    KernelVersion: p.kernelVersion,
    NCPU: p.ncpu,
    MemTotal: p.memTotal,
    SecurityOptions: p.host === 'linux' ? ['name=seccomp,profile=default', 'name=no-new-privileges'] : ['name=wasi'],
    Swarm: { LocalNodeState: 'inactive' },
  };
}

export async function diskUsage(core: Core): Promise<DiskUsage> {
  const images = await listImages(core);
  const layers = new Set<Digest>();
  for (const r of await imageRecords(core)) for (const l of r.layers) layers.add(l);
  let layersSize = 0;
  for (const l of layers) layersSize += await layerSize(core, l);
  const containers: DiskUsage['Containers'] = [];
  for (const c of await containerRecords(core)) containers.push({ ...summary(core, c), ...(await containerSize(core, c)) });
  const volumes: DiskUsage['Volumes'] = [];
  for (const v of (await listVolumes(core)).Volumes) {
    volumes.push({ ...v, UsageData: { Size: await core.ports.volumes.usage(v.Name), RefCount: (await volumeUsers(core, v.Name)).length } });
  }
  return { LayersSize: layersSize, Images: images, Containers: containers, Volumes: volumes, BuildCache: [] };
}

/**
 * `docker system prune`: stopped containers, then dangling images (all unused ones with `all`),
 * the build cache, and with `volumes` the volumes no container uses (anonymous ones only unless
 * `all`, as Docker 23+). Finally every blob nothing refers to.
 */
export async function prune(core: Core, runner: ContainerRunner, options: { all?: boolean; volumes?: boolean } = {}): Promise<PruneReport> {
  const report: PruneReport = { ContainersDeleted: [], ImagesDeleted: [], VolumesDeleted: [], SpaceReclaimed: 0 };
  const before = await storedBytes(core);
  for (const c of await containerRecords(core)) {
    if (runner.isRunning(c.Id) || c.State.Running) continue;
    await runner.remove(c.Id);
    report.ContainersDeleted.push(c.Id);
  }
  const tags = await allTags(core);
  const containers = await containerRecords(core);
  for (const r of await imageRecords(core)) {
    const tagged = tags.some(([, v]) => v === r.Id);
    if (tagged && !options.all) continue;
    if (containers.some((c) => c.Image === r.Id)) continue;
    try {
      report.ImagesDeleted.push(...(await removeImage(core, r.Id, { force: false })));
    } catch {
      // an image another image is built on stays, as in Docker
    }
  }
  for (const [key] of await core.ports.metadata.list('build-cache')) await core.ports.metadata.batch([{ op: 'delete', bucket: 'build-cache', key }]);
  if (options.volumes) {
    for (const [name, v] of await core.ports.metadata.list<VolumeRecord>('volumes')) {
      if (!v.anonymous && !options.all) continue;
      if ((await volumeUsers(core, name)).length) continue;
      await core.containerLock.run(() => deleteVolume(core, name));
      report.VolumesDeleted.push(name);
    }
  }
  await core.imageLock.run(async () => {
    const used = await usedBlobs(core);
    for (const d of await core.ports.blobs.list()) if (!used.has(d) && !core.isPinned(d)) await deleteBlob(core, d);
  });
  report.SpaceReclaimed = Math.max(0, before - (await storedBytes(core)));
  return report;
}

async function storedBytes(core: Core): Promise<number> {
  let n = 0;
  for (const d of await core.ports.blobs.list()) n += (await core.ports.blobs.size(d)) ?? 0;
  return n;
}
