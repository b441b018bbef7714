/**
 * The browser engine's IndexedDB database: one typed schema, numbered upgrades (after idb's
 * DBSchema). Every store the engine writes lives here so one transaction can span them.
 *
 * Blobs are stored as chunks under an upload id and become visible only when their index record
 * in `blobs` is written - in the same transaction that retires the upload from `staging` - after
 * the bytes were hashed. A tab killed mid-upload leaves chunks with no index record: `sweepStaging`
 * removes them the next time a store opens (only for uploads whose tab no longer holds the lock).
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { Digest, FsNode, SnapshotChange } from '../../engine/ports.ts';

export interface DockyardDB extends DBSchema {
  blobs: { key: Digest; value: { digest: Digest; size: number; upload: string; chunks: number } };
  chunks: { key: [string, number]; value: Uint8Array };
  staging: { key: string; value: { upload: string; digest: Digest; started: number } };
  /** Metadata records as JSON text: what comes back is always an equal copy. */
  metadata: { key: [string, string]; value: string };
  logs: { key: number; value: { container: string; stream: 'stdout' | 'stderr'; time: string; data: Uint8Array }; indexes: { container: string } };
  snapshots: { key: string; value: { key: string; layers: Digest[]; changes: SnapshotChange[] } };
  volumes: { key: string; value: { name: string; files: Array<[string, FsNode]> } };
}

export type Db = IDBPDatabase<DockyardDB>;

export const DB_NAME = 'dockyard';
const VERSION = 1;

/** Numbered upgrades: upgrade N brings a database from version N-1 to N. Never edit a released one. */
const upgrades: Array<(db: Db) => void> = [
  () => {},
  (db) => {
    db.createObjectStore('blobs', { keyPath: 'digest' });
    db.createObjectStore('chunks');
    db.createObjectStore('staging', { keyPath: 'upload' });
    db.createObjectStore('metadata');
    const logs = db.createObjectStore('logs', { autoIncrement: true });
    logs.createIndex('container', 'container');
    db.createObjectStore('snapshots', { keyPath: 'key' });
    db.createObjectStore('volumes', { keyPath: 'name' });
  },
];

export function openDockyardDb(name = DB_NAME): Promise<Db> {
  return openDB<DockyardDB>(name, VERSION, {
    upgrade(db, oldVersion, newVersion) {
      for (let v = oldVersion + 1; v <= (newVersion ?? VERSION); v++) upgrades[v](db);
    },
    // Another tab runs a newer Dockyard: give way rather than block its upgrade.
    blocking() {},
  });
}

/** The lock an upload holds while it runs; a sweeper that can take it knows the writer is gone. */
export function uploadLockName(dbName: string, upload: string): string {
  return `${dbName}:upload:${upload}`;
}
