/**
 * Parity of the process host (engine/wasi/process-host.ts), the one way both engines run a
 * container's program: how deep dockyard.spawn nests, and what a program that cannot start shows -
 * the exit status, the line on stderr and State.Error, in Docker's words (asked of Docker 20.10:
 * `docker run --rm bb /nonexistent` exits 127 with `exec: "/nonexistent": stat /nonexistent: no
 * such file or directory` in its error, a directory or a file it cannot execute 126).
 */
import { describe, expect } from 'vitest';
import { SPAWN_MAX_DEPTH } from '../../engine/wasi/spawn-abi.ts';
import { expectSame, useParity } from './parity-harness.ts';
import { parityIt } from './open-differences.ts';

const h = useParity(['box']);

/** `box sh -c` nested `levels` times - each level a new program started through dockyard.spawn - around `echo reached`. */
function nested(levels: number): string {
  let script = 'echo reached';
  for (let i = 0; i < levels; i++) script = `box sh -c ${JSON.stringify(script)}`;
  return script;
}

describe('dockyard.spawn depth: one rule on both engines', () => {
  parityIt(`a chain of ${SPAWN_MAX_DEPTH} spawned programs runs`, async () => {
    const r = await h.both(['run', '--rm', 'box', 'sh', '-c', nested(SPAWN_MAX_DEPTH)]);
    expectSame(r);
    expect(r.kernel).toMatchObject({ code: 0, stdout: 'reached\n', stderr: '' });
  });

  parityIt('one more is refused, and the shell says why', async () => {
    const r = await h.both(['run', '--rm', 'box', 'sh', '-c', nested(SPAWN_MAX_DEPTH + 1)]);
    expectSame(r);
    expect(r.kernel).toMatchObject({ code: 126, stdout: '', stderr: 'sh: box: cannot run: too many nested programs\n' });
  });
});

const CANNOT_START: Array<[string, string, number, string]> = [
  ['a path to nothing', '/nonexistent', 127, 'exec: "/nonexistent": stat /nonexistent: no such file or directory'],
  ['a name not on PATH', 'nonexistent', 127, 'exec: "nonexistent": executable file not found in $PATH'],
  ['a directory', '/etc', 126, 'exec: "/etc": permission denied'],
  ['a file that is not a program', '/etc/hostname', 126, 'exec: "/etc/hostname": exec format error'],
];

describe("a program that cannot start: Docker's status and words", () => {
  for (const [index, [what, command, status, error]] of CANNOT_START.entries()) {
    parityIt(`${what} (${command}): ${status} on stderr and in State.Error`, async () => {
      const r = await h.both(['run', '--rm', 'box', command]);
      expectSame(r);
      expect(r.kernel).toMatchObject({ code: status, stdout: '', stderr: `docker: Error response from daemon: ${error}.\n` });
      for (const [side, run] of [['browser', h.onBrowser], ['kernel', h.onKernel]] as const) {
        const name = `cannot-start-${index}-${side}`;
        await run(['run', '--name', name, 'box', command]);
        const state = await run(['inspect', '-f', '{{.State.ExitCode}} {{.State.Error}}', name]);
        expect(state.stdout, side).toBe(`${status} ${error}\n`);
        await run(['rm', name]);
      }
    });
  }
});
