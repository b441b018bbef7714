/**
 * Parity of `docker build`: every example context the playground ships (images/examples/*) built
 * on both engines gives the same step output, the same image ID and the same layers; a second
 * build comes from the cache on both; the built image runs the same.
 */
import { readdirSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect } from 'vitest';
import { contextOf, expectSame, normalized, useParity } from './parity-harness.ts';
import { parityIt } from './open-differences.ts';

const examples = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'images', 'examples');
const CONTEXTS = readdirSync(examples).filter((name) => existsSync(join(examples, name, 'Dockerfile'))).sort();

const h = useParity([]);

describe('docker build of every example context', () => {
  parityIt('the examples are there', () => {
    expect(CONTEXTS).toEqual(expect.arrayContaining(['greeter', 'greeter-v2', 'layers', 'notes']));
  });

  for (const name of CONTEXTS) parityIt(`examples/${name}: same output, same image ID, then the same from the cache`, async () => {
    const dir = `examples/${name}`;
    const contexts = { [dir]: contextOf(join(examples, name)) };
    const tag = `ex-${name}:parity`;
    const first = await h.both(['build', '-t', tag, dir], { contexts });
    expect(normalized(first.browser)).toEqual(normalized(first.kernel));
    expect(first.kernel.code, first.kernel.stderr).toBe(0);
    expectSame(await h.both(['image', 'inspect', '-f', '{{.Id}} {{json .RootFS.Layers}}', tag]));
    expectSame(await h.both(['history', '--no-trunc', '--format', '{{.ID}}\t{{.CreatedBy}}\t{{.Size}}', tag]));
    const again = await h.both(['build', '-t', tag, dir], { contexts });
    expectSame(again);
    expect(again.kernel.stdout).toContain('Using cache');
    const quiet = await h.both(['build', '-q', dir], { contexts });
    expectSame(quiet);
  });

  parityIt('the built greeter runs the same (the tutorial: web)', async () => {
    expectSame(await h.both(['run', '--rm', '-h', 'parity', 'ex-greeter:parity']));
    expectSame(await h.both(['run', '--rm', '-h', 'parity', 'ex-greeter-v2:parity', 'sh', '/app/greet.sh', 'one', 'two']));
  });

  parityIt('the built layers example: the deleted file is gone, its layer still counted', async () => {
    expectSame(await h.both(['run', '--rm', 'ex-layers:parity']));
    expectSame(await h.both(['run', '--rm', 'ex-layers:parity', 'ls', '/data']));
  });

  parityIt('--no-cache and --build-arg give the same image on both', async () => {
    const dir = 'ctx/args';
    const contexts = { [dir]: { Dockerfile: Buffer.from('FROM box\nARG WHO=nobody\nRUN echo "hello $WHO" > /greeting && ls / > /listing\nCMD ["cat", "/greeting"]\n').toString('base64') } };
    const r = await h.both(['build', '--no-cache', '--build-arg', 'WHO=parity', '-t', 'args:1', dir], { contexts });
    expect(normalized(r.browser)).toEqual(normalized(r.kernel));
    expectSame(await h.both(['image', 'inspect', '-f', '{{.Id}}', 'args:1']));
    expectSame(await h.both(['run', '--rm', 'args:1']));
  });

  parityIt('a failing RUN step fails the same way', async () => {
    const dir = 'ctx/fails';
    const contexts = { [dir]: { Dockerfile: Buffer.from('FROM box\nRUN echo about to fail && exit 3\n').toString('base64') } };
    const r = await h.both(['build', '-t', 'fails:1', dir], { contexts });
    expect(normalized(r.browser)).toEqual(normalized(r.kernel));
    // As Docker's CLI: the step's own status, and its message without the daemon's prefix.
    expect(r.kernel.code).toBe(3);
    expect(r.kernel.stderr).toBe("The command '/bin/sh -c echo about to fail && exit 3' returned a non-zero code: 3\n");
  });
});
