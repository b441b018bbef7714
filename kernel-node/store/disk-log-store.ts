import { appendFile, mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { EngineError } from '../../engine/errors.ts';
import type { LogEntry, LogStore } from '../../engine/ports.ts';

const ID = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;

/**
 * One JSON-lines file per container, as Docker's json-file driver keeps them (data base64 here,
 * so binary output survives byte for byte). Appends and reads of one container are queued in
 * order, so a read returns everything appended before it was called. A line torn by a crash is
 * skipped on read.
 */
export class DiskLogStore implements LogStore {
  readonly #queues = new Map<string, Promise<unknown>>();

  constructor(private readonly dir: string) {}

  static async open(dir: string): Promise<DiskLogStore> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    return new DiskLogStore(dir);
  }

  #file(id: string): string {
    if (!ID.test(id)) throw new EngineError('invalid-argument', `invalid container ID ${JSON.stringify(id)}`);
    return join(this.dir, `${id}.log`);
  }

  #queued<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const run = (this.#queues.get(id) ?? Promise.resolve()).then(fn);
    const tail = run.catch(() => undefined);
    this.#queues.set(id, tail);
    void tail.then(() => {
      if (this.#queues.get(id) === tail) this.#queues.delete(id);
    });
    return run;
  }

  append(containerId: string, entries: LogEntry[]): Promise<void> {
    const file = this.#file(containerId);
    const text = entries.map((e) => JSON.stringify({ s: e.stream === 'stdout' ? 1 : 2, t: e.time, d: Buffer.from(e.data).toString('base64') }) + '\n').join('');
    return this.#queued(containerId, () => appendFile(file, text, { mode: 0o600 }));
  }

  read(containerId: string): Promise<LogEntry[]> {
    const file = this.#file(containerId);
    return this.#queued(containerId, async () => {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch {
        return [];
      }
      const out: LogEntry[] = [];
      for (const line of text.split('\n')) {
        if (line === '') continue;
        try {
          const r = JSON.parse(line) as { s: number; t: string; d: string };
          out.push({ stream: r.s === 1 ? 'stdout' : 'stderr', time: r.t, data: new Uint8Array(Buffer.from(r.d, 'base64')) });
        } catch {
          // A line torn by a crash mid-append.
        }
      }
      return out;
    });
  }

  delete(containerId: string): Promise<void> {
    const file = this.#file(containerId);
    return this.#queued(containerId, () => rm(file, { force: true }));
  }
}
