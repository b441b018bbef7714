import type { LogsOptions } from '../engine.ts';
import type { LogEntry } from '../ports.ts';
import { concatBytes } from '../bytes.ts';
import { rfc3339Nano } from './clock.ts';
import type { Core } from './context.ts';

/**
 * The log pipeline of running containers, as Docker's json-file driver: output is split into
 * lines (the newline kept; a partial line waits for its newline or the exit), each line is one
 * entry with the time it was written. Entries go to the LogStore SEND_DELAY_MS after the first of
 * them was written, all of that moment in one append, strictly ordered per container; `follow` reads the
 * store at a point in that order, which lets `logs --follow` hand over from stored entries to live
 * ones without a gap or a duplicate. Entries of a container removed before they were sent (a
 * `run --rm` that ended at once) are never written.
 */
/** Long enough for a short `run --rm` to end and be removed first; `logs` in this engine sends at once. */
const SEND_DELAY_MS = 10;

interface ContainerLog {
  chain: Promise<unknown>;
  /** Entries of this container were handed to the store (by this engine). */
  sent: boolean;
  /** Entries not yet handed to the store. */
  pending: LogEntry[];
  timer: ReturnType<typeof setTimeout> | undefined;
  partial: { stdout: Uint8Array[]; stderr: Uint8Array[] };
  followers: Set<(entry: LogEntry) => void>;
}

export class LogWriter {
  readonly #logs = new Map<string, ContainerLog>();

  constructor(private readonly core: Core) {}

  #log(id: string): ContainerLog {
    let log = this.#logs.get(id);
    if (!log) this.#logs.set(id, (log = { chain: Promise.resolve(), sent: false, pending: [], timer: undefined, partial: { stdout: [], stderr: [] }, followers: new Set() }));
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

  /** The process ended: its partial lines become entries (stored with the next send). */
  close(id: string): void {
    const log = this.#log(id);
    for (const stream of ['stdout', 'stderr'] as const) {
      if (log.partial[stream].length) this.#emit(id, log, stream, concatBytes(log.partial[stream]));
      log.partial[stream] = [];
    }
  }

  /** The process ended: write out partial lines and wait until everything is in the store. */
  async finish(id: string): Promise<void> {
    this.close(id);
    await this.flush(id);
  }

  #emit(id: string, log: ContainerLog, stream: 'stdout' | 'stderr', data: Uint8Array): void {
    const entry: LogEntry = { stream, time: rfc3339Nano(this.core.now()), data };
    log.pending.push(entry);
    log.timer ??= setTimeout(() => this.#send(id, log), SEND_DELAY_MS);
    for (const f of log.followers) f({ ...entry, data: entry.data.slice() });
  }

  #send(id: string, log: ContainerLog): void {
    clearTimeout(log.timer);
    log.timer = undefined;
    if (log.pending.length === 0) return;
    const batch = log.pending;
    log.pending = [];
    log.sent = true;
    log.chain = log.chain.then(() => this.core.ports.logs.append(id, batch)).catch(() => {});
  }

  async flush(id: string): Promise<void> {
    const log = this.#log(id);
    this.#send(id, log);
    await log.chain;
  }

  /**
   * Subscribe to new entries and read what was written before, at one point in the order:
   * `stored` has every entry emitted before the call, `follower` gets every one after.
   */
  follow(id: string, follower: (entry: LogEntry) => void): { stored: Promise<LogEntry[]>; stop: () => void } {
    const log = this.#log(id);
    this.#send(id, log);
    const stored = log.chain.then(() => this.core.ports.logs.read(id));
    log.chain = stored.catch(() => {});
    log.followers.add(follower);
    return { stored, stop: () => log.followers.delete(follower) };
  }

  /**
   * The container is being removed: drop what was not sent, wait for what was, then forget it.
   * Returns whether this engine sent any of its entries to the store.
   */
  async discard(id: string): Promise<boolean> {
    const log = this.#logs.get(id);
    if (!log) return false;
    clearTimeout(log.timer);
    log.timer = undefined;
    log.pending = [];
    log.partial = { stdout: [], stderr: [] };
    await log.chain;
    this.#logs.delete(id);
    return log.sent;
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
