import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { builtinRegistry } from './worker/registry-plugin.ts';
import { preloadFirstScreen } from './web/app/first-screen-preload.ts';
import { previewServiceWorker } from './web/sw/sw-plugin.ts';

// SharedArrayBuffer (interactive stdin for containers) needs a cross-origin isolated page,
// so every way of serving the site sends COOP/COEP: dev, preview and the built site's _headers.
export const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  // builtinRegistry: images/layouts served at /registry/ (dev, preview and the built site).
  // preloadFirstScreen: the page's UI and the engine's connector are fetched with index.html, not
  // after main.js has run (see web/main.ts for why they are dynamic imports).
  // previewServiceWorker: <base>sw.js, which opens published ports at /ports/N/ (web/sw/).
  plugins: [svelte(), builtinRegistry(), preloadFirstScreen(['/web/app/mount-page.ts', '/worker/connect.ts']), previewServiceWorker()],
  server: { headers: isolation },
  preview: { headers: isolation },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    // The playground only: test pages are built by their own configs (test/browser/vite.test-pages.config.ts,
    // test/parity/vite.parity.config.ts), into folders of their own.
    rollupOptions: { input: { main: 'index.html' } },
  },
});
