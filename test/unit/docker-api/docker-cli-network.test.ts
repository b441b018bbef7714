/**
 * The real docker CLI (28.x) drives networks and published ports through our Engine API: the
 * bodies it sends (PortBindings, NetworkingConfig.EndpointsConfig, /networks/create) and what it
 * prints from our answers - `docker port` among them, which must never panic on an answer of ours.
 */
import { describe, expect, it } from 'vitest';
import { useDockerCli } from './support/real-docker-cli.ts';

const cli = useDockerCli();
const docker = (...args: string[]) => cli.docker(args);

const LOOP = ['sh', '-c', 'while true; do sleep 1; done'];

describe('the docker CLI: networks and ports', { timeout: 120_000 }, () => {
  it('network create, ls, inspect, rm and prune', async () => {
    const created = await docker('network', 'create', '--label', 'team=x', 'app');
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/^[0-9a-f]{64}\n$/);
    const ls = await docker('network', 'ls');
    expect(ls.stdout.split('\n')[0]).toMatch(/^NETWORK ID +NAME +DRIVER +SCOPE$/);
    expect(ls.stdout).toMatch(/\n[0-9a-f]{12} +app +bridge +local\n/);
    expect(ls.stdout).toMatch(/\n[0-9a-f]{12} +bridge +bridge +local\n/);
    expect(ls.stdout).toMatch(/\n[0-9a-f]{12} +none +null +local\n/);
    expect((await docker('network', 'ls', '-f', 'type=custom', '--format', '{{.Name}} {{.Labels}}')).stdout).toBe('app team=x\n');
    const inspect = await docker('network', 'inspect', '-f', '{{.Driver}} {{range .IPAM.Config}}{{.Subnet}} {{.Gateway}}{{end}} {{.Internal}}', 'app');
    expect(inspect).toMatchObject({ code: 0, stdout: 'bridge 172.18.0.0/16 172.18.0.1 false\n' });
    const subnet = await docker('network', 'create', '--subnet', '10.5.0.0/16', '--internal', 'sub');
    expect(subnet.code, subnet.stderr).toBe(0);
    const overlap = await docker('network', 'create', '--subnet', '10.5.1.0/24', 'ov');
    expect(overlap).toMatchObject({ code: 1, stderr: 'Error response from daemon: Pool overlaps with other one on this address space\n' });
    const bad = await docker('network', 'create', '--subnet', 'foo', 'bad');
    expect(bad.stderr).toBe('Error response from daemon: Invalid subnet foo : invalid CIDR address: foo\n');
    const dup = await docker('network', 'create', 'app');
    expect(dup).toMatchObject({ code: 1, stderr: 'Error response from daemon: network with name app already exists\n' });
    const rmBridge = await docker('network', 'rm', 'bridge');
    expect(rmBridge.code).toBe(1);
    expect(rmBridge.stderr).toContain('bridge is a pre-defined network and cannot be removed');
    const prune = await docker('network', 'prune', '-f');
    expect(prune).toMatchObject({ code: 0, stdout: 'Deleted Networks:\napp\nsub\n\n' });
    const nope = await docker('network', 'inspect', 'app');
    expect(nope.code).toBe(1);
    expect(nope.stderr).toContain('network app not found');
  });

  it('run -p, docker port, ps PORTS, inspect NetworkSettings, and a port already allocated', async () => {
    const run = await docker('run', '-d', '--name', 'web', '-p', '8080:80', '-p', '127.0.0.1::81', 'box', ...LOOP);
    expect(run.code, run.stderr).toBe(0);
    const port = await docker('port', 'web');
    expect(port).toMatchObject({ code: 0, stdout: '80/tcp -> 0.0.0.0:8080\n80/tcp -> [::]:8080\n81/tcp -> 127.0.0.1:32768\n' });
    expect((await docker('port', 'web', '80')).stdout).toBe('0.0.0.0:8080\n[::]:8080\n');
    const missing = await docker('port', 'web', '82');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("No public port '82");
    const ps = await docker('ps', '--format', '{{.Names}}|{{.Ports}}|{{.Networks}}');
    expect(ps.stdout).toBe('web|0.0.0.0:8080->80/tcp, [::]:8080->80/tcp, 127.0.0.1:32768->81/tcp|bridge\n');
    expect((await docker('ps', '--filter', 'publish=81', '--format', '{{.Names}}')).stdout).toBe('web\n');
    expect((await docker('ps', '--filter', 'publish=82', '--format', '{{.Names}}')).stdout).toBe('');
    const inspect = await docker('inspect', '-f', '{{.NetworkSettings.IPAddress}} {{.NetworkSettings.Gateway}} {{.NetworkSettings.MacAddress}} {{.HostConfig.NetworkMode}} {{json .HostConfig.PortBindings}}', 'web');
    expect(inspect.stdout).toBe('172.17.0.2 172.17.0.1 02:42:ac:11:00:02 default {"80/tcp":[{"HostIp":"","HostPort":"8080"}],"81/tcp":[{"HostIp":"127.0.0.1","HostPort":""}]}\n');
    const taken = await docker('run', '-d', '--name', 'web2', '-p', '8080:80', 'box', ...LOOP);
    expect(taken.code).toBe(125);
    expect(taken.stderr).toMatch(/Error response from daemon: driver failed programming external connectivity on endpoint web2 \([0-9a-f]{64}\): Bind for 0\.0\.0\.0:8080 failed: port is already allocated/);
    expect((await docker('ps', '-a', '--filter', 'name=web2', '--format', '{{.Status}}')).stdout).toBe('Created\n');
    const outOfRange = await docker('run', '-d', '-p', '70000:80', 'box', 'true');
    expect(outOfRange.code).toBe(125);
    expect(outOfRange.stderr).toContain('invalid hostPort: 70000');
    const outside = await docker('run', '-d', '-p', '10.1.2.3:8090:80', 'box', 'true');
    expect(outside.code).toBe(125);
    expect(outside.stderr).toContain('cannot publish on 10.1.2.3');
    expect((await docker('stop', '-t', '0', 'web')).code).toBe(0);
    expect(await docker('port', 'web')).toMatchObject({ code: 0, stdout: '' });
    const created = await docker('create', 'box');
    expect(await docker('port', created.stdout.trim())).toMatchObject({ code: 0, stdout: '' });
    expect((await docker('start', 'web2')).code).toBe(0);
    expect((await docker('port', 'web2')).stdout).toBe('80/tcp -> 0.0.0.0:8080\n80/tcp -> [::]:8080\n');
    expect((await docker('rm', '-f', 'web', 'web2', created.stdout.trim())).code).toBe(0);
  });

  it('user-defined networks: --network, --network-alias, connect, disconnect, and host refused', async () => {
    expect((await docker('network', 'create', 'app2')).code).toBe(0);
    const kv = await docker('run', '-d', '--name', 'kv', '--network', 'app2', '--network-alias', 'db', 'box', ...LOOP);
    expect(kv.code, kv.stderr).toBe(0);
    const view = await docker('inspect', '-f', '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{$v.IPAddress}} {{$v.Gateway}} {{index $v.Aliases 0}}{{end}}', 'kv');
    expect(view.stdout).toBe('app2 172.18.0.2 172.18.0.1 db\n');
    const other = await docker('run', '-d', '--name', 'other', 'box', ...LOOP);
    expect(other.code).toBe(0);
    expect((await docker('network', 'connect', '--alias', 'web', 'app2', 'other')).code).toBe(0);
    const both = await docker('inspect', '-f', '{{range $k, $v := .NetworkSettings.Networks}}{{$k}}={{$v.IPAddress}} {{end}}', 'other');
    expect(both.stdout).toBe('app2=172.18.0.3 bridge=172.17.0.2 \n');
    const again = await docker('network', 'connect', 'app2', 'other');
    expect(again.stderr).toContain('endpoint with name other already exists in network app2');
    const containers = await docker('network', 'inspect', '-f', '{{range .Containers}}{{.Name}} {{.IPv4Address}};{{end}}', 'app2');
    expect(containers.stdout.trim().split(';').filter(Boolean).sort()).toEqual(['kv 172.18.0.2/16', 'other 172.18.0.3/16']);
    const inUse = await docker('network', 'rm', 'app2');
    expect(inUse.code).toBe(1);
    expect(inUse.stderr).toContain('has active endpoints');
    expect((await docker('network', 'disconnect', 'app2', 'other')).code).toBe(0);
    expect((await docker('ps', '--filter', 'network=app2', '--format', '{{.Names}}')).stdout).toBe('kv\n');
    const alias = await docker('run', '--rm', '--network-alias', 'x', 'box', 'true');
    expect(alias.code).toBe(125);
    expect(alias.stderr).toContain('network-scoped aliases are only supported for user-defined networks');
    const host = await docker('run', '--rm', '--network', 'host', 'box', 'true');
    expect(host.code).toBe(125);
    expect(host.stderr).toContain('the host network is not available here');
    const unknown = await docker('run', '--rm', '--network', 'nowhere', 'box', 'true');
    expect(unknown.code).toBe(125);
    expect(unknown.stderr).toContain('network nowhere not found');
    expect((await docker('rm', '-f', 'kv', 'other')).code).toBe(0);
    expect((await docker('network', 'rm', 'app2')).stdout).toBe('app2\n');
  });
});
