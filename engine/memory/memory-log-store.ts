import type { LogEntry, LogStore } from '../ports.ts';

/** A LogStore held in memory; entries are copied in and out so callers cannot edit the record. */
export class MemoryLogStore implements LogStore {
  readonly #logs = new Map<string, LogEntry[]>();

  async append(containerId: string, entries: LogEntry[]): Promise<void> {
    let log = this.#logs.get(containerId);
    if (!log) this.#logs.set(containerId, (log = []));
    for (const e of entries) log.push({ stream: e.stream, time: e.time, data: e.data.slice() });
  }

  async read(containerId: string): Promise<LogEntry[]> {
    return (this.#logs.get(containerId) ?? []).map((e) => ({ stream: e.stream, time: e.time, data: e.data.slice() }));
  }

  async delete(containerId: string): Promise<void> {
    this.#logs.delete(containerId);
  }
}
