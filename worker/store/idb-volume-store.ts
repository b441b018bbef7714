import { checkVolumeEntryPath } from '../../engine/core/volume-copy.ts';
import type { FsNode, VolumeEntries, VolumeStore } from '../../engine/ports.ts';
import { storageError } from './idb-errors.ts';
import type { Db } from './schema.ts';

const encoder = new TextEncoder();

/** A volume's files, paths relative to the volume root ("/" is the root itself). */
export type VolumeFiles = Array<[string, FsNode]>;

/** Named volumes' data in IndexedDB: kept across container removal and page reloads. */
export class IdbVolumeStore implements VolumeStore {
  constructor(readonly db: Db) {}

  async create(name: string): Promise<void> {
    try {
      const tx = this.db.transaction('volumes', 'readwrite');
      if (!(await tx.store.get(name))) await tx.store.put({ name, files: [] });
      await tx.done;
    } catch (e) {
      throw storageError(e, `creating volume ${name}`);
    }
  }

  async remove(name: string): Promise<void> {
    await this.db.delete('volumes', name);
  }

  /** As Docker's local driver measures a volume: every entry but directories (a symlink: its target's bytes). */
  async usage(name: string): Promise<number> {
    const v = await this.db.get('volumes', name);
    const size = (node: FsNode) => (node.type === 'file' ? node.content.length : node.type === 'symlink' ? encoder.encode(node.target).length : 0);
    return (v?.files ?? []).reduce((n, [, node]) => n + size(node), 0);
  }

  async isEmpty(name: string): Promise<boolean> {
    return (await this.files(name)).every(([p]) => p === '/');
  }

  /** The entries as this store keeps them: paths from the volume root, "/" for the root itself. */
  async populate(name: string, entries: VolumeEntries): Promise<void> {
    await this.setFiles(name, entries.map(([p, node]) => ['/' + checkVolumeEntryPath(p).join('/'), node]));
  }

  async files(name: string): Promise<VolumeFiles> {
    return (await this.db.get('volumes', name))?.files ?? [];
  }

  async setFiles(name: string, files: VolumeFiles): Promise<void> {
    try {
      await this.db.put('volumes', { name, files });
    } catch (e) {
      throw storageError(e, `saving volume ${name}`);
    }
  }
}
