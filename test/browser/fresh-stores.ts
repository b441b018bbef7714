/** The browser host's stores on a database of their own, as the engine worker opens them (engine-ports.ts). */
import { IdbBlobStore } from '../../worker/store/idb-blob-store.ts';
import { IdbSnapshotter } from '../../worker/store/idb-snapshotter.ts';
import { IdbVolumeStore } from '../../worker/store/idb-volume-store.ts';
import { openDockyardDb } from '../../worker/store/schema.ts';

let n = 0;

/** A new database per call (`prefix` names the test file in it), so no test sees another's data. */
export async function freshStores(prefix: string) {
  const name = `${prefix}-${Date.now()}-${n++}`;
  const db = await openDockyardDb(name);
  const blobs = new IdbBlobStore(db, name);
  const volumes = new IdbVolumeStore(db);
  return { db, blobs, volumes, snapshots: new IdbSnapshotter(db, blobs, volumes) };
}
