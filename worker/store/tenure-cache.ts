import type { Bucket, MetadataOp, MetadataStore } from '../../engine/ports.ts';
import type { Tenure } from './tenure.ts';

/**
 * The MetadataStore with what no other tab can change during this tab's writer tenure kept in
 * memory for that tenure (tenure.ts says what that is). A warm `run` so reads nothing:
 *
 * - Buckets only writer operations write (`stable`: 'tags' is written by pull, build, load, commit,
 *   tag, rmi and prune): a `get` stands for the whole tenure. A `run` resolves its image's tag
 *   first; the second `run` of a tenure does not wait for IndexedDB - behind the previous run's
 *   written-behind state changes - to learn what it already read.
 * - Records this engine created in the tenure (`created` puts: a new container) are read from
 *   memory, as this engine last wrote them: another engine changes a container only by an
 *   operation it cannot run now (start, rm) or by running it - which starts with such an operation.
 *   `run` reads its container again at attach and at start, right after create.
 * - A `list` that may lag (`mayLag`: the names create checks) is read once per tenure and kept up
 *   to date with this engine's writes; within the tenure it can only miss another engine's
 *   removal of a container it ran (a `--rm` ending), and the core asks again before refusing a name.
 *
 * This engine's writes go through `batch` here: a stable bucket they touch is forgotten, kept
 * records and lists take them (all of a refused batch is forgotten instead), and a read that
 * overlapped a write of its bucket is not kept (it may have seen the store from before).
 */
export class TenureCache implements MetadataStore {
  readonly #stable: ReadonlySet<Bucket>;
  /** Per stable bucket: the tenure its entries were read in, and the values read (undefined: none). */
  readonly #entries = new Map<Bucket, { tenure: number; values: Map<string, unknown> }>();
  /** Records this engine created, with the tenure they were created in and their latest value (null: deleted). */
  readonly #created = new Map<string, { tenure: number; value: unknown }>();
  /** Per bucket: a `mayLag` list read in a tenure, with this engine's writes since applied. */
  readonly #lists = new Map<Bucket, { tenure: number; entries: Map<string, unknown> }>();
  /** Counts this engine's writes per bucket, begun or ended: a read keeps its value only if none happened meanwhile. */
  readonly #writes = new Map<Bucket, number>();

  constructor(
    private readonly inner: MetadataStore,
    private readonly tenure: Tenure,
    stable: Iterable<Bucket>,
  ) {
    this.#stable = new Set(stable);
  }

  async get<T>(bucket: Bucket, key: string): Promise<T | undefined> {
    const tenure = this.tenure.current();
    if (tenure === undefined) return this.inner.get<T>(bucket, key);
    const created = this.#created.get(slot(bucket, key));
    if (created?.tenure === tenure) return created.value === null ? undefined : structuredClone(created.value as T);
    if (!this.#stable.has(bucket)) return this.inner.get<T>(bucket, key);
    const entries = this.#entries.get(bucket);
    if (entries?.tenure === tenure && entries.values.has(key)) return structuredClone(entries.values.get(key) as T | undefined);
    const writes = this.#writeCount(bucket);
    const value = await this.inner.get<T>(bucket, key);
    if (this.tenure.current() === tenure && this.#writeCount(bucket) === writes) {
      let current = this.#entries.get(bucket);
      if (current?.tenure !== tenure) this.#entries.set(bucket, (current = { tenure, values: new Map() }));
      current.values.set(key, structuredClone(value));
    }
    return value;
  }

  async list<T>(bucket: Bucket, options?: { mayLag?: boolean }): Promise<Array<[string, T]>> {
    const tenure = this.tenure.current();
    if (!options?.mayLag || tenure === undefined) return this.inner.list<T>(bucket, options);
    const kept = this.#lists.get(bucket);
    if (kept?.tenure === tenure) return [...kept.entries].map(([k, v]) => [k, structuredClone(v as T)] as [string, T]).sort(byKey);
    const writes = this.#writeCount(bucket);
    const listed = await this.inner.list<T>(bucket, options);
    if (this.tenure.current() === tenure && this.#writeCount(bucket) === writes) {
      this.#lists.set(bucket, { tenure, entries: new Map(listed.map(([k, v]) => [k, structuredClone(v)])) });
    }
    return listed;
  }

  async batch(ops: MetadataOp[], options?: { behind?: boolean }): Promise<void> {
    const tenure = this.tenure.current();
    const touched = new Set(ops.map((o) => o.bucket));
    const count = () => {
      for (const b of touched) this.#writes.set(b, this.#writeCount(b) + 1);
    };
    count();
    for (const b of touched) if (this.#stable.has(b)) this.#entries.delete(b);
    for (const [s, c] of this.#created) if (c.tenure !== tenure) this.#created.delete(s);
    for (const op of ops) {
      const value = op.op === 'put' ? structuredClone(op.value) : null;
      const s = slot(op.bucket, op.key);
      const created = this.#created.get(s);
      if (op.op === 'put' && op.created && tenure !== undefined) this.#created.set(s, { tenure, value });
      else if (created) created.value = value;
      const list = this.#lists.get(op.bucket);
      if (!list || list.tenure !== tenure) continue;
      if (value === null) list.entries.delete(op.key);
      else list.entries.set(op.key, structuredClone(value));
    }
    try {
      await this.inner.batch(ops, options);
    } catch (e) {
      // Refused: what was kept of these records may be wrong now; read them from the store again.
      for (const op of ops) {
        this.#created.delete(slot(op.bucket, op.key));
        this.#lists.delete(op.bucket);
      }
      throw e;
    } finally {
      count();
    }
  }

  #writeCount(bucket: Bucket): number {
    return this.#writes.get(bucket) ?? 0;
  }
}

function slot(bucket: Bucket, key: string): string {
  return `${bucket}\n${key}`;
}

function byKey([a]: [string, unknown], [b]: [string, unknown]): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
