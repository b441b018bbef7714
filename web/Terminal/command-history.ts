/**
 * The commands typed in any tab, newest last, kept across reloads (like ~/.bash_history).
 * A line that repeats the one before it is kept once.
 */
const KEY = 'dockyard.history';
const LIMIT = 500;

export class CommandHistory {
  #lines: string[];

  constructor() {
    try {
      const saved = JSON.parse(localStorage.getItem(KEY) ?? '[]');
      this.#lines = Array.isArray(saved) ? saved.filter((l): l is string => typeof l === 'string') : [];
    } catch {
      this.#lines = [];
    }
  }

  get lines(): readonly string[] {
    return this.#lines;
  }

  add(line: string): void {
    if (!line.trim() || this.#lines[this.#lines.length - 1] === line) return;
    this.#lines.push(line);
    if (this.#lines.length > LIMIT) this.#lines.splice(0, this.#lines.length - LIMIT);
    try {
      localStorage.setItem(KEY, JSON.stringify(this.#lines));
    } catch {
      // storage full or denied: history still works for this page
    }
  }
}
