/**
 * `docker compose` on the real engine core (test host, box image): what up makes and how it is
 * named and labelled, ps, logs, exec, run, down -v, recreating only what changed, depends_on
 * order and conditions, and the failures a learner meets (a dependency that exits at once, two
 * services on one host port).
 */
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../../engine/engine.ts';
import { boxHosts } from '../core/support/box-hosts.ts';
import { runDocker } from '../../../engine/cli/index.ts';
import { docker } from '../cli/fake-engine.ts';
import { compose, workspace } from './workspace-io.ts';

const hosts = boxHosts();
const host = async () => (await hosts.host({ pulled: true, clock: 'real' })).engine;

const LOOP = "sh -c 'echo started; while true; do sleep 1; done'";
const HITS = {
  'compose.yaml': `services:
  web:
    image: box
    command: ${LOOP}
    ports: ["8080:80"]
    depends_on: [kv]
  kv:
    image: box
    command: ${LOOP}
    volumes: [kvdata:/data]
    networks:
      default:
        aliases: [store]
volumes:
  kvdata:
`,
};

const lines = (text: string) => text.trimEnd().split('\n');

/** What `down` prints for HITS: web stopped and removed before kv, then (-v) the volume, then the network. */
function hitsDown(volumes: boolean): string[] {
  const gone = (c: string) => ['Stopping', 'Stopped', 'Removing', 'Removed'].map((s) => ` Container ${c}  ${s}`);
  return [...gone('hits-web-1'), ...gone('hits-kv-1'), ...(volumes ? [' Volume "hits_kvdata"  Removing', ' Volume "hits_kvdata"  Removed'] : []), ' Network hits_default  Removing', ' Network hits_default  Removed'];
}
const columns = (line: string) => line.split(/ {2,}/);

async function names(engine: Engine, filter = ''): Promise<string[]> {
  return lines((await docker(engine, `ps -a ${filter} --format {{.Names}}`)).stdout).filter(Boolean).sort();
}

