import type { EngineEvent } from '../engine.ts';

type Listener = (event: EngineEvent) => void;

/** `docker events`: a fan-out to subscribers; a listener that throws is dropped, never the engine. */
export class EventBus {
  readonly #listeners = new Set<Listener>();

  constructor(private readonly now: () => number) {}

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(type: EngineEvent['Type'], action: string, id: string, attributes: Record<string, string> = {}): void {
    const ms = this.now();
    const event: EngineEvent = { Type: type, Action: action, Actor: { ID: id, Attributes: attributes }, time: Math.floor(ms / 1000), timeNano: ms * 1_000_000 };
    for (const listener of [...this.#listeners]) {
      try {
        listener(event);
      } catch {
        this.#listeners.delete(listener);
      }
    }
  }
}
