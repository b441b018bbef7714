import { metadataJson } from '../../engine/memory/metadata-json.ts';
import type { Bucket, MetadataOp, MetadataStore } from '../../engine/ports.ts';
import { WRITE_BEHIND_MS } from './coordination-timing.ts';
import type { Tenure } from './tenure.ts';

/**
 * The engine worker's MetadataStore: IndexedDB with write-behind, under the port's promise that
 * reads see this engine's own writes.
 *
 * A container's state changes on the path of every `run` (created -> running -> exited ->
 * removed). Waiting for a transaction at each step cost more than the whole run, so the core
 * marks those batches `behind`: they are visible to this engine at once and committed
 * WRITE_BEHIND_MS later in one transaction - or with the next durable batch, which commits every
 * batch before it - and a change overtaken before it was written (the running state of a `--rm`
 * container that already ended and was removed) is never written. A killed tab therefore loses
 * at most its last state changes: the store still holds an earlier, whole record (a transaction
 * is atomic), and recovery marks a container left "running" as exited.
 *
 * A new record (`created`) in a behind batch - a `--rm` container - is only written behind while
 * this tab holds a writer tenure, whose end commits it (the tenure's `beforeEnd`): no other tab
 * can look for its name or start it before, and if the tab dies first the container is gone -
 * what `--rm` promises anyway (Docker removes such containers when its daemon restarts). A short
 * `run --rm` so writes nothing: its record is deleted before it was ever stored. Without a
 * tenure, such a batch is committed before it resolves.
 */
export class WriteBehindMetadata implements MetadataStore {
  /** This engine's latest value (JSON text; null: deleted) of records it wrote behind, until committed. */
  readonly #latest = new Map<string, Change>();
  readonly #queued = new Set<string>();
  /** Records created behind and not (yet) in any transaction: deleting one needs no write. */
  readonly #unstored = new Set<string>();
  #flushing: Promise<void> = Promise.resolve();
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly inner: MetadataStore,
    private readonly tenure?: Tenure,
  ) {
    tenure?.beforeEnd(() => this.flush());
  }

  async get<T>(bucket: Bucket, key: string): Promise<T | undefined> {
    const mine = this.#latest.get(slot(bucket, key));
    if (mine) return mine.text === null ? undefined : (JSON.parse(mine.text) as T);
    return this.inner.get<T>(bucket, key);
  }

  async list<T>(bucket: Bucket, options?: { mayLag?: boolean }): Promise<Array<[string, T]>> {
    // The overlay is taken with the read: what is in flight now is either in what the read sees
    // or still here, and both are the same version. What changed here during the read is newer.
    const before = this.#mine(bucket);
    const records = new Map(await this.inner.list<T>(bucket, options));
    for (const c of [...before, ...this.#mine(bucket)]) {
      if (c.text === null) records.delete(c.key);
      else records.set(c.key, JSON.parse(c.text) as T);
    }
    return [...records].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /**
   * A behind batch is checked (keys, JSON) and queued before this resolves; any other batch is
   * committed with everything queued before it, and is seen by reads only once it is: one that
   * fails changes nothing.
   */
  async batch(ops: MetadataOp[], options?: { behind?: boolean }): Promise<void> {
    const changes = ops.map(prepare);
    const creates = ops.some((op) => op.op === 'put' && op.created);
    const behind = options?.behind === true && (!creates || this.tenure?.current() !== undefined);
    if (!behind) return this.#commit(changes);
    for (const c of changes) {
      const s = slot(c.bucket, c.key);
      this.#latest.set(s, c);
      this.#queued.add(s);
      if (c.created) this.#unstored.add(s);
    }
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      this.flush().catch(() => {});
    }, WRITE_BEHIND_MS);
  }

  /** Commit every batch made so far. */
  flush(): Promise<void> {
    return this.#commit([]);
  }

  /** Commit `now` after every change queued so far - taken now: a change made later goes in a later transaction. */
  #commit(now: Change[]): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const queued = [...this.#queued];
    this.#queued.clear();
    const unstored = queued.filter((s) => this.#unstored.delete(s));
    // Created and deleted before either was written: nothing to write.
    for (const s of unstored) if (this.#latest.get(s)?.text === null) this.#latest.delete(s);
    const written = new Map(queued.filter((s) => this.#latest.has(s)).map((s) => [s, this.#latest.get(s)!] as const));
    const next = this.#flushing.then(() => this.#write(written, unstored, now));
    this.#flushing = next.catch(() => {});
    return next;
  }

  #mine(bucket: Bucket): Change[] {
    return [...this.#latest.values()].filter((c) => c.bucket === bucket);
  }

  /** One transaction: the changes taken from the queue, then `now` (a durable batch's). */
  async #write(written: Map<string, Change>, unstored: string[], now: Change[]): Promise<void> {
    const ops: MetadataOp[] = [...written.values(), ...now].map(({ bucket, key, text }) =>
      text === null ? { op: 'delete', bucket, key } : { op: 'put', bucket, key, value: JSON.parse(text) as unknown },
    );
    if (ops.length === 0) return;
    try {
      await this.inner.batch(ops);
    } catch (e) {
      // Not committed: what was queued is queued again, unless changed since; the durable caller hears why.
      for (const [s, c] of written) if (this.#latest.get(s) === c) this.#queued.add(s);
      for (const s of unstored) if (written.has(s) && this.#latest.get(s) === written.get(s)) this.#unstored.add(s);
      throw e;
    }
    for (const [s, c] of written) if (!this.#queued.has(s) && this.#latest.get(s) === c) this.#latest.delete(s);
  }
}

/** A record change as this store keeps it: checked and copied (as JSON text) when it is made. */
interface Change {
  bucket: Bucket;
  key: string;
  text: string | null;
  created: boolean;
}

/** Refuses what no store would take (metadataJson, the adapters' own rule) before anything is queued. */
function prepare(op: MetadataOp): Change {
  const text = metadataJson(op) ?? null;
  return { bucket: op.bucket, key: op.key, text, created: op.op === 'put' && op.created === true };
}

function slot(bucket: Bucket, key: string): string {
  return `${bucket}\n${key}`;
}
