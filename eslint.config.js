import tseslint from 'typescript-eslint';
import importBoundaries from './eslint-rules/import-boundaries.js';

/** The one module of worker/ the page may import: it connects to the browser engine. */
const WORKER_ENTRY = 'worker/connect.ts';

const hostOnly = ['idb', 'idb/*', 'node:*', 'svelte', 'svelte/*', '@wasmer/*', 'comlink', 'fs', 'path', 'child_process', 'os', 'crypto'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'images/**/*.wasm', '.test-results/**', 'images/vendor/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The package boundaries: engine/ is shared by both hosts and sees neither; a
    // host sees engine/ only; the page reaches the browser host through its one public entry.
    // Tests, benches and scripts may import anything.
    files: ['**/*.ts', '**/*.js'],
    plugins: { dockyard: { rules: { 'import-boundaries': importBoundaries } } },
    rules: {
      'dockyard/import-boundaries': [
        'error',
        {
          areas: {
            engine: ['engine'],
            worker: ['worker', 'engine'],
            'kernel-node': ['kernel-node', 'engine'],
            web: ['web', 'engine', WORKER_ENTRY, 'tutorial', 'images/examples'],
          },
        },
      ],
    },
  },
  {
    // engine/ is shared by the browser host and the Linux host: it may not reach for either.
    files: ['engine/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: hostOnly, message: 'engine/ must stay host-neutral: put this in worker/ or kernel-node/ behind a port.' }] }],
    },
  },
);
