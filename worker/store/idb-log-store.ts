import type { LogEntry, LogStore } from '../../engine/ports.ts';
import { storageError } from './idb-errors.ts';
import type { Db } from './schema.ts';

/**
 * Container logs over IndexedDB, one record per entry in append order. A read's transaction is
 * queued after every append transaction started before it, so it sees them all.
 */
export class IdbLogStore implements LogStore {
  constructor(readonly db: Db) {}

  async append(containerId: string, entries: LogEntry[]): Promise<void> {
    if (entries.length === 0) return;
    try {
      const tx = this.db.transaction('logs', 'readwrite');
      for (const e of entries) void tx.store.add({ container: containerId, stream: e.stream, time: e.time, data: e.data.slice() });
      await tx.done;
    } catch (e) {
      throw storageError(e, `writing the log of ${containerId.slice(0, 12)}`);
    }
  }

  async read(containerId: string): Promise<LogEntry[]> {
    const rows = await this.db.getAllFromIndex('logs', 'container', containerId);
    return rows.map((r) => ({ stream: r.stream, time: r.time, data: r.data }));
  }

  async delete(containerId: string): Promise<void> {
    const tx = this.db.transaction('logs', 'readwrite');
    let cursor = await tx.store.index('container').openCursor(containerId);
    while (cursor) {
      await cursor.delete();
      cursor = await cursor.continue();
    }
    await tx.done;
  }
}
