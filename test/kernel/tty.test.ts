import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Digest, ProcessSpec } from '../../engine/ports.ts';
import { cleanupHost, leftoverCgroups } from '../../kernel-node/runtime/host-cleanup.ts';
import { mountsUnder } from '../../kernel-node/runtime/mounts.ts';
import { runcId } from '../../kernel-node/runtime/runc-runtime.ts';
import { runtimeFixture, tempDir, waitFor, type RuntimeFixture } from './harness.ts';
import { startService, type RunningService } from './service.ts';

let fx: RuntimeFixture;
let layers: Digest[];
const dec = new TextDecoder();
const enc = new TextEncoder();

/** A terminal under tmux on a busy machine can take its time: a minute, not the default 10 s. */
const waitLong = <T,>(fn: () => T | undefined, what: string | (() => string)): Promise<T> => waitFor(fn, what, 60_000);

/** The terminal size of a process's stdin, as `stty size` reads it (through /proc, from the host). */
function ttySize(pid: number): string {
  return execFileSync('stty', ['-F', `/proc/${pid}/fd/0`, 'size']).toString().trim();
}

beforeAll(async () => {
  fx = await runtimeFixture();
  layers = [await fx.layer([{ type: 'file', path: 'bin/probe', mode: 0o755, content: fx.probe }])];
});

afterAll(async () => {
  await cleanupHost(fx.data);
  rmSync(fx.dir, { recursive: true, force: true });
});

function spec(args: string[], more: Partial<ProcessSpec> = {}): ProcessSpec {
  return { args, env: ['PATH=/bin'], cwd: '/', hostname: 'tty', tty: true, openStdin: false, mounts: [], ...more };
}

