import { afterAll, beforeEach, describe } from 'vitest';
import { oracleIt } from './open-differences.ts';
import { Oracle } from './oracle.ts';

const o = new Oracle();
beforeEach(() => o.reset());
afterAll(() => o.reset());

describe('volumes', () => {
  oracleIt('create, ls, inspect, rm; -v name:/path keeps data across containers', async () => {
    await o.same(['volume', 'create', 'data']);
    await o.same(['volume', 'create', '--label', 'k=v', 'labelled']);
    await o.same(['volume', 'ls']);
    await o.same(['volume', 'ls', '-q']);
    await o.same(['volume', 'ls', '--format', '{{.Name}} {{.Driver}} {{.Labels}}']);
    await o.same(['volume', 'ls', '--filter', 'label=k', '-q']);
    await o.same(['volume', 'inspect', '-f', '{{.Name}} {{.Driver}} {{.Scope}} {{json .Labels}}', 'labelled']);
    await o.same(['run', '--rm', '-v', 'data:/data', 'box', 'sh', '-c', 'echo kept > /data/f']);
    await o.same(['run', '--rm', '-v', 'data:/data:ro', 'box', 'cat', '/data/f']);
    await o.same(['run', '--rm', '-v', 'data:/data:ro', 'box', 'sh', '-c', 'echo x > /data/g']);
    await o.same(['create', '--name', 'holder', '-v', 'data:/data', 'box']);
    await o.same(['volume', 'rm', 'data']);
    await o.same(['rm', 'holder']);
    await o.same(['volume', 'rm', 'data', 'labelled']);
    await o.same(['volume', 'rm', 'data']);
    await o.same(['volume', 'create', 'bad/name']);
  });

  oracleIt('run --rm and rm -v remove anonymous volumes, not named ones', async () => {
    await o.same(['run', '--rm', '-v', '/anon', '-v', 'named:/named', 'box', 'true']);
    await o.same(['volume', 'ls', '-q']);
    await o.same(['create', '--name', 'keep', '-v', '/anon', 'box']);
    await o.same(['rm', 'keep']);
    await o.same(['volume', 'ls', '--format', '{{len .Name}}']);
  });
});
