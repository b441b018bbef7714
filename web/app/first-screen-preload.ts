/**
 * Vite build plugin: the built index.html asks for the first screen's code at once. main.ts is tiny
 * and imports the rest with dynamic imports (so the engine's Worker starts before the UI's code is
 * parsed); without this, the browser learns of those chunks only after main.js has arrived and run -
 * one round trip late. The chunks of the given dynamic entries and their static imports become
 * `<link rel="modulepreload">` (fetched and compiled ahead, run when imported) and their CSS
 * `<link rel="preload" as="style">` (not render-blocking: Vite's loader adds the stylesheet itself).
 */
import type { Plugin } from 'vite';

interface ChunkInfo {
  type: 'chunk' | 'asset';
  fileName: string;
  facadeModuleId?: string | null;
  moduleIds?: string[];
  imports?: string[];
  viteMetadata?: { importedCss: Set<string> };
}

/** `entries`: module paths from the project root, as in `/web/app/mount-page.ts`. */
export function preloadFirstScreen(entries: string[]): Plugin {
  let base = '/';
  return {
    name: 'dockyard:preload-first-screen',
    apply: 'build',
    configResolved(config) {
      base = config.base;
    },
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const bundle = ctx.bundle as Record<string, ChunkInfo> | undefined;
        // Only the playground's page (the build has a test page beside it).
        if (!bundle || !ctx.filename.endsWith('/index.html')) return [];
        const chunks = Object.values(bundle).filter((c) => c.type === 'chunk');
        // What the page's entry script brings with it already (Vite lists those itself).
        const entry = ctx.chunk as ChunkInfo | undefined;
        const loadedByEntry = new Set(entry ? [entry.fileName, ...(entry.imports ?? [])] : []);
        const scripts = new Set<string>();
        const styles = new Set<string>();
        const add = (chunk: ChunkInfo) => {
          if (scripts.has(chunk.fileName) || loadedByEntry.has(chunk.fileName)) return;
          scripts.add(chunk.fileName);
          for (const css of chunk.viteMetadata?.importedCss ?? []) styles.add(css);
          for (const name of chunk.imports ?? []) if (bundle[name]) add(bundle[name]);
        };
        for (const entry of entries) {
          // The chunk that starts with it, or (a module shared with the test page) the one holding it.
          const chunk = chunks.find((c) => c.facadeModuleId?.endsWith(entry)) ?? chunks.find((c) => c.moduleIds?.some((id) => id.endsWith(entry)));
          if (!chunk) throw new Error(`preloadFirstScreen: no chunk holds ${entry}`);
          add(chunk);
        }
        return [
          ...[...scripts].map((file) => ({ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: base + file }, injectTo: 'head' as const })),
          ...[...styles].map((file) => ({ tag: 'link', attrs: { rel: 'preload', as: 'style', crossorigin: true, href: base + file }, injectTo: 'head' as const })),
        ];
      },
    },
  };
}
