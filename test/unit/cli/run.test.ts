import { describe, expect, it } from 'vitest';
import type { AttachOptions, ContainerCreate } from '../../../engine/engine.ts';
import { EngineError } from '../../../engine/errors.ts';
import { docker, fakeEngine, ID_A, PULL_EVENTS } from './fake-engine.ts';

const createdWith = (engine: ReturnType<typeof fakeEngine>) => engine.calls.find((c) => c[0] === 'createContainer')?.[1] as ContainerCreate;

describe('docker run: flags to the create request', () => {
  it('maps the flags Docker maps', async () => {
    const engine = fakeEngine();
    await docker(engine, `docker run -d --name web -e A=1 --env=B="x y" -e C -w /app --entrypoint /bin/sh -v data:/data:ro -m 64m --hostname h1 -l team=x --rm box -c 'echo hi'`);
    expect(createdWith(engine)).toEqual({
      name: 'web',
      Image: 'box',
      Cmd: ['-c', 'echo hi'],
      Entrypoint: ['/bin/sh'],
      Env: ['A=1', 'B=x y', 'C'],
      WorkingDir: '/app',
      Hostname: 'h1',
      Labels: { team: 'x' },
      Tty: false,
      OpenStdin: false,
      StdinOnce: false,
      AttachStdin: false,
      AttachStdout: false,
      AttachStderr: false,
      HostConfig: { Binds: ['data:/data:ro'], Memory: 64 * 1024 * 1024, AutoRemove: true },
    });
  });

  it('keeps flags after the image as the container\'s arguments', async () => {
    const engine = fakeEngine();
    await docker(engine, 'docker run box ls -la --rm');
    expect(createdWith(engine)).toMatchObject({ Image: 'box', Cmd: ['ls', '-la', '--rm'] });
    expect(createdWith(engine).HostConfig).toBeUndefined();
  });

  it('-it asks for a TTY and an attached, open stdin', async () => {
    const engine = fakeEngine();
    await docker(engine, 'docker run -it box sh', { isTTY: true });
    expect(createdWith(engine)).toMatchObject({ Tty: true, OpenStdin: true, StdinOnce: true, AttachStdin: true, AttachStdout: true, AttachStderr: true });
  });

  it('-it without a terminal is refused as docker does', async () => {
    const r = await docker(fakeEngine(), 'docker run -it box sh');
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('the input device is not a TTY\n');
  });

  it('--entrypoint "" asks for no entrypoint, as docker sends it', async () => {
    const engine = fakeEngine();
    await docker(engine, 'docker run -d --entrypoint "" box /bin/echo');
    expect(createdWith(engine).Entrypoint).toEqual(['']);
  });

  it('refuses a bad --pull value with docker: prefix and exit 125', async () => {
    const r = await docker(fakeEngine(), 'docker run --pull sometimes box');
    expect(r.status).toBe(125);
    expect(r.stderr).toBe(`docker: invalid pull option: 'sometimes': must be one of "always", "missing" or "never".\nSee 'docker run --help'.\n`);
  });
});

