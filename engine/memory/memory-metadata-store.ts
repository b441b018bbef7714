import type { Bucket, MetadataOp, MetadataStore } from '../ports.ts';
import { metadataJson } from './metadata-json.ts';

/**
 * A MetadataStore held in memory. Values are stored as JSON text, so what comes back is always an
 * equal copy and anything JSON cannot carry is refused at write time - the same as a persistent
 * adapter would. A batch is validated in full before any op is applied, which makes it atomic.
 */
export class MemoryMetadataStore implements MetadataStore {
  readonly #buckets = new Map<Bucket, Map<string, string>>();

  async get<T>(bucket: Bucket, key: string): Promise<T | undefined> {
    const text = this.#buckets.get(bucket)?.get(key);
    return text === undefined ? undefined : (JSON.parse(text) as T);
  }

  async list<T>(bucket: Bucket): Promise<Array<[string, T]>> {
    const entries = [...(this.#buckets.get(bucket) ?? new Map<string, string>()).entries()];
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return entries.map(([k, v]) => [k, JSON.parse(v) as T]);
  }

  async batch(ops: MetadataOp[]): Promise<void> {
    const prepared = ops.map((op) => ({ ...op, text: metadataJson(op) }));
    for (const op of prepared) {
      let bucket = this.#buckets.get(op.bucket);
      if (!bucket) this.#buckets.set(op.bucket, (bucket = new Map()));
      if (op.text === undefined) bucket.delete(op.key);
      else bucket.set(op.key, op.text);
    }
  }
}
