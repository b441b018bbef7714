import { describe, it, expect, afterEach, beforeAll } from 'vitest';
import type { ContainerNetwork, DriverEndpoint, NetworkDriver } from '../../../engine/ports.ts';
import { EngineError } from '../../../engine/errors.ts';
import { layoutWithBox } from './support/shipped.ts';
import { makeHost, type TestHost } from './support/test-host.ts';
import { eventually } from './support/run.ts';
import type { Layout } from './support/oci-fixtures.ts';

// The NetworkDriver port (engine/ports.ts): what the core tells a host to wire, and when.

const hosts: TestHost[] = [];
let layout: Layout;
beforeAll(async () => {
  layout = await layoutWithBox();
});
afterEach(() => hosts.splice(0).forEach((h) => h.dispose()));

type Call = ['attach', string, ContainerNetwork] | ['connect', string, DriverEndpoint] | ['disconnect', string, string] | ['detach', string];

class RecordingDriver implements NetworkDriver {
  calls: Call[] = [];
  refuse?: string;
  /** Host ports something outside the engine holds. */
  heldOutside = new Set<number>();
  attempts = 0;
  async attach(id: string, network: ContainerNetwork): Promise<void> {
    this.attempts++;
    if (this.refuse) throw new EngineError('conflict', this.refuse);
    const held = network.ports.find((p) => this.heldOutside.has(p.hostPort));
    if (held) throw new EngineError('conflict', `Error starting userland proxy: listen tcp4 0.0.0.0:${held.hostPort}: bind: address already in use`);
    this.calls.push(['attach', id, network]);
  }
  async connect(id: string, endpoint: DriverEndpoint): Promise<void> {
    this.calls.push(['connect', id, endpoint]);
  }
  async disconnect(id: string, networkId: string): Promise<void> {
    this.calls.push(['disconnect', id, networkId]);
  }
  async detach(id: string): Promise<void> {
    this.calls.push(['detach', id]);
  }
}

async function driverHost(): Promise<TestHost & { driver: RecordingDriver }> {
  const h = makeHost({ layout });
  const driver = new RecordingDriver();
  h.ports.network = driver;
  hosts.push(h);
  await h.engine.pull('box');
  return Object.assign(h, { driver });
}

const LOOP = ['sh', '-c', 'while true; do sleep 1; done'];

