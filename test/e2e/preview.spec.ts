import { test, expect, type Page } from '@playwright/test';
import { expectOutput, openPlayground, run, runFresh, screenText, terminalSize } from './journey-support.ts';

// Issue 16 §2: a published port opens in the page through the preview's Service Worker (web/sw/):
// /ports/<hostPort>/ asks the playground page for a connection, speaks HTTP to the container and
// streams its answer back; failures are pages that say what happened.

const WEB = 'sh -c "mkdir -p /www && echo hello-from-httpd > /www/index.html && httpd -f -p 80 -h /www"';

/** The playground, with its preview Service Worker in control (it claims the page once active). */
async function openWithPreviews(page: Page): Promise<void> {
  await openPlayground(page);
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), { timeout: 15_000 }).toBe(true);
}

/** Wait until the preview of `port` answers `path` with a status other than a failure page's. */
async function whenServing(page: Page, port: number, path = '/'): Promise<void> {
  await expect
    .poll(() => page.evaluate(({ port, path }) => fetch(`/ports/${port}${path}`).then((r) => r.headers.get('x-dockyard-preview-error') ?? String(r.status)), { port, path }), { timeout: 60_000 })
    .toBe('200');
}

test('a container’s httpd opens through the preview, in a tab of its own too; the page stays cross-origin isolated', async ({ page, context }) => {
  test.setTimeout(120_000);
  await openWithPreviews(page);
  await run(page, `docker run -d --name web -p 8080:80 box ${WEB}`);
  await whenServing(page, 8080);

  const tab = await context.newPage();
  const answer = await tab.goto('/ports/8080/');
  expect(answer?.status()).toBe(200);
  await expect(tab.locator('body')).toHaveText('hello-from-httpd');
  expect(answer?.headers()['cross-origin-embedder-policy']).toBe('require-corp');
  expect(await tab.evaluate(() => crossOriginIsolated)).toBe(true);
  // The guest's page reaches nothing outside the site (the playground has no outside network).
  const blocked = await tab.evaluate(
    () =>
      new Promise<string>((resolve) => {
        document.addEventListener('securitypolicyviolation', (e) => resolve(`${e.effectiveDirective} ${e.blockedURI}`));
        void fetch('http://127.0.0.1:9/').catch(() => {});
      }),
  );
  expect(blocked).toBe('connect-src http://127.0.0.1:9/');
  expect(await tab.evaluate(() => fetch('/ports/8080/').then((r) => r.status))).toBe(200);
  // A root-relative path asked by the preview's document is its container's, as on localhost:8080.
  expect(await tab.evaluate(() => fetch('/index.html').then((r) => r.text()))).toBe('hello-from-httpd\n');

  // A missing file is the container's own 404, passed on as it said it.
  const missing = await tab.goto('/ports/8080/nope.html');
  expect(missing?.status()).toBe(404);

  // Several requests at once, each answered by httpd.
  const bodies = await page.evaluate(() => Promise.all(Array.from({ length: 20 }, () => fetch('/ports/8080/').then((r) => r.text()))));
  expect(bodies.filter((b) => b === 'hello-from-httpd\n')).toHaveLength(20);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  await tab.close();

  // The host shell's curl and wget take the same path.
  await runFresh(page, 'curl -i http://localhost:8080/nope.html');
  await expectOutput(page, 'HTTP/1.1 404 Not Found');
  await runFresh(page, 'wget -qO- http://localhost:8080/ && curl -s localhost:8080');
  await expectOutput(page, /hello-from-httpd\nhello-from-httpd/);
  await runFresh(page, 'curl http://localhost:9999/; echo "status $?"');
  await expectOutput(page, "curl: (7) Failed to connect to localhost port 9999 after 0 ms: Couldn't connect to server");
  await expectOutput(page, 'status 7');
});

test('a port nobody publishes answers a page that says so', async ({ page, context }) => {
  await openWithPreviews(page);
  const tab = await context.newPage();
  const answer = await tab.goto('/ports/9999/');
  expect(answer?.status()).toBe(502);
  await expect(tab.locator('h1')).toHaveText('Nothing is published on port 9999');
  expect(await tab.evaluate(() => crossOriginIsolated)).toBe(true);
});

test('a server that never answers gets the timeout page, and the tab stays usable', async ({ page, context }) => {
  test.setTimeout(150_000);
  await openWithPreviews(page);
  // nc accepts the connection and prints the request, but never answers (-i: its input stays open,
  // so it does not end its side either).
  await run(page, 'docker run -d -i --name silent -p 8081:80 box nc -l -p 80');
  const tab = await context.newPage();
  // `docker run -d` returns before nc listens: until it does, the port refuses (a page of its own).
  let answer = await tab.goto('/ports/8081/', { timeout: 90_000 });
  for (let i = 0; i < 30 && answer?.headers()['x-dockyard-preview-error'] === 'refused'; i++) {
    await tab.waitForTimeout(500);
    answer = await tab.goto('/ports/8081/', { timeout: 90_000 });
  }
  expect(answer?.status()).toBe(504);
  await expect(tab.locator('h1')).toHaveText('The container on port 8081 did not answer');
  await runFresh(page, 'docker logs silent');
  await expectOutput(page, 'GET / HTTP/1.1');
});

