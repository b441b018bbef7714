import { test, expect, type Page } from '@playwright/test';
import { expectOutput, focusTerminal, openPlayground, run, runFresh, screenText, typeLine, waitIdle } from './journey-support.ts';

// `docker exec -it CONTAINER sh` as on a real terminal: the exec'd sh has the terminal (it
// prompts, TERM=xterm), reads what is typed in the tab it was started from - its own input, not
// the container's main process's - Ctrl-C gives it a fresh prompt, Ctrl-D or `exit N` ends it and
// N is the status the host shell sees. `exec -i` without -t reads the typed lines with no prompt.

async function engineReady(page: Page): Promise<void> {
  await expect(page.getByTestId('engine-indicator')).toHaveClass(/ready/, { timeout: 30_000 });
}

/** How many lines of the tab are exactly `line`. */
async function linesEqual(page: Page, line: string, tab: number): Promise<number> {
  return (await screenText(page, tab)).split('\n').filter((l) => l === line).length;
}

async function newTab(page: Page, tab: number): Promise<void> {
  await page.getByRole('button', { name: 'New terminal tab' }).click();
  await expect(page.getByRole('tab', { name: `Terminal ${tab}` })).toBeVisible();
}

test('exec -it sh in a running container: prompt, terminal, typed input, Ctrl-C, exit status', async ({ page }) => {
  test.setTimeout(180_000);
  await openPlayground(page);
  await engineReady(page);
  await run(page, 'docker run -d --name shelf box sh -c "while true; do sleep 1; done"', 1, 60_000);
  await expectOutput(page, /^[0-9a-f]{64}$/m);

  await newTab(page, 2);
  await typeLine(page, 'docker exec -it shelf sh || echo exec-status-was-not-0', 2);
  await expectOutput(page, /^\/ #\s*$/m, 2, 30_000);

  await page.keyboard.type('echo exec-$((6*7)); [ -t 0 ] && [ -t 1 ] && echo on-a-tty; echo TERM=$TERM; echo host-$(cat /etc/hostname)');
  await page.keyboard.press('Enter');
  await expectOutput(page, /^exec-42$/m, 2);
  await expectOutput(page, /^on-a-tty$/m, 2);
  await expectOutput(page, /^TERM=xterm$/m, 2);
  // The container's own hostname file: the exec runs in that container's file system.
  const id = /^([0-9a-f]{12})[0-9a-f]{52}$/m.exec(await screenText(page, 1))![1];
  await expectOutput(page, new RegExp(`^host-${id}$`, 'm'), 2);
  // The line was echoed once, by the page's terminal; sh does not echo it again.
  expect((await screenText(page, 2)).split('echo exec-$((6*7))').length - 1).toBe(1);

  // A program sh starts reads the same terminal: head copies the typed line back, then sh prompts.
  await page.keyboard.type('head -n 1');
  await page.keyboard.press('Enter');
  await page.keyboard.type('typed-into-head');
  await page.keyboard.press('Enter');
  // Once as echoed while typing, once as head wrote it back.
  await expect.poll(() => linesEqual(page, 'typed-into-head', 2)).toBe(2);
  await expectOutput(page, /typed-into-head\n\/ #\s*$/, 2);

  // Ctrl-C on a half-typed line: dropped, a fresh prompt, the exec keeps running.
  await page.keyboard.type('echo never-run');
  await page.keyboard.press('Control+C');
  await expectOutput(page, /echo never-run\^C\n\/ #\s*$/, 2);
  await page.keyboard.type('echo after-interrupt; echo kept > /tmp/from-exec-it');
  await page.keyboard.press('Enter');
  await expectOutput(page, /^after-interrupt$/m, 2);
  expect(await screenText(page, 2)).not.toMatch(/^never-run$/m);

  // `exit 3` returns to the host shell with the exec's status.
  await page.keyboard.type('exit 3');
  await page.keyboard.press('Enter');
  await waitIdle(page, 2);
  await expectOutput(page, /^exec-status-was-not-0$/m, 2);
  await expectOutput(page, /exec-status-was-not-0\nlearner@dockyard:\S*\$$/, 2);

  // The container kept running, and what the exec wrote is in its writable layer.
  await runFresh(page, 'docker ps --filter name=shelf --format "{{.Names}} {{.Status}}"', 2);
  await expectOutput(page, /^shelf Up /m, 2);
  await runFresh(page, 'docker diff shelf', 2);
  await expectOutput(page, /^A \/tmp\/from-exec-it$/m, 2);

  // Ctrl-D at sh's prompt ends the exec with status 0; a second exec sees the first one's file.
  await run(page, 'clear', 2);
  await typeLine(page, 'docker exec -it shelf sh && echo second-exec-ended-0', 2);
  await expectOutput(page, /^\/ #\s*$/m, 2, 30_000);
  await page.keyboard.type('cat /tmp/from-exec-it');
  await page.keyboard.press('Enter');
  await expectOutput(page, /^kept$/m, 2);
  await page.keyboard.press('Control+D');
  await waitIdle(page, 2);
  await expectOutput(page, /^second-exec-ended-0$/m, 2);

  await run(page, 'docker rm -f shelf', 2);
});

test('exec -i without -t: typed lines reach the process, no terminal, no prompt, Ctrl-D ends it', async ({ page }) => {
  test.setTimeout(120_000);
  await openPlayground(page);
  await engineReady(page);
  await run(page, 'docker run -d --name pipe1 box sh -c "while true; do sleep 1; done"', 1, 60_000);
  await run(page, 'clear');
  await typeLine(page, 'docker exec -i pipe1 sh && echo exec-i-ended-0');
  await focusTerminal(page);
  await page.keyboard.type('[ -t 0 ] || echo not-a-tty; echo TERM=${TERM:-unset}; read word; echo got-$word');
  await page.keyboard.press('Enter');
  await expectOutput(page, /^not-a-tty$/m, 1, 30_000);
  await expectOutput(page, /^TERM=unset$/m);
  // `read` takes the next typed line from the same stdin.
  await page.keyboard.type('hello');
  await page.keyboard.press('Enter');
  await expectOutput(page, /^got-hello$/m);
  expect(await screenText(page)).not.toMatch(/^\/ #/m);
  await page.keyboard.press('Control+D');
  await waitIdle(page);
  await expectOutput(page, /^exec-i-ended-0$/m);
  await run(page, 'docker rm -f pipe1');
});

test('exec -it into a container whose own sh waits for input: each shell reads only its own tab', async ({ page }) => {
  test.setTimeout(120_000);
  await openPlayground(page);
  await engineReady(page);
  await run(page, 'docker pull box', 1, 60_000);
  await run(page, 'clear');
  await typeLine(page, 'docker run -it --name both box sh');
  await expectOutput(page, /^\/ #\s*$/m, 1, 30_000);

  await newTab(page, 2);
  await typeLine(page, 'docker exec -it both sh', 2);
  await expectOutput(page, /^\/ #\s*$/m, 2, 30_000);
  await page.keyboard.type('echo from-the-exec > /tmp/by-exec; echo exec-$((2+3))');
  await page.keyboard.press('Enter');
  await expectOutput(page, /^exec-5$/m, 2);
  await page.keyboard.type('exit');
  await page.keyboard.press('Enter');
  await waitIdle(page, 2);

  // The main shell got none of tab 2's input and reads its own tab; it sees the exec's file.
  await focusTerminal(page, 1);
  await page.keyboard.type('cat /tmp/by-exec; echo main-$((3+4))');
  await page.keyboard.press('Enter');
  await expectOutput(page, /^from-the-exec$/m);
  await expectOutput(page, /^main-7$/m);
  expect(await screenText(page, 1)).not.toMatch(/^exec-5$/m);
  await page.keyboard.press('Control+D');
  await waitIdle(page);
  await run(page, 'docker rm both');
});
