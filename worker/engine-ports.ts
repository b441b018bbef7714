/**
 * The browser host's ports, built over one IndexedDB database: what `createEngine` gets in the
 * engine worker (and what the browser tests open directly).
 */
import { RunLocks } from './runtime/run-locks.ts';
import type { HostPorts } from '../engine/ports.ts';
import { DistributionClient } from '../engine/registry/distribution-client.ts';
import { OciLayoutRegistry } from '../engine/registry/oci-layout-registry.ts';
import { routeRegistries } from '../engine/registry/registry-router.ts';
import { StoreRegistry } from '../engine/registry/store-registry.ts';
import { WasiRuntime } from './runtime/wasi-runtime.ts';
import { IdbBlobStore } from './store/idb-blob-store.ts';
import { IdbLogStore } from './store/idb-log-store.ts';
import { IdbMetadataStore } from './store/idb-metadata-store.ts';
import { IdbSnapshotter } from './store/idb-snapshotter.ts';
import { IdbVolumeStore } from './store/idb-volume-store.ts';
import { DB_NAME, openDockyardDb } from './store/schema.ts';
import { tabMetadata } from './store/tab-metadata.ts';
import type { Tenure } from './store/tenure.ts';
import { NetworkHub } from './net/network-hub.ts';

/** Where the site serves the built-in registry's layouts (see registry-plugin.ts). */
export function builtinRegistryUrl(path: string): string {
  return new URL(`${import.meta.env.BASE_URL}registry/${path}`, self.location.origin).href;
}

async function readStatic(path: string): Promise<Uint8Array> {
  const response = await fetch(builtinRegistryUrl(path));
  if (!response.ok) throw new Error(`${response.status} ${path}`);
  // A static host that answers every path with the site's page: the file is not there.
  if ((response.headers.get('Content-Type') ?? '').startsWith('text/html')) {
    await response.body?.cancel();
    throw new Error(`not in the built-in registry: ${path}`);
  }
  return new Uint8Array(await response.arrayBuffer());
}

/** The registry the browser engine serves itself, as `docker run -p 5000:5000 registry` would. */
export const PLAYGROUND_REGISTRY = 'localhost:5000';

/** Its own database: the engine's store deletes blobs no image uses, the registry's must not. */
async function openPlaygroundRegistry(dbName: string): Promise<StoreRegistry> {
  const name = `${dbName}-registry`;
  const db = await openDockyardDb(name);
  const blobs = new IdbBlobStore(db, name);
  await blobs.sweepStaging();
  return new StoreRegistry({ blobs, metadata: new IdbMetadataStore(db) });
}

export interface BrowserPorts extends HostPorts {
  blobs: IdbBlobStore;
  snapshots: IdbSnapshotter;
  runtime: WasiRuntime;
  /** The virtual network: the core's NetworkDriver, the containers' sockets, the published ports. */
  network: NetworkHub;
}

/**
 * `tenure`: the engine worker's writer lease. With it the stores coordinate with other tabs (their
 * metadata written behind and read per tenure: store/tab-metadata.ts; a snapshot prepared fresh in
 * the tenure known empty: store/idb-snapshotter.ts); without, every read and write goes to IndexedDB.
 */
export async function openBrowserPorts(dbName = DB_NAME, tenure?: Tenure): Promise<BrowserPorts> {
  const db = await openDockyardDb(dbName);
  const blobs = new IdbBlobStore(db, dbName);
  // A tab killed mid-pull left chunks behind: remove them before anything reads the store.
  await blobs.sweepStaging();
  const volumes = new IdbVolumeStore(db);
  const snapshots = new IdbSnapshotter(db, blobs, volumes);
  snapshots.tenure = tenure;
  const network = new NetworkHub();
  const runtime = new WasiRuntime(snapshots, undefined, new RunLocks(dbName), network);
  snapshots.live = (key) => runtime.liveDelta(key);
  runtime.pool.warm();
  const nav = self.navigator as Navigator & { deviceMemory?: number };
  return {
    blobs,
    metadata: tenure ? tabMetadata(new IdbMetadataStore(db), tenure) : new IdbMetadataStore(db),
    logs: new IdbLogStore(db),
    snapshots,
    volumes,
    runtime,
    network,
    registry: routeRegistries(
      { builtin: new OciLayoutRegistry({ readFile: readStatic }), [PLAYGROUND_REGISTRY]: await openPlaygroundRegistry(dbName) },
      // Other registries (the connected kernel service's): credentials come with each pull and push.
      new DistributionClient(),
    ),
    platform: {
      host: 'browser',
      name: 'dockyard-browser',
      ncpu: nav.hardwareConcurrency || 1,
      memTotal: (nav.deviceMemory ?? 0) * 2 ** 30,
      kernelVersion: `wasi (${nav.userAgent.match(/(Chrome|Firefox|Safari)\/[\d.]+/)?.[0] ?? 'browser'})`,
    },
  };
}
