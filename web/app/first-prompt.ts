/**
 * The moment the page's first prompt is on screen in a terminal that takes keys: xterm.js has
 * parsed what the first tab wrote and drawn those rows. bench/page-load.ts reads it as the
 * performance mark `dockyard:terminal-interactive`; the page starts what the prompt does not need
 * (the docker CLI, the workspace's files, the engine's lists) only after it, so that work does not
 * share the main thread and the two cores with the first paint.
 */
const MARK = 'dockyard:terminal-interactive';

let reached: () => void = () => {};
const shown = new Promise<void>((resolve) => (reached = resolve));

/** Called by the terminal view once its first prompt has been drawn; later calls do nothing. */
export function firstPromptShown(): void {
  if (performance.getEntriesByName(MARK).length === 0) performance.mark(MARK);
  reached();
}

/** True before any terminal has drawn its first prompt. */
export function awaitingFirstPrompt(): boolean {
  return performance.getEntriesByName(MARK).length === 0;
}

/**
 * Resolves once the first prompt is shown, or after `fallbackMs` - a page opened in a background
 * tab draws nothing (no animation frames) and must still connect its engine.
 */
export function afterFirstPrompt(fallbackMs = 3000): Promise<void> {
  return Promise.race([shown, new Promise<void>((resolve) => setTimeout(resolve, fallbackMs))]);
}
