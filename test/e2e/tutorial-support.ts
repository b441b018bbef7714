/** Following the tutorial panel in the page, as the tutorial e2e specs do. */
import { expect, type Page } from '@playwright/test';
import { screenText } from './journey-support.ts';

export const LANGS = ['en', 'ko'] as const;

export async function useLanguage(page: Page, lang: 'en' | 'ko'): Promise<void> {
  await page.addInitScript((l) => {
    if (!localStorage.getItem('dockyard.lang')) localStorage.setItem('dockyard.lang', l);
  }, lang);
}

/** Wait until no terminal tab runs a command (a step's command may open a second tab). */
export async function waitAllIdle(page: Page, timeout = 60_000): Promise<void> {
  await expect(page.locator('[id^="term-tab-"] .dot.busy')).toHaveCount(0, { timeout });
}

export async function engineReady(page: Page): Promise<void> {
  await expect(page.getByTestId('engine-indicator')).toHaveClass(/ready/, { timeout: 30_000 });
}

/**
 * Issue 19: a step is done only by what the learner did while it was open. On arrival its check is
 * read (it settles as failed, or as "already" when the state it looks for happens to hold) and the
 * step is not done - nothing passes on its own.
 */
export async function expectNotDoneOnArrival(page: Page, where: string): Promise<void> {
  const step = page.getByTestId('tutorial-step');
  await expect(step, `${where}: settles on arrival`).toHaveAttribute('data-status', /^(failed|already)$/, { timeout: 30_000 });
  // Whatever the engine still does from the step before (a container ending, output arriving) is
  // not the learner's either: a moment later the step is still not done.
  await page.waitForTimeout(500);
  await expect(step, `${where}: not done before anything was run`).not.toHaveAttribute('data-status', 'passed');
}

/** Click each of the current step's commands in order, then wait for its check to pass. */
export async function completeStep(page: Page, where: string): Promise<void> {
  const step = page.getByTestId('tutorial-step');
  const commands = step.getByTestId('tutorial-command');
  const n = await commands.count();
  try {
    for (let i = 0; i < n; i++) {
      await commands.nth(i).click();
      // A command with a digest is filled in from the engine first: let it reach the terminal.
      await page.waitForTimeout(300);
      await waitAllIdle(page);
    }
    await expect(step).toHaveAttribute('data-status', 'passed', { timeout: 60_000 });
  } catch (e) {
    // Say which step and what the terminal showed: that is where a learner would look too.
    const tabs = await page.locator('[id^="term-tab-"]').count();
    let shown = '';
    for (let t = 1; t <= tabs; t++) shown += `\n--- terminal ${t}:\n${(await screenText(page, t).catch(() => '')).slice(-1200)}`;
    const check = await step.getByTestId('tutorial-check').innerText().catch(() => '');
    const error = await step.locator('.error-text').innerText({ timeout: 1000 }).catch(() => '');
    throw new Error(`${where} did not finish or pass; check: ${check} ${error}${shown}`, { cause: e });
  }
}

