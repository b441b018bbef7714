/**
 * The Runtime conformance suite: the browser's runtime (test/browser/wasi-runtime-conformance.test.ts,
 * in Chromium) and the Linux runc runtime (test/kernel/runtime-suite.ts, normal path and warm
 * spares) run the same programs and must give the same results.
 *
 *   runtimeSuite('runc', async () => ({ runtime, snapshot: () => prepareBox(freshKey()) }));
 *
 * `make()` is called for the first process of each test; `snapshot()` prepares a fresh snapshot of
 * the `box` image (images/box) and returns its key; `dispose()`, when given, runs after each test.
 * Processes that a test leaves running are killed. Host-neutral: no `node:*`, no DOM.
 */
import { concatBytes } from '../../engine/bytes.ts';
import { describe, it, expect, afterEach } from 'vitest';
import type { ProcessExit, ProcessSpec, Runtime, RunningProcess } from '../../engine/ports.ts';
import { EXIT_KILLED } from '../../engine/errors.ts';

export interface RuntimeFixture {
  runtime: Runtime;
  snapshot(): Promise<string>;
  dispose?(): Promise<void> | void;
}

const PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

function spec(args: string[], extra: Partial<ProcessSpec> = {}): ProcessSpec {
  return { args, env: [PATH], cwd: '/', hostname: 'conformance', tty: false, openStdin: false, mounts: [], ...extra };
}

interface Started {
  process: RunningProcess;
  stdout: () => string;
  stderr: () => string;
  order: string[];
}

/** Wait for a live condition (not a timed assertion): polls until true, fails after ~10 s. */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('condition never held');
}