describe('-t: a kernel-service process with a terminal', () => {
  it('stdin, stdout and stderr are a terminal (output with CRLF, as a pty shows it); without -t they are not', async () => {
    const key = 'isatty';
    await fx.snaps.prepare(key, layers);
    try {
      expect((await fx.run(key, ['/bin/probe', 'isatty'], { tty: true })).stdout).toBe('stdin 1 stdout 1 stderr 1\r\n');
      expect((await fx.run(key, ['/bin/probe', 'env', 'TERM'], { tty: true })).stdout).toBe('xterm\r\n');
      expect((await fx.run(key, ['/bin/probe', 'env', 'TERM'], { tty: true, env: ['TERM=vt100'] })).stdout).toBe('vt100\r\n');
      const plain = await fx.run(key, ['/bin/probe', 'isatty'], { tty: false });
      expect(plain.stdout).toBe('stdin 0 stdout 0 stderr 0\n');
      expect((await fx.run(key, ['/bin/probe', 'exit', '5'], { tty: true })).exit).toEqual({ exitCode: 5, oomKilled: false });
      // stderr goes to the terminal too: one stream, as Docker's raw stream for Tty containers.
      const err = await fx.run(key, ['/bin/probe', 'stderr', 'on the terminal'], { tty: true });
      expect(err.stdout).toBe('on the terminal\r\n');
      expect(err.stderr).toBe('');
    } finally {
      await fx.snaps.remove(key);
    }
  });

  it('echoes what is typed, line by line; ^D at a line start is end of input', async () => {
    const key = 'typing';
    await fx.snaps.prepare(key, layers);
    try {
      let out = '';
      const p = await fx.rt.start(key, spec(['/bin/probe', 'cat'], { openStdin: true }), { stdout: (d) => (out += dec.decode(d)), stderr: () => undefined });
      p.writeStdin(enc.encode('typed line\n'));
      await waitLong(() => (out === 'typed line\r\ntyped line\r\n' ? true : undefined), `echo and cat of the line (got ${JSON.stringify(out)})`);
      p.writeStdin(enc.encode('\x04'));
      expect(await p.exited).toEqual({ exitCode: 0, oomKilled: false });
    } finally {
      await fx.snaps.remove(key);
    }
  });

  it('a paste larger than the terminal buffers all reaches a program that writes it back', async () => {
    const key = 'paste';
    await fx.snaps.prepare(key, layers);
    try {
      let out = '';
      const p = await fx.rt.start(key, spec(['/bin/probe', 'count'], { openStdin: true }), { stdout: (d) => (out += dec.decode(d)), stderr: () => undefined });
      // 300 KB typed at once, far past the pty's 4 KiB queues, and written back by the program:
      // the relay must keep reading output while the terminal has no room for more input, or
      // both ends wait for ever.
      p.writeStdin(enc.encode(`${'x'.repeat(99)}\n`.repeat(3000)));
      p.writeStdin(enc.encode('\x04'));
      expect(await p.exited).toEqual({ exitCode: 0, oomKilled: false });
      expect(out).toMatch(/read 300000 bytes\r\n$/);
    } finally {
      await fx.snaps.remove(key);
    }
  });

  it('resize sets the terminal size; exec -t gets a terminal of its own; stop and kill still end it', async () => {
    const key = 'resize';
    await fx.snaps.prepare(key, layers);
    try {
      let out = '';
      const p = await fx.rt.start(key, spec(['/bin/probe', 'loop']), { stdout: (d) => (out += dec.decode(d)), stderr: () => undefined });
      await waitLong(() => (out.includes('looping') ? true : undefined), 'the loop');
      const pid = Number(readFileSync(join(fx.data.container(key), 'bundle', 'init.pid'), 'utf8'));
      p.resize!(33, 101);
      await waitLong(() => (ttySize(pid) === '33 101' ? true : undefined), 'the new size');
      p.resize!(50, 160);
      await waitLong(() => (ttySize(pid) === '50 160' ? true : undefined), 'the second size');
      const exec = await fx.run(key, ['/bin/probe', 'isatty'], { tty: true });
      expect(exec.stdout).toBe('stdin 1 stdout 1 stderr 1\r\n');
      // A PID 1 that does not handle SIGTERM ignores it (docker stop then kills it): SIGKILL ends it.
      p.kill('SIGTERM');
      p.kill('SIGKILL');
      expect(await p.exited).toEqual({ exitCode: 137, oomKilled: false });
      // runc ran it detached: it is deleted from runc's state once it has ended.
      expect(execFileSync('runc', ['--root', fx.data.runcState, 'list', '--quiet']).toString().trim()).toBe('');

      const k = await fx.rt.start(key, spec(['/bin/probe', 'loop']), { stdout: () => undefined, stderr: () => undefined });
      k.kill('SIGKILL');
      expect(await k.exited).toEqual({ exitCode: 137, oomKilled: false });
    } finally {
      await fx.snaps.remove(key);
    }
  });

  it('leaves no runc container, mount, cgroup or relay process behind', async () => {
    expect(execFileSync('runc', ['--root', fx.data.runcState, 'list', '--quiet']).toString().trim()).toBe('');
    expect(await mountsUnder(fx.data.root)).toEqual([]);
    expect(await leftoverCgroups(new Set(['isatty', 'typing', 'paste', 'resize'].map(runcId)))).toEqual([]);
    const relays = execFileSync('ps', ['-eo', 'args']).toString().split('\n').filter((l) => l.includes(fx.data.root) && l.includes('console-relay'));
    expect(relays).toEqual([]);
  });
});

