import type { Bucket, MetadataOp, MetadataStore } from '../ports.ts';

/**
 * The MetadataStore with reads of some buckets kept in memory while the host says no other engine
 * writes (EngineOptions.exclusive, one value per tenure). Only buckets every engine changes under
 * that exclusion belong here: 'tags' is written by pull, build, load, commit, tag, rmi and prune,
 * all writer operations (worker/engine-methods.ts). A `run` resolves its image's tag first; with
 * this the second `run` of a tenure does not wait for IndexedDB - behind the previous run's
 * written-behind state changes - to learn what it already read.
 *
 * This engine's own writes go through `batch` here: a cached bucket they touch is forgotten, and
 * a read that overlapped a write is not kept (it may have seen the store from before it).
 */
export class TenureCachedMetadata implements MetadataStore {
  readonly #cached: ReadonlySet<Bucket>;
  /** Per cached bucket: the tenure its entries were read in, and the values read (undefined: none). */
  readonly #entries = new Map<Bucket, { tenure: number; values: Map<string, unknown> }>();
  /** Counts this engine's writes per bucket, begun or ended: a read keeps its value only if none happened meanwhile. */
  readonly #writes = new Map<Bucket, number>();

  constructor(
    private readonly inner: MetadataStore,
    private readonly exclusive: () => number | undefined,
    cached: Iterable<Bucket>,
  ) {
    this.#cached = new Set(cached);
  }

  async get<T>(bucket: Bucket, key: string): Promise<T | undefined> {
    const tenure = this.exclusive();
    if (tenure === undefined || !this.#cached.has(bucket)) return this.inner.get<T>(bucket, key);
    const entries = this.#entries.get(bucket);
    if (entries?.tenure === tenure && entries.values.has(key)) return structuredClone(entries.values.get(key) as T | undefined);
    const writes = this.#writes.get(bucket) ?? 0;
    const value = await this.inner.get<T>(bucket, key);
    if (this.exclusive() === tenure && (this.#writes.get(bucket) ?? 0) === writes) {
      let current = this.#entries.get(bucket);
      if (current?.tenure !== tenure) this.#entries.set(bucket, (current = { tenure, values: new Map() }));
      current.values.set(key, structuredClone(value));
    }
    return value;
  }

  list<T>(bucket: Bucket): Promise<Array<[string, T]>> {
    return this.inner.list<T>(bucket);
  }

  async batch(ops: MetadataOp[]): Promise<void> {
    const touched = new Set(ops.map((o) => o.bucket).filter((b) => this.#cached.has(b)));
    const count = () => {
      for (const b of touched) {
        this.#writes.set(b, (this.#writes.get(b) ?? 0) + 1);
        this.#entries.delete(b);
      }
    };
    count();
    try {
      await this.inner.batch(ops);
    } finally {
      count();
    }
  }
}