export function runtimeSuite(name: string, make: () => Promise<RuntimeFixture>): void {
  describe(`Runtime conformance: ${name}`, () => {
    let fixture: RuntimeFixture | undefined;
    const running: RunningProcess[] = [];

    afterEach(async () => {
      for (const p of running.splice(0)) p.kill('SIGKILL');
      await fixture?.dispose?.();
      fixture = undefined;
    });

    async function start(args: string[], extra: Partial<ProcessSpec> = {}, key?: string): Promise<Started & { key: string }> {
      fixture ??= await make();
      const snapshot = key ?? (await fixture.snapshot());
      const out: Uint8Array[] = [];
      const err: Uint8Array[] = [];
      const order: string[] = [];
      const text = (parts: Uint8Array[]) => new TextDecoder().decode(concatBytes(parts));
      const process = await fixture.runtime.start(snapshot, spec(args, extra), {
        stdout: (d) => (out.push(d.slice()), order.push('out')),
        stderr: (d) => (err.push(d.slice()), order.push('err')),
      });
      running.push(process);
      return { process, stdout: () => text(out), stderr: () => text(err), order, key: snapshot };
    }

    it('runs a program to exit 0 with its output (hello)', async () => {
      const p = await start(['echo', 'hello']);
      expect(await p.process.exited).toMatchObject({ exitCode: 0, oomKilled: false });
      expect(p.stdout()).toBe('hello\n');
    });

    it('returns the exit status as a value (exit 42)', async () => {
      const p = await start(['sh', '-c', 'exit 42']);
      expect((await p.process.exited).exitCode).toBe(42);
    });

    it('keeps stdout and stderr apart', async () => {
      const p = await start(['sh', '-c', 'echo out; echo err >&2; echo out2']);
      await p.process.exited;
      expect(p.stdout()).toBe('out\nout2\n');
      expect(p.stderr()).toBe('err\n');
    });

    it('streams output as it is written, not at exit', async () => {
      const p = await start(['sh', '-c', 'echo first; read line; echo "second $line"'], { openStdin: true });
      await until(() => p.stdout() === 'first\n');
      let exited = false;
      void p.process.exited.then(() => (exited = true));
      await new Promise((r) => setTimeout(r, 20));
      expect(exited).toBe(false);
      p.process.writeStdin(new TextEncoder().encode('go\n'));
      expect((await p.process.exited).exitCode).toBe(0);
      expect(p.stdout()).toBe('first\nsecond go\n');
    });

    it('feeds stdin and ends it on closeStdin', async () => {
      const p = await start(['cat'], { openStdin: true });
      p.process.writeStdin(new TextEncoder().encode('line one\n'));
      p.process.writeStdin(new TextEncoder().encode('line two\n'));
      p.process.closeStdin();
      expect((await p.process.exited).exitCode).toBe(0);
      expect(p.stdout()).toBe('line one\nline two\n');
    });

    it('gives a process without openStdin an empty stdin', async () => {
      const p = await start(['cat']);
      expect((await p.process.exited).exitCode).toBe(0);
      expect(p.stdout()).toBe('');
    });

    it('passes env and cwd', async () => {
      const p = await start(['sh', '-c', 'echo "$GREETING"; pwd'], { env: [PATH, 'GREETING=hi there'], cwd: '/tmp' });
      await p.process.exited;
      expect(p.stdout()).toBe('hi there\n/tmp\n');
    });

    it('ends a runaway loop on SIGKILL with 137', async () => {
      const p = await start(['sh', '-c', 'echo spinning; while true; do :; done']);
      await until(() => p.stdout() === 'spinning\n');
      p.process.kill('SIGKILL');
      expect(await p.process.exited).toMatchObject({ exitCode: EXIT_KILLED, oomKilled: false });
    });

    it('ends a program that grows past its memory limit with 137 and oomKilled', async () => {
      const p = await start(['sh', '-c', 'x=$(seq 1 3000000); echo survived'], { memoryBytes: 16 * 1024 * 1024 });
      const exit: ProcessExit = await p.process.exited;
      expect(exit).toMatchObject({ exitCode: EXIT_KILLED, oomKilled: true });
      expect(p.stdout()).toBe('');
    });

    it('answers a missing command with 127 as an exit, not a rejection, in Docker\'s words - in the exit, not on the output', async () => {
      const p = await start(['no-such-command']);
      const error = 'exec: "no-such-command": executable file not found in $PATH';
      expect(await p.process.exited).toEqual({ exitCode: 127, oomKilled: false, error });
      // Docker fails the start and its logs stay empty: the words travel as State.Error (f91fcee).
      expect(p.stderr()).toBe('');
    });

    it('answers a missing path with 127, a file that is not a program and a directory with 126', async () => {
      const missing = await start(['/nope/prog']);
      expect(await missing.process.exited).toEqual({ exitCode: 127, oomKilled: false, error: 'exec: "/nope/prog": stat /nope/prog: no such file or directory' });
      const notWasm = await start(['/etc/passwd']);
      expect(await notWasm.process.exited).toMatchObject({ exitCode: 126, error: expect.stringContaining('exec format error') });
      const dir = await start(['/etc']);
      expect(await dir.process.exited).toMatchObject({ exitCode: 126, error: 'exec: "/etc": permission denied' });
    });

    it('runs a second process in a running container (exec), on the same file system', async () => {
      const main = await start(['sh', '-c', 'echo ready; read line; cat /tmp/from-exec'], { openStdin: true });
      await until(() => main.stdout() === 'ready\n');
      const exec = await start(['sh', '-c', 'echo written by exec > /tmp/from-exec'], {}, main.key);
      expect((await exec.process.exited).exitCode).toBe(0);
      main.process.writeStdin(new TextEncoder().encode('go\n'));
      expect((await main.process.exited).exitCode).toBe(0);
      expect(main.stdout()).toBe('ready\nwritten by exec\n');
    });

    it('runs processes of one snapshot on one file system', async () => {
      const first = await start(['sh', '-c', 'echo shared > /tmp/note']);
      expect((await first.process.exited).exitCode).toBe(0);
      const second = await start(['cat', '/tmp/note'], {}, first.key);
      expect((await second.process.exited).exitCode).toBe(0);
      expect(second.stdout()).toBe('shared\n');
    });
  });
}

