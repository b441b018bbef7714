/**
 * `vite build` ships the playground only: the config it reads builds index.html and nothing else,
 * and index.html starts from web/, which the import-boundaries lint rule keeps out of test/.
 * The test pages come from configs of their own, into folders of their own.
 */
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig, type ResolvedConfig } from 'vite';

function inputs(config: ResolvedConfig): string[] {
  const input = config.build.rollupOptions.input;
  const list = typeof input === 'string' ? [input] : Array.isArray(input) ? input : Object.values(input ?? {});
  return list.map((p) => relative(config.root, resolve(config.root, p))).sort();
}

describe('the shipped site', () => {
  it('is built from index.html alone: no test page lands in dist/', async () => {
    const config = await resolveConfig({ configFile: 'vite.config.ts', logLevel: 'silent' }, 'build');
    expect(inputs(config)).toEqual(['index.html']);
  });

  it("index.html's scripts start in web/", () => {
    const html = readFileSync('index.html', 'utf8');
    const scripts = [...html.matchAll(/<script[^>]*\bsrc="([^"]+)"/g)].map((m) => m[1]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const src of scripts) expect(src).toMatch(/^\/web\//);
  });

  it('the worker e2e specs and the browser bench build the test page by their own config', async () => {
    const config = await resolveConfig({ configFile: 'test/browser/vite.test-pages.config.ts', logLevel: 'silent' }, 'build');
    expect(inputs(config)).toEqual(['index.html', 'test/browser/engine.html']);
  });
});
