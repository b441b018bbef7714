/**
 * Networks and published ports against the real Docker Engine (issue 17 §4): network
 * create/ls/inspect/connect/disconnect/rm/prune and their errors, `-p`, `-P`, `docker port`, the
 * PORTS column, NetworkSettings, and traffic a learner sees: `hostname -i`, a name resolved on a
 * user network (not on the default bridge), a wget from one container to another by name.
 *
 * The reference's bridge and docker-proxy live in its own network namespace, ours publish on this
 * machine's loopback: a fixed host port here is one nothing else on the machine is likely to hold.
 */
import { afterAll, afterEach, beforeEach, describe, expect } from 'vitest';
import { oracleIt } from './open-differences.ts';
import { Oracle } from './oracle.ts';

const o = new Oracle();
const NETWORKS = ['app', 'sub', 'priv', 'clash', 'spare'];
const removeNetworks = async () => {
  for (const engine of ['reference', 'ours'] as const) await o.raw(engine, ['network', 'rm', ...NETWORKS]);
};
beforeEach(() => o.reset());
afterEach(async () => {
  await o.reset();
  await removeNetworks();
});
afterAll(removeNetworks);

const LOOP = ['box', 'sh', '-c', 'trap "exit 0" TERM; while true; do sleep 1; done'];
const SERVE = ['box', 'sh', '-c', 'mkdir -p /www && echo page of $(hostname) > /www/index.html && exec httpd -f -p 80 -h /www'];
const HOST_PORT = '18637';

