/**
 * Run `work` when the page's main thread is idle (at the latest after `timeoutMs`): for loading
 * what the first prompt does not need, so it does not compete with the keys a learner types.
 */
export function whenIdle(work: () => void, timeoutMs: number): void {
  if ('requestIdleCallback' in globalThis) requestIdleCallback(work, { timeout: timeoutMs });
  else setTimeout(work, Math.min(timeoutMs, 500));
}
