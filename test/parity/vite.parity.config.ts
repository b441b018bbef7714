/**
 * The playground's own Vite config plus the parity test page, built into a directory of its own
 * so the shipped site never carries the test page. Used by global-setup.ts.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mergeConfig } from 'vite';
import base from '../../vite.config.ts';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function parityConfig(outDir: string) {
  return mergeConfig(base, {
    root: repo,
    configFile: false,
    logLevel: 'warn',
    build: {
      outDir,
      emptyOutDir: true,
      rollupOptions: { input: { main: join(repo, 'index.html'), parity: join(repo, 'test/parity/page/parity.html') } },
    },
  });
}
