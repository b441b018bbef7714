/**
 * Two or more builds of the site against each other, on a machine whose load swings (other
 * engineers' tests): each round loads every build once, in a shuffled order, each in a fresh
 * context, so they share the same moments of load. Same measures as bench/page-load.ts (the drawn
 * first prompt, then either the engine ready or - with --hello - `docker run hello-world` typed at
 * once to its output on screen). Build the variants first, e.g.
 *
 *   npx vite build --outDir /tmp/a && (change) && npx vite build --outDir /tmp/b
 *   ROUNDS=12 npx tsx bench/page-load-compare.ts /tmp/a /tmp/b [--hello] [--with-omnibox-webui]
 *
 * Prints median (min-max) per build; run it twice and say the load (`uptime`) with any figure.
 */
import { spawn } from 'node:child_process';
import { launchChromium, median, QUIET_BROWSER_WINDOW } from './support.ts';
import { engineReadyAt, helloWorldPrintedAt, promptDrawnAt } from './page-marks.ts';

const dirs = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const rounds = Number(process.env.ROUNDS ?? 8);
const hello = process.argv.includes('--hello');
// Not 4190: fetch refuses it (a "bad port", sieve), and the wait below would never end.
const firstPort = Number(process.env.DOCKYARD_BENCH_PORT ?? 4681);

const servers = dirs.map((dir, i) => {
  const port = firstPort + i;
  const proc = spawn('npx', ['vite', 'preview', '--outDir', dir, '--port', String(port), '--strictPort', '--host', '127.0.0.1'], { stdio: 'ignore', detached: true });
  return { dir, url: `http://127.0.0.1:${port}/`, proc };
});

async function answering(url: string): Promise<void> {
  // npx and vite take a while to start on a loaded machine.
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`${url} does not answer`);
}

try {
  for (const s of servers) await answering(s.url);
  const browser = await launchChromium(process.argv.includes('--with-omnibox-webui') ? [] : QUIET_BROWSER_WINDOW);
  const results = servers.map(() => ({ prompt: [] as number[], then: [] as number[] }));
  for (let round = 0; round < rounds; round++) {
    const order = servers.map((_, i) => i).sort(() => Math.random() - 0.5);
    for (const i of order) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(servers[i].url);
      results[i].prompt.push(await promptDrawnAt(page));
      results[i].then.push(hello ? await helloWorldPrintedAt(page) : await engineReadyAt(page));
      await context.close();
    }
  }
  await browser.close();
  const fmt = (xs: number[]) => `${median(xs).toFixed(0)} ms (${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)})`;
  console.log(`\n${rounds} rounds, each build once per round in a shuffled order\n`);
  console.log(`| build | first prompt | ${hello ? 'hello-world printed' : 'engine ready'} |\n|---|---|---|`);
  for (const [i, s] of servers.entries()) console.log(`| ${s.dir} | ${fmt(results[i].prompt)} | ${fmt(results[i].then)} |`);
} finally {
  for (const s of servers) if (s.proc.pid) process.kill(-s.proc.pid);
}
