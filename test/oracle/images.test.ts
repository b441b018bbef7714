import { join } from 'node:path';
import { afterAll, beforeEach, describe } from 'vitest';
import { oracleIt } from './open-differences.ts';
import { Oracle } from './oracle.ts';

const o = new Oracle();
beforeEach(() => o.reset());
afterAll(() => o.reset());

describe('images: tag, rmi, history, save and load', () => {
  oracleIt('rmi: untag, the last tag deletes, in use, unknown', async () => {
    const ctx = o.context('rmi', { Dockerfile: 'FROM box\nRUN echo made > /made\n' });
    await o.same(['build', '-q', '-t', 'made:1', ctx]);
    await o.same(['tag', 'made:1', 'made:2']);
    await o.same(['rmi', 'made:1']);
    await o.same(['create', '--name', 'user', 'made:2']);
    await o.same(['rmi', 'made:2']);
    await o.same(['rm', 'user']);
    await o.same(['rmi', 'made:2']);
    await o.same(['rmi', 'made:2']);
    await o.same(['rmi', 'nosuch']);
    await o.same(['images', '-a', '--format', '{{.Repository}}:{{.Tag}}']);
  });

  oracleIt('history: table, --format, -q, --no-trunc, -H=false', async () => {
    const ctx = o.context('history', { Dockerfile: 'FROM box\nENV A=1\nRUN echo a long command line that the table cuts at forty five characters > /f\nCMD ["cat", "/f"]\n' });
    await o.same(['build', '-q', '-t', 'hist', ctx]);
    for (const args of [[], ['--no-trunc'], ['-q'], ['--format', '{{.ID}}|{{.CreatedBy}}|{{.Size}}|{{.Comment}}'], ['--format', 'table {{.CreatedBy}}\t{{.Size}}'], ['-H=false']]) {
      await o.same(['history', ...args, 'hist']);
    }
    await o.same(['history', 'nosuch']);
  });

  oracleIt('save and load: a built image goes out as a tar and comes back with its tag', async () => {
    const ctx = o.context('saved', { Dockerfile: 'FROM box\nRUN echo kept > /kept\n' });
    await o.same(['build', '-q', '-t', 'saved:1', ctx]);
    // Each engine writes its own file (the tars differ: the base images differ).
    for (const engine of ['reference', 'ours'] as const) {
      const file = join(o.dir, `saved-${engine}.tar`);
      await o.raw(engine, ['save', '-o', file, 'saved:1']);
      await o.raw(engine, ['rmi', 'saved:1']);
      const loaded = await o.raw(engine, ['load', '-i', file]);
      if (loaded.code !== 0 || !loaded.stdout.includes('Loaded image: saved:1')) throw new Error(`${engine}: docker load: ${loaded.stdout}${loaded.stderr}`);
    }
    await o.same(['run', '--rm', 'saved:1', 'cat', '/kept']);
    await o.same(['load', '-i', join(o.dir, 'no-such.tar')]);
    await o.same(['save', 'nosuch']);
  });
});
