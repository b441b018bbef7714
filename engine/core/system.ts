import type { DiskUsage, PruneReport, SystemInfo, VersionInfo } from '../engine.ts';
import type { Digest } from '../ports.ts';
import type { ContainerRunner } from './container-run.ts';
import { containerSize } from './container-size.ts';
import { containerRecords } from './container-store.ts';
import { summary } from './containers.ts';
import type { Core } from './context.ts';
import { imageRecords } from './image-store.ts';
import { listImages } from './image-views.ts';
import { layerSize } from './layer-sizes.ts';
import { collectBlobs, pruneBuildCache, pruneContainers, pruneImages, pruneVolumes, storedBytes } from './prune.ts';
import { listVolumes, volumeUsers } from './volumes.ts';

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
  const before = await storedBytes(core);
  const { ContainersDeleted } = await pruneContainers(core, runner);
  const { ImagesDeleted } = await pruneImages(core, options);
  await pruneBuildCache(core);
  const { VolumesDeleted } = options.volumes ? await pruneVolumes(core, options) : { VolumesDeleted: [] };
  await collectBlobs(core);
  return { ContainersDeleted, ImagesDeleted, VolumesDeleted, SpaceReclaimed: Math.max(0, before - (await storedBytes(core))) };
}
