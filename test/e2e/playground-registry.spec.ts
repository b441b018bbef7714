/**
 * localhost:5000 in the playground: the browser engine serves a writable registry itself (kept in
 * IndexedDB), so `docker push` and `docker pull` work with no kernel service, and survive a reload.
 */
import { expect, test } from '@playwright/test';
import { expectOutput, openPlayground, runFresh, screenText } from './journey-support.ts';
import { engineReady } from './tutorial-support.ts';

test('docker push localhost:5000/x, reload, remove the image, pull it back by tag and by digest', async ({ page }) => {
  test.setTimeout(3 * 60_000);
  await openPlayground(page);
  await engineReady(page);
  await runFresh(page, 'docker pull hello-world && docker tag hello-world localhost:5000/team/hello:1');
  await runFresh(page, 'docker push localhost:5000/team/hello:1');
  await expectOutput(page, 'The push refers to repository [localhost:5000/team/hello]');
  const pushed = (await screenText(page)).match(/1: digest: (sha256:[0-9a-f]{64}) size: \d+/);
  expect(pushed, await screenText(page)).not.toBeNull();
  const digest = pushed![1];

  await page.reload();
  await engineReady(page);
  // Nothing local names the image any more: what comes back must come from the registry's store.
  await runFresh(page, 'docker rmi localhost:5000/team/hello:1 hello-world');
  await expectOutput(page, 'Deleted: sha256:');
  await runFresh(page, 'docker pull localhost:5000/team/hello:1');
  await expectOutput(page, `Digest: ${digest}`);
  await expectOutput(page, 'Status: Downloaded newer image for localhost:5000/team/hello:1');
  await runFresh(page, `docker run --rm localhost:5000/team/hello@${digest}`);
  await expectOutput(page, 'Hello from Dockyard!');

  // A tag the registry never got is reported as Docker reports it.
  await runFresh(page, 'docker pull localhost:5000/team/hello:2');
  await expectOutput(page, 'manifest for localhost:5000/team/hello:2 not found: manifest unknown');
});