describe('docker compose up -d, ps, down', () => {
  it("makes Compose's network, volume and containers, with its names and labels", async () => {
    const engine = await host();
    const up = await compose(engine, HITS, 'up -d');
    expect(up.status).toBe(0);
    expect(up.stdout).toBe('');
    expect(lines(up.stderr)).toEqual([
      ' Network hits_default  Creating',
      ' Network hits_default  Created',
      ' Volume "hits_kvdata"  Creating',
      ' Volume "hits_kvdata"  Created',
      ' Container hits-kv-1  Creating',
      ' Container hits-kv-1  Created',
      ' Container hits-web-1  Creating',
      ' Container hits-web-1  Created',
      ' Container hits-kv-1  Starting',
      ' Container hits-kv-1  Started',
      ' Container hits-web-1  Starting',
      ' Container hits-web-1  Started',
    ]);
    expect(await names(engine, '--filter label=com.docker.compose.project=hits')).toEqual(['hits-kv-1', 'hits-web-1']);
    const [web] = JSON.parse((await docker(engine, 'inspect hits-web-1')).stdout);
    expect(web.Config.Labels).toMatchObject({
      'com.docker.compose.project': 'hits',
      'com.docker.compose.service': 'web',
      'com.docker.compose.container-number': '1',
      'com.docker.compose.oneoff': 'False',
      'com.docker.compose.project.working_dir': '/home/learner/hits',
      'com.docker.compose.project.config_files': '/home/learner/hits/compose.yaml',
      'com.docker.compose.depends_on': 'kv:service_started:false',
      'com.docker.compose.image': web.Image,
    });
    expect(web.Config.Labels['com.docker.compose.config-hash']).toMatch(/^[0-9a-f]{64}$/);
    expect(web.HostConfig.NetworkMode).toBe('hits_default');
    expect(web.HostConfig.PortBindings).toEqual({ '80/tcp': [{ HostIp: '', HostPort: '8080' }] });
    const [kv] = JSON.parse((await docker(engine, 'inspect hits-kv-1')).stdout);
    expect(kv.NetworkSettings.Networks.hits_default.Aliases).toEqual(expect.arrayContaining(['kv', 'store']));
    expect(kv.Mounts).toMatchObject([{ Type: 'volume', Name: 'hits_kvdata', Destination: '/data' }]);
    const [network] = JSON.parse((await docker(engine, 'network inspect hits_default')).stdout);
    expect(network.Labels).toMatchObject({ 'com.docker.compose.project': 'hits', 'com.docker.compose.network': 'default' });
    const [volume] = JSON.parse((await docker(engine, 'volume inspect hits_kvdata')).stdout);
    expect(volume.Labels).toMatchObject({ 'com.docker.compose.project': 'hits', 'com.docker.compose.volume': 'kvdata' });

    const ps = await compose(engine, HITS, 'ps');
    const table = lines(ps.stdout);
    expect(columns(table[0])).toEqual(['NAME', 'IMAGE', 'COMMAND', 'SERVICE', 'CREATED', 'STATUS', 'PORTS']);
    expect(table.slice(1).map((l) => [columns(l)[0], columns(l)[1], columns(l)[3]])).toEqual([
      ['hits-kv-1', 'box', 'kv'],
      ['hits-web-1', 'box', 'web'],
    ]);
    expect(table[2]).toContain('0.0.0.0:8080->80/tcp');
    expect((await compose(engine, HITS, 'ps --services')).stdout).toBe('kv\nweb\n');
    expect(lines((await compose(engine, HITS, 'ps -q')).stdout)).toEqual([kv.Id, web.Id]);

    const again = await compose(engine, HITS, 'up -d');
    expect(lines(again.stderr)).toEqual([' Container hits-kv-1  Running', ' Container hits-web-1  Running']);

    const down = await compose(engine, HITS, 'down');
    expect(down.status).toBe(0);
    expect(lines(down.stderr)).toEqual(hitsDown(false));
    expect(await names(engine)).toEqual([]);
    // Without -v the data stays for the next up, as with Compose.
    expect((await docker(engine, 'volume ls -q')).stdout).toBe('hits_kvdata\n');
    expect((await compose(engine, HITS, 'up -d')).status).toBe(0);
    const downV = await compose(engine, HITS, 'down -v');
    expect(downV.stderr).toContain(' Volume "hits_kvdata"  Removing\n Volume "hits_kvdata"  Removed\n');
    expect((await docker(engine, 'volume ls -q')).stdout).toBe('');
    expect((await docker(engine, 'network ls --format {{.Name}}')).stdout).toBe('bridge\nnone\n');
  });

  it('-p NAME down without the compose file takes down what the labels say, dependents first', async () => {
    const engine = await host();
    expect((await compose(engine, HITS, 'up -d')).status).toBe(0);
    const down = await compose(engine, {}, '-p hits down -v');
    expect(down.status).toBe(0);
    expect(lines(down.stderr)).toEqual(hitsDown(true));
    expect(await names(engine)).toEqual([]);
    expect(await compose(engine, {}, 'down')).toMatchObject({ status: 1, stderr: 'no configuration file provided: not found\n' });
  });

  it('recreates only the service whose configuration changed', async () => {
    const engine = await host();
    expect((await compose(engine, HITS, 'up -d')).status).toBe(0);
    const ids = async () => lines((await docker(engine, 'ps -a --no-trunc --format "{{.Names}} {{.ID}}"')).stdout).sort();
    const before = await ids();
    const changed = { 'compose.yaml': HITS['compose.yaml'].replace('ports: ["8080:80"]', 'ports: ["8081:80"]') };
    const up = await compose(engine, changed, 'up -d');
    expect(up.status).toBe(0);
    expect(lines(up.stderr)).toEqual([
      ' Container hits-web-1  Recreate',
      ' Container hits-web-1  Recreated',
      ' Container hits-kv-1  Running',
      ' Container hits-web-1  Starting',
      ' Container hits-web-1  Started',
    ]);
    const after = await ids();
    expect(after.find((l) => l.startsWith('hits-kv-1'))).toBe(before.find((l) => l.startsWith('hits-kv-1')));
    expect(after.find((l) => l.startsWith('hits-web-1'))).not.toBe(before.find((l) => l.startsWith('hits-web-1')));
    expect((await docker(engine, 'port hits-web-1')).stdout).toContain('0.0.0.0:8081');
    const forced = await compose(engine, changed, 'up -d --force-recreate kv');
    expect(forced.stderr).toContain(' Container hits-kv-1  Recreate\n');
    expect(forced.stderr).not.toContain('hits-web-1');
    await compose(engine, changed, 'down -v');
  });
});

