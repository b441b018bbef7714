import { expect, type Locator, type Page } from '@playwright/test';

/** The visible text of a terminal tab (xterm.js's DOM renderer: one div per row). */
export function screen(page: Page, tab = 1): Locator {
  return page.getByTestId(`terminal-${tab}`).locator('.xterm-rows');
}

/**
 * The tab's text since the last `clear`, scrollback included, wrapped rows joined into the lines
 * that were written, runs of spaces collapsed (TerminalView exposes `terminalText` on its element).
 */
export async function screenText(page: Page, tab = 1): Promise<string> {
  const text = await page.getByTestId(`terminal-${tab}`).evaluate((el) => (el as HTMLElement & { terminalText(): string }).terminalText());
  return text.split('\n').map((l) => l.replace(/\s+/g, ' ').trim()).join('\n');
}

/** Wait until the tab shows `text` (on one line, spaces collapsed). */
export async function expectOutput(page: Page, text: string | RegExp, tab = 1, timeout = 15_000): Promise<void> {
  await expect.poll(() => screenText(page, tab), { timeout }).toMatch(typeof text === 'string' ? new RegExp(escape(text.replace(/ +/g, ' '))) : text);
}

export async function expectNoOutput(page: Page, text: string, tab = 1): Promise<void> {
  expect(await screenText(page, tab)).not.toContain(text);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export async function openPlayground(page: Page, hash = ''): Promise<void> {
  await page.goto(`/${hash}`);
  await expect(screen(page)).toContainText('learner@dockyard', { timeout: 15_000 });
}

/** Type a line into a terminal tab and press Enter. */
export async function typeLine(page: Page, line: string, tab = 1): Promise<void> {
  await focusTerminal(page, tab);
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
}

export async function focusTerminal(page: Page, tab = 1): Promise<void> {
  // By id, not by name: the tab is "터미널 1" in Korean.
  await page.locator(`#term-tab-${tab}`).click();
  await page.getByTestId(`terminal-${tab}`).locator('textarea').focus();
}

/** Wait until the tab's command has finished (the tab's busy dot goes out). */
export async function waitIdle(page: Page, tab = 1, timeout = 30_000): Promise<void> {
  await expect(page.locator(`#term-tab-${tab} .dot.busy`)).toHaveCount(0, { timeout });
}

/** Run a line and wait for it to finish; returns nothing - assert on `screen` afterwards. */
export async function run(page: Page, line: string, tab = 1, timeout = 30_000): Promise<void> {
  await typeLine(page, line, tab);
  await waitIdle(page, tab, timeout);
}

/** Clear the tab first so assertions see only what comes next. */
export async function runFresh(page: Page, line: string, tab = 1, timeout = 30_000): Promise<void> {
  await run(page, 'clear', tab);
  await run(page, line, tab, timeout);
}

/** The tab's size in cells, as xterm.js has fitted it (TerminalView exposes `terminalSize`). */
export async function terminalSize(page: Page, tab = 1): Promise<{ cols: number; rows: number }> {
  return page.getByTestId(`terminal-${tab}`).evaluate((el) => (el as HTMLElement & { terminalSize(): { cols: number; rows: number } }).terminalSize());
}

/** The rows of the tab's screen as drawn (not joined), to see where a line wrapped. */
export async function screenRows(page: Page, tab = 1): Promise<string[]> {
  const rows = await page.getByTestId(`terminal-${tab}`).locator('.xterm-rows > div').allTextContents();
  return rows.map((r) => r.replace(/\u00a0/g, ' ')); // the DOM renderer draws spaces as no-break spaces
}
