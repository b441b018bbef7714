import { EngineError } from '../errors.ts';
import type { MetadataOp, MetadataStore } from '../ports.ts';
import type { Core } from './context.ts';
import type { ContainerRecord } from './records.ts';

/** Container records: how a name, ID or prefix finds one, and read-modify-write under the lock. */

/** How long a state change waits in memory before it is written (the store may lag this much behind). */
const WRITE_BEHIND_MS = 10;

/**
 * The 'containers' bucket as this engine sees it: the MetadataStore plus this engine's own
 * writes that have not committed yet.
 *
 * A container's state changes on the path of every `run` (created -> running -> exited ->
 * removed). Waiting for a transaction at each step cost more than the whole run, so only the
 * record of `create` is written before the call returns (another tab, a reload or a crash must
 * find the container and its name); later changes are written behind: visible to this engine at
 * once, committed soon after in one batch, and a change overtaken before it was written (the
 * running state of a `--rm` container that already ended and was removed) is never written.
 * A killed tab therefore loses at most its last state changes: the store still holds an earlier,
 * whole record (a batch is atomic), and recovery marks a container left "running" as exited.
 *
 * A `--rm` container (AutoRemove) created while the host says no other engine writes, by a host
 * that commits this engine's changes before that ends (`committedBeforeTenureEnds`), is written
 * behind too: no other engine can look for its name or start it before the commit, and if the tab
 * dies first the container is gone - what `--rm` promises anyway (Docker removes such containers
 * when its daemon restarts). A short `run --rm` so writes nothing: its record is deleted before it
 * was ever stored.
 *
 * While a container's process lives in this engine (`hold` .. `release`) its record is kept here
 * and read from memory: no other engine writes it then.
 *
 * A record `put` (a new container) while the host says no other engine can write (`exclusive`,
 * context.ts) is read from memory too until that changes: `run` reads it again at attach and at
 * start, right after create. Another engine changes a container only by an operation it cannot
 * run then (start, rm, rename) or by running the container - which starts with such an
 * operation. A record that was only read is not kept: it may be one another engine runs, whose
 * state that engine writes behind at any time.
 */