describe('docker run: the flow', () => {
  it('foreground: attach, wait, start; prints output; exits with the container status', async () => {
    const order: string[] = [];
    let out: AttachOptions | undefined;
    const engine = fakeEngine({
      attachContainer: async (_id, o) => {
        order.push('attach');
        out = o;
        return { write: async () => {}, closeStdin: async () => {}, detach: async () => void order.push('detach') };
      },
      waitContainer: async (_id, condition) => {
        order.push(`wait:${condition}`);
        await new Promise((r) => setTimeout(r, 0));
        out?.onOutput(1, new TextEncoder().encode('hi '));
        out?.onOutput(2, new TextEncoder().encode('oops\n'));
        return { StatusCode: 3, Error: null };
      },
      startContainer: async () => void order.push('start'),
    });
    const r = await docker(engine, 'docker run box sh -c "exit 3"');
    expect(r).toEqual({ status: 3, stdout: 'hi ', stderr: 'oops\n' });
    expect(order).toEqual(['attach', 'wait:next-exit', 'start', 'detach']);
  });

  it('--rm waits for removal', async () => {
    const engine = fakeEngine();
    await docker(engine, 'docker run --rm box');
    expect(engine.calls.find((c) => c[0] === 'waitContainer')).toEqual(['waitContainer', ID_A, 'removed']);
  });

  it('with a TTY, stderr comes out on stdout (a pseudo-terminal merges them)', async () => {
    const engine = fakeEngine({
      attachContainer: async (_id, o) => {
        setTimeout(() => o.onOutput(2, new TextEncoder().encode('err')), 0);
        return { write: async () => {}, closeStdin: async () => {}, detach: async () => {} };
      },
      waitContainer: async () => {
        await new Promise((r) => setTimeout(r, 5));
        return { StatusCode: 0, Error: null };
      },
    });
    const r = await docker(engine, 'docker run -t box', { isTTY: true });
    expect(r.stdout).toBe('err');
    expect(r.stderr).toBe('');
  });

  it('decodes UTF-8 split across chunks', async () => {
    const bytes = new TextEncoder().encode('héllo\n');
    const engine = fakeEngine({
      attachContainer: async (_id, o) => {
        setTimeout(() => {
          o.onOutput(1, bytes.slice(0, 2));
          o.onOutput(1, bytes.slice(2));
        }, 0);
        return { write: async () => {}, closeStdin: async () => {}, detach: async () => {} };
      },
      waitContainer: async () => {
        await new Promise((r) => setTimeout(r, 5));
        return { StatusCode: 0, Error: null };
      },
    });
    expect((await docker(engine, 'docker run box')).stdout).toBe('héllo\n');
  });

  it('-d prints the full ID and does not attach or wait', async () => {
    const engine = fakeEngine();
    const r = await docker(engine, 'docker run -d box');
    expect(r).toEqual({ status: 0, stdout: ID_A + '\n', stderr: '' });
    expect(engine.calls.map((c) => c[0])).toEqual(['createContainer', 'startContainer']);
  });

  it('pulls a missing image, showing progress on stderr, then creates again', async () => {
    let attempts = 0;
    const engine = fakeEngine({
      createContainer: async () => {
        if (attempts++ === 0) throw new EngineError('not-found', 'No such image: box:latest');
        return { Id: ID_A, Warnings: [] };
      },
      pull: async (_ref, o) => {
        for (const ev of PULL_EVENTS) o?.onProgress?.(ev);
        return (await fakeEngine().pull('box')) as never;
      },
    });
    const r = await docker(engine, 'docker run box');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('hello\n');
    expect(r.stderr).toBe(
      "Unable to find image 'box:latest' locally\n" +
        'latest: Pulling from library/box\n0123456789ab: Pulling fs layer\n0123456789ab: Pull complete\n' +
        `Digest: sha256:${'2'.repeat(64)}\nStatus: Downloaded newer image for box:latest\n`,
    );
    expect(engine.calls.map((c) => c[0]).slice(0, 3)).toEqual(['createContainer', 'pull', 'createContainer']);
  });

  it('a failed pull is reported with docker: prefix and exits 125', async () => {
    const engine = fakeEngine({
      createContainer: async () => {
        throw new EngineError('not-found', 'No such image: nope:latest');
      },
      pull: async () => {
        throw new EngineError('not-found', "pull access denied for nope, repository does not exist or may require 'docker login'");
      },
    });
    const r = await docker(engine, 'docker run nope');
    expect(r.status).toBe(125);
    expect(r.stderr).toBe(
      "Unable to find image 'nope:latest' locally\ndocker: Error response from daemon: pull access denied for nope, repository does not exist or may require 'docker login'.\nSee 'docker run --help'.\n" +
        `This playground's registry has no nope image; it has box, greeter, hello-world, httpd, kv, sqlite (httpd is the web server here, kv the key-value store).\n`,
    );
  });

  it.each([
    ['command-not-found', 127, 'exec: "nope": executable file not found'],
    ['cannot-invoke', 126, 'exec: "/etc": permission denied'],
    ['internal', 125, 'something broke'],
    // Over the Engine API the code is lost (400): the words say it, as docker's CLI reads them.
    ['invalid-argument', 127, 'exec: "/nope": stat /nope: no such file or directory'],
    ['invalid-argument', 126, 'exec: "/etc/hostname": exec format error'],
  ] as const)('a start failure (%s) exits %d', async (code, status, message) => {
    const engine = fakeEngine({
      startContainer: async () => {
        throw new EngineError(code, message);
      },
    });
    const r = await docker(engine, 'docker run box nope');
    expect(r.status).toBe(status);
    expect(r.stderr).toBe(`docker: Error response from daemon: ${message}.\n`);
  });

  it('a create conflict exits 125 and points at --help', async () => {
    const engine = fakeEngine({
      createContainer: async () => {
        throw new EngineError('conflict', 'Conflict. The container name "/web" is already in use by container "abc".');
      },
    });
    const r = await docker(engine, 'docker run --name web box');
    expect(r.status).toBe(125);
    expect(r.stderr).toBe(`docker: Error response from daemon: Conflict. The container name "/web" is already in use by container "abc".\nSee 'docker run --help'.\n`);
  });

  it('prints create warnings on stderr', async () => {
    const engine = fakeEngine({ createContainer: async () => ({ Id: ID_A, Warnings: ['memory limited to 64MB'] }) });
    const r = await docker(engine, 'docker run -d box');
    expect(r.stderr).toBe('WARNING: memory limited to 64MB\n');
  });
});