describe('docker run -it through the real docker CLI, in a terminal (tmux)', () => {
  const dir = tempDir('dockyard-tty-');
  const session = `dockyard-tty-${process.pid}`;
  let svc: RunningService | undefined;
  const tmux = (...args: string[]) => execFileSync('tmux', args).toString();

  // Here rather than in a finally: it runs even when the test times out.
  afterAll(async () => {
    try {
      execFileSync('tmux', ['kill-session', '-t', session], { stdio: 'ignore' });
    } catch {
      // Already ended.
    }
    await svc?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  // Starting the service, pulling and two runs: minutes when the machine is busy.
  it('box sh shows its prompt, runs what is typed, reads on after a Ctrl-D ends a program, follows the window size, stops a sleep on Ctrl-C, and exits with the shell', { timeout: 240_000 }, async () => {
    svc = await startService(dir);
    const pulled = await svc.docker(['pull', 'box']);
    expect(pulled.code).toBe(0);
    // Not a terminal on the client's side (-t alone): the raw stream, with the pty's CRLF.
    const raw = await svc.docker(['run', '--rm', '-t', 'box', 'sh', '-c', 'echo $TERM; test -t 1 && echo terminal']);
    expect(raw).toMatchObject({ code: 0, stdout: 'xterm\r\nterminal\r\n' });

    const env = `HOME=${dir} DOCKER_HOST=unix://${svc.socket} DOCKER_CONFIG=${join(dir, 'docker-config')}`;
    const rc = join(dir, 'rc');
    tmux('new-session', '-d', '-s', session, '-x', '100', '-y', '30', `env ${env} docker run -it --rm --name tty-sh box sh; echo $? > ${rc}; sleep 30`);
    const screen = () => tmux('capture-pane', '-p', '-t', session);
    // capture-pane drops the prompt's trailing space.
    await waitLong(() => (/^\/ #$/m.test(screen()) ? true : undefined), () => `the prompt; the screen shows ${JSON.stringify(screen().trim())}`);
    tmux('send-keys', '-t', session, 'echo typed in a terminal', 'Enter');
    await waitLong(() => (/^typed in a terminal\s*$/m.test(screen()) ? true : undefined), () => `the echo; the screen shows ${JSON.stringify(screen().trim())}`);
    // Ctrl-D is end of file for one read: sort ends, the shell goes on reading commands.
    tmux('send-keys', '-t', session, 'sort; echo sort-ended-$?', 'Enter', 'pear', 'Enter', 'apple', 'Enter', 'C-d');
    await waitLong(() => (/^apple\s*\npear\s*\nsort-ended-0\s*$/m.test(screen()) ? true : undefined), () => `sort's end; the screen shows ${JSON.stringify(screen().trim())}`);
    tmux('send-keys', '-t', session, 'echo sh-still-$((6*7))', 'Enter');
    await waitLong(() => (/^sh-still-42\s*$/m.test(screen()) ? true : undefined), () => `the shell after sort; the screen shows ${JSON.stringify(screen().trim())}`);

    const id = (await svc.docker(['inspect', '--format', '{{.Id}}', 'tty-sh'])).stdout.trim();
    const pid = Number(readFileSync(join(svc.dataRoot, 'containers', id, 'bundle', 'init.pid'), 'utf8'));
    const pane = () => tmux('display', '-p', '-t', session, '#{pane_height} #{pane_width}').trim();
    await waitLong(() => (ttySize(pid) === pane() ? true : undefined), `the window size ${pane()} (terminal has ${ttySize(pid)})`);
    tmux('resize-window', '-t', session, '-x', '132', '-y', '43');
    await waitLong(() => (pane() === '43 132' && ttySize(pid) === '43 132' ? true : undefined), `the new window size (terminal has ${ttySize(pid)})`);

    // Ctrl-C is SIGINT for the foreground programs: sleep ends (130), the shell prompts again.
    tmux('send-keys', '-t', session, 'sleep 100; echo after-sleep-$?', 'Enter');
    await waitLong(() => (/^\/ # sleep 100; echo after-sleep-\$\?\s*$/m.test(screen()) ? true : undefined), () => `the sleep to start; the screen shows ${JSON.stringify(screen().trim())}`);
    tmux('send-keys', '-t', session, 'C-c');
    await waitLong(() => (/sleep 100; echo after-sleep-\$\?[\s\S]*\/ #$/.test(screen().trimEnd()) ? true : undefined), () => `a fresh prompt after Ctrl-C; the screen shows ${JSON.stringify(screen().trim())}`);
    // The command line was given up, as a shell does on Ctrl-C: its echo never ran.
    expect(screen()).not.toMatch(/after-sleep-\d/);
    tmux('send-keys', '-t', session, 'echo sh-after-intr', 'Enter');
    await waitLong(() => (/^sh-after-intr\s*$/m.test(screen()) ? true : undefined), () => `the shell after Ctrl-C; the screen shows ${JSON.stringify(screen().trim())}`);

    tmux('send-keys', '-t', session, 'exit 3', 'Enter');
    const code = await waitLong(() => {
      try {
        return readFileSync(rc, 'utf8').trim();
      } catch {
        return undefined;
      }
    }, 'docker run to end');
    expect(code).toBe('3');
    expect((await svc.docker(['ps', '-aq'])).stdout.trim()).toBe('');
  });
});