export class ContainerRecords {
  /** This engine's latest version of records it wrote (null: deleted), while dirty, in flight or held. */
  readonly #latest = new Map<string, ContainerRecord | null>();
  readonly #dirty = new Set<string>();
  readonly #held = new Map<string, number>();
  readonly #inFlight = new Set<string>();
  /** Records created behind and not (yet) in any batch: deleting one needs no write. */
  readonly #unstored = new Set<string>();
  /** Records committed by `put` while exclusive, with the value of `exclusive` then. */
  readonly #fresh = new Map<string, { record: ContainerRecord; while: number }>();
  /** Every container's name by ID, as read in the exclusive tenure `while`, kept up to date by this engine's writes. */
  #names: { byId: Map<string, string>; while: number } | undefined;
  #flushing: Promise<void> = Promise.resolve();
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly metadata: MetadataStore,
    private readonly exclusive: () => number | undefined = () => undefined,
    private readonly committedBeforeTenureEnds = false,
  ) {}

  async get(id: string): Promise<ContainerRecord | undefined> {
    if (this.#latest.has(id)) return copy(this.#latest.get(id));
    const fresh = this.#fresh.get(id);
    if (fresh) {
      if (fresh.while === this.exclusive()) return copy(fresh.record);
      this.#fresh.delete(id);
    }
    return this.metadata.get<ContainerRecord>('containers', id);
  }

  async list(): Promise<ContainerRecord[]> {
    // The overlay is taken with the read: what is in flight now is either in what the read sees
    // or still here, and both are the same version. What changed here during the read (a process
    // that exited meanwhile) is newer than both.
    const before = new Map(this.#latest);
    const records = new Map(await this.metadata.list<ContainerRecord>('containers'));
    const overlay = new Map([...before, ...this.#latest]);
    for (const [id, r] of overlay) {
      if (r) records.set(id, structuredClone(r));
      else records.delete(id);
    }
    return [...records.values()];
  }

  /**
   * Names in use (name -> ID), for create's check. Within one exclusive tenure no other engine
   * makes or renames a container, so the names read once stay whole; one may be stale the other
   * way (another engine's --rm container removed meanwhile): a caller that would refuse a name
   * asks again with `fresh`.
   */
  async names(fresh = false): Promise<Map<string, string>> {
    const held = this.exclusive();
    if (!fresh && held !== undefined && this.#names?.while === held) return new Map([...this.#names.byId].map(([id, name]) => [name, id]));
    const records = await this.list();
    const byId = new Map(records.map((r) => [r.Id, r.Name]));
    if (held !== undefined && held === this.exclusive()) this.#names = { byId, while: held };
    return new Map(records.map((r) => [r.Name, r.Id]));
  }

  /** Write now: resolves once the record is committed (with every change queued before it). */
  async put(record: ContainerRecord): Promise<void> {
    const value = structuredClone(record);
    const held = this.exclusive();
    this.#set(record.Id, value);
    await this.flush();
    // Exclusive from before the write until after it: no other engine has written the record since.
    if (held === undefined || held !== this.exclusive() || this.#latest.has(record.Id)) return;
    for (const [id, f] of this.#fresh) if (f.while !== held) this.#fresh.delete(id);
    this.#fresh.set(record.Id, { record: value, while: held });
  }

  /** A new container's record: committed before this resolves, unless it may be written behind (above). */
  async create(record: ContainerRecord): Promise<void> {
    if (!(this.committedBeforeTenureEnds && record.HostConfig.AutoRemove && this.exclusive() !== undefined)) return this.put(record);
    this.putLater(record);
    this.#unstored.add(record.Id);
  }

  /** Write behind: this engine sees the change at once; the store gets it with the next batch. */
  putLater(record: ContainerRecord): void {
    this.#set(record.Id, structuredClone(record));
    this.#schedule();
  }

  deleteLater(id: string): void {
    this.#set(id, null);
    this.#schedule();
  }

  /** Keep the record (as just read) in memory while this engine runs the container's process. */
  hold(record: ContainerRecord): void {
    const id = record.Id;
    this.#held.set(id, (this.#held.get(id) ?? 0) + 1);
    if (!this.#latest.has(id)) this.#latest.set(id, structuredClone(record));
  }

  release(id: string): void {
    const n = (this.#held.get(id) ?? 1) - 1;
    if (n > 0) {
      this.#held.set(id, n);
      return;
    }
    this.#held.delete(id);
    if (!this.#dirty.has(id) && !this.#inFlight.has(id)) this.#latest.delete(id);
  }

  /** Commit every change made so far. */
  flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const next = this.#flushing.then(() => this.#write());
    this.#flushing = next.catch(() => {});
    return next;
  }

  #set(id: string, record: ContainerRecord | null): void {
    if (record) this.#names?.byId.set(id, record.Name);
    else this.#names?.byId.delete(id);
    this.#fresh.delete(id);
    this.#latest.set(id, record);
    this.#dirty.add(id);
  }

  /**
   * WRITE_BEHIND_MS later, so the changes of a short run (running, exited, removed) go out as one
   * batch - or with the next `create`'s write - instead of a transaction each.
   */
  #schedule(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.flush().catch(() => {});
    }, WRITE_BEHIND_MS);
  }

  async #write(): Promise<void> {
    const dirty = [...this.#dirty];
    this.#dirty.clear();
    const unstored = dirty.filter((id) => this.#unstored.delete(id));
    // Created and deleted before either was written: nothing to write.
    for (const id of unstored) if (this.#latest.get(id) === null && !this.#held.has(id)) this.#latest.delete(id);
    const ids = dirty.filter((id) => this.#latest.has(id));
    if (ids.length === 0) return;
    const written = new Map(ids.map((id) => [id, this.#latest.get(id)!] as const));
    const ops: MetadataOp[] = ids.map((id) => {
      const value = written.get(id);
      return value ? { op: 'put', bucket: 'containers', key: id, value } : { op: 'delete', bucket: 'containers', key: id };
    });
    for (const id of ids) this.#inFlight.add(id);
    try {
      await this.metadata.batch(ops);
    } catch (e) {
      // Not committed: the changes stay queued for the next batch (the caller of put hears why).
      for (const id of ids) if (!this.#dirty.has(id) && this.#latest.get(id) === written.get(id)) this.#dirty.add(id);
      for (const id of unstored) if (written.has(id)) this.#unstored.add(id);
      throw e;
    } finally {
      for (const id of ids) this.#inFlight.delete(id);
    }
    for (const [id, value] of written) {
      if (this.#dirty.has(id) || this.#latest.get(id) !== value || this.#held.has(id)) continue;
      this.#latest.delete(id);
    }
  }
}

function copy(value: ContainerRecord | null | undefined): ContainerRecord | undefined {
  return value ? structuredClone(value) : undefined;
}

export function noSuchContainer(name: string): EngineError {
  return new EngineError('not-found', `No such container: ${name}`);
}

export async function containerRecords(core: Core): Promise<ContainerRecord[]> {
  return core.containers.list();
}

/** Docker's lookup order: full ID, then name (with or without the leading "/"), then a unique ID prefix. */
export async function findContainer(core: Core, name: string): Promise<ContainerRecord> {
  if (typeof name !== 'string' || name === '') throw noSuchContainer(String(name));
  const exact = await core.containers.get(name);
  if (exact) return exact;
  const all = await containerRecords(core);
  const wanted = name.startsWith('/') ? name : '/' + name;
  const byName = all.find((c) => c.Name === wanted);
  if (byName) return byName;
  if (/^[0-9a-f]+$/.test(name)) {
    const matches = all.filter((c) => c.Id.startsWith(name));
    if (matches.length === 1) return matches[0];
    if (matches.length > 1) throw new EngineError('invalid-argument', `multiple IDs found with provided prefix: ${name}`);
  }
  throw noSuchContainer(name);
}

/**
 * Change a container record; returns the new record (undefined if it is gone). The change is
 * written behind (ContainerRecords): callers that need it committed call `core.containers.flush()`.
 */
export async function updateContainer(core: Core, id: string, change: (c: ContainerRecord) => void): Promise<ContainerRecord | undefined> {
  return core.containerLock.run(async () => {
    const record = await core.containers.get(id);
    if (!record) return undefined;
    change(record);
    core.containers.putLater(record);
    return record;
  });
}
