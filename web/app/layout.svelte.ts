const KEY = 'dockyard.split';

/** Where the terminal ends and the views begin, as a fraction of the width; kept across reloads. */
export class Layout {
  split = $state(0.5);

  constructor() {
    const saved = Number(localStorage.getItem(KEY));
    if (saved >= 0.2 && saved <= 0.8) this.split = saved;
  }

  setSplit(value: number): void {
    this.split = Math.min(0.8, Math.max(0.2, value));
    localStorage.setItem(KEY, String(this.split));
  }
}
