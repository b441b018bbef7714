import { afterAll, beforeEach, describe } from 'vitest';
import { oracleIt } from './open-differences.ts';
import { Oracle } from './oracle.ts';

const o = new Oracle();
beforeEach(() => o.reset());
afterAll(() => o.reset());

describe('prune', () => {
  oracleIt('container, image and volume prune: what goes, what stays, the reclaimed-space line', async () => {
    await o.same(['run', '--name', 'wrote', 'box', 'sh', '-c', 'echo 123456789 > /ten']);
    await o.same(['run', '-d', '--name', 'live', 'box', 'sleep', '60']);
    await o.same(['container', 'prune', '-f']);
    await o.same(['ps', '-a', '--format', '{{.Names}}']);
    await o.same(['container', 'prune', '-f']);

    const ctx = o.context('prune', { Dockerfile: 'FROM box\nRUN echo one > /f\n' });
    const ctx2 = o.context('prune2', { Dockerfile: 'FROM box\nRUN echo two > /f\n' });
    await o.same(['build', '-q', '-t', 'pruned:1', ctx]);
    await o.same(['build', '-q', '-t', 'pruned:1', ctx2]);
    await o.same(['images', '--filter', 'dangling=true', '--format', '{{.Repository}}:{{.Tag}}']);
    await o.same(['image', 'prune', '-f'], { unordered: true });
    await o.same(['images', '--filter', 'dangling=true', '--format', '{{.Repository}}:{{.Tag}}']);
    await o.same(['image', 'prune', '-f']);

    await o.same(['run', '--name', 'anon', '-v', '/data', 'box', 'sh', '-c', 'echo 1234 > /data/x']);
    await o.same(['rm', 'anon']);
    // Only anonymous volumes: Engine 20.10 prunes named ones too (the rule changed in 23, and we answer as 28).
    await o.same(['volume', 'prune', '-f']);
    await o.same(['volume', 'ls', '--format', '{{.Name}}']);
    await o.same(['rm', '-f', 'live']);
  });

  oracleIt('system prune: the docker CLI asks each prune in turn', async () => {
    await o.same(['run', '--name', 'gone', 'box', 'true']);
    await o.same(['system', 'prune', '-f']);
    await o.same(['ps', '-a', '--format', '{{.Names}}']);
  });
});
