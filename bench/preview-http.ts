/**
 * The preview path's speed (issue 16 §4): `GET /` of a 1 KB page from the playground page through
 * its Service Worker (web/sw/) to box's httpd in a container with `-p` - page fetch -> Service
 * Worker -> the page (broker) -> engine Worker (connectPublished) -> the container's Worker ->
 * httpd and back - one request at a time and 8 at once. Beside it, from the same run: the Service
 * Worker's own round trip (`/ports/N` without its slash is answered by the worker itself, a 301,
 * with no page or engine asked), the floor of anything a Service Worker serves.
 * Figures, not assertions.
 *
 *   npx tsx bench/preview-http.ts            (builds first; --no-build to use the last build)
 */
import type { Page } from 'playwright-core';
import { launchChromium, serveSite } from './support.ts';

const PORT = Number(process.env.DOCKYARD_BENCH_PORT ?? 4197);
const OUT = process.env.DOCKYARD_BENCH_OUT ?? 'node_modules/.cache/dockyard-bench-preview';
const REQUESTS = Number(process.env.REQUESTS ?? 400);
const CONCURRENCY = 8;
const HOST_PORT = 8090;
// 16 lines of 64 bytes: the 1 KB page.
const LINE = 'x'.repeat(63);
const SERVER = `docker run -d -p ${HOST_PORT}:80 box sh -c "mkdir -p /www && for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do echo ${LINE} >> /www/index.html; done && httpd -f -p 80 -h /www"`;

interface Row {
  name: string;
  count: number;
  seconds: number;
  latencies: number[];
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

async function measure(page: Page, name: string, url: string, concurrency: number, expectBytes: number | null): Promise<Row> {
  const r = await page.evaluate(
    async ({ url, total, concurrency, expectBytes }) => {
      const latencies: number[] = [];
      let bad = 0;
      const one = async () => {
        const t0 = performance.now();
        const res = await fetch(url, { redirect: 'manual', cache: 'no-store' });
        const body = await res.arrayBuffer();
        latencies.push(performance.now() - t0);
        if (expectBytes !== null && (res.status !== 200 || body.byteLength !== expectBytes)) bad++;
      };
      // Warm: the first requests pay for compiling the Service Worker's code paths.
      for (let i = 0; i < 20; i++) await one();
      latencies.length = 0;
      const start = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next++ < total) await one();
        }),
      );
      return { seconds: (performance.now() - start) / 1000, latencies, bad };
    },
    { url, total: REQUESTS, concurrency, expectBytes },
  );
  if (r.bad) throw new Error(`${name}: ${r.bad} answers were not 200 with ${expectBytes} bytes`);
  return { name, count: r.latencies.length, seconds: r.seconds, latencies: r.latencies };
}

async function main(): Promise<void> {
  const site = await serveSite(OUT, PORT);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    // tsx names the functions it compiles with a helper the page does not have.
    await page.addInitScript({ content: 'window.__name = (f) => f;' });
    await page.goto(site.url);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 });
    await page.locator('[data-testid=terminal-1] .xterm-rows').getByText('learner@dockyard').first().waitFor({ timeout: 30_000 });
    await page.locator('[data-testid=terminal-1] textarea').focus();
    await page.keyboard.type(SERVER);
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      (port) => fetch(`/ports/${port}/`).then((r) => r.status === 200),
      HOST_PORT,
      { timeout: 60_000, polling: 500 },
    );
    const rows = [
      await measure(page, 'Service Worker alone (301 of /ports/N)', `/ports/${HOST_PORT}`, 1, null),
      await measure(page, 'preview GET / (1 KB), 1 at a time', `/ports/${HOST_PORT}/`, 1, 1024),
      await measure(page, `preview GET / (1 KB), ${CONCURRENCY} at once`, `/ports/${HOST_PORT}/`, CONCURRENCY, 1024),
    ];
    console.log(`\n${REQUESTS} requests per row, after 20 to warm up; Chromium ${browser.version()}\n`);
    console.log(`| path | req/s | p50 ms | p99 ms |`);
    console.log(`|---|---:|---:|---:|`);
    for (const r of rows) console.log(`| ${r.name} | ${(r.count / r.seconds).toFixed(0)} | ${pct(r.latencies, 50).toFixed(2)} | ${pct(r.latencies, 99).toFixed(2)} |`);
  } finally {
    await browser.close();
    site.stop();
  }
}

await main();
