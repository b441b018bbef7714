import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createHash } from 'node:crypto';

// `npm run images` on a clean copy of images/ must give the committed layouts and modules bit for bit.
function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? listFiles(p, base) : [relative(base, p)];
  });
}
const hash = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

describe('npm run images', () => {
  it('rebuilds every committed module and layout byte for byte from the sources', () => {
    const work = mkdtempSync(join(tmpdir(), 'dockyard-images-'));
    try {
      cpSync('images', work, { recursive: true, filter: (src) => !src.includes('/layouts') && !src.endsWith('.wasm') });
      execFileSync('npx', ['tsx', 'images/build.ts', '--root', work], { stdio: 'pipe' });
      const committed = [...listFiles('images/layouts').map((f) => `layouts/${f}`), ...listFiles('images').filter((f) => f.endsWith('.wasm'))];
      const rebuilt = [...listFiles(join(work, 'layouts')).map((f) => `layouts/${f}`), ...listFiles(work).filter((f) => f.endsWith('.wasm'))];
      expect(rebuilt.sort()).toEqual(committed.sort());
      const differing = committed.filter((f) => hash(join('images', f)) !== hash(join(work, f)));
      expect(differing).toEqual([]);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