describe('output', () => {
  const ONCE = {
    'compose.yaml': `services:
  web:
    image: box
    command: sh -c 'echo hello from web; echo oops >&2; exit 3'
    depends_on: [kv]
  kv:
    image: box
    command: echo kv says hi
`,
  };

  it('attached up prints each line after its prefix and how each container ended; logs prints the same', async () => {
    const engine = await host();
    const up = await compose(engine, ONCE, 'up');
    expect(up.status).toBe(0);
    const out = lines(up.stdout);
    expect(out[0]).toBe('Attaching to kv-1, web-1');
    expect(out.slice(1).sort()).toEqual(['kv-1   | kv says hi', 'kv-1 exited with code 0', 'web-1  | hello from web', 'web-1  | oops', 'web-1 exited with code 3'].sort());
    expect(out.indexOf('web-1  | hello from web')).toBeLessThan(out.indexOf('web-1 exited with code 3'));
    const logs = await compose(engine, ONCE, 'logs');
    expect(lines(logs.stdout).sort()).toEqual(['kv-1   | kv says hi', 'web-1  | hello from web', 'web-1  | oops'].sort());
    expect((await compose(engine, ONCE, 'logs --no-log-prefix kv')).stdout).toBe('kv says hi\n');
    const coloured = await compose(engine, ONCE, 'logs kv', { isTTY: true });
    expect(coloured.stdout).toBe('\x1b[36mkv-1  | \x1b[0mkv says hi\n');
    expect((await compose(engine, ONCE, 'ps')).stdout).toBe('NAME      IMAGE     COMMAND   SERVICE   CREATED   STATUS    PORTS\n');
    expect(lines((await compose(engine, ONCE, 'ps -a --format x')).stderr)[0]).toBe('unknown flag: --format');
    expect(lines((await compose(engine, ONCE, 'ps -a')).stdout).map((l) => columns(l)[0])).toEqual(['NAME', 'hits-kv-1', 'hits-web-1']);
    await compose(engine, ONCE, 'down');
  });

  it('Ctrl-C during an attached up stops the containers, dependents first; logs -f follows until then', async () => {
    const engine = await host();
    const stop = new AbortController();
    let stdout = '';
    let stderr = '';
    const io = { ...workspace(HITS), signal: stop.signal, stderr: (t: string) => (stderr += t) };
    const status = runDocker(engine, ['compose', 'up'], {
      ...io,
      stdout: (t) => {
        stdout += t;
        // Both have started and said so: the learner presses Ctrl-C.
        if ((stdout.match(/\| started/g) ?? []).length === 2) stop.abort();
      },
    });
    expect(await status).toBe(130);
    expect(lines(stdout)[0]).toBe('Attaching to kv-1, web-1');
    expect(lines(stdout).slice(1, 3).sort()).toEqual(['kv-1   | started', 'web-1  | started']);
    expect(lines(stdout)[3]).toBe('Gracefully stopping... (press Ctrl+C again to force)');
    expect(lines(stderr).slice(-4)).toEqual([' Container hits-web-1  Stopping', ' Container hits-web-1  Stopped', ' Container hits-kv-1  Stopping', ' Container hits-kv-1  Stopped']);
    expect((await docker(engine, 'ps -q')).stdout).toBe('');

    await compose(engine, HITS, 'start');
    const follow = new AbortController();
    let followed = '';
    const following = runDocker(engine, ['compose', 'logs', '-f', 'kv'], {
      ...workspace(HITS),
      signal: follow.signal,
      stdout: (t) => {
        followed += t;
        if ((followed.match(/started/g) ?? []).length === 2) follow.abort();
      },
      stderr: () => {},
    });
    expect(await following).toBe(130);
    expect(followed).toBe('kv-1  | started\nkv-1  | started\n');
    await compose(engine, HITS, 'down');
  });

  it('docker compose --help lists the subcommands; an unknown one is named', async () => {
    const engine = await host();
    const help = await compose(engine, {}, '--help');
    expect(help.stdout).toContain('Usage:  docker compose [OPTIONS] COMMAND\n');
    expect(help.stdout).toContain('\n  up        Create and start containers\n');
    expect((await docker(engine, 'help compose')).stdout).toBe(help.stdout);
    expect(await compose(engine, {}, 'frobnicate')).toMatchObject({ status: 1, stderr: 'unknown docker command: "compose frobnicate"\n' });
    expect((await compose(engine, {}, 'up --bogus')).stderr).toMatch(/^unknown flag: --bogus\n/);
    expect(await compose(engine, {}, 'version')).toMatchObject({ status: 0, stdout: 'Docker Compose version v2.39.2\n' });
  });

  it('exec and run --rm in a service; run leaves no container with --rm', async () => {
    const engine = await host();
    await compose(engine, HITS, 'up -d');
    const exec = await compose(engine, HITS, 'exec kv sh -c "echo in $HOSTNAME; exit 4"');
    expect(exec.status).toBe(4);
    expect(exec.stdout).toMatch(/^in [0-9a-f]{12}\n$/);
    expect(await compose(engine, HITS, 'exec nope true')).toMatchObject({ status: 1, stderr: 'no such service: nope\n' });
    await docker(engine, 'stop -t 0 hits-kv-1');
    expect(await compose(engine, HITS, 'exec kv true')).toMatchObject({ status: 1, stderr: 'service "kv" is not running\n' });
    await compose(engine, HITS, 'start kv');
    const run = await compose(engine, HITS, 'run --rm web echo one-off');
    expect(run).toMatchObject({ status: 0, stdout: 'one-off\n' });
    expect(lines(run.stderr)).toEqual([' Container hits-kv-1  Running']);
    expect(await names(engine)).toEqual(['hits-kv-1', 'hits-web-1']);
    const kept = await compose(engine, HITS, 'run web sh -c "exit 2"');
    expect(kept.status).toBe(2);
    const oneoff = await names(engine, '--filter label=com.docker.compose.oneoff=True');
    expect(oneoff).toHaveLength(1);
    expect(oneoff[0]).toMatch(/^hits-web-run-[0-9a-f]{12}$/);
    expect(lines((await compose(engine, HITS, 'ps -a')).stdout).map((l) => columns(l)[0]).slice(1)).toEqual(['hits-kv-1', 'hits-web-1', oneoff[0]]);
    const down = await compose(engine, HITS, 'down -v');
    expect(down.stderr).toContain(` Container ${oneoff[0]}  Removed`);
    expect(await names(engine)).toEqual([]);
  });

  it('stop, start, restart in dependency order', async () => {
    const engine = await host();
    await compose(engine, HITS, 'up -d');
    expect(lines((await compose(engine, HITS, 'stop -t 0')).stderr)).toEqual([' Container hits-web-1  Stopping', ' Container hits-web-1  Stopped', ' Container hits-kv-1  Stopping', ' Container hits-kv-1  Stopped']);
    expect(lines((await compose(engine, HITS, 'start')).stderr)).toEqual([' Container hits-kv-1  Starting', ' Container hits-kv-1  Started', ' Container hits-web-1  Starting', ' Container hits-web-1  Started']);
    expect(lines((await compose(engine, HITS, 'restart -t 0 web')).stderr)).toEqual([' Container hits-web-1  Restarting', ' Container hits-web-1  Started']);
    expect(lines((await compose(engine, HITS, 'ps --format-less')).stderr)[0]).toBe('unknown flag: --format-less');
    expect(lines((await compose(engine, HITS, 'ps')).stdout)).toHaveLength(3);
    await compose(engine, HITS, 'down -v');
  });
});

