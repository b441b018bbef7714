/**
 * Once per parity run: build the site with the parity page (test/parity/page) and serve it with
 * `vite preview` on a free loopback port. Each test file starts its own kernel service and
 * Chromium (parity-harness.ts) against this server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, preview } from 'vite';
import type { TestProject } from 'vitest/node';
import { parityConfig } from './vite.parity.config.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    parityBaseUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const outDir = mkdtempSync(join(tmpdir(), 'dockyard-parity-site-'));
  const config = parityConfig(outDir);
  await build(config);
  const server = await preview({ ...config, preview: { ...config.preview, host: '127.0.0.1', port: 0, strictPort: false } });
  const address = server.httpServer.address();
  if (!address || typeof address !== 'object') throw new Error('vite preview did not listen');
  project.provide('parityBaseUrl', `http://127.0.0.1:${address.port}`);
  return async () => {
    await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
    rmSync(outDir, { recursive: true, force: true });
  };
}
