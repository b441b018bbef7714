/**
 * Parity of the network model (issue 15 §1): the same commands give the same networks, addresses,
 * published ports, /etc/hosts and messages on both engines. Nothing here opens a socket: that is
 * the transports' part; what a learner sees before any traffic flows is compared exactly.
 */
import { describe, expect } from 'vitest';
import { expectSame, useParity, type Both } from './parity-harness.ts';
import { parityIt } from './open-differences.ts';

const h = useParity(['box']);

const LOOP = ['box', 'sh', '-c', 'while true; do sleep 1; done'];

/** IDs are random on every engine: the container's `run -d` prints, the endpoint's in "... on endpoint NAME (ID)". */
function withoutIds(r: Both): Both {
  const scrub = (t: string) => t.replace(/[0-9a-f]{64}/g, '<id>');
  const one = (x: Both['kernel']) => ({ ...x, stdout: scrub(x.stdout), stderr: scrub(x.stderr) });
  return { browser: one(r.browser), kernel: one(r.kernel) };
}

/** A command that prints a new random ID: it succeeds on both. */
async function started(argv: string[]): Promise<void> {
  const r = await h.both(argv);
  expect(r.kernel.code, r.kernel.stderr).toBe(0);
  expect(r.browser.code, r.browser.stderr).toBe(0);
}

