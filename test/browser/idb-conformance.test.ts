/**
 * The port conformance suites (test/conformance/) against the browser host's IndexedDB adapters,
 * in Chromium with a real IndexedDB (Vitest browser mode, project 'browser').
 */
import { blobStoreSuite } from '../conformance/blob-store-suite.ts';
import { logStoreSuite } from '../conformance/log-store-suite.ts';
import { metadataStoreSuite } from '../conformance/metadata-store-suite.ts';
import { volumeStoreSuite } from '../conformance/volume-store-suite.ts';
import { IdbBlobStore } from '../../worker/store/idb-blob-store.ts';
import { IdbLogStore } from '../../worker/store/idb-log-store.ts';
import { IdbMetadataStore } from '../../worker/store/idb-metadata-store.ts';
import { IdbVolumeStore } from '../../worker/store/idb-volume-store.ts';
import { openDockyardDb } from '../../worker/store/schema.ts';
import { tabMetadata } from '../../worker/store/tab-metadata.ts';

let n = 0;
const fresh = () => `conformance-${Date.now()}-${n++}`;

blobStoreSuite(
  'IndexedDB',
  async () => {
    const name = fresh();
    return new IdbBlobStore(await openDockyardDb(name), name);
  },
  { corrupt: (store, digest) => (store as IdbBlobStore).corruptForTest(digest) },
);

const metadataNames = new WeakMap<object, string>();
metadataStoreSuite(
  'IndexedDB',
  async () => {
    const name = fresh();
    const store = new IdbMetadataStore(await openDockyardDb(name));
    metadataNames.set(store, name);
    return store;
  },
  // A second connection on the same database, as another tab or a reload would open.
  { reopen: async (store) => new IdbMetadataStore(await openDockyardDb(metadataNames.get(store)!)) },
);

// The engine worker's metadata: write-behind and tenure caches over IndexedDB, as if this tab held
// the writer lease throughout (the caches are then on); a second plain connection is another tab.
const layeredNames = new WeakMap<object, string>();
metadataStoreSuite(
  "IndexedDB, with the engine worker's tab layers",
  async () => {
    const name = fresh();
    const store = tabMetadata(new IdbMetadataStore(await openDockyardDb(name)), { current: () => 1, beforeEnd: () => {} });
    layeredNames.set(store, name);
    return store;
  },
  { reopen: async (store) => new IdbMetadataStore(await openDockyardDb(layeredNames.get(store)!)) },
);

logStoreSuite('IndexedDB', async () => new IdbLogStore(await openDockyardDb(fresh())));

volumeStoreSuite('IndexedDB', async () => {
  const volumes = new IdbVolumeStore(await openDockyardDb(fresh()));
  return {
    volumes,
    // The store keeps paths from the volume root ('/' the root itself).
    read: async (name) => (await volumes.files(name)).map(([p, node]) => [p.slice(1), node] as [string, typeof node]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  };
});
