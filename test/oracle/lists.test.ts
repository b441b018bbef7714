import { afterAll, beforeEach, describe } from 'vitest';
import { oracleIt } from './open-differences.ts';
import { Oracle } from './oracle.ts';

const o = new Oracle();
beforeEach(() => o.reset());
afterAll(() => o.reset());

describe('ps and images: lists, filters, formats', () => {
  oracleIt('ps -a, -q, -n, -l, --format, filters', async () => {
    await o.same(['create', '--name', 'first', '--label', 'tier=db', 'box', 'true']);
    await o.same(['run', '--name', 'second', 'box', 'sh', '-c', 'exit 2']);
    await o.same(['run', '-d', '--name', 'third', 'box', 'sleep', '300']);
    await o.same(['ps']);
    await o.same(['ps', '-a']);
    await o.same(['ps', '-aq']);
    await o.same(['ps', '-q']);
    await o.same(['ps', '-n', '2']);
    await o.same(['ps', '-n', '2', '--format', '{{.Names}}']);
    await o.same(['ps', '-l']);
    await o.same(['ps', '-l', '-q']);
    await o.same(['ps', '-a', '--no-trunc', '--format', '{{.ID}} {{.Command}} {{.State}}']);
    await o.same(['ps', '-a', '--format', 'table {{.Names}}\t{{.Status}}\t{{.Labels}}']);
    await o.same(['ps', '-a', '--format', '{{json .Names}} {{.Label "tier"}}']);
    await o.same(['ps', '-a', '--filter', 'status=exited', '--format', '{{.Names}}']);
    await o.same(['ps', '-a', '--filter', 'status=created', '--format', '{{.Names}}']);
    await o.same(['ps', '-a', '--filter', 'name=ir', '--format', '{{.Names}}']);
    await o.same(['ps', '-a', '--filter', 'label=tier=db', '--format', '{{.Names}}']);
    await o.same(['ps', '-a', '--filter', 'ancestor=box', '--format', '{{.Names}}']);
    await o.same(['ps', '-a', '--filter', 'bogus=1']);
    await o.same(['rm', '-f', 'first', 'second', 'third']);
  });

  oracleIt('images REPOSITORY[:TAG] and patterns, --format, -q, tag', async () => {
    await o.same(['tag', 'box', 'other:1.0']);
    await o.same(['tag', 'box', 'box:2.0']);
    // One image under two repositories: the docker CLI prints its repositories in no fixed order.
    const unordered = { unordered: true };
    await o.same(['images', '--format', '{{.Repository}}:{{.Tag}}'], unordered);
    await o.same(['images', 'box', '--format', '{{.Repository}}:{{.Tag}}']);
    await o.same(['images', 'box:2.0', '--format', '{{.Repository}}:{{.Tag}}']);
    await o.same(['images', 'b*', '--format', '{{.Repository}}:{{.Tag}}']);
    await o.same(['images', 'other', '--format', 'table {{.Repository}}\t{{.Tag}}']);
    await o.same(['images', 'nothing-here']);
    await o.same(['images', '-q', 'other']);
    await o.same(['images', '--filter', 'reference=*:1.0', '--format', '{{.Repository}}:{{.Tag}}'], unordered);
    await o.same(['images', '--filter', 'dangling=true']);
    await o.same(['tag', 'box', 'Bad:tag']);
    await o.same(['tag', 'nosuch', 'x']);
    await o.same(['rmi', 'other:1.0', 'box:2.0']);
    await o.same(['rmi', 'other:1.0']);
  });
});
