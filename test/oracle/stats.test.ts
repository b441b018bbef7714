import { afterAll, beforeEach, describe, expect } from 'vitest';
import { oracleIt } from './open-differences.ts';
import { Oracle } from './oracle.ts';

const o = new Oracle();
beforeEach(() => o.reset());
afterAll(() => o.reset());

describe('docker stats --no-stream', () => {
  oracleIt("a running container's row; a stopped one's zeros; an unknown one", async () => {
    await o.same(['run', '-d', '--name', 'live', 'box', 'sleep', '60']);
    const { reference, ours } = await o.both(['stats', '--no-stream', 'live']);
    // The figures are each host's own (a native busybox vs our wasm runner in node): the table's shape, the name and the limit must agree.
    const shape = (out: string) => out.split('\n').map((l, i) => (i === 1 ? l.replace(/\d+(\.\d+)?%/g, '<pct>').replace(/\b\d+(\.\d+)?(B|[KMG]iB) \/ /, '<used> / ').replace(/\s\d+$/, ' <pids>') : l));
    expect(ours.code).toBe(reference.code);
    expect(shape(ours.stdout)).toEqual(shape(reference.stdout));
    await o.same(['stats', '--no-stream', '--format', '{{.Name}} {{.Container}}', 'live']);
    await o.same(['rm', '-f', 'live']);
    await o.same(['create', '--name', 'idle', 'box']);
    await o.same(['stats', '--no-stream', 'idle']);
    await o.same(['stats', '--no-stream', 'nosuch']);
  });
});
