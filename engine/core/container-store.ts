import { EngineError } from '../errors.ts';
import type { MetadataOp, MetadataStore } from '../ports.ts';
import type { Core } from './context.ts';
import type { ContainerRecord } from './records.ts';

/** Container records: how a name, ID or prefix finds one, and read-modify-write under the lock. */

/**
 * The 'containers' bucket as this engine sees it: the MetadataStore plus this engine's own
 * changes whose write the store has not taken yet.
 *
 * A container's state changes on the path of every `run` (created -> running -> exited ->
 * removed); the core does not wait for the store at those steps. `putLater`/`deleteLater` send
 * the change as a `behind` batch (the store may commit it later: the browser's write-behind,
 * worker/store/write-behind-metadata.ts) and return at once; reads here see it from then on.
 * Changes are sent in the order they were made. Only `create` of a container that outlives its
 * process (no --rm), `put` and `flush` wait until the store has committed: another engine, a
 * reload or a crash must find the container and its name. A --rm container's create is sent
 * behind: if the host dies first, the container is gone - what --rm promises anyway (Docker
 * removes such containers when its daemon restarts).
 *
 * While a container's process lives in this engine (`hold` .. `release`) its record is kept here
 * and read from memory: no other engine writes it then.
 */
export class ContainerRecords {
  /** This engine's latest version of records it changed (null: deleted), until the store took it, or held. */
  readonly #latest = new Map<string, ContainerRecord | null>();
  /** Changes sent and not yet taken by the store, per record. */
  readonly #sending = new Map<string, number>();
  readonly #held = new Map<string, number>();
  /** Records whose last send failed: sent again with the next change. */
  readonly #unsent = new Set<string>();
  #sent: Promise<void> = Promise.resolve();
  /** A behind change was sent since the last durable one: the store may not have committed it yet. */
  #behind = false;

  constructor(private readonly metadata: MetadataStore) {}

  async get(id: string): Promise<ContainerRecord | undefined> {
    if (this.#latest.has(id)) return copy(this.#latest.get(id));
    return this.metadata.get<ContainerRecord>('containers', id);
  }

  async list(options?: { mayLag?: boolean }): Promise<ContainerRecord[]> {
    // The overlay is taken with the read: what is being sent now is either in what the read sees
    // or still here, and both are the same version. What changed here during the read is newer.
    const before = new Map(this.#latest);
    const records = new Map(await this.metadata.list<ContainerRecord>('containers', options));
    const overlay = new Map([...before, ...this.#latest]);
    for (const [id, r] of overlay) {
      if (r) records.set(id, structuredClone(r));
      else records.delete(id);
    }
    return [...records.values()];
  }

  /**
   * Names in use (name -> ID), for create's check. The store may answer from what it read before
   * (`mayLag`): another engine's container removed meanwhile (a --rm one ending) may still be
   * there, so a caller that would refuse a name asks again with `fresh`.
   */
  async names(fresh = false): Promise<Map<string, string>> {
    return new Map((await this.list({ mayLag: !fresh })).map((r) => [r.Name, r.Id]));
  }

  /** Write now: resolves once the record is committed (with every change made before it). */
  put(record: ContainerRecord): Promise<void> {
    return this.#send(record.Id, structuredClone(record), false);
  }

  /** A new container's record: committed before this resolves, unless it is a --rm container's (above). */
  create(record: ContainerRecord): Promise<void> {
    return this.#send(record.Id, structuredClone(record), record.HostConfig.AutoRemove === true, true);
  }

  /** Write behind: this engine sees the change at once; the store takes it in its own time. */
  putLater(record: ContainerRecord): void {
    this.#send(record.Id, structuredClone(record), true).catch(() => {});
  }

  deleteLater(id: string): void {
    this.#send(id, null, true).catch(() => {});
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
    if (!this.#sending.has(id) && !this.#unsent.has(id)) this.#latest.delete(id);
  }

  /** Commit every change made so far (nothing to ask of the store when every change so far was durable). */
  flush(): Promise<void> {
    if (!this.#behind && this.#unsent.size === 0) return this.#sent;
    return this.#send(undefined, null, false);
  }

  /**
   * Send one change (or, for `flush`, none) after every change before it; a failed send is
   * retried with the next one, and only its own caller hears why.
   */
  #send(id: string | undefined, record: ContainerRecord | null, behind: boolean, created = false): Promise<void> {
    if (id !== undefined) {
      this.#latest.set(id, record);
      this.#unsent.delete(id);
      this.#sending.set(id, (this.#sending.get(id) ?? 0) + 1);
    }
    this.#behind = behind;
    const retried = [...this.#unsent].filter((r) => r !== id);
    const sent = this.#sent.then(() => {
      for (const r of retried) this.#unsent.delete(r);
      const ops: MetadataOp[] = [...retried, ...(id === undefined ? [] : [id])].filter((r) => this.#latest.has(r)).map((r) => op(r, this.#latest.get(r)!, r === id && created));
      return this.metadata.batch(ops, behind ? { behind } : undefined).catch((e: unknown) => {
        for (const r of retried) if (!this.#sending.has(r)) this.#unsent.add(r);
        if (id !== undefined && this.#latest.get(id) === record) this.#unsent.add(id);
        throw e;
      });
    });
    this.#sent = sent.catch(() => {});
    return sent.finally(() => {
      if (id === undefined) return;
      const n = (this.#sending.get(id) ?? 1) - 1;
      if (n > 0) this.#sending.set(id, n);
      else this.#sending.delete(id);
      if (n <= 0 && !this.#held.has(id) && !this.#unsent.has(id) && this.#latest.get(id) === record) this.#latest.delete(id);
    });
  }
}

function op(id: string, record: ContainerRecord | null, created: boolean): MetadataOp {
  if (!record) return { op: 'delete', bucket: 'containers', key: id };
  return { op: 'put', bucket: 'containers', key: id, value: record, ...(created ? { created } : {}) };
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
