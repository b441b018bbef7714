/**
 * Vite plugin: the Service Worker (service-worker.ts and what it imports) as one classic script at
 * `<base>sw.js` - served by the dev server from the sources, and emitted into the built site, which
 * `vite preview` serves. A Service Worker controls the folder its script is in, so it must sit at
 * the site's root; bundled by esbuild (Vite's own), so the build's inputs stay index.html alone.
 */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';

const ENTRY = fileURLToPath(new URL('./service-worker.ts', import.meta.url));
const FILE = 'sw.js';

async function bundle(minify: boolean): Promise<string> {
  const out = await build({ entryPoints: [ENTRY], bundle: true, format: 'iife', target: 'es2022', minify, write: false, logLevel: 'silent' });
  return out.outputFiles[0].text;
}

export function previewServiceWorker(): Plugin {
  let base = '/';
  return {
    name: 'dockyard:preview-service-worker',
    configResolved(config) {
      base = config.base;
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        if ((req.url ?? '').split('?')[0] !== base + FILE) return next();
        bundle(false).then(
          (code) => {
            res.setHeader('Content-Type', 'text/javascript');
            res.setHeader('Cache-Control', 'no-cache');
            res.end(code);
          },
          (e: unknown) => next(e),
        );
      });
    },
    async generateBundle() {
      this.emitFile({ type: 'asset', fileName: FILE, source: await bundle(true) });
    },
  };
}
