/**
 * What the benches share: the median they report, and for the browser benches the built site
 * served by `vite preview` from a folder of its own (dist/ may be rebuilt by a test run at the same
 * time) and Debian's headless Chromium.
 */
import { chromium, type Browser } from 'playwright-core';
import { execSync, spawn } from 'node:child_process';

/** The middle value; for an even count, the mean of the two middle values. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/**
 * Build the site into `outDir` (unless `--no-build`), serve it on `port`, resolve once it answers.
 * `testPages`: with the browser tests' page (test/browser/engine.html) beside the playground.
 */
export async function serveSite(outDir: string, port: number, options: { testPages?: boolean } = {}): Promise<{ url: string; stop(): void }> {
  const config = options.testPages ? ['--config', 'test/browser/vite.test-pages.config.ts'] : [];
  if (!process.argv.includes('--no-build')) execSync(`npx vite build ${config.join(' ')} --outDir ${outDir} --emptyOutDir`, { stdio: 'ignore' });
  const server = spawn('npx', ['vite', 'preview', ...config, '--outDir', outDir, '--port', String(port), '--strictPort', '--host', '127.0.0.1'], { stdio: 'ignore', detached: true });
  const stop = () => {
    if (server.pid) process.kill(-server.pid);
  };
  const url = `http://127.0.0.1:${port}/`;
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(url)).ok) break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { url, stop };
}

/**
 * Every new context of headless Chromium 156 opens a window whose omnibox popup is a WebUI page in
 * a renderer of its own: ~1.5-2.3 s of CPU per context on this machine, on the same 2 cores as the
 * page being measured (bench/page-trace.ts showed it). A learner's browser has its window open
 * before they type the URL, so a bench that opens a fresh context per load turns it off. Chromium
 * reads only the last --disable-features, so this list repeats Playwright's own that matter here
 * (PaintHolding changes when a page first paints; the rest are background requests at start).
 */
export const QUIET_BROWSER_WINDOW = [
  '--disable-features=WebUIOmniboxPopup,WebUIOmniboxFullPopup,WebUIOmniboxAimPopup,PaintHolding,OptimizationHints,NetworkTimeServiceQuerying,AimEnabled,PreconnectToSearch,MediaRouter,LensOverlay,HttpsUpgrades',
];

export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  const executablePath = execSync('which chromium || true').toString().trim() || '/usr/bin/chromium';
  return chromium.launch({ executablePath, args: ['--headless', '--no-sandbox', '--disable-gpu', ...extraArgs] });
}
