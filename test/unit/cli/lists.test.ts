import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../engine/errors.ts';
import { docker, fakeEngine, ID_A, IMAGE_ID, imageSummary, NOW, summary, volume } from './fake-engine.ts';

const ID_B = 'b'.repeat(64);

describe('docker ps', () => {
  it('prints only the header when nothing runs', async () => {
    const r = await docker(fakeEngine(), 'docker ps');
    expect(r.stdout).toBe('CONTAINER ID   IMAGE     COMMAND   CREATED   STATUS    PORTS     NAMES\n');
  });

  it("prints docker's table: short IDs, quoted truncated commands, human times", async () => {
    const engine = fakeEngine({
      listContainers: async () => [
        summary({ Command: "sh -c 'echo hello world; sleep 10'" }),
        summary({ Id: ID_B, Names: ['/web'], Image: 'box:1.0', Command: 'httpd', Created: NOW / 1000 - 3 * 3600, State: 'exited', Status: 'Exited (0) 2 minutes ago' }),
      ],
    });
    const r = await docker(engine, 'docker ps -a');
    expect(r.stdout).toBe(
      'CONTAINER ID   IMAGE     COMMAND                  CREATED         STATUS                     PORTS     NAMES\n' +
        `${ID_A.slice(0, 12)}   box       "sh -c 'echo hello w…"   2 seconds ago   Up 2 seconds                         happy_turing\n` +
        `bbbbbbbbbbbb   box:1.0   "httpd"                  3 hours ago     Exited (0) 2 minutes ago             web\n`,
    );
    expect(engine.calls[0]).toEqual(['listContainers', { all: true }]);
  });

  it('--no-trunc shows full IDs and commands', async () => {
    const engine = fakeEngine({ listContainers: async () => [summary({ Command: "sh -c 'echo hello world; sleep 10'" })] });
    const r = await docker(engine, 'docker ps --no-trunc');
    expect(r.stdout).toContain(ID_A);
    expect(r.stdout).toContain(`"sh -c 'echo hello world; sleep 10'"`);
  });

  it('-q prints IDs only; -aq together', async () => {
    const engine = fakeEngine({ listContainers: async () => [summary(), summary({ Id: ID_B })] });
    expect((await docker(engine, 'docker ps -aq')).stdout).toBe(`${ID_A.slice(0, 12)}\nbbbbbbbbbbbb\n`);
  });

  it('-n and -l show the latest created, all states', async () => {
    const engine = fakeEngine({ listContainers: async () => [summary({ Created: 1 }), summary({ Id: ID_B, Created: 2 })] });
    expect((await docker(engine, 'docker ps -lq')).stdout).toBe('bbbbbbbbbbbb\n');
    expect((await docker(engine, 'docker ps -n 2 -q')).stdout).toBe('bbbbbbbbbbbb\n' + ID_A.slice(0, 12) + '\n');
  });

  it('--format runs a Go template per container; table adds headers', async () => {
    const engine = fakeEngine({ listContainers: async () => [summary(), summary({ Id: ID_B, Names: ['/web'], State: 'exited' })] });
    expect((await docker(engine, "docker ps --format '{{.Names}}: {{.State}}'")).stdout).toBe('happy_turing: running\nweb: exited\n');
    expect((await docker(engine, "docker ps --format 'table {{.ID}}\\t{{.Names}}'")).stdout).toBe(
      `CONTAINER ID   NAMES\n${ID_A.slice(0, 12)}   happy_turing\nbbbbbbbbbbbb   web\n`,
    );
    const json = (await docker(engine, 'docker ps --format json')).stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(json[1]).toMatchObject({ ID: 'bbbbbbbbbbbb', Names: 'web', State: 'exited', Command: '"sh"' });
  });

  it('a bad template is reported', async () => {
    const r = await docker(fakeEngine({ listContainers: async () => [summary()] }), "docker ps --format '{{nope}}'");
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('template parsing error: template: :1: function "nope" not defined\n');
  });

  it('filters by status and name', async () => {
    const engine = fakeEngine({ listContainers: async () => [summary(), summary({ Id: ID_B, Names: ['/web'], State: 'exited' })] });
    expect((await docker(engine, 'docker ps -q -f status=exited')).stdout).toBe('bbbbbbbbbbbb\n');
    expect((await docker(engine, 'docker ps -aq --filter name=happy')).stdout).toBe(ID_A.slice(0, 12) + '\n');
    const bad = await docker(engine, 'docker ps -f colour=red');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toBe("Error response from daemon: Invalid filter 'colour'\n");
  });

  it('docker container ls and container ps are docker ps', async () => {
    const engine = fakeEngine({ listContainers: async () => [summary()] });
    const a = await docker(engine, 'docker ps');
    expect((await docker(engine, 'docker container ls')).stdout).toBe(a.stdout);
    expect((await docker(engine, 'docker container ps')).stdout).toBe(a.stdout);
    expect((await docker(engine, 'docker container list')).stdout).toBe(a.stdout);
  });
});

