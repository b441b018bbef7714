/**
 * The playground's Vite config plus the browser tests' page (test/browser/engine.html), for the
 * builds the worker e2e specs and bench/browser-run.ts serve - each into a folder of its own. The
 * shipped site (`vite build`, vite.config.ts) carries no test page.
 */
import { fileURLToPath } from 'node:url';
import { mergeConfig } from 'vite';
import base from '../../vite.config.ts';

export const TEST_PAGES = { 'engine-test': fileURLToPath(new URL('./engine.html', import.meta.url)) };

export default mergeConfig(base, { build: { rollupOptions: { input: TEST_PAGES } } });