describe('networks', () => {
  parityIt('network ls, create, inspect: the built-in networks and Docker\'s address pools', async () => {
    expectSame(await h.both(['network', 'ls', '--format', '{{.Name}} {{.Driver}} {{.Scope}}']));
    const app = await h.both(['network', 'create', 'app']);
    for (const r of [app.browser, app.kernel]) expect(r.stdout, r.stderr).toMatch(/^[0-9a-f]{64}\n$/);
    await started(['network', 'create', '--subnet', '10.5.0.0/16', '--label', 'team=x', 'sub']);
    const inspect = await h.both(['network', 'inspect', '-f', '{{.Name}} {{.Driver}} {{json .IPAM.Config}} {{.Internal}} {{json .Labels}}', 'bridge', 'none', 'app', 'sub']);
    expectSame(inspect);
    expect(inspect.kernel.stdout).toContain('app bridge [{"Subnet":"172.18.0.0/16","Gateway":"172.18.0.1"}] false {}\n');
    expectSame(await h.both(['network', 'ls', '--format', '{{.Name}} {{.Driver}}', '-f', 'type=custom']));
    expectSame(await h.both(['network', 'create', '--subnet', '10.5.1.0/24', 'clash']));
    expectSame(await h.both(['network', 'create', '--subnet', 'foo', 'bad']));
    expectSame(await h.both(['network', 'create', 'app']));
    expectSame(await h.both(['network', 'rm', 'bridge']));
    expectSame(await h.both(['network', 'rm', 'sub']));
  });

  parityIt('addresses on the default bridge and a user network, /etc/hosts, aliases, connect and disconnect', async () => {
    await started(['run', '-d', '--name', 'one', ...LOOP]);
    await started(['run', '-d', '--name', 'kv', '--network', 'app', '--network-alias', 'db', ...LOOP]);
    const addresses = await h.both([
      'inspect',
      '-f',
      '{{.Name}} {{.NetworkSettings.IPAddress}} {{.NetworkSettings.Gateway}} {{.NetworkSettings.MacAddress}} {{.HostConfig.NetworkMode}} {{range $k, $v := .NetworkSettings.Networks}}{{$k}}={{$v.IPAddress}}/{{$v.IPPrefixLen}} gw {{$v.Gateway}} {{index $v.Aliases 0}} {{end}}',
      'one',
      'kv',
    ]);
    expectSame(addresses);
    expect(addresses.kernel.stdout).toMatch(/^\/one 172\.17\.0\.2 172\.17\.0\.1 02:42:ac:11:00:02 default bridge=172\.17\.0\.2\/16 gw 172\.17\.0\.1/);
    expect(addresses.kernel.stdout).toMatch(/\n\/kv {4}app app=172\.18\.0\.2\/16 gw 172\.18\.0\.1 db \n$/);
    expectSame(await h.both(['run', '--rm', '--hostname', 'h1', 'box', 'cat', '/etc/hosts']));
    expectSame(await h.both(['run', '--rm', '--hostname', 'h2', '--network', 'app', 'box', 'sh', '-c', 'cat /etc/hosts; cat /etc/hostname']));
    expectSame(await h.both(['run', '--rm', '--hostname', 'h3', '--network', 'none', 'box', 'cat', '/etc/hosts']));
    expectSame(await h.both(['network', 'connect', '--alias', 'front', 'app', 'one']));
    // Containers is a map by (random) container ID: its order is not the same on two engines.
    const members = await h.both(['network', 'inspect', '-f', '{{range .Containers}}{{.Name}} {{.IPv4Address}} {{.MacAddress}};{{end}}', 'app']);
    const sorted = (t: string) => t.trim().split(';').filter(Boolean).sort();
    expect(sorted(members.browser.stdout)).toEqual(sorted(members.kernel.stdout));
    expect(sorted(members.kernel.stdout)).toEqual(['kv 172.18.0.2/16 02:42:ac:12:00:02', 'one 172.18.0.3/16 02:42:ac:12:00:03']);
    expectSame(await h.both(['ps', '--format', '{{.Names}} {{.Networks}}']));
    expectSame(await h.both(['network', 'connect', 'app', 'one']));
    expectSame(await h.both(['network', 'disconnect', 'app', 'one']));
    const twice = withoutIds(await h.both(['network', 'disconnect', 'app', 'one']));
    expect(twice.browser).toEqual(twice.kernel);
    expect(twice.kernel.stderr).toBe('Error response from daemon: container <id> is not connected to network app\n');
    expectSame(await h.both(['run', '--rm', '--network-alias', 'x', 'box', 'true']));
    expectSame(await h.both(['run', '--rm', '--network', 'host', 'box', 'true']));
    expectSame(await h.both(['run', '--rm', '--network', 'nowhere', 'box', 'true']));
    // Stopping gives the address back; the next container takes the lowest free one.
    expectSame(await h.both(['stop', '-t', '0', 'one']));
    await started(['run', '-d', '--name', 'two', ...LOOP]);
    expectSame(await h.both(['inspect', '-f', '{{.Name}} {{.NetworkSettings.IPAddress}}', 'one', 'two']));
    expectSame(await h.both(['rm', '-f', 'one', 'two', 'kv']));
    expectSame(await h.both(['network', 'prune', '-f']));
  });
});

describe('published ports', () => {
  parityIt('-p, -P, --expose: docker port, the PORTS column, inspect, and a port already allocated', async () => {
    await started(['run', '-d', '--name', 'web', '-p', '8080:80', '-p', '127.0.0.1:9090:81/udp', '--expose', '90', ...LOOP]);
    expectSame(await h.both(['port', 'web']));
    expectSame(await h.both(['port', 'web', '80']));
    expectSame(await h.both(['port', 'web', '90']));
    expectSame(await h.both(['ps', '--format', '{{.Names}}|{{.Ports}}']));
    expectSame(await h.both(['inspect', '-f', '{{json .NetworkSettings.Ports}} {{json .HostConfig.PortBindings}} {{json .Config.ExposedPorts}}', 'web']));
    await started(['run', '-d', '--name', 'all', '-P', '--expose', '7000-7001', ...LOOP]);
    const all = await h.both(['port', 'all']);
    expectSame(all);
    expect(all.kernel.stdout).toBe('7000/tcp -> 0.0.0.0:32768\n7000/tcp -> [::]:32768\n7001/tcp -> 0.0.0.0:32769\n7001/tcp -> [::]:32769\n');
    const taken = withoutIds(await h.both(['run', '-d', '--name', 'again', '-p', '8080:80', ...LOOP]));
    expect(taken.browser).toEqual(taken.kernel);
    expect(taken.kernel.stderr).toContain('Bind for 0.0.0.0:8080 failed: port is already allocated');
    expectSame(await h.both(['ps', '-a', '--filter', 'name=again', '--format', '{{.Names}} {{.Status}}']));
    expectSame(await h.both(['run', '-d', '-p', '70000:80', 'box', 'true']));
    expectSame(await h.both(['run', '-d', '-p', '10.0.0.5:8081:80', 'box', 'true']));
    expectSame(await h.both(['stop', '-t', '0', 'web']));
    expectSame(await h.both(['port', 'web']));
    expectSame(await h.both(['start', 'again']));
    expectSame(await h.both(['port', 'again']));
    expectSame(await h.both(['rm', '-f', 'web', 'all', 'again']));
  });
});

