import { defineConfig } from '@playwright/test';
import { execSync } from 'node:child_process';

// Debian's Chromium: Playwright's own browser download cannot work on these machines.
const chromium = execSync('which chromium || true').toString().trim() || '/usr/bin/chromium';
// DOCKYARD_E2E_PORT lets engineers sharing one machine run their suites on their own preview server.
const port = Number(process.env.DOCKYARD_E2E_PORT ?? 4179);
// ... and their own build, so another engineer's `vite build` cannot replace files mid-run. Never
// dist/: the suite's build carries the browser tests' page (test/browser/vite.test-pages.config.ts).
const outDir = process.env.DOCKYARD_E2E_PORT ? `node_modules/.cache/dockyard-e2e-${port}` : 'node_modules/.cache/dockyard-e2e';
const config = '--config test/browser/vite.test-pages.config.ts';

export default defineConfig({
  testDir: 'test/e2e',
  timeout: 60_000,
  workers: 1,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    launchOptions: {
      executablePath: chromium,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    },
  },
  webServer: {
    command: `npx vite build ${config} --outDir ${outDir} --emptyOutDir && npx vite preview ${config} --outDir ${outDir} --port ${port} --strictPort --host 127.0.0.1`,
    url: `http://127.0.0.1:${port}`,
    reuseExistingServer: !process.env.CI,
    timeout: 180_000,
  },
});
