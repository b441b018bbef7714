/**
 * The Compose projects the workspace ships (web/Workspace/compose-examples, laid over
 * images/examples as the workspace lays them): each loads with no warning and normalizes to
 * what its comments promise - names, the build context, the volume, the healthcheck.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../../engine/engine.ts';
import { compose } from './workspace-io.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));

function folder(dir: string): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = readFileSync(p);
    }
  };
  walk(dir);
  return out;
}

/** `examples/NAME` as a new workspace has it. */
function example(name: string): Record<string, Uint8Array> {
  const images = join(root, 'images/examples', name);
  return { ...(statSync(images, { throwIfNoEntry: false }) ? folder(images) : {}), ...folder(join(root, 'web/Workspace/compose-examples', name)) };
}

const config = (name: string) => compose({} as Engine, example(name), 'config', { workingDir: `/home/learner/examples/${name}` });

describe('shipped compose projects', () => {
  it('hits: web built from the hits example beside kv, its data in a volume', async () => {
    const files = example('hits');
    expect(Object.keys(files).sort()).toEqual(expect.arrayContaining(['Dockerfile', 'compose.yaml']));
    const out = await config('hits');
    expect(out).toMatchObject({ status: 0, stderr: '' });
    expect(out.stdout).toContain('name: hits\n');
    expect(out.stdout).toContain('context: /home/learner/examples/hits\n');
    expect(out.stdout).toContain('image: hits-web\n');
    expect(out.stdout).toContain('published: "8080"\n');
    expect(out.stdout).toContain('volumes:\n  kvdata:\n    name: hits_kvdata\n');
  });

  it('ticker: a built worker that waits for a healthy kv; TICK from .env', async () => {
    const out = await config('ticker');
    expect(out).toMatchObject({ status: 0, stderr: '' });
    expect(out.stdout).toContain('depends_on:\n      kv:\n        condition: service_healthy\n');
    expect(out.stdout).toContain('TICK: "2"\n');
    expect(out.stdout).toContain('context: /home/learner/examples/ticker/worker\n');
    expect(out.stdout).toContain('test:\n        - CMD-SHELL\n        - printf \'PING\\r\\n\' | nc localhost 6379 | grep -q PONG\n');
    expect(out.stdout).toContain('interval: 2s\n');
  });
});