describe('build and depends_on conditions', () => {
  it('builds a service image as PROJECT-SERVICE and runs it; --build builds again', async () => {
    const engine = await host();
    const files = {
      'compose.yaml': 'services:\n  app:\n    build:\n      context: ./app\n      args:\n        WHO: compose\n    command: cat /greeting\n',
      'app/Dockerfile': 'FROM box\nARG WHO\nRUN echo "built by $WHO" > /greeting\n',
    };
    const up = await compose(engine, files, 'up');
    expect(up.status).toBe(0);
    expect(up.stderr).toContain(' Service app  Building\n');
    expect(up.stderr).toContain(' Service app  Built\n');
    expect(up.stdout).toContain('app-1  | built by compose\n');
    expect((await docker(engine, 'images --format {{.Repository}} hits-app')).stdout).toBe('hits-app\n');
    const again = await compose(engine, files, 'up -d');
    expect(again.stderr).not.toContain('Building');
    expect((await compose(engine, files, 'build')).stderr).toContain(' Service app  Built\n');
    await compose(engine, files, 'down');
  });

  it('service_completed_successfully waits for exit 0; a failing one stops up with Compose words', async () => {
    const engine = await host();
    const file = (code: number) => ({
      'compose.yaml': `services:\n  web:\n    image: box\n    command: ${LOOP}\n    depends_on:\n      migrate:\n        condition: service_completed_successfully\n  migrate:\n    image: box\n    command: sh -c 'sleep 1; exit ${code}'\n`,
    });
    const ok = await compose(engine, file(0), 'up -d');
    expect(ok.status).toBe(0);
    expect(lines(ok.stderr).slice(-5)).toEqual([' Container hits-migrate-1  Started', ' Container hits-migrate-1  Waiting', ' Container hits-migrate-1  Exited', ' Container hits-web-1  Starting', ' Container hits-web-1  Started']);
    await compose(engine, file(0), 'down');
    const bad = await compose(engine, file(5), 'up -d');
    expect(bad.status).toBe(1);
    expect(lines(bad.stderr).slice(-2)).toEqual([' Container hits-migrate-1  Error', 'service "migrate" didn\'t complete successfully: exit 5']);
    expect((await docker(engine, 'ps -a --format "{{.Names}} {{.State}}" --filter name=hits-web')).stdout).toBe('hits-web-1 created\n');
    await compose(engine, file(5), 'down');
  });

  it('service_healthy: waits for healthy; a dependency that exits at once fails up and its dependent is not started', async () => {
    const engine = await host();
    const file = (dbCommand: string) => ({
      'compose.yaml': `services:
  web:
    image: box
    command: ${LOOP}
    depends_on:
      db:
        condition: service_healthy
  db:
    image: box
    command: ${dbCommand}
    healthcheck:
      test: ["CMD", "true"]
      interval: 1s
      timeout: 5s
      retries: 3
`,
    });
    const healthy = await compose(engine, file(LOOP), 'up -d');
    expect(healthy.status).toBe(0);
    expect(lines(healthy.stderr).slice(-5)).toEqual([' Container hits-db-1  Started', ' Container hits-db-1  Waiting', ' Container hits-db-1  Healthy', ' Container hits-web-1  Starting', ' Container hits-web-1  Started']);
    const [db] = JSON.parse((await docker(engine, 'inspect hits-db-1')).stdout);
    expect(db.Config.Healthcheck).toEqual({ Test: ['CMD', 'true'], Interval: 1e9, Timeout: 5e9, Retries: 3 });
    await compose(engine, file(LOOP), 'down');
    const exits = await compose(engine, file('sh -c "exit 1"'), 'up -d');
    expect(exits.status).toBe(1);
    expect(lines(exits.stderr).slice(-2)).toEqual([' Container hits-db-1  Error', 'dependency failed to start: container hits-db-1 exited (1)']);
    expect((await docker(engine, 'ps -a --format "{{.Names}} {{.State}}"')).stdout.split('\n').sort().join('\n')).toBe('\nhits-db-1 exited\nhits-web-1 created');
    await compose(engine, file('true'), 'down');
  });
});

