import { test, expect } from '@playwright/test';
import { expectNoOutput, expectOutput, focusTerminal, openPlayground, run, runFresh, screen } from './journey-support.ts';

// The parts of a newcomer's first minutes that need no container: the page, the host shell over the
// workspace, the editor, deep links and the theme - and that all of it is still there after a reload.
// A laptop's window: the workspace is beside the terminal there (at 1280x720 with the lesson open the
// views fold into a strip; journey-newcomer covers that).
test.use({ viewport: { width: 1440, height: 900 } });

test('the page opens to an interactive terminal with the workspace beside it', async ({ page }) => {
  await openPlayground(page);
  await expect(page.getByRole('heading', { name: 'Dockyard' })).toBeVisible();
  await expect(page.getByTestId('engine-indicator')).toContainText('Browser engine');
  await expect(page.getByRole('tree', { name: 'Workspace files' })).toContainText('README.md');
  await runFresh(page, 'help');
  await expectOutput(page, "This is Dockyard's own small shell, not bash.");
  await expectOutput(page, 'docker run hello-world');
});

test('the host shell makes, lists, prints and removes files, and says what went wrong as sh would', async ({ page }) => {
  await openPlayground(page);
  await runFresh(page, 'mkdir -p notes/day1 && cd notes && echo "hello from the shell" > day1/a.txt && echo more >> day1/a.txt');
  await runFresh(page, 'cat day1/a.txt; pwd');
  await expectOutput(page, 'hello from the shell\nmore');
  await expectOutput(page, '~/notes');
  // The tree shows what the shell made.
  await expect(page.getByRole('treeitem', { name: 'notes' })).toBeVisible();

  await runFresh(page, 'cat nothing.txt');
  await expectOutput(page, 'cat: nothing.txt: No such file or directory');
  await runFresh(page, 'frobnicate');
  await expectOutput(page, 'sh: frobnicate: command not found');
  await runFresh(page, 'rm day1');
  await expectOutput(page, "rm: cannot remove 'day1': Directory not empty");
  await runFresh(page, 'rm -r day1');
  await runFresh(page, 'ls -l');
  await expectNoOutput(page, 'day1');
  await expect(page.getByRole('treeitem', { name: 'day1' })).toHaveCount(0);
});

test('history with the arrow keys, tab completion, and Ctrl-C on a half-typed line', async ({ page }) => {
  await openPlayground(page);
  await run(page, 'echo first-line');
  await run(page, 'clear');
  await focusTerminal(page);
  await page.keyboard.press('ArrowUp'); // "clear"
  await page.keyboard.press('ArrowUp'); // "echo first-line"
  await page.keyboard.press('Enter');
  await expectOutput(page, 'first-line');

  await run(page, 'clear');
  await page.keyboard.type('hist');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await expectOutput(page, '1  echo first-line');

  await run(page, 'clear');
  await page.keyboard.type('echo never-run');
  await page.keyboard.press('Control+C');
  await expectOutput(page, 'echo never-run^C');
  await runFresh(page, 'history');
  await expectOutput(page, 'echo first-line');
  await expectNoOutput(page, 'never-run');
});

test('edit opens the editor; what is typed there is what cat prints, after a reload too', async ({ page }) => {
  await openPlayground(page);
  await run(page, 'mkdir -p app && cd app && echo "FROM box" > Dockerfile && edit Dockerfile');
  const editor = page.getByTestId('editor').locator('.cm-content');
  await expect(editor).toContainText('FROM box');
  await editor.click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type('CMD ["echo", "hi"]');
  await expect(page.getByTestId('save-state')).toHaveText('Saved');
  await runFresh(page, 'cat Dockerfile');
  await expectOutput(page, 'CMD ["echo", "hi"]');

  await page.reload();
  await expect(screen(page)).toContainText('learner@dockyard', { timeout: 15_000 });
  await expect(page.getByTestId('editor').locator('.cm-content')).toContainText('CMD ["echo", "hi"]');
  await runFresh(page, 'cat app/Dockerfile');
  await expectOutput(page, 'FROM box');
});

test('several terminal tabs, each with its own directory', async ({ page }) => {
  await openPlayground(page);
  await run(page, 'mkdir -p one && cd one');
  await page.getByRole('button', { name: 'New terminal tab' }).click();
  await expect(page.getByRole('tab', { name: 'Terminal 2' })).toHaveAttribute('aria-selected', 'true');
  await runFresh(page, 'pwd', 2);
  await expectNoOutput(page, '~/one', 2);
  await runFresh(page, 'pwd', 1);
  await expectOutput(page, '~/one', 1);
});

test('deep links open a view, and the theme choice is kept', async ({ page }) => {
  await openPlayground(page, '#/storage');
  await expect(page.getByRole('link', { name: 'Storage' })).toHaveAttribute('aria-current', 'page');
  await page.getByTestId('nav-volumes').click();
  await expect(page).toHaveURL(/#\/volumes$/);
  const before = await page.evaluate(() => document.documentElement.dataset.theme);
  await page.getByTestId('theme-toggle').click();
  const after = await page.evaluate(() => document.documentElement.dataset.theme);
  expect(after).not.toBe(before);
  await page.reload();
  expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(after);
  await expect(page.getByRole('link', { name: 'Volumes' })).toHaveAttribute('aria-current', 'page');
});

test('the workspace buttons make, rename, upload and delete files the shell then sees', async ({ page }) => {
  await openPlayground(page);
  const tree = page.getByRole('tree', { name: 'Workspace files' });
  await tree.getByRole('treeitem', { name: 'README.md' }).first().click();
  await page.getByRole('button', { name: 'New folder' }).click();
  await page.getByTestId('name-input').fill('site');
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(tree.getByRole('treeitem', { name: 'site' })).toBeVisible();

  await page.getByRole('button', { name: 'New file' }).click();
  await page.getByTestId('name-input').fill('index.html');
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByTestId('editor').locator('.cm-content')).toBeVisible();
  await page.getByTestId('editor').locator('.cm-content').click();
  await page.keyboard.type('<h1>hi</h1>');
  await expect(page.getByTestId('save-state')).toHaveText('Saved');

  await page.getByRole('button', { name: 'Rename' }).click();
  await page.getByTestId('name-input').fill('home.html');
  await page.getByRole('button', { name: 'Rename', exact: true }).last().click();
  await expect(tree.getByRole('treeitem', { name: 'home.html' })).toBeVisible();

  await page.locator('input[type=file][multiple]').setInputFiles([
    { name: 'style.css', mimeType: 'text/css', buffer: Buffer.from('h1 { color: teal }\n') },
  ]);
  await expect(tree.getByRole('treeitem', { name: 'style.css' })).toBeVisible();

  await runFresh(page, 'cat ~/site/home.html ~/site/style.css');
  await expectOutput(page, '<h1>hi</h1>');
  await expectOutput(page, 'h1 { color: teal }');

  await tree.getByRole('treeitem', { name: 'site' }).click();
  await page.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
  await expect(tree.getByRole('treeitem', { name: 'site' })).toHaveCount(0);
  await runFresh(page, 'ls ~/site');
  await expectOutput(page, "ls: cannot access '~/site': No such file or directory");
});
