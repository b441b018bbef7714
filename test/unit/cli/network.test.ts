/**
 * Our docker CLI (engine/cli) on a real engine core: `docker network ...`, `docker port`, run's
 * -p/-P/--expose/--network flags and the PORTS column, with docker's tables and messages.
 */
import { describe, expect, it } from 'vitest';
import { boxHosts } from '../core/support/box-hosts.ts';
import { docker } from './fake-engine.ts';

const hosts = boxHosts();
const boxHost = () => hosts.host({ pulled: true, clock: 'real' });

const LOOP = "box sh -c 'while true; do sleep 1; done'";

describe('docker network', () => {
  it('create, ls (table, -q, --format, filters), inspect, rm, prune', async () => {
    const { engine } = await boxHost();
    const created = await docker(engine, 'network create --subnet 10.5.0.0/16 --label team=x app');
    expect(created.status).toBe(0);
    const id = created.stdout.trim();
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    const ls = await docker(engine, 'network ls');
    const lines = ls.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('NETWORK ID     NAME      DRIVER    SCOPE');
    expect(lines.slice(1).map((l) => l.split(/ +/).slice(1).join(' '))).toEqual(['app bridge local', 'bridge bridge local', 'none null local']);
    expect(lines[1].slice(0, 12)).toBe(id.slice(0, 12));
    expect((await docker(engine, 'network ls -q --no-trunc -f name=ap')).stdout).toBe(`${id}\n`);
    expect((await docker(engine, 'network ls -f type=builtin --format "{{.Name}}/{{.Driver}}"')).stdout).toBe('bridge/bridge\nnone/null\n');
    expect((await docker(engine, 'network ls -f dangling=true --format {{.Name}}')).stdout).toBe('app\n');
    const bad = await docker(engine, 'network ls -f colour=red');
    expect(bad).toMatchObject({ status: 1, stderr: "Error response from daemon: invalid filter 'colour'\n" });

    const inspect = await docker(engine, 'network inspect app');
    const [view] = JSON.parse(inspect.stdout);
    expect(view).toMatchObject({ Name: 'app', Id: id, Driver: 'bridge', IPAM: { Driver: 'default', Config: [{ Subnet: '10.5.0.0/16' }] }, Labels: { team: 'x' }, Containers: {} });
    expect((await docker(engine, 'inspect -f "{{.Name}} {{.Scope}}" app')).stdout).toBe('app local\n');

    expect(await docker(engine, 'network create --gateway 10.9.0.1 gw')).toMatchObject({ status: 1, stderr: 'every ip-range or gateway must have a corresponding subnet\n' });
    expect((await docker(engine, 'network create --subnet 10.5.3.0/24 clash')).stderr).toBe('Error response from daemon: Pool overlaps with other one on this address space\n');
    expect((await docker(engine, 'network create --subnet 10.9.0.0/16 --gateway 10.8.0.1 gw')).stderr).toBe('Error response from daemon: no matching subnet for gateway 10.8.0.1\n');

    const rm = await docker(engine, 'network rm app nope');
    expect(rm).toMatchObject({ status: 1, stdout: 'app\n', stderr: 'Error response from daemon: network nope not found\n' });
    expect(await docker(engine, 'network rm -f nope')).toMatchObject({ status: 0, stdout: '', stderr: '' });
    await docker(engine, 'network create a1');
    await docker(engine, 'network create a2');
    expect(await docker(engine, 'network prune -f')).toMatchObject({ status: 0, stdout: 'Deleted Networks:\na1\na2\n\n' });
    // docker system prune says it removes "all networks not used by at least one container": it does.
    await docker(engine, 'network create left');
    const { stdout } = await docker(engine, 'system prune -f');
    expect(stdout).toMatch(/^Deleted Networks:\nleft\n\n/);
    expect((await docker(engine, 'network ls --format {{.Name}}')).stdout).toBe('bridge\nnone\n');
  });

  it('connect, disconnect and the addresses containers see', async () => {
    const { engine } = await boxHost();
    await docker(engine, 'network create app');
    expect((await docker(engine, `run -d --name kv --network app --network-alias db ${LOOP}`)).status).toBe(0);
    expect((await docker(engine, `run -d --name web ${LOOP}`)).status).toBe(0);
    expect((await docker(engine, 'inspect -f "{{.NetworkSettings.Networks.app.IPAddress}} {{.NetworkSettings.IPAddress}}" kv')).stdout).toBe('172.18.0.2 \n');
    expect((await docker(engine, 'inspect -f "{{.NetworkSettings.IPAddress}}" web')).stdout).toBe('172.17.0.2\n');
    expect((await docker(engine, 'network connect --alias front app web')).status).toBe(0);
    expect((await docker(engine, 'ps --format "{{.Names}} {{.Networks}}"')).stdout).toBe('web app,bridge\nkv app\n');
    expect((await docker(engine, 'ps -f network=app --format {{.Names}}')).stdout).toBe('web\nkv\n');
    const containers = await docker(engine, 'network inspect -f "{{range .Containers}}{{.Name}}={{.IPv4Address}} {{end}}" app');
    expect(containers.stdout.trim().split(' ').sort()).toEqual(['kv=172.18.0.2/16', 'web=172.18.0.3/16']);
    expect((await docker(engine, 'network rm app')).stderr).toMatch(/^Error response from daemon: error while removing network: network app id [0-9a-f]{64} has active endpoints\n$/);
    expect((await docker(engine, 'network disconnect app web')).status).toBe(0);
    expect((await docker(engine, 'network disconnect app web')).stderr).toMatch(/is not connected to network app/);
    const alias = await docker(engine, `run -d --network-alias x ${LOOP}`);
    expect(alias).toMatchObject({ status: 125, stderr: "docker: network-scoped aliases are only supported for user-defined networks.\nSee 'docker run --help'.\n" });
    expect((await docker(engine, 'run --rm --network host box true')).stderr).toMatch(/^docker: Error response from daemon: the host network is not available here/);
    await docker(engine, 'rm -f kv web');
  });
});

