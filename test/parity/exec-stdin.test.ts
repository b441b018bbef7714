/**
 * Parity of `docker exec -i`: input piped to a process exec'd into a running container reaches it
 * (and only it: the container's main process keeps its own stdin), end of input is end of file,
 * and the exec's exit status is the CLI's. Without -i an exec's stdin is empty (/dev/null), as
 * Docker's. The browser runs an exec inside the container's process Worker with a stdin channel of
 * its own; the kernel service runs `runc exec` with a pipe.
 */
import { describe, expect } from 'vitest';
import { expectSame, useParity } from './parity-harness.ts';
import { parityIt } from './open-differences.ts';

const h = useParity(['box']);

describe('docker exec -i', () => {
  parityIt('piped lines reach the exec, end of input ends its loop, its status is the CLI\'s', async () => {
    const started = await h.both(['run', '-d', '--name', 'exec-in', 'box', 'sleep', '900']);
    expect(started.kernel.code).toBe(0);
    expect(started.browser.code).toBe(0);

    const loop = await h.both(['exec', '-i', 'exec-in', 'sh', '-c', 'while read l; do echo "got $l"; done; echo eof; exit 3'], { stdin: 'one\ntwo\n' });
    expectSame(loop);
    expect(loop.kernel).toMatchObject({ code: 3, stdout: 'got one\ngot two\neof\n' });

    // A last line without a newline, counted by a program sh starts.
    expectSame(await h.both(['exec', '-i', 'exec-in', 'sh', '-c', 'cat > /tmp/piped; wc -l < /tmp/piped; cat /tmp/piped'], { stdin: 'a\nb\nno-newline' }));
    // What the exec wrote is the container's: a second exec (without -i) reads it.
    expectSame(await h.both(['exec', 'exec-in', 'cat', '/tmp/piped']));
  });

  parityIt('without -i the exec reads nothing: read fails at once, not a terminal', async () => {
    const r = await h.both(['exec', 'exec-in', 'sh', '-c', '[ -t 0 ] || echo not-a-tty; read x || echo "read failed $?"'], { stdin: 'ignored\n' });
    expectSame(r);
    expect(r.kernel.stdout).toBe('not-a-tty\nread failed 1\n');
  });

  parityIt('-i with no input at all is end of file at once', async () => {
    const r = await h.both(['exec', '-i', 'exec-in', 'sh', '-c', 'read x; echo "status $?"']);
    expectSame(r);
    expect(r.kernel.stdout).toBe('status 1\n');
    expectSame(await h.both(['rm', '-f', 'exec-in']));
  });
});
