import { test, expect } from '@playwright/test';
import { expectOutput, openPlayground, run, runFresh } from './journey-support.ts';

// Issue 20: one playground open in two tabs behaves as one Docker host with one workspace. Two pages
// of one browser context share the origin's IndexedDB, Web Locks and BroadcastChannels, as two tabs do.

test.use({ viewport: { width: 1440, height: 900 } });

test('a file one tab makes is in the other tab at once: its shell, its tree and its editor', async ({ context }) => {
  test.setTimeout(180_000);
  const a = await context.newPage();
  await openPlayground(a);
  const b = await context.newPage();
  await openPlayground(b);

  await run(a, 'mkdir -p ~/shared && echo "from tab A" > ~/shared/note.txt');
  // No reload in B: its shell reads the file, its tree lists it.
  await runFresh(b, 'cat ~/shared/note.txt');
  await expectOutput(b, 'from tab A');
  await expect(b.getByRole('treeitem', { name: 'shared' })).toBeVisible();

  // B opens it in its editor; A changes it; B's editor shows the new text.
  await run(b, 'edit ~/shared/note.txt');
  await expect(b.locator('.inspector .cm-content')).toContainText('from tab A');
  await run(a, 'echo "changed in A" >> ~/shared/note.txt');
  await expect(b.locator('.inspector .cm-content')).toContainText('changed in A');

  // A removes it: gone in B as well.
  await run(a, 'rm -r ~/shared');
  await runFresh(b, 'ls ~/shared');
  await expectOutput(b, "ls: cannot access '~/shared': No such file or directory");
  await expect(b.getByRole('treeitem', { name: 'shared' })).toHaveCount(0);
});
