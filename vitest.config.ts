import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import { builtinRegistry } from './worker/registry-plugin.ts';
import { isolation } from './vite.config.ts';

export default defineConfig({
  test: {
    projects: [
      // 2 cores shared by Chromium, runc and WASI guests: generous limits fail only on a hang.
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node', testTimeout: 30_000, hookTimeout: 60_000 } },
      // Compiles every image from C (clang, wasm-opt): minutes, so it runs alone.
      { test: { name: 'images', include: ['test/images/**/*.test.ts'], environment: 'node', testTimeout: 900_000 } },
      // Kernel and parity suites drive real runc, overlayfs and mounts: one file at a time.
      { test: { name: 'kernel', include: ['test/kernel/**/*.test.ts'], environment: 'node', fileParallelism: false, testTimeout: 60_000, hookTimeout: 120_000 } },
      // The real Docker Engine beside the kernel service, the same docker command lines on both.
      { test: { name: 'oracle', include: ['test/oracle/**/*.test.ts'], environment: 'node', fileParallelism: false, testTimeout: 120_000, hookTimeout: 300_000, globalSetup: ['test/oracle/global-setup.ts'] } },
      { test: { name: 'parity', include: ['test/parity/**/*.test.ts'], environment: 'node', fileParallelism: false, testTimeout: 120_000, hookTimeout: 180_000, globalSetup: ['test/parity/global-setup.ts'] } },
      // Port conformance suites against the browser host's adapters, in Debian's Chromium; the
      // built-in registry's layouts are served as on the site (the Runtime suite runs box), and the
      // page is cross-origin isolated as the site is (process Workers' stdin is a SharedArrayBuffer).
      {
        plugins: [builtinRegistry()],
        server: { headers: isolation },
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          testTimeout: 60_000,
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({ launchOptions: { executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] } }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
  },
});
