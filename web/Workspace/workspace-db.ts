import { openDB, type DBSchema, type IDBPDatabase } from 'idb';

/** One file or folder of the workspace as stored. Folders are stored too, so empty ones survive. */
export interface StoredEntry {
  path: string;
  kind: 'file' | 'dir';
  content?: Uint8Array;
  modified: number;
}

interface WorkspaceSchema extends DBSchema {
  entries: { key: string; value: StoredEntry };
  meta: { key: string; value: unknown };
}

/**
 * The workspace's own small database, apart from the engine's: clearing the engine's storage
 * (prune, a new engine version) never touches the learner's files, and the other way round.
 * Every write resolves only after its transaction has completed, so a command that said "done"
 * survives a reload.
 */
export class WorkspaceDb {
  private constructor(private readonly db: IDBPDatabase<WorkspaceSchema>) {}

  static async open(name = 'dockyard-workspace'): Promise<WorkspaceDb> {
    const db = await openDB<WorkspaceSchema>(name, 1, {
      upgrade(db, oldVersion) {
        if (oldVersion < 1) {
          db.createObjectStore('entries', { keyPath: 'path' });
          db.createObjectStore('meta');
        }
      },
    });
    return new WorkspaceDb(db);
  }

  all(): Promise<StoredEntry[]> {
    return this.db.getAll('entries');
  }

  async getMeta<T>(key: string): Promise<T | undefined> {
    return (await this.db.get('meta', key)) as T | undefined;
  }

  async setMeta(key: string, value: unknown): Promise<void> {
    await this.db.put('meta', value, key);
  }

  /** Puts and deletes in one transaction: a rename is never half done. */
  async apply(puts: StoredEntry[], deletes: string[]): Promise<void> {
    const tx = this.db.transaction('entries', 'readwrite');
    for (const path of deletes) void tx.store.delete(path);
    for (const entry of puts) void tx.store.put(entry);
    await tx.done;
  }
}
