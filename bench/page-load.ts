/**
 * Cold page load to an interactive terminal, from `npm run preview` (the built site), in Debian's
 * Chromium: median of 10 loads, each in a fresh browser context (empty cache, empty storage).
 * "Interactive" is the page's own mark `dockyard:terminal-interactive` (web/app/first-prompt.ts),
 * set when xterm.js has drawn the first prompt in a terminal that takes keys. Chromium's per-window
 * omnibox page is turned off (bench/support.ts QUIET_BROWSER_WINDOW; `--with-omnibox-webui` keeps
 * it): it is not part of opening a URL in a browser that is already open. "hello-world printed" is what the issue promises: in
 * another fresh context, `docker run hello-world` is typed as soon as the terminal takes keys (the
 * engine may still be starting: the line waits for it, as a learner's would) and the clock stops when
 * its output is on screen - pull from the built-in registry, create, start and run included.
 * Baseline: the same page with JavaScript off (the cost of fetching and parsing the HTML alone). Also prints the bundle: what the first load fetches and
 * what is loaded later, raw and gzipped.
 *
 *   npx tsx bench/page-load.ts            (builds first; --no-build to use dist/ as it is)
 *   DOCKYARD_BENCH_PORT=4199              (the preview server's port)
 */
import { launchChromium, median, QUIET_BROWSER_WINDOW, serveSite } from './support.ts';
import { engineReadyAt, helloWorldPrintedAt, promptDrawnAt } from './page-marks.ts';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const PORT = Number(process.env.DOCKYARD_BENCH_PORT ?? 4199);
// Its own output folder: dist/ may be rebuilt by a test run at the same time.
const OUT = 'node_modules/.cache/dockyard-bench-dist';
const RUNS = 10;
const url = `http://127.0.0.1:${PORT}/`;

/** The engine's own code (its Workers and the page's connector to them), fetched beside the UI. */
const ENGINE_ASSET = /^assets\/(engine-worker|process-worker|connect)-/;

/**
 * Sizes of what the page fetched from assets/ before its first prompt (`firstScreen`, read from the
 * page's resource timing: the entry, the UI chunks it imports, and what the engine's start fetched
 * by then) against everything else the build holds (views, tutorial, editor, CLI, workers).
 */
function bundle(firstScreen: Set<string>): Array<[string, number, number]> {
  const html = readFileSync(join(OUT, 'index.html'), 'utf8');
  const sums = { ui: [Buffer.byteLength(html), gzipSync(html).length], engine: [0, 0], later: [0, 0] };
  for (const name of readdirSync(join(OUT, 'assets'))) {
    if (!/\.(js|css|wasm)$/.test(name)) continue;
    const bytes = readFileSync(join(OUT, 'assets', name));
    const path = `assets/${name}`;
    const part = !firstScreen.has(path) ? sums.later : ENGINE_ASSET.test(path) ? sums.engine : sums.ui;
    part[0] += bytes.length;
    part[1] += gzipSync(bytes).length;
  }
  let total = 0;
  const walk = (dir: string) => {
    for (const n of readdirSync(dir)) {
      const p = join(dir, n);
      if (statSync(p).isDirectory()) walk(p);
      else total += statSync(p).size;
    }
  };
  walk(OUT);
  return [
    ['first screen, page: index.html + entry + UI (xterm.js, Svelte, terminal, shell, workspace)', sums.ui[0], sums.ui[1]],
    ['first screen, engine: its Workers, started in parallel by the entry', sums.engine[0], sums.engine[1]],
    ['loaded later (CLI, views, tutorial, editor, ...)', sums.later[0], sums.later[1]],
    ['whole dist/ (with images registry)', total, NaN],
  ];
}

async function main(): Promise<void> {
  const site = await serveSite(OUT, PORT);
  try {
    const browser = await launchChromium(process.argv.includes('--with-omnibox-webui') ? [] : QUIET_BROWSER_WINDOW);
    const interactive: number[] = [];
    const engineReady: number[] = [];
    const baseline: number[] = [];
    const helloWorld: number[] = [];
    const firstScreen = new Set<string>();
    for (let i = 0; i < RUNS; i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(url);
      interactive.push(await promptDrawnAt(page));
      const fetched = await page.evaluate(() => {
        const at = performance.getEntriesByName('dockyard:terminal-interactive')[0].startTime;
        return performance.getEntriesByType('resource').filter((r) => r.startTime < at).map((r) => new URL(r.name).pathname.slice(1));
      });
      for (const path of fetched) if (path.startsWith('assets/')) firstScreen.add(path);
      engineReady.push(await engineReadyAt(page));
      await context.close();

      const fresh = await browser.newContext();
      const hp = await fresh.newPage();
      await hp.goto(url);
      await promptDrawnAt(hp);
      helloWorld.push(await helloWorldPrintedAt(hp));
      await fresh.close();

      const bare = await browser.newContext({ javaScriptEnabled: false });
      const bp = await bare.newPage();
      await bp.goto(url, { waitUntil: 'load' });
      baseline.push(await bp.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).loadEventEnd));
      await bare.close();
    }
    await browser.close();

    const fmt = (ms: number) => (Number.isNaN(ms) ? 'n/a' : `${ms.toFixed(0)} ms`);
    console.log(`\nCold page load, ${RUNS} loads, fresh context each (median / min / max)\n`);
    console.log('| measure | median | min | max |');
    console.log('|---|---|---|---|');
    for (const [name, xs] of [
      ['terminal interactive (first prompt, keys taken)', interactive],
      ['browser engine ready (ping answered, lists read)', engineReady],
      ['docker run hello-world printed its output (typed at once)', helloWorld],
      ['baseline: same HTML with JavaScript off (load event)', baseline],
    ] as const) {
      console.log(`| ${name} | ${fmt(median(xs))} | ${fmt(Math.min(...xs))} | ${fmt(Math.max(...xs))} |`);
    }
    console.log(`\nBundle (first screen: what the page fetched before its first prompt: ${[...firstScreen].sort().join(', ')})\n`);
    console.log('| part | raw | gzip |');
    console.log('|---|---|---|');
    for (const [name, raw, gz] of bundle(firstScreen)) {
      console.log(`| ${name} | ${(raw / 1024).toFixed(1)} KiB | ${Number.isNaN(gz) ? '-' : `${(gz / 1024).toFixed(1)} KiB`} |`);
    }
  } finally {
    site.stop();
  }
}

await main();
