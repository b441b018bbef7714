import { mkdir, readFile } from 'node:fs/promises';
import { cpus, hostname, release, totalmem } from 'node:os';
import { join } from 'node:path';
import type { Engine } from '../engine/engine.ts';
import { createEngine } from '../engine/core/index.ts';
import { EngineError } from '../engine/errors.ts';
import type { BlobStore, Digest, HostPorts, MetadataStore } from '../engine/ports.ts';
import { OciLayoutRegistry } from '../engine/registry/oci-layout-registry.ts';
import { routeRegistries } from '../engine/registry/registry-router.ts';
import { StoreRegistry } from '../engine/registry/store-registry.ts';
import { DataRoot } from './store/data-root.ts';
import { DiskBlobStore } from './store/disk-blob-store.ts';
import { DiskLogStore } from './store/disk-log-store.ts';
import { DiskMetadataStore } from './store/disk-metadata-store.ts';
import { DiskVolumeStore } from './store/disk-volume-store.ts';
import { cleanupHost, type CleanupReport } from './runtime/host-cleanup.ts';
import { OverlaySnapshotter } from './store/overlay-snapshotter.ts';
import { RuncRuntime } from './runtime/runc-runtime.ts';
import { compileHostHelper } from './runtime/host-helpers.ts';
import { KernelNetwork } from './net/kernel-network.ts';
import { prepareRuntimeRoot } from './runtime/runtime-root.ts';

export interface KernelHostOptions {
  dataRoot: string;
  /** Directory of the built-in OCI image layouts (`<name>/index.json`): what `docker pull box` fetches. */
  imagesDir: string;
  runc?: string;
  now?: () => number;
  /** Keep a warm spare container for the next run (default true; benchmarks turn it off to compare). */
  spare?: boolean;
  /** Non-loopback host addresses ports may be published on (main.ts --publish-address); loopback only by default. */
  publishAddresses?: string[];
}

export interface KernelHost {
  engine: Engine;
  ports: HostPorts;
  data: DataRoot;
  runtime: RuncRuntime;
  /** Containers' network namespaces, the bridges and the published ports (kernel-node/net/). */
  network: KernelNetwork;
  cleanup: CleanupReport;
  repaired: string[];
  /** The registry served under /v2/, with stores of its own (the engine's store drops blobs no image uses). */
  localRegistry: StoreRegistry;
  /**
   * Route these registry names (the service's own `127.0.0.1:PORT`, ...) to `localRegistry` in
   * process, so `docker push/pull localhost:PORT/x` through the engine needs no HTTP round trip
   * (and no token). Called once the TCP port is known.
   */
  serveRegistryAs(names: string[]): void;
  close(): Promise<void>;
}

/**
 * Everything the kernel service runs on, opened in the order a crash requires: first what a dead
 * service left (runc containers, mounts, cgroups, staging files), then the stores, then a repair
 * pass so no tag points at a missing blob (the engine core then marks containers that were running
 * as exited).
 */
export async function openKernelHost(o: KernelHostOptions): Promise<KernelHost> {
  const data = new DataRoot(o.dataRoot);
  await mkdir(data.root, { recursive: true, mode: 0o700 });
  const cleanup = await cleanupHost(data, o.runc);
  const blobs = await DiskBlobStore.open(data.blobs, data.blobStaging, join(data.root, 'blobs', 'quarantine'));
  const metadata = await DiskMetadataStore.open(data.metadata);
  const logs = await DiskLogStore.open(data.logs);
  const volumes = new DiskVolumeStore(data.volumes);
  await mkdir(data.containers, { recursive: true, mode: 0o700 });
  const snapshots = new OverlaySnapshotter(data, blobs);
  await mkdir(data.network, { recursive: true, mode: 0o700 });
  const [runtimeRoot, proxy] = await Promise.all([prepareRuntimeRoot(data), compileHostHelper('../net/port-proxy.c', join(data.network, 'port-proxy'))]);
  // After the runc containers of a dead service are gone: their namespaces can then go too.
  const network = await KernelNetwork.open({ dataRoot: data.root, proxy, publishAddresses: o.publishAddresses });
  const runtime = new RuncRuntime({ data, runtime: runtimeRoot, snapshots, volumePath: (n) => volumes.path(n), runc: o.runc, spare: o.spare, netns: network });
  snapshots.onRemove = (key) => runtime.release(key);
  runtime.refill();
  const builtin = new OciLayoutRegistry({
    readFile: async (p) => {
      try {
        return new Uint8Array(await readFile(join(o.imagesDir, p)));
      } catch {
        throw new EngineError('not-found', `${p} not found`);
      }
    },
  });
  const registryDir = join(data.root, 'registry');
  const localRegistry = new StoreRegistry({
    blobs: await DiskBlobStore.open(join(registryDir, 'blobs', 'sha256'), join(registryDir, 'blobs', 'staging'), join(registryDir, 'blobs', 'quarantine')),
    metadata: await DiskMetadataStore.open(join(registryDir, 'metadata')),
  });
  const routes: Record<string, StoreRegistry | OciLayoutRegistry> = { builtin };
  const repaired = await repairMetadata(metadata, blobs);
  const ports: HostPorts = {
    blobs,
    metadata,
    logs,
    snapshots,
    volumes,
    runtime,
    network,
    registry: routeRegistries(routes),
    platform: { host: 'linux', name: hostname(), ncpu: cpus().length, memTotal: totalmem(), kernelVersion: release() },
    ...(o.now ? { now: o.now } : {}),
  };
  const engine = createEngine(ports, { name: hostname() });
  runtime.resolveName = (container, name) => engine.resolveName(container, name);
  return {
    engine,
    ports,
    data,
    runtime,
    network,
    cleanup,
    repaired,
    localRegistry,
    serveRegistryAs: (names) => {
      for (const n of names) routes[n] = localRegistry;
    },
    close: async () => {
      await runtime.close();
      await network.close();
      await cleanupHost(data, o.runc);
    },
  };
}

interface ImageRecordShape {
  layers?: Digest[];
}

/**
 * After a crash: tags whose image (record, config blob or a layer) is missing are dropped.
 * Containers recorded as running are the engine core's to settle (engine/core/recovery.ts marks
 * them exited 137 when the engine opens), as on every host.
 */
export async function repairMetadata(metadata: MetadataStore, blobs: BlobStore): Promise<string[]> {
  const fixed: string[] = [];
  const ops: Parameters<MetadataStore['batch']>[0] = [];
  const images = new Map(await metadata.list<ImageRecordShape>('images'));
  const complete = new Map<string, boolean>();
  for (const [id, image] of images) {
    let ok = await blobs.has(id as Digest);
    for (const l of image.layers ?? []) ok = ok && (await blobs.has(l));
    complete.set(id, ok);
  }
  for (const [tag, id] of await metadata.list<string>('tags')) {
    if (!complete.get(id)) {
      ops.push({ op: 'delete', bucket: 'tags', key: tag });
      fixed.push(`tag ${tag}`);
    }
  }
  if (ops.length) await metadata.batch(ops);
  return fixed;
}
