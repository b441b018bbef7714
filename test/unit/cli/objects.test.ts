import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../../../engine/ports.ts';
import { EngineError } from '../../../engine/errors.ts';
import { containerInspect, docker, fakeEngine, ID_A, IMAGE_ID, imageInspect, PULL_EVENTS, volume } from './fake-engine.ts';

const enc = (s: string) => new TextEncoder().encode(s);

describe('docker inspect', () => {
  it('prints a JSON array indented by 4 spaces, with HTML characters escaped as Go does', async () => {
    const engine = fakeEngine({ inspectContainer: async () => containerInspect() });
    const r = await docker(engine, 'docker inspect web');
    expect(r.status).toBe(0);
    expect(r.stdout.startsWith('[\n    {\n        "Id": "' + ID_A + '",\n        "Created": ')).toBe(true);
    expect(r.stdout).toContain('"Args": [\n            "-c",\n            "echo a \\u003e b"\n        ],');
    expect(r.stdout.endsWith('\n    }\n]\n')).toBe(true);
    expect(JSON.parse(r.stdout)[0].State.ExitCode).toBe(3);
  });

  it('-f runs a template per object', async () => {
    const engine = fakeEngine({ inspectContainer: async () => containerInspect() });
    expect((await docker(engine, "docker inspect -f '{{.State.ExitCode}}' a b")).stdout).toBe('3\n3\n');
    expect((await docker(engine, "docker container inspect --format '{{json .Config.Labels}}' a")).stdout).toBe('{"team":"x"}\n');
  });

  it('falls back from container to image to volume', async () => {
    const engine = fakeEngine({ inspectImage: async () => imageInspect() });
    const r = await docker(engine, "docker inspect -f '{{.Os}}/{{.Architecture}}' box");
    expect(r.stdout).toBe('wasi/wasm\n');
    expect(engine.calls.map((c) => c[0])).toEqual(['inspectContainer', 'inspectImage']);
    const v = fakeEngine({ inspectVolume: async () => volume('data') });
    expect((await docker(v, "docker inspect -f '{{.Mountpoint}}' data")).stdout).toBe('/volumes/data/_data\n');
  });

  it('a missing object prints [] and the error, exit 1', async () => {
    const r = await docker(fakeEngine(), 'docker inspect nope');
    expect(r).toEqual({ status: 1, stdout: '[]\n', stderr: 'Error: No such object: nope\n' });
  });

  it('typed inspect reports the daemon error; found objects are still printed', async () => {
    const engine = fakeEngine({
      inspectImage: async (r) => {
        if (r === 'box') return imageInspect();
        throw new EngineError('not-found', `No such image: ${r}`);
      },
    });
    const r = await docker(engine, "docker image inspect -f '{{.Id}}' box nope");
    expect(r).toEqual({ status: 1, stdout: IMAGE_ID + '\n', stderr: 'Error response from daemon: No such image: nope\n' });
  });

  it('--type narrows the search', async () => {
    const engine = fakeEngine();
    const r = await docker(engine, 'docker inspect --type volume nope');
    expect(r.stderr).toBe('Error: No such volume: nope\n');
    expect(engine.calls.map((c) => c[0])).toEqual(['inspectVolume']);
  });
});

