const SPLIT_KEY = 'dockyard.split';
const VIEWS_KEY = 'dockyard.views';

/**
 * Where the terminal ends and the views begin (a fraction of the width) and whether the learner
 * folded or unfolded the views; both kept across reloads. The widths themselves follow from these and
 * the window (column-widths.ts).
 */
export class Layout {
  split = $state(0.5);
  /** null: the window's width decides (app/column-widths.ts); true/false: the learner chose. */
  viewsOpen = $state<boolean | null>(null);

  constructor() {
    const saved = Number(localStorage.getItem(SPLIT_KEY));
    if (saved >= 0.2 && saved <= 0.8) this.split = saved;
    const views = localStorage.getItem(VIEWS_KEY);
    if (views === 'open' || views === 'folded') this.viewsOpen = views === 'open';
  }

  setSplit(value: number): void {
    this.split = Math.min(0.8, Math.max(0.2, value));
    localStorage.setItem(SPLIT_KEY, String(this.split));
  }

  /** Show the folded views for now (a link or a lesson went to one), leaving the saved choice as it was. */
  reveal(): void {
    this.viewsOpen = true;
  }

  setViewsOpen(open: boolean): void {
    this.viewsOpen = open;
    localStorage.setItem(VIEWS_KEY, open ? 'open' : 'folded');
  }
}
