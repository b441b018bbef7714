import { describe, it, expect, afterEach, beforeAll } from 'vitest';
import type { ContainerCreate, Engine } from '../../../engine/engine.ts';
import type { ProcessSpec, Runtime } from '../../../engine/ports.ts';
import { createEngine, type HostEngine } from '../../../engine/core/create-engine.ts';
import { runtimeFiles } from '../../../engine/core/runtime-files.ts';
import { allocateAddress, formatIPv4, nextPool, parseIPv4, parseSubnet } from '../../../engine/core/ipam.ts';
import { parsePublish } from '../../../engine/core/port-bindings.ts';
import { layoutWithBox } from './support/shipped.ts';
import { makeHost, type TestHost } from './support/test-host.ts';
import { eventually } from './support/run.ts';
import type { Layout } from './support/oci-fixtures.ts';

const hosts: TestHost[] = [];
let layout: Layout;
beforeAll(async () => {
  layout = await layoutWithBox();
});
afterEach(() => hosts.splice(0).forEach((h) => h.dispose()));

/** A host whose runtime remembers each start's spec (the addresses /etc/hosts is written from). */
async function boxHost(): Promise<TestHost & { specs: ProcessSpec[] }> {
  const h = makeHost({ layout });
  const specs: ProcessSpec[] = [];
  const inner: Runtime = h.ports.runtime;
  h.ports.runtime = { ...inner, start: (key, spec, io) => (specs.push(spec), inner.start(key, spec, io)) } as Runtime;
  hosts.push(h);
  await h.engine.pull('box');
  return Object.assign(h, { specs });
}

async function rejection(p: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await p;
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error('expected a rejection');
}

/** A container that keeps running until stopped. */
async function up(engine: Engine, options: Partial<ContainerCreate> = {}): Promise<string> {
  const { Id } = await engine.createContainer({ Image: 'box', Cmd: ['sh', '-c', 'while true; do sleep 1; done'], ...options });
  await engine.startContainer(Id);
  return Id;
}

async function ip(engine: Engine, id: string, network = 'bridge'): Promise<string> {
  return (await engine.inspectContainer(id)).NetworkSettings.Networks[network].IPAddress;
}

describe('IPAM', () => {
  it("parses CIDRs and refuses others in Docker's words", () => {
    expect(parseSubnet('10.5.0.0/16')).toEqual({ base: parseIPv4('10.5.0.0'), prefix: 16 });
    for (const bad of ['10.5.0.0/33', 'foo', '10.5.0/16', '256.1.1.1/8', '10.5.0.0/']) {
      expect(() => parseSubnet(bad)).toThrow(`Invalid subnet ${bad} : invalid CIDR address: ${bad}`);
    }
  });

  it('hands out the default pools in order, skipping those in use, and the lowest free address', () => {
    expect(formatIPv4(nextPool([parseSubnet('172.17.0.0/16')]).base)).toBe('172.18.0.0');
    expect(formatIPv4(nextPool([parseSubnet('172.17.0.0/16'), parseSubnet('172.18.5.0/24')]).base)).toBe('172.19.0.0');
    const all = Array.from({ length: 15 }, (_, i) => parseSubnet(`172.${17 + i}.0.0/16`));
    expect(nextPool(all)).toEqual(parseSubnet('192.168.0.0/20'));
    const s = parseSubnet('10.0.0.0/30');
    expect(formatIPv4(allocateAddress(s, parseIPv4('10.0.0.1'), new Set()))).toBe('10.0.0.2');
    expect(() => allocateAddress(s, parseIPv4('10.0.0.1'), new Set([parseIPv4('10.0.0.2')!]))).toThrow(/no available IPv4 addresses/);
  });
});

