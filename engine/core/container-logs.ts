import type { LogsOptions } from '../engine.ts';
import type { LogEntry } from '../ports.ts';
import { concatBytes } from '../bytes.ts';
import { rfc3339Nano } from './clock.ts';
import type { Core } from './context.ts';

/**
 * The log pipeline of running containers, as Docker's json-file driver: output is split into
 * lines (the newline kept; a partial line waits for its newline or the exit), each line is one
 * entry with the time it was written. Appends to the LogStore are batched but strictly ordered per
 * container; `snapshot` reads the store at a point in that order, which lets `logs --follow`
 * hand over from stored entries to live ones without a gap or a duplicate.
 */
interface ContainerLog {
  chain: Promise<unknown>;
  batch: LogEntry[] | null;
  partial: { stdout: Uint8Array[]; stderr: Uint8Array[] };
  followers: Set<(entry: LogEntry) => void>;
}

export class LogWriter {
  readonly #logs = new Map<string, ContainerLog>();

  constructor(private readonly core: Core) {}

  #log(id: string): ContainerLog {
    let log = this.#logs.get(id);
    if (!log) this.#logs.set(id, (log = { chain: Promise.resolve(), batch: null, partial: { stdout: [], stderr: [] }, followers: new Set() }));
    return log;
  }

  /** Process output as it arrives. */
  write(id: string, stream: 'stdout' | 'stderr', data: Uint8Array): void {
    const log = this.#log(id);
    let start = 0;
    for (let i = 0; i < data.length; i++) {
      if (data[i] !== 10) continue;
      log.partial[stream].push(data.slice(start, i + 1));
      this.#emit(id, log, stream, concatBytes(log.partial[stream]));
      log.partial[stream] = [];
      start = i + 1;
    }
    if (start < data.length) log.partial[stream].push(data.slice(start));
  }

  /** The process ended: write out partial lines and wait until everything is in the store. */
  async finish(id: string): Promise<void> {
    const log = this.#log(id);
    for (const stream of ['stdout', 'stderr'] as const) {
      if (log.partial[stream].length) this.#emit(id, log, stream, concatBytes(log.partial[stream]));
      log.partial[stream] = [];
    }
    await this.flush(id);
  }

  #emit(id: string, log: ContainerLog, stream: 'stdout' | 'stderr', data: Uint8Array): void {
    const entry: LogEntry = { stream, time: rfc3339Nano(this.core.now()), data };
    if (!log.batch) {
      const batch: LogEntry[] = (log.batch = []);
      log.chain = log.chain.then(async () => {
        if (log.batch === batch) log.batch = null;
        await this.core.ports.logs.append(id, batch);
      }).catch(() => {});
    }
    log.batch.push(entry);
    for (const f of log.followers) f({ ...entry, data: entry.data.slice() });
  }

  async flush(id: string): Promise<void> {
    const log = this.#log(id);
    log.batch = null;
    await log.chain;
  }

  /**
   * Subscribe to new entries and read what was written before, at one point in the order:
   * `stored` has every entry emitted before the call, `follower` gets every one after.
   */
  follow(id: string, follower: (entry: LogEntry) => void): { stored: Promise<LogEntry[]>; stop: () => void } {
    const log = this.#log(id);
    log.batch = null;
    const stored = log.chain.then(() => this.core.ports.logs.read(id));
    log.chain = stored.catch(() => {});
    log.followers.add(follower);
    return { stored, stop: () => log.followers.delete(follower) };
  }

  forget(id: string): void {
    this.#logs.delete(id);
  }
}


/** Docker's filters of `docker logs`: streams, `--since` (unix seconds), `--tail` (last N lines). */
export function filterLogs(entries: LogEntry[], options: LogsOptions): LogEntry[] {
  const stdout = options.stdout ?? true;
  const stderr = options.stderr ?? true;
  let out = entries.filter((e) => (e.stream === 'stdout' ? stdout : stderr));
  if (options.since !== undefined && options.since > 0) {
    const sinceMs = options.since * 1000;
    out = out.filter((e) => Date.parse(e.time) >= sinceMs);
  }
  if (options.tail !== undefined && options.tail !== 'all' && options.tail >= 0) out = options.tail === 0 ? [] : out.slice(-options.tail);
  return out;
}