describe('inside a container', () => {
  parityIt('hostname -i, ip addr (a network connected while it runs too), a name on a user network and not from the default bridge, wget by name, --network none', async () => {
    await started(['network', 'create', '--subnet', '10.77.0.0/24', 'lab']);
    await started(['run', '-d', '--name', 'srv', '--network', 'lab', 'box', 'sh', '-c', 'mkdir -p /www && echo served by srv > /www/index.html && httpd -f -p 80 -h /www']);
    // httpd listens a moment after its container started: ask from another container until it
    // answers (at most 60 x 250 ms).
    for (const run of [h.onBrowser, h.onKernel]) {
      for (let i = 0; (await run(['run', '--rm', '--network', 'lab', 'box', 'wget', '-q', '-O', '-', 'http://10.77.0.2/'])).code !== 0; i++) {
        if (i === 60) throw new Error('httpd in srv does not answer');
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    const address = await h.both(['exec', 'srv', 'hostname', '-i']);
    expectSame(address);
    expect(address.kernel.stdout).toBe('10.77.0.2\n');
    const addr = await h.both(['exec', 'srv', 'ip', 'addr']);
    expectSame(addr);
    expect(addr.kernel.stdout).toContain('    inet 127.0.0.1/8 scope host lo\n');
    expect(addr.kernel.stdout).toContain('    link/ether 02:42:0a:4d:00:02 brd ff:ff:ff:ff:ff:ff\n    inet 10.77.0.2/24 brd 10.77.0.255 scope global eth0\n');
    const byName = await h.both(['run', '--rm', '--network', 'lab', 'box', 'wget', '-q', '-O', '-', 'http://srv/']);
    expectSame(byName);
    expect(byName.kernel.stdout).toBe('served by srv\n');
    const fromBridge = await h.both(['run', '--rm', 'box', 'wget', '-q', '-O', '-', 'http://srv/']);
    expectSame(fromBridge);
    expect(fromBridge.kernel.code).not.toBe(0);
    // A network connected while it runs shows at once, after the first one.
    await started(['network', 'create', '--subnet', '10.78.0.0/24', 'lab2']);
    expectSame(await h.both(['network', 'connect', 'lab2', 'srv']));
    const two = await h.both(['exec', 'srv', 'ip', '-4', 'addr']);
    expectSame(two);
    expect(two.kernel.stdout).toMatch(/inet 127\.0\.0\.1\/8 [^]*inet 10\.77\.0\.2\/24 [^]*eth1: [^]*inet 10\.78\.0\.2\/24 /);
    expectSame(await h.both(['run', '--rm', '--network', 'none', 'box', 'ip', '-4', 'addr']));
    expectSame(await h.both(['run', '--rm', '--network', 'none', 'box', 'wget', '-q', '-O', '-', 'http://srv/']));
    expectSame(await h.both(['run', '--rm', '--network', 'none', '--hostname', 'alone', 'box', 'hostname', '-i']));
    expectSame(await h.both(['rm', '-f', 'srv']));
    expectSame(await h.both(['network', 'rm', 'lab', 'lab2']));
  });
});
