import type { EngineSession } from '../app/engine-session.svelte.ts';
import { TerminalSession, type TerminalContext } from './terminal-session.svelte.ts';

/** The open terminal tabs; there is always at least one. */
export class TerminalTabs {
  sessions = $state.raw<TerminalSession[]>([]);
  activeId = $state(0);
  #next = 1;

  /**
   * `engineFor(tabId)`: the engine each tab's docker commands use (web/engine-select); default the
   * context's. `engineBadge(tabId)`: a short mark the tab shows when it is not on the browser engine.
   */
  constructor(
    private readonly context: TerminalContext,
    private readonly engineFor?: (tabId: number) => EngineSession,
    readonly engineBadge: (tabId: number) => string = () => '',
  ) {
    this.add();
  }

  get active(): TerminalSession {
    return this.sessions.find((s) => s.id === this.activeId) ?? this.sessions[0];
  }

  add(): TerminalSession {
    const id = this.#next;
    const engineFor = this.engineFor;
    const context: TerminalContext = engineFor ? { ...this.context, get engine() { return engineFor(id); } } : this.context;
    const session = new TerminalSession(id, context, id === 1);
    this.#next += 1;
    this.sessions = [...this.sessions, session];
    this.activeId = session.id;
    return session;
  }

  close(id: number): void {
    const index = this.sessions.findIndex((s) => s.id === id);
    if (index === -1) return;
    this.sessions[index].detach();
    const rest = this.sessions.filter((s) => s.id !== id);
    this.sessions = rest;
    if (rest.length === 0) this.add();
    else if (this.activeId === id) this.activeId = rest[Math.max(0, index - 1)].id;
  }

  select(id: number): void {
    if (this.sessions.some((s) => s.id === id)) this.activeId = id;
  }

  /** Put a command on the active tab's line (for "run this" buttons). */
  type(line: string): void {
    this.active.type(line);
  }
}