describe('the network driver port', () => {
  it('attaches what the model decided before the process runs, and detaches when it exits', async () => {
    const { engine, driver } = await driverHost();
    await engine.createNetwork({ Name: 'app' });
    const { Id } = await engine.createContainer({ Image: 'box', Cmd: LOOP, HostConfig: { NetworkMode: 'app', PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }] } }, ExposedPorts: { '80/tcp': {} } });
    await engine.startContainer(Id);
    const [attach] = driver.calls;
    expect(attach[0]).toBe('attach');
    const wiring = attach[2] as ContainerNetwork;
    const inspect = await engine.inspectContainer(Id);
    const app = inspect.NetworkSettings.Networks.app;
    expect(wiring.endpoints).toEqual([
      { networkId: app.NetworkID, networkName: 'app', driver: 'bridge', subnet: '172.18.0.0/16', gateway: '172.18.0.1', internal: false, address: app.IPAddress, mac: app.MacAddress, resolves: true },
    ]);
    expect(wiring.ports).toEqual([{ hostIp: '127.0.0.1', hostPort: 8080, containerPort: 80, protocol: 'tcp' }]);
    await engine.stopContainer(Id, { timeout: 0 });
    await eventually(async () => driver.calls.at(-1)?.[0] === 'detach');
    expect(driver.calls.at(-1)).toEqual(['detach', Id]);
  });

  it('the default bridge does not resolve names; none has no address', async () => {
    const { engine, driver } = await driverHost();
    const a = await engine.createContainer({ Image: 'box', Cmd: ['true'] });
    const b = await engine.createContainer({ Image: 'box', Cmd: ['true'], HostConfig: { NetworkMode: 'none' } });
    await engine.startContainer(a.Id);
    await engine.startContainer(b.Id);
    const attached = driver.calls.filter((c) => c[0] === 'attach').map((c) => (c[2] as ContainerNetwork).endpoints[0]);
    expect(attached[0]).toMatchObject({ networkName: 'bridge', driver: 'bridge', subnet: '172.17.0.0/16', gateway: '172.17.0.1', address: '172.17.0.2', resolves: false });
    expect(attached[1]).toMatchObject({ networkName: 'none', driver: 'null', address: '', mac: '', resolves: false });
  });

  it('a refused attach fails the start with its message and leaves the container created, its port free', async () => {
    const { engine, driver } = await driverHost();
    driver.refuse = 'Bind for 127.0.0.1:8080 failed: port is already allocated';
    const { Id } = await engine.createContainer({ Image: 'box', Cmd: LOOP, HostConfig: { PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }] } } });
    // In Docker's words for the endpoint, as a port another container holds.
    const name = (await engine.inspectContainer(Id)).Name.slice(1);
    await expect(engine.startContainer(Id)).rejects.toThrow(new RegExp(`^driver failed programming external connectivity on endpoint ${name} \\([0-9a-f]{64}\\): Bind for 127.0.0.1:8080 failed: port is already allocated$`));
    expect((await engine.inspectContainer(Id)).State.Status).toBe('created');
    driver.refuse = undefined;
    const other = await engine.createContainer({ Image: 'box', Cmd: LOOP, HostConfig: { PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }] } } });
    await engine.startContainer(other.Id);
    expect((await engine.inspectContainer(other.Id)).State.Running).toBe(true);
    await engine.stopContainer(other.Id, { timeout: 0 });
  });

  it('a free host port the host refuses is tried again with the next one, as dockerd; a fixed one is not', async () => {
    const { engine, driver } = await driverHost();
    driver.heldOutside = new Set([32768, 32769]);
    const any = await engine.createContainer({ Image: 'box', Cmd: LOOP, HostConfig: { PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] } } });
    await engine.startContainer(any.Id);
    expect((await engine.inspectContainer(any.Id)).NetworkSettings.Ports['80/tcp']).toEqual([{ HostIp: '127.0.0.1', HostPort: '32770' }]);
    expect(driver.attempts).toBe(3);
    const fixed = await engine.createContainer({ Image: 'box', Cmd: LOOP, HostConfig: { PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '32768' }] } } });
    await expect(engine.startContainer(fixed.Id)).rejects.toThrow(/: Error starting userland proxy: listen tcp4 0.0.0.0:32768: bind: address already in use$/);
    expect(driver.attempts).toBe(4);
    await engine.stopContainer(any.Id, { timeout: 0 });
  });

  it('network connect and disconnect of a running container reach the driver; of a stopped one, not', async () => {
    const { engine, driver } = await driverHost();
    const net = await engine.createNetwork({ Name: 'side', Internal: true });
    const { Id } = await engine.createContainer({ Image: 'box', Cmd: LOOP });
    await engine.connectNetwork('side', Id);
    expect(driver.calls).toEqual([]);
    await engine.startContainer(Id);
    await engine.disconnectNetwork('side', Id);
    expect(driver.calls.at(-1)).toEqual(['disconnect', Id, net.Id]);
    await engine.connectNetwork('side', Id, { Aliases: ['db'] });
    const [kind, id, endpoint] = driver.calls.at(-1)!;
    expect([kind, id]).toEqual(['connect', Id]);
    expect(endpoint).toMatchObject({ networkId: net.Id, internal: true, gateway: '', resolves: true, address: (await engine.inspectContainer(Id)).NetworkSettings.Networks.side.IPAddress });
    await engine.stopContainer(Id, { timeout: 0 });
  });
});