describe('docker run -i: stdin', () => {
  it('forwards every chunk, then closes stdin at end of input', async () => {
    const written: string[] = [];
    let finish: (() => void) | undefined;
    const engine = fakeEngine({
      attachContainer: async () => ({
        write: async (d) => void written.push(new TextDecoder().decode(d)),
        closeStdin: async () => {
          written.push('<EOF>');
          finish?.();
        },
        detach: async () => {},
      }),
      waitContainer: () => new Promise((resolve) => (finish = () => resolve({ StatusCode: 0, Error: null }))),
    });
    const chunks = ['echo hi\n', 'exit\n'];
    const r = await docker(engine, 'docker run -i box sh', {
      stdin: { read: async () => (chunks.length ? new TextEncoder().encode(chunks.shift()) : null) },
    });
    expect(r.status).toBe(0);
    expect(written).toEqual(['echo hi\n', 'exit\n', '<EOF>']);
    expect(createdWith(engine)).toMatchObject({ OpenStdin: true, AttachStdin: true, StdinOnce: true });
  });

  it('stops reading when the container exits (the pending read is aborted)', async () => {
    let aborted = false;
    const engine = fakeEngine();
    const r = await docker(engine, 'docker run -i box', {
      stdin: {
        read: (signal) =>
          new Promise((resolve) => {
            signal?.addEventListener('abort', () => {
              aborted = true;
              resolve(null);
            });
          }),
      },
    });
    expect(r.status).toBe(0);
    expect(aborted).toBe(true);
  });

  it('Ctrl-C sends SIGINT to the container and the CLI exits with its status', async () => {
    const ctrlC = new AbortController();
    let finish: ((code: number) => void) | undefined;
    const engine = fakeEngine({
      waitContainer: () =>
        new Promise((resolve) => {
          finish = (code) => resolve({ StatusCode: code, Error: null });
          setTimeout(() => ctrlC.abort(), 0);
        }),
      killContainer: async (_id, o) => {
        expect(o?.signal).toBe('SIGINT');
        finish?.(130);
      },
    });
    const r = await docker(engine, 'docker run box sleep 100', { signal: ctrlC.signal });
    expect(r.status).toBe(130);
    expect(engine.calls.find((c) => c[0] === 'killContainer')).toEqual(['killContainer', ID_A, { signal: 'SIGINT' }]);
  });

  it('-it puts the terminal in raw mode while attached: Ctrl-C is then the container\'s, not a SIGINT from the CLI', async () => {
    const ctrlC = new AbortController();
    const modes: boolean[] = [];
    let finish: ((code: number) => void) | undefined;
    const engine = fakeEngine({
      waitContainer: () =>
        new Promise((resolve) => {
          finish = (code) => resolve({ StatusCode: code, Error: null });
          setTimeout(() => {
            ctrlC.abort(); // as if the terminal had not taken the key: the CLI must still not signal
            setTimeout(() => finish?.(0), 0);
          }, 0);
        }),
    });
    const r = await docker(engine, 'docker run -it box sh', {
      isTTY: true,
      signal: ctrlC.signal,
      rawInput: (raw) => modes.push(raw),
      stdin: { read: (signal) => new Promise((resolve) => signal?.addEventListener('abort', () => resolve(null))) },
    });
    expect(r.status).toBe(0);
    expect(modes).toEqual([true, false]);
    expect(engine.calls.some((c) => c[0] === 'killContainer')).toBe(false);
  });

  it('-i without -t keeps the signal proxy: the terminal stays in line mode', async () => {
    const modes: boolean[] = [];
    await docker(fakeEngine(), 'docker run -i box sh', { rawInput: (raw) => modes.push(raw), stdin: { read: async () => null } });
    expect(modes).toEqual([]);
  });
});

describe('docker create and start', () => {
  it('create prints the ID; a daemon error exits 1 without the docker: prefix', async () => {
    expect((await docker(fakeEngine(), 'docker create box')).stdout).toBe(ID_A + '\n');
    const engine = fakeEngine({
      createContainer: async () => {
        throw new EngineError('invalid-argument', 'invalid reference format: repository name (Box) must be lowercase');
      },
    });
    const r = await docker(engine, 'docker create Box');
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('Error response from daemon: invalid reference format: repository name (Box) must be lowercase\n');
  });

  it('start prints each name; failures are listed at the end and exit 1', async () => {
    const engine = fakeEngine({
      startContainer: async (id) => {
        if (id === 'nope') throw new EngineError('not-found', 'No such container: nope');
      },
    });
    const r = await docker(engine, 'docker start web nope db');
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('web\ndb\n');
    expect(r.stderr).toBe('Error response from daemon: No such container: nope\nError: failed to start containers: nope\n');
  });

  it('start -a attaches, starts and exits with the container status', async () => {
    const { containerInspect } = await import('./fake-engine.ts');
    const engine = fakeEngine({
      inspectContainer: async () => containerInspect(),
      waitContainer: async () => ({ StatusCode: 7, Error: null }),
    });
    const r = await docker(engine, 'docker start -a web');
    expect(r.status).toBe(7);
    expect(engine.calls.map((c) => c[0])).toEqual(['inspectContainer', 'attachContainer', 'waitContainer', 'startContainer']);
  });

  it('start -a with several containers is refused', async () => {
    const r = await docker(fakeEngine(), 'docker start -a a b');
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('you cannot start and attach multiple containers at once\n');
  });
});