test('a page reload ends the containers: their port answers a page that says so', async ({ page, context }) => {
  test.setTimeout(120_000);
  await openWithPreviews(page);
  await run(page, `docker run -d --name gone -p 8082:80 box ${WEB}`);
  await whenServing(page, 8082);
  await page.reload();
  await openWithPreviews(page);
  const tab = await context.newPage();
  const answer = await tab.goto('/ports/8082/');
  expect(answer?.status()).toBe(502);
  await expect(tab.locator('h1')).toHaveText('The container on port 8082 is not running');
  await expect(tab.locator('body')).toContainText('docker start gone');
});

test('the Preview view: the Containers view links a published port to it, its address bar and reload', async ({ page }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await openWithPreviews(page);
  await run(page, `docker run -d --name site -p 8083:80 box ${WEB}`);
  await whenServing(page, 8083);

  // docker ps's PORTS in the terminal is a link to the port's Preview (a short line: a wrapped one
  // could split the address over two rows).
  await runFresh(page, 'docker ps --format "{{.Names}} {{.Ports}}"');
  const rows = page.getByTestId('terminal-1').locator('.xterm-rows > div');
  const row = rows.filter({ hasText: '0.0.0.0:8083->80/tcp' }).first();
  const text = (await row.textContent())!.replace(/\u00a0/g, ' ');
  const { cols } = await terminalSize(page);
  const box = (await row.boundingBox())!;
  const cell = box.width / cols;
  const at = { x: box.x + (text.indexOf('0.0.0.0:8083') + 3) * cell, y: box.y + box.height / 2 };
  await page.mouse.move(at.x, at.y);
  await page.mouse.move(at.x + cell, at.y);
  await page.mouse.click(at.x + cell, at.y);
  await expect(page).toHaveURL(/#\/preview\/8083$/);

  await page.goto('/#/containers');
  await page.getByTestId('port-link-8083').click();
  await expect(page).toHaveURL(/#\/preview\/8083$/);
  const frame = page.frameLocator('[data-testid=preview-frame]');
  await expect(frame.locator('body')).toHaveText('hello-from-httpd');
  await expect(page.getByTestId('preview-open')).toHaveAttribute('href', '/ports/8083/');

  await page.getByTestId('preview-address').fill('/nope.html');
  await page.getByTestId('preview-address').press('Enter');
  await expect(frame.locator('body')).toContainText('404');
  await page.getByTestId('preview-reload').click();
  await expect(frame.locator('body')).toContainText('404');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);

  // The view lists what is published.
  await page.goto('/#/preview');
  await expect(page.getByTestId('preview-port-8083')).toHaveText('localhost:8083');
});

test('a 10 MB answer arrives whole, byte for byte', async ({ page }) => {
  test.setTimeout(180_000);
  await openWithPreviews(page);
  // seq 1 1500000: 10,888,897 bytes, under httpd's 16 MB file limit.
  await run(page, 'docker run -d --name big -p 8084:80 box sh -c "mkdir -p /www && seq 1 1500000 > /www/big.txt && httpd -f -p 80 -h /www"', 1, 120_000);
  await whenServing(page, 8084, '/big.txt');
  const got = await page.evaluate(async () => {
    const text = await (await fetch('/ports/8084/big.txt')).text();
    const lines = text.split('\n');
    return { bytes: text.length, lines: lines.length - 1, last: lines[lines.length - 2], inOrder: lines.slice(0, -1).every((l, i) => l === String(i + 1)) };
  });
  let bytes = 0;
  for (let n = 1; n <= 1_500_000; n++) bytes += String(n).length + 1;
  expect(got).toEqual({ bytes, lines: 1_500_000, last: '1500000', inOrder: true });
});

test('the hits example as a learner runs it: the count grows in the Preview, stop kv and it says so, start kv and it counts again', async ({ page }) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await openWithPreviews(page);
  // A first visit copies the example projects into the workspace while the terminal is already up.
  await expect
    .poll(async () => {
      await runFresh(page, 'ls ~/examples');
      return screenText(page);
    }, { timeout: 30_000 })
    .toContain('hits');
  await run(page, 'cd ~/examples/hits && docker network create app && docker run -d --network app --name kv kv', 1, 120_000);
  await run(page, 'docker build -t hits . && docker run -d --network app --name hits -p 8086:80 hits', 1, 120_000);
  await whenServing(page, 8086);
  const heading = () => page.evaluate(() => fetch('/ports/8086/').then((r) => r.text()).then((html) => /<h1>(.*?)<\/h1>/.exec(html)?.[1] ?? html));
  // kv may still be starting: wait for the first visit it counts.
  await expect.poll(heading, { timeout: 30_000 }).toMatch(/^This page has been seen \d+ times?\.$/);
  const first = Number(/seen (\d+)/.exec(await heading())![1]);

  await page.goto(`/#/preview/8086`);
  const frame = page.frameLocator('[data-testid=preview-frame]');
  await expect(frame.locator('h1')).toHaveText(`This page has been seen ${first + 1} times.`);
  await page.getByTestId('preview-reload').click();
  await expect(frame.locator('h1')).toHaveText(`This page has been seen ${first + 2} times.`);

  await run(page, 'docker stop kv');
  await page.getByTestId('preview-reload').click();
  await expect(frame.locator('h1')).toHaveText('Cannot reach kv');

  // kv keeps its count in its volume: started again, it goes on from where it was.
  await run(page, 'docker start kv');
  await expect.poll(heading, { timeout: 30_000 }).toMatch(/^This page has been seen \d+ times\.$/);
  const again = Number(/seen (\d+)/.exec(await heading())![1]);
  expect(again).toBeGreaterThanOrEqual(first + 3);
  await page.getByTestId('preview-reload').click();
  await expect(frame.locator('h1')).toHaveText(`This page has been seen ${again + 1} times.`);
});
