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

/** Build the site into `outDir` (unless `--no-build`), serve it on `port`, resolve once it answers. */
export async function serveSite(outDir: string, port: number): Promise<{ url: string; stop(): void }> {
  if (!process.argv.includes('--no-build')) execSync(`npx vite build --outDir ${outDir} --emptyOutDir`, { stdio: 'ignore' });
  const server = spawn('npx', ['vite', 'preview', '--outDir', outDir, '--port', String(port), '--strictPort', '--host', '127.0.0.1'], { stdio: 'ignore', detached: true });
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

export function launchChromium(): Promise<Browser> {
  const executablePath = execSync('which chromium || true').toString().trim() || '/usr/bin/chromium';
  return chromium.launch({ executablePath, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
}
