/**
 * The built-in registry as static files: the OCI image layouts the images engineer commits under
 * images/layouts/<name>/ are served at <base>registry/<name>/... - by the dev server and preview
 * (middleware) and copied into the built site (emitted assets) - so `docker pull box` works
 * offline from the static site. The engine reads them with fetch (OciLayoutRegistry).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import type { Plugin } from 'vite';

const PREFIX = 'registry/';

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

export function builtinRegistry(layoutsDir = 'images/layouts'): Plugin {
  const root = resolve(layoutsDir);
  const serve = (url: string | undefined): Buffer | undefined => {
    const path = decodeURIComponent((url ?? '').split('?')[0]);
    const at = path.indexOf('/' + PREFIX);
    if (at < 0) return undefined;
    const file = resolve(root, path.slice(at + PREFIX.length + 1));
    // Nothing outside the layouts directory is served.
    if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) return undefined;
    return readFileSync(file);
  };
  const middleware = (req: { url?: string }, res: { statusCode: number; setHeader(k: string, v: string): void; end(b?: Buffer): void }, next: () => void) => {
    const body = serve(req.url);
    if (!body) {
      // A registry path that is not there is a 404, not the page's index.html (which the client
      // would try to read as index.json): `docker pull nosuchimage` then says the image is unknown.
      // The same for /v2/: the site serves no registry API, so `docker pull <this site>/x` must not
      // read the page as a manifest.
      const path = (req.url ?? '').split('?')[0];
      if (path.includes('/' + PREFIX) || path === '/v2' || path.startsWith('/v2/')) {
        res.statusCode = 404;
        return res.end();
      }
      return next();
    }
    res.setHeader('Content-Type', 'application/octet-stream');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    res.end(body);
  };
  return {
    name: 'dockyard-builtin-registry',
    configureServer(server) {
      server.middlewares.use(middleware);
    },
    configurePreviewServer(server) {
      server.middlewares.use(middleware);
    },
    generateBundle() {
      for (const file of walk(root)) {
        this.emitFile({ type: 'asset', fileName: PREFIX + relative(root, file).split(sep).join('/'), source: readFileSync(file) });
      }
    },
  };
}
