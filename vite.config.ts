import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { builtinRegistry } from './worker/registry-plugin.ts';

// SharedArrayBuffer (interactive stdin for containers) needs a cross-origin isolated page,
// so every way of serving the site sends COOP/COEP: dev, preview and the built site's _headers.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  // builtinRegistry: images/layouts served at /registry/ (dev, preview and the built site).
  plugins: [svelte(), builtinRegistry()],
  server: { headers: isolation },
  preview: { headers: isolation },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    // The browser tests' page (test/browser/engine.html) is built beside the playground.
    rollupOptions: { input: { main: 'index.html', 'engine-test': 'test/browser/engine.html' } },
  },
});
