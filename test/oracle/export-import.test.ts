import { join } from 'node:path';
import { afterAll, beforeEach, describe } from 'vitest';
import { oracleIt } from './open-differences.ts';
import { Oracle } from './oracle.ts';

const o = new Oracle();
beforeEach(() => o.reset());
afterAll(() => o.reset());

describe('export and import', () => {
  oracleIt("export -o, then import with --change and --message: the container's files as an image", async () => {
    await o.same(['run', '--name', 'src', 'box', 'sh', '-c', 'echo from-src > /made']);
    // Each engine writes and reads its own file (the base images' files differ).
    for (const engine of ['reference', 'ours'] as const) {
      const file = join(o.dir, `export-${engine}.tar`);
      const exported = await o.raw(engine, ['export', '-o', file, 'src']);
      if (exported.code !== 0) throw new Error(`${engine}: docker export: ${exported.stderr}`);
      const imported = await o.raw(engine, ['import', '-c', 'CMD ["cat", "/made"]', '-c', 'ENV MODE=imported', '-m', 'from src', file, 'mine:v1']);
      if (imported.code !== 0 || !/^sha256:[0-9a-f]{64}\n$/.test(imported.stdout)) throw new Error(`${engine}: docker import: ${imported.stdout}${imported.stderr}`);
      const plain = await o.raw(engine, ['import', file, 'plain']);
      if (plain.code !== 0) throw new Error(`${engine}: docker import: ${plain.stderr}`);
    }
    await o.same(['run', '--rm', 'mine:v1']);
    await o.same(['run', '--rm', 'mine:v1', 'sh', '-c', 'echo $MODE']);
    await o.same(['inspect', '-f', '{{json .Config.Cmd}} {{len .RootFS.Layers}} {{.Comment}}', 'mine:v1']);
    await o.same(['history', '--format', '{{.CreatedBy}}|{{.Comment}}', 'mine:v1']);
    await o.same(['history', '--format', '{{.CreatedBy}}|{{.Comment}}', 'plain']);
    await o.same(['run', '--rm', 'plain', 'cat', '/made']);
  });

  oracleIt("export and import errors in Docker's words", async () => {
    await o.same(['export', '-o', join(o.dir, 'none.tar'), 'nosuch']);
    await o.same(['export', 'nosuch']);
    await o.same(['import', join(o.dir, 'no-such.tar')]);
    await o.same(['import']);
    await o.same(['create', '--name', 'made', 'box']);
    const file = join(o.dir, 'made.tar');
    for (const engine of ['reference', 'ours'] as const) await o.raw(engine, ['export', '-o', file, 'made']);
    await o.same(['import', '-c', 'RUN true', file]);
    await o.same(['import', '-c', 'NOSUCH x', file]);
  });
});