/** Ask until `name`'s httpd answers inside its own container (busybox wget), at most 30 s. */
async function serving(name: string): Promise<void> {
  for (const engine of ['reference', 'ours'] as const) {
    for (let i = 0; ; i++) {
      if ((await o.raw(engine, ['exec', name, 'wget', '-q', '-O', '-', 'http://127.0.0.1/'])).code === 0) break;
      if (i === 60) throw new Error(`${engine}: httpd in ${name} does not answer`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

describe('networks', () => {
  oracleIt('create, ls, inspect, connect, disconnect, rm, prune and their errors', async () => {
    await o.same(['network', 'ls', '--format', '{{.Name}} {{.Driver}} {{.Scope}} {{.Internal}}'], { unordered: true });
    await o.same(['network', 'create', 'app']);
    await o.same(['network', 'create', '--subnet', '10.99.0.0/24', '--label', 'team=x', 'sub']);
    await o.same(['network', 'create', '--internal', 'priv']);
    await o.same(['network', 'ls', '--filter', 'type=custom', '--format', '{{.Name}} {{.Driver}} {{.Internal}} {{.Labels}}'], { unordered: true });
    await o.same(['network', 'inspect', '-f', '{{.Name}} {{.Driver}} {{.Scope}} {{.Internal}} {{.Attachable}} {{.EnableIPv6}} {{json .Labels}} {{json .IPAM.Config}}', 'sub', 'priv']);
    await o.same(['network', 'create', '--subnet', '10.99.0.128/25', 'clash']);
    await o.same(['network', 'create', '--subnet', 'nonsense', 'clash']);
    await o.same(['network', 'create', 'app']);
    await o.same(['network', 'inspect', 'nowhere']);

    await o.same(['run', '-d', '--name', 'one', '--network', 'sub', ...LOOP]);
    await o.same(['inspect', '-f', '{{.HostConfig.NetworkMode}} {{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{$v.IPAddress}}/{{$v.IPPrefixLen}} {{$v.Gateway}} {{$v.MacAddress}}{{end}}', 'one']);
    await o.same(['network', 'inspect', '-f', '{{range .Containers}}{{.Name}} {{.IPv4Address}} {{.MacAddress}}{{end}}', 'sub']);
    // The table without its ID column: the reference's host row (left out, inherent) takes an ID number.
    await o.same(['network', 'ls', '--format', 'table {{.Name}}\t{{.Driver}}\t{{.Scope}}']);
    await o.same(['network', 'connect', 'priv', 'one']);
    await o.same(['inspect', '-f', '{{range $k, $v := .NetworkSettings.Networks}}{{$k}}={{$v.IPAddress}} {{end}}', 'one']);
    await o.same(['network', 'connect', 'priv', 'one']);
    await o.same(['network', 'disconnect', 'priv', 'one']);
    await o.same(['network', 'connect', 'nowhere', 'one']);
    await o.same(['network', 'disconnect', 'app', 'nobody']);
    await o.same(['network', 'rm', 'sub']);
    await o.same(['network', 'rm', 'bridge']);
    await o.same(['network', 'rm', 'nowhere']);
    await o.same(['run', '--rm', '--network', 'nowhere', 'box', 'true']);
    await o.same(['rm', '-f', 'one']);
    await o.same(['network', 'rm', 'sub']);
    // Docker prunes in its store's order, not a fixed one.
    await o.same(['network', 'prune', '-f'], { unordered: true });
    await o.same(['network', 'ls', '--filter', 'type=custom', '-q']);
  });

  oracleIt('hostname -i, /etc/hosts, names on a user network and not on the default bridge, wget between containers', async () => {
    await o.same(['network', 'create', '--subnet', '10.99.0.0/24', 'sub']);
    await o.same(['run', '-d', '--name', 'web', '--hostname', 'web', '--network', 'sub', ...SERVE]);
    await serving('web');
    await o.same(['exec', 'web', 'hostname', '-i']);
    await o.same(['run', '--rm', '--network', 'sub', 'box', 'wget', '-q', '-O', '-', 'http://web/']);
    await o.same(['run', '--rm', '--network', 'sub', 'box', 'wget', '-q', '-O', '-', 'http://web/missing']);
    await o.same(['run', '--rm', '--network', 'none', 'box', 'hostname', '-i']);
    await o.same(['run', '--rm', '--network', 'none', 'box', 'cat', '/etc/hosts']);
    await o.same(['run', '-d', '--name', 'plain', ...LOOP]);
    await o.same(['exec', 'plain', 'hostname', '-i']);
    // Names resolve on user networks only: from the default bridge, web is nobody.
    await o.same(['exec', 'plain', 'wget', '-q', '-O', '-', 'http://web/']);
  });
});

describe('create with an unknown network', () => {
  oracleIt('create --network nowhere', async () => {
    await o.same(['create', '--name', 'nonet', '--network', 'nowhere', 'box']);
  });
});

describe('published ports', () => {
  oracleIt('-p, -p 127.0.0.1::80, -P with EXPOSE: docker port, PORTS, inspect; a port already allocated', async () => {
    await o.same(['run', '-d', '--name', 'p1', '-p', `${HOST_PORT}:80`, ...SERVE]);
    await o.same(['port', 'p1']);
    await o.same(['port', 'p1', '80']);
    await o.same(['port', 'p1', '81']);
    await o.same(['ps', '--format', '{{.Names}}|{{.Ports}}']);
    await o.same(['inspect', '-f', '{{json .NetworkSettings.Ports}} {{json .HostConfig.PortBindings}} {{json .Config.ExposedPorts}}', 'p1']);
    await o.same(['run', '-d', '--name', 'p2', '-p', `${HOST_PORT}:80`, ...LOOP]);
    await o.same(['ps', '-a', '--filter', 'name=p2', '--format', '{{.Names}} {{.Status}}']);
    await o.same(['run', '-d', '--name', 'p3', '-p', '127.0.0.1::80', ...LOOP]);
    await o.same(['port', 'p3']);
    const context = o.context('exposed', { Dockerfile: 'FROM box\nEXPOSE 80 7000/udp\n' });
    await o.same(['build', '-q', '-t', 'exposed', context]);
    await o.same(['run', '-d', '--name', 'p4', '-P', 'exposed', 'sh', '-c', 'trap "exit 0" TERM; while true; do sleep 1; done']);
    await o.same(['port', 'p4']);
    await o.same(['ps', '--filter', 'name=p4', '--format', '{{.Ports}}']);
    await o.same(['inspect', '-f', '{{json .NetworkSettings.Ports}}', 'p4']);
    // No host network here (inherent-differences.ts no-host-network): Docker runs it, ours refuses in words.
    const host = await o.both(['run', '--rm', '--network', 'host', 'box', 'true']);
    expect(host.reference).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(host.ours.code).toBe(125);
    expect(host.ours.stderr).toContain('Error response from daemon: the host network is not available here');
    await o.same(['run', '-d', '-p', '70000:80', 'box', 'true']);
    await o.same(['stop', '-t', '1', 'p1']);
    await o.same(['port', 'p1']);
    await o.same(['ps', '-a', '--filter', 'name=p1', '--format', '{{.Names}}|{{.Ports}}']);
  });
});