describe('docker logs', () => {
  const entries: LogEntry[] = [
    { stream: 'stdout', time: '2025-01-01T12:00:00.123456789Z', data: enc('one\n') },
    { stream: 'stderr', time: '2025-01-01T12:00:01.000000001Z', data: enc('two\n') },
  ];

  it('splits stdout and stderr, and -t prefixes timestamps', async () => {
    const engine = fakeEngine({ logs: async () => entries });
    expect(await docker(engine, 'docker logs web')).toEqual({ status: 0, stdout: 'one\n', stderr: 'two\n' });
    expect((await docker(engine, 'docker logs -t web')).stdout).toBe('2025-01-01T12:00:00.123456789Z one\n');
  });

  it('--details puts the (empty) log attributes and a space before each line, after the timestamp, as Docker', async () => {
    const engine = fakeEngine({ logs: async () => entries });
    expect(await docker(engine, 'docker logs --details web')).toEqual({ status: 0, stdout: ' one\n', stderr: ' two\n' });
    expect((await docker(engine, 'docker logs --details -t web')).stdout).toBe('2025-01-01T12:00:00.123456789Z  one\n');
  });

  it('passes --tail as a number, "all" as all', async () => {
    const engine = fakeEngine({ logs: async () => [] });
    await docker(engine, 'docker logs -n 5 web');
    await docker(engine, 'docker logs --tail all web');
    expect(engine.calls.map((c) => (c[2] as { tail: unknown }).tail)).toEqual([5, 'all']);
    const bad = await docker(engine, 'docker logs --tail lots web');
    expect(bad.status).toBe(1);
  });

  it('-f streams entries as they come and ends when the container exits', async () => {
    const engine = fakeEngine({
      logs: async (_id, o) => {
        for (const e of entries) o?.onEntry?.(e);
        return [];
      },
    });
    expect(await docker(engine, 'docker logs -f web')).toEqual({ status: 0, stdout: 'one\n', stderr: 'two\n' });
  });

  it('-f stops on Ctrl-C with status 130', async () => {
    const ctrlC = new AbortController();
    const engine = fakeEngine({
      logs: (_id, o) => {
        o?.onEntry?.(entries[0]);
        setTimeout(() => ctrlC.abort(), 0);
        return new Promise(() => {});
      },
    });
    const r = await docker(engine, 'docker logs -f web', { signal: ctrlC.signal });
    expect(r).toEqual({ status: 130, stdout: 'one\n', stderr: '' });
  });

  it('a missing container is the daemon error', async () => {
    const engine = fakeEngine({
      logs: async () => {
        throw new EngineError('not-found', 'No such container: nope');
      },
    });
    expect(await docker(engine, 'docker logs nope')).toEqual({ status: 1, stdout: '', stderr: 'Error response from daemon: No such container: nope\n' });
  });
});

