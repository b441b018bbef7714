import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { EngineError } from '../../engine/errors.ts';
import type { Bucket, MetadataOp, MetadataStore } from '../../engine/ports.ts';
import { diskError } from './disk-blob-store.ts';

type State = Record<string, Record<string, string>>;

/**
 * All metadata in one JSON file, replaced atomically per batch: the new state is written to a
 * temporary file, fsynced, and renamed over the old one. A crash leaves either the old file or
 * the new one. The directory is not fsynced after the rename (as dockerd's atomic writes do not):
 * a power loss may then keep the previous state, which is whole (tags to blobs since removed are
 * dropped at start by repairMetadata); every container run writes several batches, and a second
 * fsync each was a visible share of `docker run`. Batches are serialised; reads see the last
 * completed batch. Metadata is small (records, not blobs), so rewriting it whole is cheap.
 */
export class DiskMetadataStore implements MetadataStore {
  #state: State;
  #queue: Promise<void> = Promise.resolve();

  private constructor(
    private readonly dir: string,
    state: State,
  ) {
    this.#state = state;
  }

  static async open(dir: string): Promise<DiskMetadataStore> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await rm(join(dir, 'state.json.tmp'), { force: true });
    let state: State = {};
    try {
      state = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as State;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new EngineError('internal', `metadata store ${dir} is unreadable: ${(e as Error).message}`);
    }
    return new DiskMetadataStore(dir, state);
  }

  async get<T>(bucket: Bucket, key: string): Promise<T | undefined> {
    const text = this.#state[bucket]?.[key];
    return text === undefined ? undefined : (JSON.parse(text) as T);
  }

  async list<T>(bucket: Bucket): Promise<Array<[string, T]>> {
    const entries = Object.entries(this.#state[bucket] ?? {});
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return entries.map(([k, v]) => [k, JSON.parse(v) as T]);
  }

  batch(ops: MetadataOp[]): Promise<void> {
    const run = this.#queue.then(() => this.#apply(ops));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #apply(ops: MetadataOp[]): Promise<void> {
    const next: State = { ...this.#state };
    const touched = new Set<string>();
    for (const op of ops) {
      if (typeof op.key !== 'string' || op.key === '') throw new EngineError('invalid-argument', 'metadata key must be a non-empty string');
      if (!touched.has(op.bucket)) {
        next[op.bucket] = { ...(next[op.bucket] ?? {}) };
        touched.add(op.bucket);
      }
      if (op.op === 'delete') {
        delete next[op.bucket][op.key];
        continue;
      }
      let text: string | undefined;
      try {
        text = JSON.stringify(op.value);
      } catch (e) {
        throw new EngineError('invalid-argument', `metadata value for ${op.bucket}/${op.key} is not JSON: ${(e as Error).message}`);
      }
      if (text === undefined) throw new EngineError('invalid-argument', `metadata value for ${op.bucket}/${op.key} is not JSON`);
      next[op.bucket][op.key] = text;
    }
    const tmp = join(this.dir, 'state.json.tmp');
    try {
      const fh = await open(tmp, 'w', 0o600);
      try {
        await fh.writeFile(JSON.stringify(next));
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, join(this.dir, 'state.json'));
    } catch (e) {
      await rm(tmp, { force: true });
      throw diskError(e, 'writing metadata');
    }
    this.#state = next;
  }
}
