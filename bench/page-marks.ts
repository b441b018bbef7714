/**
 * What the page benches (page-load.ts, page-load-compare.ts) read off a loaded playground, each
 * once it has happened: the page's own performance marks and `docker run hello-world`'s output on
 * screen. Times are the page's (ms since its navigation began).
 */
import type { Page } from 'playwright-core';

/** When xterm.js had drawn the first prompt in a terminal that takes keys (web/app/first-prompt.ts). */
export async function promptDrawnAt(page: Page): Promise<number> {
  await page.waitForFunction(() => performance.getEntriesByName('dockyard:terminal-interactive').length > 0, null, { timeout: 30_000 });
  return page.evaluate(() => performance.getEntriesByName('dockyard:terminal-interactive')[0].startTime);
}

/** When the engine answered, once the indicator has left "starting"; NaN for a build without an engine (it gave up). */
export async function engineReadyAt(page: Page): Promise<number> {
  await page.waitForSelector('[data-testid="engine-indicator"]:not(.connecting)', { timeout: 30_000 });
  return page.evaluate(() => performance.getEntriesByName('dockyard:engine-ready')[0]?.startTime ?? NaN);
}

/** Type `docker run hello-world` into the first terminal: when its output was on screen. */
export async function helloWorldPrintedAt(page: Page): Promise<number> {
  await page.getByTestId('terminal-1').locator('textarea').focus();
  await page.keyboard.type('docker run hello-world\n');
  const printed = await page.waitForFunction(
    () => {
      const el = document.querySelector('[data-testid="terminal-1"]') as (HTMLElement & { terminalText?(): string }) | null;
      return el?.terminalText?.().includes('Hello from Dockyard!') ? performance.now() : 0;
    },
    null,
    { timeout: 60_000, polling: 'raf' },
  );
  return printed.jsonValue();
}