describe('-p grammar', () => {
  it('reads the forms docker accepts', () => {
    expect(parsePublish('8080:80')).toEqual({ '80/tcp': [{ HostIp: '', HostPort: '8080' }] });
    expect(parsePublish('127.0.0.1:9090:80/udp')).toEqual({ '80/udp': [{ HostIp: '127.0.0.1', HostPort: '9090' }] });
    expect(parsePublish('127.0.0.1::80')).toEqual({ '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] });
    expect(parsePublish('80')).toEqual({ '80/tcp': [{ HostIp: '', HostPort: '' }] });
    expect(parsePublish('[::1]:8080:80')).toEqual({ '80/tcp': [{ HostIp: '::1', HostPort: '8080' }] });
    expect(parsePublish('9100-9101:80-81')).toEqual({ '80/tcp': [{ HostIp: '', HostPort: '9100' }], '81/tcp': [{ HostIp: '', HostPort: '9101' }] });
  });

  it("refuses what docker refuses, in docker's words, and addresses that are not loopback", () => {
    expect(() => parsePublish('70000:80')).toThrow('invalid hostPort: 70000');
    expect(() => parsePublish('abc')).toThrow('invalid containerPort: abc');
    expect(() => parsePublish('8080:0')).toThrow('invalid containerPort: 0');
    expect(() => parsePublish('9092:80/foo')).toThrow('invalid proto: foo');
    expect(() => parsePublish('9100-9102:80-81')).toThrow('invalid ranges specified for container and host Ports: 80-81 and 9100-9102');
    expect(() => parsePublish('192.168.1.5:8080:80')).toThrow(/cannot publish on 192\.168\.1\.5: ports are published on the loopback only here/);
  });
});

describe('networks', () => {
  it('lists bridge and none, creates user networks from 172.18.0.0/16 on, and refuses clashes', async () => {
    const h = await boxHost();
    const names = async () => (await h.engine.listNetworks()).map((n) => n.Name);
    expect(await names()).toEqual(['bridge', 'none']);
    const bridge = await h.engine.inspectNetwork('bridge');
    expect(bridge).toMatchObject({ Driver: 'bridge', Scope: 'local', IPAM: { Config: [{ Subnet: '172.17.0.0/16', Gateway: '172.17.0.1' }] } });
    expect((await h.engine.inspectNetwork('none')).IPAM.Config).toEqual([]);

    const app = await h.engine.createNetwork({ Name: 'app', Labels: { team: 'x' } });
    expect(app.Id).toMatch(/^[0-9a-f]{64}$/);
    expect(await h.engine.inspectNetwork('app')).toMatchObject({ Id: app.Id, Driver: 'bridge', IPAM: { Config: [{ Subnet: '172.18.0.0/16', Gateway: '172.18.0.1' }] }, Labels: { team: 'x' } });
    expect((await h.engine.inspectNetwork(app.Id.slice(0, 5))).Name).toBe('app');
    await h.engine.createNetwork({ Name: 'sub', IPAM: { Config: [{ Subnet: '10.5.0.0/16' }] } });
    expect((await h.engine.inspectNetwork('sub')).IPAM.Config).toEqual([{ Subnet: '10.5.0.0/16' }]);
    await h.engine.createNetwork({ Name: 'intn', Internal: true });
    expect((await h.engine.inspectNetwork('intn')).IPAM.Config[0].Subnet).toBe('172.19.0.0/16');

    expect((await rejection(h.engine.createNetwork({ Name: 'app' }))).message).toBe('network with name app already exists');
    expect((await rejection(h.engine.createNetwork({ Name: 'ov', IPAM: { Config: [{ Subnet: '10.5.1.0/24' }] } }))).message).toBe('Pool overlaps with other one on this address space');
    expect((await rejection(h.engine.createNetwork({ Name: 'ov2', IPAM: { Config: [{ Subnet: '172.17.5.0/24' }] } }))).message).toBe('Pool overlaps with other one on this address space');
    expect((await rejection(h.engine.createNetwork({ Name: 'bad', IPAM: { Config: [{ Subnet: '10.9.0.0/33' }] } }))).message).toBe('Invalid subnet 10.9.0.0/33 : invalid CIDR address: 10.9.0.0/33');
    expect((await rejection(h.engine.createNetwork({ Name: 'gw', IPAM: { Config: [{ Subnet: '10.6.0.0/16', Gateway: '10.7.0.1' }] } }))).message).toBe('no matching subnet for gateway 10.7.0.1');
    expect((await rejection(h.engine.createNetwork({ Name: 'bridge' }))).message).toBe('operation is not permitted on predefined bridge network');
    expect((await rejection(h.engine.createNetwork({ Name: 'x', Driver: 'foo' }))).message).toBe('plugin "foo" not found');
    expect((await rejection(h.engine.inspectNetwork('nope'))).message).toBe('network nope not found');
    expect((await rejection(h.engine.removeNetwork('bridge'))).message).toBe('bridge is a pre-defined network and cannot be removed');

    expect((await h.engine.listNetworks({ filters: { type: ['custom'] } })).map((n) => n.Name).sort()).toEqual(['app', 'intn', 'sub']);
    expect((await h.engine.listNetworks({ filters: { label: ['team=x'] } })).map((n) => n.Name)).toEqual(['app']);
    expect((await rejection(h.engine.listNetworks({ filters: { colour: ['red'] } }))).message).toBe("invalid filter 'colour'");
  });

  it('network records survive a new engine over the same stores (a reload or restart)', async () => {
    const h = await boxHost();
    const { Id } = await h.engine.createNetwork({ Name: 'app' });
    const again = createEngine(h.ports);
    expect((await again.inspectNetwork('app')).Id).toBe(Id);
    expect((await again.inspectNetwork('bridge')).Id).toBe((await h.engine.inspectNetwork('bridge')).Id);
    await again.removeNetwork('app');
    expect((await rejection(h.engine.inspectNetwork('app'))).code).toBe('not-found');
  });
});

describe('addresses', () => {
  it('gives running containers the lowest free address, frees it at stop, and writes /etc/hosts from it', async () => {
    const h = await boxHost();
    const a = await up(h.engine, { Hostname: 'alpha' });
    const b = await up(h.engine);
    expect(await ip(h.engine, a)).toBe('172.17.0.2');
    expect(await ip(h.engine, b)).toBe('172.17.0.3');
    const inspectA = await h.engine.inspectContainer(a);
    expect(inspectA.NetworkSettings).toMatchObject({ IPAddress: '172.17.0.2', Gateway: '172.17.0.1', IPPrefixLen: 16, MacAddress: '02:42:ac:11:00:02' });
    expect(inspectA.NetworkSettings.Networks.bridge).toMatchObject({ NetworkID: (await h.engine.inspectNetwork('bridge')).Id, Gateway: '172.17.0.1', Aliases: null });
    expect(inspectA.HostConfig.NetworkMode).toBe('default');
    const hosts = new TextDecoder().decode(runtimeFiles(h.specs[0]).find((f) => f.path === '/etc/hosts')!.content);
    expect(hosts.split('\n').slice(-2)).toEqual(['172.17.0.2\talpha', '']);
    expect(Object.keys((await h.engine.inspectNetwork('bridge')).Containers).sort()).toEqual([a, b].sort());

    await h.engine.stopContainer(a, { timeout: 0 });
    const stopped = await h.engine.inspectContainer(a);
    expect(stopped.NetworkSettings.IPAddress).toBe('');
    expect(stopped.NetworkSettings.Networks.bridge.IPAddress).toBe('');
    const c = await up(h.engine);
    expect(await ip(h.engine, c)).toBe('172.17.0.2');
    await h.engine.startContainer(a);
    expect(await ip(h.engine, a)).toBe('172.17.0.4');
    for (const id of [a, b, c]) await h.engine.removeContainer(id, { force: true });
  });

  it('a run on the default bridge never reads the networks bucket (the warm run path stays as it was)', async () => {
    const h = await boxHost();
    const reads: string[] = [];
    const list = h.metadata.list.bind(h.metadata);
    h.metadata.list = ((bucket: string, ...rest: unknown[]) => (reads.push(bucket), (list as (...a: unknown[]) => unknown)(bucket, ...rest))) as typeof h.metadata.list;
    const id = await up(h.engine, { HostConfig: { PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8090' }] } } });
    await h.engine.inspectContainer(id);
    await h.engine.listContainers();
    await h.engine.removeContainer(id, { force: true });
    expect(reads).not.toContain('networks');
  });

  it('a container recorded before networks existed is on the default bridge: inspect, start, connect', async () => {
    const h = await boxHost();
    const { Id } = await h.engine.createContainer({ Image: 'box', Cmd: ['sh', '-c', 'while true; do sleep 1; done'] });
    type Stored = { net?: unknown; HostConfig: Record<string, unknown> };
    await eventually(async () => (await h.metadata.get<Stored>('containers', Id)) !== undefined);
    const old = (await h.metadata.get<Stored>('containers', Id))!;
    delete old.net;
    for (const field of ['NetworkMode', 'PortBindings', 'PublishAllPorts']) delete old.HostConfig[field];
    await h.metadata.batch([{ op: 'put', bucket: 'containers', key: Id, value: old }]);
    const again = createEngine(h.ports);
    const view = await again.inspectContainer(Id);
    expect(view.HostConfig).toMatchObject({ NetworkMode: 'default', PortBindings: {}, PublishAllPorts: false });
    expect(Object.keys(view.NetworkSettings.Networks)).toEqual(['bridge']);
    await again.createNetwork({ Name: 'app' });
    await again.connectNetwork('app', Id);
    await again.startContainer(Id);
    const started = await again.inspectContainer(Id);
    expect(started.NetworkSettings.IPAddress).toBe('172.17.0.2');
    expect(started.NetworkSettings.Networks.app.IPAddress).toBe('172.18.0.2');
    await again.removeContainer(Id, { force: true });
  });

  it('a created container shows its network without an address; none has loopback only; host is refused', async () => {
    const h = await boxHost();
    const { Id } = await h.engine.createContainer({ Image: 'box' });
    const created = await h.engine.inspectContainer(Id);
    expect(created.NetworkSettings.Networks.bridge).toMatchObject({ NetworkID: '', IPAddress: '', EndpointID: '' });
    expect(created.NetworkSettings.Ports).toEqual({});
    const none = await up(h.engine, { HostConfig: { NetworkMode: 'none', PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8000' }] } } });
    const view = await h.engine.inspectContainer(none);
    expect(Object.keys(view.NetworkSettings.Networks)).toEqual(['none']);
    expect(view.NetworkSettings.Networks.none.IPAddress).toBe('');
    expect(view.NetworkSettings.Ports).toEqual({});
    expect(h.specs.at(-1)!.addresses).toEqual([]);
    const host = await rejection(h.engine.createContainer({ Image: 'box', HostConfig: { NetworkMode: 'host' } }));
    expect(host.message).toMatch(/^the host network is not available here/);
    expect((await rejection(h.engine.createContainer({ Image: 'box', HostConfig: { NetworkMode: 'nope' } }))).message).toBe('network nope not found');
    await h.engine.removeContainer(none, { force: true });
  });

  it('user-defined networks: addresses from their subnet, aliases, name resolution; the default bridge resolves nothing', async () => {
    const h = await boxHost();
    await h.engine.createNetwork({ Name: 'app' });
    // Created, never started: the aliases asked for; the short ID joins them when the endpoint first comes up (as Docker's).
    const { Id: idle } = await h.engine.createContainer({ Image: 'box', HostConfig: { NetworkMode: 'app' }, NetworkingConfig: { EndpointsConfig: { app: { Aliases: ['zz'] } } } });
    expect((await h.engine.inspectContainer(idle)).NetworkSettings.Networks.app).toMatchObject({ Aliases: ['zz'], IPAddress: '', NetworkID: '' });
    await h.engine.removeContainer(idle);
    const kv = await up(h.engine, { name: 'kv', HostConfig: { NetworkMode: 'app' }, NetworkingConfig: { EndpointsConfig: { app: { Aliases: ['db', 'cache'] } } } });
    const web = await up(h.engine, { name: 'web', HostConfig: { NetworkMode: 'app' } });
    const lone = await up(h.engine, { name: 'lone' });
    const view = await h.engine.inspectContainer(kv);
    expect(view.NetworkSettings.IPAddress).toBe('');
    expect(view.NetworkSettings.Networks.app).toMatchObject({ IPAddress: '172.18.0.2', Gateway: '172.18.0.1', IPPrefixLen: 16, Aliases: ['db', 'cache', kv.slice(0, 12)] });
    expect(view.HostConfig.NetworkMode).toBe('app');
    expect(await ip(h.engine, web, 'app')).toBe('172.18.0.3');
    const inspectApp = await h.engine.inspectNetwork('app');
    expect(Object.values(inspectApp.Containers).map((c) => `${c.Name} ${c.IPv4Address}`).sort()).toEqual(['kv 172.18.0.2/16', 'web 172.18.0.3/16']);

    expect((await rejection(h.engine.removeNetwork('app'))).message).toBe(`error while removing network: network app id ${inspectApp.Id} has active endpoints`);
    await h.engine.connectNetwork('app', lone, { Aliases: ['solo'] });
    expect(await ip(h.engine, lone, 'app')).toBe('172.18.0.4');
    expect((await rejection(h.engine.connectNetwork('app', lone))).message).toBe('endpoint with name lone already exists in network app');
    expect((await rejection(h.engine.connectNetwork('bridge', kv, { Aliases: ['x'] }))).message).toBe('network-scoped aliases are only supported for user-defined networks');
    await h.engine.disconnectNetwork('app', lone);
    expect(Object.keys((await h.engine.inspectContainer(lone)).NetworkSettings.Networks)).toEqual(['bridge']);
    expect((await rejection(h.engine.disconnectNetwork('app', lone))).message).toBe(`container ${lone} is not connected to network app`);
    for (const id of [kv, web, lone]) await h.engine.removeContainer(id, { force: true });
    expect(await h.engine.pruneNetworks()).toEqual({ NetworksDeleted: ['app'] });
  });
});

describe('resolution data', () => {
  it("names, short IDs and aliases of running containers on the asker's user networks; nothing on bridge", async () => {
    const h = await boxHost();
    const engine = h.engine as HostEngine;
    await engine.createNetwork({ Name: 'app' });
    const kv = await up(engine, { name: 'kv', HostConfig: { NetworkMode: 'app' }, NetworkingConfig: { EndpointsConfig: { app: { Aliases: ['db'] } } } });
    const web = await up(engine, { name: 'web', HostConfig: { NetworkMode: 'app' } });
    const plain = await up(engine, { name: 'plain' });
    const other = await up(engine, { name: 'other' });
    expect(await engine.resolveName(web, 'kv')).toEqual(['172.18.0.2']);
    expect(await engine.resolveName('web', 'db')).toEqual(['172.18.0.2']);
    expect(await engine.resolveName(web, kv.slice(0, 12))).toEqual(['172.18.0.2']);
    expect(await engine.resolveName(kv, 'web')).toEqual(['172.18.0.3']);
    expect(await engine.resolveName(web, 'nowhere')).toEqual([]);
    expect(await engine.resolveName(plain, 'other')).toEqual([]);
    expect((await rejection(engine.resolveName('ghost', 'kv'))).message).toBe('No such container: ghost');
    await engine.stopContainer(kv, { timeout: 0 });
    expect(await engine.resolveName(web, 'kv')).toEqual([]);
    await engine.connectNetwork('app', plain, { Aliases: ['late'] });
    expect(await engine.resolveName(web, 'late')).toEqual(['172.18.0.2']);
    for (const id of [kv, web, plain, other]) await engine.removeContainer(id, { force: true });
  });
});

describe('published ports', () => {
  it('holds host ports while running, refuses a port held, and takes -P ports from 32768 on', async () => {
    const h = await boxHost();
    const web = await up(h.engine, { name: 'web', HostConfig: { PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }] } } });
    const view = await h.engine.inspectContainer(web);
    expect(view.NetworkSettings.Ports).toEqual({ '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '8080' }, { HostIp: '::', HostPort: '8080' }] });
    expect(view.HostConfig.PortBindings).toEqual({ '80/tcp': [{ HostIp: '', HostPort: '8080' }] });
    expect(view.Config.ExposedPorts).toEqual({ '80/tcp': {} });
    const [summary] = (await h.engine.listContainers()).filter((c) => c.Id === web);
    expect(summary.Ports).toEqual([
      { IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
      { IP: '::', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
    ]);

    const { Id: web2 } = await h.engine.createContainer({ Image: 'box', name: 'web2', HostConfig: { PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }] } } });
    const refused = await rejection(h.engine.startContainer(web2));
    expect(refused.message).toMatch(/^driver failed programming external connectivity on endpoint web2 \([0-9a-f]{64}\): Bind for 0\.0\.0\.0:8080 failed: port is already allocated$/);
    expect((await h.engine.inspectContainer(web2)).State.Status).toBe('created');
    const loop = await rejection(
      h.engine.createContainer({ Image: 'box', HostConfig: { PortBindings: { '80/tcp': [{ HostIp: '10.0.0.1', HostPort: '1' }] } } }),
    );
    expect(loop.message).toMatch(/^cannot publish on 10\.0\.0\.1/);
    expect((await rejection(h.engine.createContainer({ Image: 'box', HostConfig: { PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '99999' }] } } }))).message).toBe(
      'invalid port specification: "99999"',
    );

    const pp = await up(h.engine, { ExposedPorts: { '80/tcp': {}, '90/tcp': {}, '91/udp': {} }, HostConfig: { PublishAllPorts: true } });
    expect((await h.engine.inspectContainer(pp)).NetworkSettings.Ports).toEqual({
      '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '32768' }, { HostIp: '::', HostPort: '32768' }],
      '90/tcp': [{ HostIp: '0.0.0.0', HostPort: '32769' }, { HostIp: '::', HostPort: '32769' }],
      '91/udp': [{ HostIp: '0.0.0.0', HostPort: '32768' }, { HostIp: '::', HostPort: '32768' }],
    });
    const local = await up(h.engine, { HostConfig: { PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] } } });
    expect((await h.engine.inspectContainer(local)).NetworkSettings.Ports).toEqual({ '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '32770' }] });

    await h.engine.stopContainer(web, { timeout: 0 });
    expect((await h.engine.inspectContainer(web)).NetworkSettings.Ports).toEqual({});
    await h.engine.startContainer(web2);
    expect((await h.engine.inspectContainer(web2)).NetworkSettings.Ports['80/tcp']![0]).toEqual({ HostIp: '0.0.0.0', HostPort: '8080' });
    for (const id of [web, web2, pp, local]) await h.engine.removeContainer(id, { force: true });
  });

  it('one host port asked twice by one container is refused as Docker does, and nothing is held after', async () => {
    const h = await boxHost();
    const { Id } = await h.engine.createContainer({
      Image: 'box',
      name: 'twice',
      Cmd: ['sh', '-c', 'while true; do sleep 1; done'],
      HostConfig: { PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '9200' }], '81/tcp': [{ HostIp: '', HostPort: '9200' }] } },
    });
    expect((await rejection(h.engine.startContainer(Id))).message).toMatch(/Bind for 0\.0\.0\.0:9200 failed: port is already allocated$/);
    const next = await up(h.engine, { HostConfig: { PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '9200' }] } } });
    expect(await ip(h.engine, next)).toBe('172.17.0.2');
    await h.engine.removeContainer(next, { force: true });
    await h.engine.removeContainer(Id, { force: true });
  });

  it('a container publishing thirty thousand ports starts, and holds every one of them', async () => {
    const h = await boxHost();
    const { parsePublish } = await import('../../../engine/core/port-bindings.ts');
    const wide = await up(h.engine, { HostConfig: { PortBindings: parsePublish('10000-40000:10000-40000') } });
    expect(Object.keys((await h.engine.inspectContainer(wide)).NetworkSettings.Ports)).toHaveLength(30001);
    const { Id } = await h.engine.createContainer({ Image: 'box', name: 'inside', HostConfig: { PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '25000' }] } } });
    expect((await rejection(h.engine.startContainer(Id))).message).toMatch(/Error starting userland proxy: listen tcp4 127\.0\.0\.1:25000: bind: address already in use$/);
    for (const id of [wide, Id]) await h.engine.removeContainer(id, { force: true });
  }, 120_000);

  it('after a restart of the engine, containers it marked exited hold nothing', async () => {
    const h = await boxHost();
    const before = await up(h.engine, { HostConfig: { PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8082' }] } } });
    expect(await ip(h.engine, before)).toBe('172.17.0.2');
    // The running state is written behind: wait until the store has it, as a restart would find it.
    await eventually(async () => (await h.metadata.get<{ State: { Running: boolean } }>('containers', before))?.State.Running === true);
    // A new engine over the same stores finds the record running and no process of its own: exited (recovery.ts).
    const again = createEngine(h.ports);
    expect((await again.inspectContainer(before)).State.Running).toBe(false);
    expect((await again.inspectContainer(before)).NetworkSettings.IPAddress).toBe('');
    const after = await up(again, { HostConfig: { PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8082' }] } } });
    expect(await ip(again, after)).toBe('172.17.0.2');
    await again.removeContainer(after, { force: true });
    await h.engine.killContainer(before).catch(() => {});
  });

  it('a container that exits gives its ports and address back', async () => {
    const h = await boxHost();
    const { Id } = await h.engine.createContainer({ Image: 'box', Cmd: ['true'], HostConfig: { PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8081' }] } } });
    await h.engine.startContainer(Id);
    await eventually(async () => !(await h.engine.inspectContainer(Id)).State.Running);
    const next = await up(h.engine, { HostConfig: { PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8081' }] } } });
    expect(await ip(h.engine, next)).toBe('172.17.0.2');
    await h.engine.removeContainer(next, { force: true });
  });
});
