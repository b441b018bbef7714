import type { EngineEvent } from '../engine.ts';

type Listener = (event: EngineEvent) => void;

/** As Docker's daemon: the last 256 events are kept, for `docker events --since/--until`. */
const KEPT_EVENTS = 256;

/**
 * `docker events`: a fan-out to subscribers, and the recent past. A listener that throws is
 * dropped, never the engine.
 */
export class EventBus {
  readonly #listeners = new Set<Listener>();
  readonly #kept: EngineEvent[] = [];

  constructor(private readonly now: () => number) {}

  /** `since` (unix seconds, fractions kept): the kept events from then on are given first, in order, then live ones. */
  subscribe(listener: Listener, options: { since?: number } = {}): () => void {
    if (options.since !== undefined) {
      for (const e of this.#kept.filter((k) => k.timeNano / 1e9 >= options.since!)) listener(e);
    }
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(type: EngineEvent['Type'], action: string, id: string, attributes: Record<string, string> = {}): void {
    const ms = this.now();
    const event: EngineEvent = { Type: type, Action: action, Actor: { ID: id, Attributes: attributes }, time: Math.floor(ms / 1000), timeNano: ms * 1_000_000 };
    this.#kept.push(event);
    if (this.#kept.length > KEPT_EVENTS) this.#kept.shift();
    for (const listener of [...this.#listeners]) {
      try {
        listener(event);
      } catch {
        this.#listeners.delete(listener);
      }
    }
  }
}
