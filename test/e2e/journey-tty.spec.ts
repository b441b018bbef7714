import { test, expect, type Page } from '@playwright/test';
import { expectOutput, focusTerminal, openPlayground, run, screenText, typeLine, waitIdle } from './journey-support.ts';

// `docker run -it box sh` as on a real terminal: -t gives the container a terminal (its stdio
// report a character device, TERM=xterm), so box's sh prompts; the page's terminal echoes each
// key once; Ctrl-C is the container's (a fresh prompt, the container keeps running); Ctrl-D is end
// of file for one read (it ends `sort`, and sh itself at its prompt).

async function engineReady(page: Page): Promise<void> {
  await expect(page.getByTestId('engine-indicator')).toHaveClass(/ready/, { timeout: 30_000 });
}

/** How many times `text` occurs in the tab's text. */
async function count(page: Page, text: string): Promise<number> {
  return (await screenText(page)).split(text).length - 1;
}

test('-it box sh prompts, echoes once, Ctrl-C gives a new prompt and Ctrl-D ends it with status 0', async ({ page }) => {
  test.setTimeout(120_000);
  await openPlayground(page);
  await engineReady(page);
  await run(page, 'docker pull box', 1, 60_000);
  await run(page, 'clear');
  await typeLine(page, 'docker run -it --name tty1 box sh');
  await expectOutput(page, /^\/ #\s*$/m, 1, 30_000);

  await page.keyboard.type('echo typed-$((6*7)); [ -t 0 ] && [ -t 1 ] && echo on-a-tty; echo TERM=$TERM');
  await page.keyboard.press('Enter');
  await expectOutput(page, /^typed-42$/m);
  await expectOutput(page, /^on-a-tty$/m);
  await expectOutput(page, /^TERM=xterm$/m);
  // The command line shows once: the page echoes keys, the container does not echo them again.
  expect(await count(page, 'echo typed-$((6*7))')).toBe(1);
  await expectOutput(page, /TERM=xterm\n\/ #/);

  // Ctrl-C on a half-typed line: the line is dropped, sh prompts again, the container keeps running.
  await page.keyboard.type('echo never-run');
  await page.keyboard.press('Control+C');
  await expectOutput(page, /echo never-run\^C\n\/ #/);
  await page.keyboard.press('Control+C');
  // Wait for sh's fresh prompt: keys typed before it are echoed ahead of it, as on any terminal.
  await expectOutput(page, /\/ # \^C\n\/ #/);
  await page.keyboard.type('echo after-interrupt');
  await page.keyboard.press('Enter');
  await expectOutput(page, /^after-interrupt$/m);
  expect(await screenText(page)).not.toMatch(/^never-run$/m);

  // Ctrl-D under a terminal is end of file for one read: sort (reading the shell's own stdin
  // stream) ends, and the shell that ran it reads its next command.
  await page.keyboard.type('sort; echo sort-ended-$?');
  await page.keyboard.press('Enter');
  await page.keyboard.type('pear');
  await page.keyboard.press('Enter');
  await page.keyboard.type('apple');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Control+D');
  await expectOutput(page, /^apple\npear\nsort-ended-0$/m);
  // Arithmetic: the container's sh answers, not the page's own shell had the container ended.
  await page.keyboard.type('echo sh-still-$((6*7))');
  await page.keyboard.press('Enter');
  await expectOutput(page, /^sh-still-42$/m);

  await page.keyboard.press('Control+D');
  await waitIdle(page);
  await run(page, 'clear');
  await run(page, 'docker ps -a --filter name=tty1 --format "{{.Names}} {{.Status}}"');
  await expectOutput(page, /^tty1 Exited \(0\)/m);
});

test('without -t the same shell has no terminal: no prompt, stdin read as lines', async ({ page }) => {
  test.setTimeout(120_000);
  await openPlayground(page);
  await engineReady(page);
  await run(page, 'clear');
  await typeLine(page, 'docker run -i --rm box sh');
  await focusTerminal(page);
  await page.keyboard.type('[ -t 0 ] || echo not-a-tty; echo TERM=${TERM:-unset}');
  await page.keyboard.press('Enter');
  await expectOutput(page, /^not-a-tty$/m, 1, 30_000);
  await expectOutput(page, /^TERM=unset$/m);
  expect(await screenText(page)).not.toMatch(/^\/ #/m);
  await page.keyboard.press('Control+D');
  await waitIdle(page);
});

test('-it box cat gives each typed line back as it is entered, and Ctrl-D ends it', async ({ page }) => {
  test.setTimeout(120_000);
  await openPlayground(page);
  await engineReady(page);
  // Pulled first: lines typed while a pull draws its progress can be drawn over, as on any terminal.
  await run(page, 'docker pull box', 1, 60_000);
  await run(page, 'clear');
  await typeLine(page, 'docker run -it --rm box cat');
  await focusTerminal(page);
  // The terminal echoes the line as it is typed; cat's copy is the second one, before any end of input.
  await page.keyboard.type('first-line');
  await page.keyboard.press('Enter');
  await expect.poll(() => count(page, 'first-line'), { timeout: 30_000 }).toBe(2);
  await page.keyboard.type('second-line');
  await page.keyboard.press('Enter');
  await expect.poll(() => count(page, 'second-line'), { timeout: 30_000 }).toBe(2);
  await page.keyboard.press('Control+D');
  await waitIdle(page);
  // The container is gone (--rm) and the host shell takes commands again.
  await run(page, 'echo back-on-the-host');
  await expectOutput(page, /^back-on-the-host$/m);
});
