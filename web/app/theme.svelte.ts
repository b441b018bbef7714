export type ThemeName = 'light' | 'dark';

const KEY = 'dockyard.theme';

/** Light or dark; the system preference until the learner picks one, then their choice. */
export class Theme {
  name = $state<ThemeName>('light');

  constructor() {
    const saved = localStorage.getItem(KEY);
    this.name = saved === 'light' || saved === 'dark'
      ? saved
      : matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
    this.#apply();
  }

  toggle(): void {
    this.name = this.name === 'dark' ? 'light' : 'dark';
    localStorage.setItem(KEY, this.name);
    this.#apply();
  }

  #apply(): void {
    document.documentElement.dataset.theme = this.name;
  }
}
