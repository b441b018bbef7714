import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureInitLayer } from '../../kernel-node/runtime/runtime-files.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('the init layer of a container', () => {
  // The tutorial's check reads `docker diff` while the container starts: both make the layer.
  it('is made once when a start and a docker diff ask for it at the same time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dockyard-init-'));
    dirs.push(dir);
    const made = await Promise.all(Array.from({ length: 6 }, () => ensureInitLayer(dir, [])));
    expect(new Set(made)).toEqual(new Set([join(dir, 'init')]));
    expect(readdirSync(dir)).toEqual(['init']);
    expect(readdirSync(join(dir, 'init', 'etc')).sort()).toEqual(['hostname', 'hosts']);
    expect(statSync(join(dir, 'init', 'etc', 'hosts')).size).toBe(0);
  });
});