describe('docker exec', () => {
  it('runs the command and exits with its status', async () => {
    const engine = fakeEngine({
      startExec: async (_id, o) => {
        o.onOutput(1, enc('/app\n'));
        return { write: async () => {}, closeStdin: async () => {}, detach: async () => {} };
      },
      inspectExec: async () => ({ ID: 'exec1', ContainerID: ID_A, Running: false, ExitCode: 4, ProcessConfig: { entrypoint: 'pwd', arguments: [], tty: false } }),
    });
    const r = await docker(engine, 'docker exec -e A=1 -w /app web pwd -P');
    expect(r).toEqual({ status: 4, stdout: '/app\n', stderr: '' });
    expect(engine.calls.find((c) => c[0] === 'createExec')).toEqual([
      'createExec',
      'web',
      { Cmd: ['pwd', '-P'], Tty: false, AttachStdin: false, AttachStdout: true, AttachStderr: true, Env: ['A=1'], WorkingDir: '/app' },
    ]);
  });

  it('learns the end from the exec_die event', async () => {
    const engine = fakeEngine({
      events: async (listener) => {
        setTimeout(() => listener({ Type: 'container', Action: 'exec_die', Actor: { ID: ID_A, Attributes: { execID: 'exec1', exitCode: '9' } }, time: 0, timeNano: 0 }), 0);
        return () => {};
      },
      inspectExec: async () => ({ ID: 'exec1', ContainerID: ID_A, Running: true, ExitCode: null, ProcessConfig: { entrypoint: 'sh', arguments: [], tty: false } }),
    });
    expect((await docker(engine, 'docker exec web sh')).status).toBe(9);
  });

  it('-it puts the terminal in raw mode until the exec ends: Ctrl-C is its terminal\'s, and `exit 3` is the CLI\'s status', async () => {
    const ctrlC = new AbortController();
    const modes: boolean[] = [];
    const sent: string[] = [];
    let running = true;
    const engine = fakeEngine({
      startExec: async (_id, o) => {
        o.onOutput(1, enc('/ # '));
        return {
          write: async (d) => {
            sent.push(new TextDecoder().decode(d));
            if (sent.join('').includes('exit 3\n')) running = false;
          },
          closeStdin: async () => {},
          detach: async () => {},
        };
      },
      inspectExec: async () => ({ ID: 'exec1', ContainerID: ID_A, Running: running, ExitCode: running ? null : 3, ProcessConfig: { entrypoint: 'sh', arguments: [], tty: true } }),
    });
    const keys = [enc('\x03'), enc('exit 3\n')];
    const r = await docker(engine, 'docker exec -it web sh', {
      isTTY: true,
      columns: 100,
      signal: ctrlC.signal,
      rawInput: (raw) => modes.push(raw),
      stdin: {
        read: (signal) => {
          // As if the page had also aborted its signal on the key: in raw mode the CLI must not end.
          if (sent.length === 0) ctrlC.abort();
          const next = keys.shift();
          return next ? Promise.resolve(next) : new Promise((resolve) => signal?.addEventListener('abort', () => resolve(null)));
        },
      },
    });
    expect(r).toEqual({ status: 3, stdout: '/ # ', stderr: '' });
    expect(modes).toEqual([true, false]);
    expect(sent).toEqual(['\x03', 'exit 3\n']);
    expect(engine.calls.find((c) => c[0] === 'createExec')?.[2]).toMatchObject({ Tty: true, AttachStdin: true });
    // The terminal's size once started, as docker sends it (this CLI knows its width only).
    expect(engine.calls.filter((c) => c[0] === 'resizeExec')).toEqual([['resizeExec', 'exec1', 24, 100]]);
  });

  it('-i without -t forwards stdin and closes it at end of input; the terminal stays in line mode', async () => {
    const modes: boolean[] = [];
    const sent: string[] = [];
    let closed = false;
    const engine = fakeEngine({
      startExec: async () => ({
        write: async (d) => void sent.push(new TextDecoder().decode(d)),
        closeStdin: async () => void (closed = true),
        detach: async () => {},
      }),
      inspectExec: async () => ({ ID: 'exec1', ContainerID: ID_A, Running: !closed, ExitCode: closed ? 0 : null, ProcessConfig: { entrypoint: 'cat', arguments: [], tty: false } }),
    });
    const chunks = [enc('a\n'), enc('b\n')];
    const r = await docker(engine, 'docker exec -i web cat', { rawInput: (raw) => modes.push(raw), stdin: { read: async () => chunks.shift() ?? null } });
    expect(r.status).toBe(0);
    expect(sent).toEqual(['a\n', 'b\n']);
    expect(closed).toBe(true);
    expect(modes).toEqual([]);
    expect(engine.calls.some((c) => c[0] === 'resizeExec')).toBe(false);
  });

  it('-it without a terminal is refused as docker does', async () => {
    expect(await docker(fakeEngine(), 'docker exec -it web sh', { isTTY: false })).toEqual({ status: 1, stdout: '', stderr: 'the input device is not a TTY\n' });
  });

  it('-d returns at once', async () => {
    const engine = fakeEngine();
    expect(await docker(engine, 'docker exec -d web sleep 9')).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(engine.calls.some((c) => c[0] === 'inspectExec')).toBe(false);
  });

  it('a stopped container is the daemon error', async () => {
    const engine = fakeEngine({
      createExec: async () => {
        throw new EngineError('conflict', `container ${ID_A} is not running`);
      },
    });
    expect(await docker(engine, 'docker exec web sh')).toEqual({ status: 1, stdout: '', stderr: `Error response from daemon: container ${ID_A} is not running\n` });
  });
});