describe('docker images', () => {
  const list = [
    imageSummary({ RepoTags: ['box:latest', 'box:1.0'] }),
    imageSummary({ Id: 'sha256:' + 'c'.repeat(64), RepoTags: [], Created: NOW / 1000 - 86400 * 3, Size: 512 }),
    imageSummary({ Id: 'sha256:' + 'd'.repeat(64), RepoTags: ['localhost:5000/team/app:v2'], Created: NOW / 1000 - 30, Size: 5_000_000_000 }),
  ];

  it("prints docker's table with a row per tag and <none> for untagged images", async () => {
    const r = await docker(fakeEngine({ listImages: async () => list }), 'docker images');
    expect(r.stdout).toBe(
      'REPOSITORY                TAG       IMAGE ID       CREATED          SIZE\n' +
        'box                       latest    ffffffff0123   3 hours ago      1.23MB\n' +
        'box                       1.0       ffffffff0123   3 hours ago      1.23MB\n' +
        '<none>                    <none>    cccccccccccc   3 days ago       512B\n' +
        'localhost:5000/team/app   v2        dddddddddddd   30 seconds ago   5GB\n',
    );
  });

  it('filters by repository and tag, with globs', async () => {
    const engine = fakeEngine({ listImages: async () => list });
    expect((await docker(engine, 'docker images box')).stdout.split('\n').length).toBe(4);
    expect((await docker(engine, 'docker images box:1.0')).stdout).toBe(
      'REPOSITORY   TAG       IMAGE ID       CREATED       SIZE\nbox          1.0       ffffffff0123   3 hours ago   1.23MB\n',
    );
    expect((await docker(engine, "docker images 'localhost:5000/*/app'")).stdout).toContain('localhost:5000/team/app');
    expect((await docker(engine, 'docker images nothing')).stdout).toBe('REPOSITORY   TAG       IMAGE ID   CREATED   SIZE\n');
  });

  it('-q prints each image ID once; --no-trunc the full ID', async () => {
    const engine = fakeEngine({ listImages: async () => list });
    expect((await docker(engine, 'docker images -q')).stdout).toBe('ffffffff0123\ncccccccccccc\ndddddddddddd\n');
    expect((await docker(engine, 'docker image ls -q --no-trunc box')).stdout).toBe(IMAGE_ID + '\n');
  });

  it('--format with a template', async () => {
    const engine = fakeEngine({ listImages: async () => list.slice(0, 1) });
    expect((await docker(engine, "docker images --format '{{.Repository}}:{{.Tag}} {{.Size}}'")).stdout).toBe('box:latest 1.23MB\nbox:1.0 1.23MB\n');
  });
});

describe('docker history', () => {
  it('prints IMAGE CREATED CREATED BY SIZE COMMENT with <missing> rows', async () => {
    const engine = fakeEngine({
      history: async () => [
        { Id: IMAGE_ID, Created: NOW / 1000 - 60, CreatedBy: '/bin/sh -c echo hello > /greeting && cat /greeting > /dev/null', Tags: ['box:latest'], Size: 6, Comment: '' },
        { Id: '<missing>', Created: NOW / 1000 - 7200, CreatedBy: 'COPY rootfs / # buildkit', Tags: null, Size: 1_200_000, Comment: 'base' },
      ],
    });
    const r = await docker(engine, 'docker history box');
    expect(r.stdout).toBe(
      'IMAGE          CREATED              CREATED BY                                      SIZE      COMMENT\n' +
        'ffffffff0123   About a minute ago   /bin/sh -c echo hello > /greeting && cat /gr…   6B        \n' +
        '<missing>      2 hours ago          COPY rootfs / # buildkit                        1.2MB     base\n',
    );
  });
});

describe('docker volume ls / create / rm', () => {
  it('lists DRIVER and VOLUME NAME sorted by name', async () => {
    const engine = fakeEngine({ listVolumes: async () => ({ Volumes: [volume('web-data'), volume('a')], Warnings: [] }) });
    expect((await docker(engine, 'docker volume ls')).stdout).toBe('DRIVER    VOLUME NAME\nlocal     a\nlocal     web-data\n');
    expect((await docker(engine, 'docker volume ls -q')).stdout).toBe('a\nweb-data\n');
  });

  it('create prints the name; rm prints names and reports failures', async () => {
    const engine = fakeEngine({
      removeVolume: async (n) => {
        if (n === 'busy') throw new EngineError('conflict', 'remove busy: volume is in use - [abc]');
      },
    });
    expect((await docker(engine, 'docker volume create data')).stdout).toBe('data\n');
    const r = await docker(engine, 'docker volume rm data busy');
    expect(r).toEqual({ status: 1, stdout: 'data\n', stderr: 'Error response from daemon: remove busy: volume is in use - [abc]\n' });
  });
});

describe('several-container commands', () => {
  const failing = () =>
    fakeEngine({
      stopContainer: async (id) => {
        if (id === 'nope') throw new EngineError('not-found', 'No such container: nope');
      },
      removeContainer: async (id) => {
        if (id === 'nope') throw new EngineError('not-found', 'No such container: nope');
        if (id === 'live') throw new EngineError('conflict', 'cannot remove container "/live": container is running: stop the container before removing or force remove');
      },
      waitContainer: async () => ({ StatusCode: 137, Error: null }),
    });

  it('stop prints names and errors, exit 1 when one failed', async () => {
    const r = await docker(failing(), 'docker stop -t 1 web nope');
    expect(r).toEqual({ status: 1, stdout: 'web\n', stderr: 'Error response from daemon: No such container: nope\n' });
  });

  it('stop passes the timeout', async () => {
    const engine = failing();
    await docker(engine, 'docker stop --timeout=0 web');
    expect(engine.calls[0]).toEqual(['stopContainer', 'web', { timeout: 0 }]);
  });

  it('rm: conflict fails; -f makes a missing one not a failure', async () => {
    expect((await docker(failing(), 'docker rm live')).status).toBe(1);
    const forced = await docker(failing(), 'docker rm -f nope web');
    expect(forced).toEqual({ status: 0, stdout: 'web\n', stderr: 'Error response from daemon: No such container: nope\n' });
  });

  it('kill -s passes the signal; wait prints the status codes', async () => {
    const engine = failing();
    await docker(engine, 'docker kill -s SIGTERM web');
    expect(engine.calls[0]).toEqual(['killContainer', 'web', { signal: 'SIGTERM' }]);
    expect((await docker(engine, 'docker wait a b')).stdout).toBe('137\n137\n');
  });
});
