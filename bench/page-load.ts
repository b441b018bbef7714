/**
 * Cold page load to an interactive terminal, from `npm run preview` (the built site), in Debian's
 * Chromium: median of 10 loads, each in a fresh browser context (empty cache, empty storage).
 * "Interactive" is the page's own mark `dockyard:terminal-interactive`, set when the first prompt
 * is on screen and the terminal takes keys. Baseline: the same page with JavaScript off (the cost of
 * fetching and parsing the HTML alone). Also prints the bundle: what the first load fetches and
 * what is loaded later, raw and gzipped.
 *
 *   npx tsx bench/page-load.ts            (builds first; --no-build to use dist/ as it is)
 */
import { chromium } from 'playwright-core';
import { spawn, execSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const PORT = 4199;
// Its own output folder: dist/ may be rebuilt by a test run at the same time.
const OUT = 'node_modules/.cache/dockyard-bench-dist';
const RUNS = 10;
const url = `http://127.0.0.1:${PORT}/`;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function bundle(): Array<[string, number, number]> {
  const dist = OUT;
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const initial = new Set([...html.matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)].map((m) => m[1]));
  const rows: Array<[string, number, number]> = [];
  let firstRaw = Buffer.byteLength(html), firstGz = gzipSync(html).length, laterRaw = 0, laterGz = 0;
  for (const name of readdirSync(join(dist, 'assets'))) {
    if (!/\.(js|css|wasm)$/.test(name)) continue;
    const bytes = readFileSync(join(dist, 'assets', name));
    const gz = gzipSync(bytes).length;
    if (initial.has(`assets/${name}`)) {
      firstRaw += bytes.length;
      firstGz += gz;
    } else {
      laterRaw += bytes.length;
      laterGz += gz;
    }
  }
  rows.push(['first load (index.html + entry js/css)', firstRaw, firstGz]);
  rows.push(['loaded later (engine, CLI, editor, ...)', laterRaw, laterGz]);
  let total = 0;
  const walk = (dir: string) => {
    for (const n of readdirSync(dir)) {
      const p = join(dir, n);
      if (statSync(p).isDirectory()) walk(p);
      else total += statSync(p).size;
    }
  };
  walk(OUT);
  rows.push(['whole dist/ (with images registry)', total, NaN]);
  return rows;
}

async function main(): Promise<void> {
  if (!process.argv.includes('--no-build')) execSync(`npx vite build --outDir ${OUT} --emptyOutDir`, { stdio: 'ignore' });
  const server = spawn('npx', ['vite', 'preview', '--outDir', OUT, '--port', String(PORT), '--strictPort', '--host', '127.0.0.1'], { stdio: 'ignore', detached: true });
  try {
    for (let i = 0; i < 100; i++) {
      try {
        if ((await fetch(url)).ok) break;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const chromiumPath = execSync('which chromium || true').toString().trim() || '/usr/bin/chromium';
    const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
    const interactive: number[] = [];
    const engineReady: number[] = [];
    const baseline: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(url);
      await page.waitForFunction(() => performance.getEntriesByName('dockyard:terminal-interactive').length > 0, null, { timeout: 30_000 });
      interactive.push(await page.evaluate(() => performance.getEntriesByName('dockyard:terminal-interactive')[0].startTime));
      // Ready, or given up (no engine in this build): the indicator leaves "starting".
      await page.waitForSelector('[data-testid="engine-indicator"]:not(.connecting)', { timeout: 30_000 });
      engineReady.push(await page.evaluate(() => performance.getEntriesByName('dockyard:engine-ready')[0]?.startTime ?? NaN));
      await context.close();

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
      ['baseline: same HTML with JavaScript off (load event)', baseline],
    ] as const) {
      console.log(`| ${name} | ${fmt(median(xs))} | ${fmt(Math.min(...xs))} | ${fmt(Math.max(...xs))} |`);
    }
    console.log('\nBundle\n');
    console.log('| part | raw | gzip |');
    console.log('|---|---|---|');
    for (const [name, raw, gz] of bundle()) {
      console.log(`| ${name} | ${(raw / 1024).toFixed(1)} KiB | ${Number.isNaN(gz) ? '-' : `${(gz / 1024).toFixed(1)} KiB`} |`);
    }
  } finally {
    if (server.pid) process.kill(-server.pid);
  }
}

await main();
