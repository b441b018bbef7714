import tseslint from 'typescript-eslint';

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
    // engine/ is shared by the browser host and the Linux host: it may not reach for either.
    files: ['engine/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: hostOnly, message: 'engine/ must stay host-neutral: put this in worker/ or kernel-node/ behind a port.' }] }],
    },
  },
);
