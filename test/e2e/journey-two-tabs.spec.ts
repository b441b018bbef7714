import { test, expect } from '@playwright/test';
import { expectOutput, openPlayground, run, runFresh, screenText } from './journey-support.ts';

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

test('any tab stops, kills or removes a container another tab runs; a closed tab leaves it exited and removable', async ({ context }) => {
  test.setTimeout(240_000);
  const a = await context.newPage();
  await openPlayground(a);
  const b = await context.newPage();
  await openPlayground(b);
  const loop = "box sh -c 'while true; do sleep 1; done'";
  await run(a, 'docker pull box', 1, 60_000);
  for (const name of ['one', 'two', 'three']) await run(a, `docker run -d --name ${name} ${loop}`, 1, 60_000);
  await runFresh(a, "docker ps --format '{{.Names}}'");
  await expectOutput(a, /three\ntwo\none/);
  // B's views show A's containers without a command typed in B.
  await b.evaluate(() => (location.hash = '#/containers'));
  await expect(b.locator('.inspector').getByRole('link', { name: 'three' })).toBeVisible({ timeout: 15_000 });

  // Tab B does what one Docker host would let it; tab A runs the containers and does the work.
  await runFresh(b, 'docker stop one && docker kill two && docker rm -f three', 1, 60_000);
  await expectOutput(b, 'one\ntwo\nthree');
  await runFresh(b, "docker ps -a --format '{{.Names}} {{.Status}}'");
  await expectOutput(b, /two Exited \(137\)/);
  await expectOutput(b, /one Exited \(\d+\)/);
  expect(await screenText(b)).not.toContain('three');
  await expect(b.locator('.inspector').getByRole('link', { name: 'three' })).toHaveCount(0);
  await runFresh(a, "docker ps -a --format '{{.Names}} {{.Status}}'");
  await expectOutput(a, /two Exited \(137\)/);

  // A tab that runs one is closed: from B the container is exited and can be removed.
  const c = await context.newPage();
  await openPlayground(c);
  await run(c, `docker run -d --name orphan ${loop}`, 1, 60_000);
  await c.close();
  await runFresh(b, 'docker rm orphan && echo removed-orphan', 1, 60_000);
  await expectOutput(b, 'orphan\nremoved-orphan');
});