describe('ports', () => {
  it('-p, -P, --expose: docker port and the PORTS column', async () => {
    const { engine } = await boxHost();
    expect((await docker(engine, `run -d --name web -p 8080:80 -p 127.0.0.1:9090:81/udp --expose 90 ${LOOP}`)).status).toBe(0);
    expect((await docker(engine, 'port web')).stdout).toBe('80/tcp -> 0.0.0.0:8080\n80/tcp -> [::]:8080\n81/udp -> 127.0.0.1:9090\n');
    expect((await docker(engine, 'port web 81/udp')).stdout).toBe('127.0.0.1:9090\n');
    expect(await docker(engine, 'port web 90')).toMatchObject({ status: 1, stderr: "Error: No public port '90' published for web\n" });
    expect((await docker(engine, 'ps --format {{.Ports}}')).stdout).toBe('0.0.0.0:8080->80/tcp, [::]:8080->80/tcp, 127.0.0.1:9090->81/udp, 90/tcp\n');
    expect((await docker(engine, 'ps -f publish=80 -f expose=90 --format {{.Names}}')).stdout).toBe('web\n');
    expect((await docker(engine, 'ps -f publish=90 --format {{.Names}}')).stdout).toBe('');
    expect((await docker(engine, 'ps -f publish=81/udp --format {{.Names}}')).stdout).toBe('web\n');
    expect((await docker(engine, 'ps -f expose=85-95 --format {{.Names}}')).stdout).toBe('web\n');
    expect((await docker(engine, `run -d --name all -P --expose 7000-7001 ${LOOP}`)).status).toBe(0);
    expect((await docker(engine, 'port all')).stdout).toBe(
      '7000/tcp -> 0.0.0.0:32768\n7000/tcp -> [::]:32768\n7001/tcp -> 0.0.0.0:32769\n7001/tcp -> [::]:32769\n',
    );
    const taken = await docker(engine, `run -d --name again -p 8080:80 ${LOOP}`);
    expect(taken.status).toBe(125);
    expect(taken.stderr).toMatch(/^docker: Error response from daemon: driver failed programming external connectivity on endpoint again \([0-9a-f]{64}\): Bind for 0\.0\.0\.0:8080 failed: port is already allocated\.\n$/);
    for (const [flag, message] of [
      ['-p 70000:80', 'invalid hostPort: 70000'],
      ['-p 80:abc', 'invalid containerPort: abc'],
      ['-p 8080:80/foo', 'invalid proto: foo'],
      ['--expose 1:2', 'invalid range format for --expose: 1:2'],
    ]) {
      expect(await docker(engine, `run -d ${flag} box true`)).toMatchObject({ status: 125, stderr: `docker: ${message}.\nSee 'docker run --help'.\n` });
    }
    expect((await docker(engine, 'create -p 192.168.0.9:80:80 box')).stderr).toMatch(/^docker: cannot publish on 192\.168\.0\.9: ports are published on the loopback only here/);
    await docker(engine, 'rm -f web all again');
  });
});