describe('bad input at up', () => {
  it('two services on one host port: the second fails to start in the daemon words, the first keeps running', async () => {
    const engine = await host();
    const files = { 'compose.yaml': `services:\n  a:\n    image: box\n    command: ${LOOP}\n    ports: ["8080:80"]\n  b:\n    image: box\n    command: ${LOOP}\n    ports: ["8080:80"]\n` };
    const up = await compose(engine, files, 'up -d');
    expect(up.status).toBe(1);
    const err = lines(up.stderr);
    expect(err.slice(-2)[0]).toBe(' Container hits-b-1  Error');
    expect(err[err.length - 1]).toMatch(/^Error response from daemon: .*port is already allocated/);
    expect((await docker(engine, 'ps --format {{.Names}}')).stdout).toBe('hits-a-1\n');
    await compose(engine, files, 'down');
  });

  it('an unset variable warns and the project still comes up; a missing image is named', async () => {
    const engine = await host();
    const up = await compose(engine, { 'compose.yaml': `services:\n  a:\n    image: box\n    command: ${LOOP}\n    environment:\n      - MODE=\${MODE}\n` }, 'up -d');
    expect(up.status).toBe(0);
    expect(lines(up.stderr)[0]).toBe('WARN[0000] The "MODE" variable is not set. Defaulting to a blank string.');
    await compose(engine, { 'compose.yaml': 'services:\n  a:\n    image: box\n' }, 'down');
    const missing = await compose(engine, { 'compose.yaml': 'services:\n  a:\n    image: nosuchimage\n' }, 'up -d');
    expect(missing.status).toBe(1);
    expect(lines(missing.stderr)[0]).toBe(' a Pulling');
    expect(lines(missing.stderr)[1]).toBe(' a Error');
    expect(lines(missing.stderr)[2]).toMatch(/^Error response from daemon: pull access denied for nosuchimage, repository does not exist/);
    expect(await names(engine)).toEqual([]);
  });
});
