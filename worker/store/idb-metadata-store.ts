import type { Bucket, MetadataOp, MetadataStore } from '../../engine/ports.ts';
import { metadataJson } from '../../engine/memory/metadata-json.ts';
import { storageError } from './idb-errors.ts';
import type { Db } from './schema.ts';

/** Every key of one bucket: array keys sort element-wise, and an array sorts after any string. */
function bucketRange(bucket: Bucket): IDBKeyRange {
  return IDBKeyRange.bound([bucket], [bucket, []]);
}

/**
 * The MetadataStore over IndexedDB. Values are kept as JSON text, so reads return equal copies and
 * anything JSON cannot carry is refused before a batch starts. A batch is one readwrite
 * transaction (atomic, also across tabs) and resolves when that transaction has completed.
 */
export class IdbMetadataStore implements MetadataStore {
  constructor(readonly db: Db) {}

  async get<T>(bucket: Bucket, key: string): Promise<T | undefined> {
    const text = await this.db.get('metadata', [bucket, key]);
    return text === undefined ? undefined : (JSON.parse(text) as T);
  }

  async list<T>(bucket: Bucket): Promise<Array<[string, T]>> {
    const tx = this.db.transaction('metadata', 'readonly');
    const [keys, values] = await Promise.all([tx.store.getAllKeys(bucketRange(bucket)), tx.store.getAll(bucketRange(bucket))]);
    return keys.map((k, i) => [k[1], JSON.parse(values[i]) as T]);
  }

  async batch(ops: MetadataOp[]): Promise<void> {
    const prepared = ops.map((op) => ({ key: [op.bucket, op.key] as [string, string], text: metadataJson(op) }));
    if (prepared.length === 0) return;
    try {
      const tx = this.db.transaction('metadata', 'readwrite');
      for (const op of prepared) {
        if (op.text === undefined) void tx.store.delete(op.key);
        else void tx.store.put(op.text, op.key);
      }
      await tx.done;
    } catch (e) {
      throw storageError(e, 'saving engine records');
    }
  }
}
