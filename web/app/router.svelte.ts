import { formatHash, parseHash, type Route, type ViewName } from './routes.ts';

/** The current view, kept in the URL's hash so a link opens it and Back goes back. */
export class Router {
  route = $state<Route>(parseHash(location.hash));

  #onHashChange = () => {
    this.route = parseHash(location.hash);
  };

  constructor() {
    window.addEventListener('hashchange', this.#onHashChange);
  }

  go(view: ViewName, subject?: string): void {
    const hash = formatHash(subject ? { view, subject } : { view });
    if (location.hash !== hash) location.hash = hash;
    else this.route = parseHash(hash);
  }

  /** Change the subject without adding a history entry (selection inside a view). */
  replace(view: ViewName, subject?: string): void {
    const hash = formatHash(subject ? { view, subject } : { view });
    history.replaceState(null, '', hash);
    this.route = parseHash(hash);
  }

  dispose(): void {
    window.removeEventListener('hashchange', this.#onHashChange);
  }
}