describe('docker diff and commit', () => {
  it('prints C/A/D lines', async () => {
    const engine = fakeEngine({
      changes: async () => [
        { Path: '/etc', Kind: 0 },
        { Path: '/etc/x', Kind: 1 },
        { Path: '/tmp/gone', Kind: 2 },
      ],
    });
    expect((await docker(engine, 'docker diff web')).stdout).toBe('C /etc\nA /etc/x\nD /tmp/gone\n');
  });

  it('commit passes repo, tag, message, author and changes and prints the ID', async () => {
    const engine = fakeEngine();
    const r = await docker(engine, `docker commit -m "add x" -a "Ann <a@b>" -c 'CMD ["sh"]' -c 'ENV A=1' web localhost:5000/app:v2`);
    expect(r.stdout).toBe(IMAGE_ID + '\n');
    expect(engine.calls[0]).toEqual(['commit', 'web', { pause: true, repo: 'localhost:5000/app', tag: 'v2', comment: 'add x', author: 'Ann <a@b>', changes: ['CMD ["sh"]', 'ENV A=1'] }]);
  });
});

describe('pull, push, build, save, load', () => {
  it('pull shows progress lines (no progress bars without a TTY) and the qualified name', async () => {
    const engine = fakeEngine({
      pull: async (_r, o) => {
        for (const ev of PULL_EVENTS) o?.onProgress?.(ev);
        return imageInspect();
      },
    });
    const r = await docker(engine, 'docker pull box');
    expect(r.stdout).toBe(
      'Using default tag: latest\nlatest: Pulling from library/box\n0123456789ab: Pulling fs layer\n0123456789ab: Pull complete\n' +
        `Digest: sha256:${'2'.repeat(64)}\nStatus: Downloaded newer image for box:latest\ndocker.io/library/box:latest\n`,
    );
    expect((await docker(engine, 'docker pull -q box:1.0')).stdout).toBe('docker.io/library/box:1.0\n');
  });

  it('pull on a TTY rewrites each layer line in place', async () => {
    const engine = fakeEngine({
      pull: async (_r, o) => {
        for (const ev of PULL_EVENTS.slice(1, 4)) o?.onProgress?.(ev);
        return imageInspect();
      },
    });
    const r = await docker(engine, 'docker pull box:latest', { isTTY: true });
    expect(r.stdout).toBe(
      '\n\x1b[1A\r\x1b[2K0123456789ab: Pulling fs layer\r\x1b[1B' +
        '\x1b[1A\r\x1b[2K0123456789ab: Downloading [=>   ] 100B/1kB\r\x1b[1B' +
        '\x1b[1A\r\x1b[2K0123456789ab: Pull complete\r\x1b[1B' +
        'docker.io/library/box:latest\n',
    );
  });

  it('pull errors: before the stream as the daemon, inside the stream as is', async () => {
    const before = fakeEngine({
      pull: async () => {
        throw new EngineError('not-found', "pull access denied for nope, repository does not exist or may require 'docker login'");
      },
    });
    const r1 = await docker(before, 'docker pull nope:1');
    expect(r1).toEqual({ status: 1, stdout: '', stderr: "Error response from daemon: pull access denied for nope, repository does not exist or may require 'docker login'\n" + "This playground's registry has no nope image; it has box, greeter, hello-world, httpd, kv, sqlite (httpd is the web server here, kv the key-value store).\n" });
    const inside = fakeEngine({
      pull: async (_r, o) => {
        o?.onProgress?.({ errorDetail: { message: 'digest mismatch for layer sha256:abc' }, error: 'digest mismatch for layer sha256:abc' });
        throw new EngineError('invalid-content', 'digest mismatch for layer sha256:abc');
      },
    });
    expect((await docker(inside, 'docker pull box:1')).stderr).toBe('digest mismatch for layer sha256:abc\n');
    const bad = await docker(fakeEngine(), 'docker pull Box');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toBe('invalid reference format: repository name (Box) must be lowercase\n');
  });

  it('build sends the context and flags and prints the step stream', async () => {
    const context = { Dockerfile: enc('FROM box\n'), 'app/x': enc('x') };
    const engine = fakeEngine({
      build: async (o) => {
        o.onProgress?.({ stream: 'Step 1/1 : FROM box\n' });
        o.onProgress?.({ aux: { ID: IMAGE_ID } });
        o.onProgress?.({ stream: ' ---> ffffffff0123\nSuccessfully built ffffffff0123\nSuccessfully tagged app:1\n' });
        return { ImageId: IMAGE_ID, Tags: ['app:1'], Warnings: [] };
      },
    });
    const dirs: string[] = [];
    const r = await docker(engine, 'docker build -t app:1 -t app:latest -f ctx/Dockerfile.dev --build-arg V=2 --no-cache ctx', {
      buildContext: async (dir) => {
        dirs.push(dir);
        return context;
      },
    });
    expect(r).toEqual({ status: 0, stdout: 'Step 1/1 : FROM box\n ---> ffffffff0123\nSuccessfully built ffffffff0123\nSuccessfully tagged app:1\n', stderr: '' });
    expect(dirs).toEqual(['ctx']);
    expect(engine.calls[0]).toEqual(['build', { context, dockerfile: 'Dockerfile.dev', tags: ['app:1', 'app:latest'], buildArgs: { V: '2' }, labels: {}, noCache: true, quiet: false, onProgress: expect.any(Function) }]);
  });

  it('build -q prints only the ID; a failing step exits 1 with its message', async () => {
    const ok = fakeEngine();
    expect((await docker(ok, 'docker build -q .', { buildContext: async () => ({}) })).stdout).toBe(IMAGE_ID + '\n');
    const failing = fakeEngine({
      build: async (o) => {
        o.onProgress?.({ stream: 'Step 2/2 : RUN false\n' });
        o.onProgress?.({ errorDetail: { message: "The command '/bin/sh -c false' returned a non-zero code: 1" } });
        throw new EngineError('invalid-argument', "The command '/bin/sh -c false' returned a non-zero code: 1");
      },
    });
    const r = await docker(failing, 'docker build .', { buildContext: async () => ({}) });
    expect(r).toEqual({ status: 1, stdout: 'Step 2/2 : RUN false\n', stderr: "The command '/bin/sh -c false' returned a non-zero code: 1\n" });
  });

  it('save -o writes the archive; without -o it refuses', async () => {
    const files = new Map<string, Uint8Array>();
    const engine = fakeEngine();
    const r = await docker(engine, 'docker save -o box.tar box', { writeFile: async (p, d) => void files.set(p, d) });
    expect(r.status).toBe(0);
    expect([...files.get('box.tar')!]).toEqual([1, 2, 3]);
    const refused = await docker(engine, 'docker save box');
    expect(refused).toEqual({ status: 1, stdout: '', stderr: 'cowardly refusing to save to a terminal. Use the -o flag or redirect\n' });
  });

  it('load -i reads the file and prints what was loaded', async () => {
    const engine = fakeEngine({ loadImages: async () => ['box:latest', 'sha256:' + 'a'.repeat(64)] });
    const r = await docker(engine, 'docker load -i box.tar', { readFile: async () => new Uint8Array([9]) });
    expect(r.stdout).toBe(`Loaded image: box:latest\nLoaded image ID: sha256:${'a'.repeat(64)}\n`);
    const missing = await docker(engine, 'docker load -i nope.tar', {
      readFile: async () => {
        throw new Error('no such file or directory');
      },
    });
    expect(missing).toEqual({ status: 1, stdout: '', stderr: 'open nope.tar: no such file or directory\n' });
  });

  it('tag and rmi', async () => {
    const engine = fakeEngine({
      removeImage: async (r) => {
        if (r === 'nope') throw new EngineError('not-found', 'No such image: nope:latest');
        return [{ Untagged: 'box:latest' }, { Deleted: IMAGE_ID }];
      },
    });
    expect(await docker(engine, 'docker tag box box:2')).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(engine.calls[0]).toEqual(['tag', 'box', 'box:2']);
    expect(await docker(engine, 'docker rmi box nope')).toEqual({ status: 1, stdout: `Untagged: box:latest\nDeleted: ${IMAGE_ID}\n`, stderr: 'Error response from daemon: No such image: nope:latest\n' });
    expect((await docker(engine, 'docker image rm -f nope')).status).toBe(0);
  });
});
