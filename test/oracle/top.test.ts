import { afterAll, beforeEach, describe, expect } from 'vitest';
import { oracleIt } from './open-differences.ts';
import { Oracle } from './oracle.ts';

const o = new Oracle();
beforeEach(() => o.reset());
afterAll(() => o.reset());

/**
 * `docker top`'s table (the oracle joins columns with two spaces) with what differs by nature taken out: PIDs are each host's, STIME its
 * clock, C and TIME the CPU a native or a wasm program used. The titles, the user, the terminal
 * and the command lines must agree.
 */
function shape(stdout: string): string[] {
  const [titles, ...rows] = stdout.trimEnd().split('\n');
  return [titles, ...rows.map((r) => r.split(/ {2,}/)).map((c) => `${c[0]} tty=${c[5]} ${c.slice(7).join('  ')}`).sort()];
}

describe('docker top', () => {
  oracleIt('the main process and an exec, as ps -ef; a stopped container', async () => {
    await o.same(['run', '-d', '--name', 'live', 'box', 'sleep', '60']);
    await o.same(['exec', '-d', 'live', 'sleep', '50']);
    const { reference, ours } = await o.both(['top', 'live']);
    expect(ours.code).toBe(reference.code);
    expect(shape(ours.stdout)).toEqual(shape(reference.stdout));
    expect(shape(reference.stdout)).toHaveLength(3);
    await o.same(['rm', '-f', 'live']);
    await o.same(['create', '--name', 'idle', 'box']);
    await o.same(['top', 'idle']);
    await o.same(['top', 'nosuch']);
  });
});
