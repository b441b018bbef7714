import type { ContainerCreate, EndpointSettings, NetworkSettings, PortBinding, PortMap } from '../engine.ts';
import type { ContainerNetwork, DriverEndpoint, DriverPortBinding } from '../ports.ts';
import { EngineError } from '../errors.ts';
import { containerRecords, findContainer } from './container-store.ts';
import type { Core } from './context.ts';
import { randomId } from './ids.ts';
import { allocateAddress, formatIPv4, macAddress, parseIPv4, parseSubnet } from './ipam.ts';
import { allNetworks, builtinNetworks, DEFAULT_NETWORK, findNetwork, noSuchNetwork, pickNetwork, type Network } from './networks.ts';
import { allocatePorts, checkPortBindings, heldPorts, parsePortKey, portKey, portsView, portSummaries, type HeldPort } from './port-bindings.ts';
import type { ContainerNetRecord, ContainerRecord, EndpointRecord } from './records.ts';

/**
 * A container's side of the network model: the networks it is on (chosen at create, changed by
 * `network connect/disconnect`), the address it holds on each and the host ports it holds while
 * it runs (taken at start, as dockerd connects a container's endpoints at start, given back when it
 * stops), and the NetworkSettings `docker inspect` shows. Addresses and ports are taken under the
 * container lock from what the other running containers hold, so the same commands give the same
 * answers on both hosts.
 */

export const ALIASES_ON_DEFAULT = 'network-scoped aliases are only supported for user-defined networks';
const PRIVATE_NONE = 'container cannot be connected to multiple networks with one of the networks in private (none) mode';

export const HOST_NETWORK_REFUSED =
  'the host network is not available here: a container never shares the network of the machine it runs on; use the default bridge or a network of your own (docker network create)';

/** A user-defined network: the only kind with aliases and name resolution (as Docker's). */
function userDefined(n: Network): boolean {
  return !n.builtin;
}

/** The network a NetworkMode names. */
async function modeNetwork(core: Core, mode: string): Promise<Network> {
  if (mode === 'host') throw new EngineError('invalid-argument', HOST_NETWORK_REFUSED);
  if (mode.startsWith('container:')) throw new EngineError('invalid-argument', `network mode "${mode}" is not supported here: a container has its own network namespace`);
  const found = await lookup(core, mode === 'default' || mode === '' ? DEFAULT_NETWORK : mode);
  if (!found) throw unknownAtCreate(mode);
  return found;
}

/**
 * A network a create names that does not exist. Not a not-found answer: the docker CLI pulls the
 * image again on any 404 from a create ("Unable to find image 'box:latest' locally"), which Docker
 * never shows here (20.10 fails the start instead, in the same words) - checked against dockerd
 * 20.10 by test/oracle/networks.test.ts.
 */
function unknownAtCreate(name: string): EngineError {
  return new EngineError('invalid-argument', noSuchNetwork(name).message);
}

/**
 * A network by name, ID or ID prefix. The built-in ones by name need no read of the store: a
 * create on the default bridge (every plain `docker run`) reads nothing more than it did before networks.
 */
async function lookup(core: Core, name: string): Promise<Network | undefined> {
  return builtinNetworks(core).find((n) => n.Name === name) ?? pickNetwork(await allNetworks(core), name);
}

/** What a create request says about networks and ports, checked; for the container record. */
export interface CreateNetworking {
  networkMode: string;
  portBindings: PortMap;
  publishAll: boolean;
  /** The image's EXPOSE, the request's ExposedPorts and every published port, as "80/tcp". */
  exposed: Record<string, object>;
  net: ContainerNetRecord;
}

export async function createNetworking(core: Core, create: ContainerCreate, imageExposed: Record<string, object> | undefined): Promise<CreateNetworking> {
  const host = create.HostConfig ?? {};
  const networkMode = host.NetworkMode || 'default';
  const first = await modeNetwork(core, networkMode);
  const portBindings = checkPortBindings(host.PortBindings);
  const exposed: Record<string, object> = {};
  for (const key of [...Object.keys(imageExposed ?? {}), ...Object.keys(create.ExposedPorts ?? {}), ...Object.keys(portBindings)]) exposed[portKey(parsePortKey(key))] = {};
  const endpoints: EndpointRecord[] = [{ NetworkID: first.Id, Aliases: [], EndpointID: '', IPAddress: '' }];
  for (const [name, config] of Object.entries(create.NetworkingConfig?.EndpointsConfig ?? {})) {
    // The docker CLI names the NetworkMode's network "default" when none was given.
    const n = name === 'default' ? first : await lookup(core, name);
    if (!n) throw unknownAtCreate(name);
    let endpoint = endpoints.find((e) => e.NetworkID === n.Id);
    if (!endpoint) {
      if (n.Driver === 'null' || first.Driver === 'null') throw new EngineError('invalid-argument', PRIVATE_NONE);
      endpoint = { NetworkID: n.Id, Aliases: [], EndpointID: '', IPAddress: '' };
      endpoints.push(endpoint);
    }
    const aliases = config?.Aliases ?? [];
    if (aliases.length > 0 && !userDefined(n)) throw new EngineError('invalid-argument', ALIASES_ON_DEFAULT);
    endpoint.Aliases.push(...aliases.filter((a) => !endpoint.Aliases.includes(a)));
  }
  return { networkMode, portBindings, publishAll: host.PublishAllPorts === true, exposed, net: { endpoints, ports: {}, sandboxId: '' } };
}

/** The networks these containers are on: the store is read only when one is on a user-defined network. */
export async function networksFor(core: Core, records: readonly ContainerRecord[]): Promise<Network[]> {
  const builtin = builtinNetworks(core);
  const known = new Set(builtin.map((n) => n.Id));
  const needStore = records.some((c) => (c.net?.endpoints ?? []).some((e) => !known.has(e.NetworkID)));
  return needStore ? allNetworks(core) : builtin;
}

/** A container's networks; records written before networks existed are on the default bridge, nothing published. */
export function netOf(c: ContainerRecord, bridgeId: string): ContainerNetRecord {
  return c.net ?? { endpoints: [{ NetworkID: bridgeId, Aliases: [], EndpointID: '', IPAddress: '' }], ports: {}, sandboxId: '' };
}

function bridgeId(core: Core): string {
  return builtinNetworks(core)[0].Id;
}

/** Containers this engine is starting: they hold their addresses and ports before they are marked running. */
const starting = new WeakMap<Core, Set<string>>();

function holds(core: Core, c: ContainerRecord): boolean {
  return c.State.Running || (starting.get(core)?.has(c.Id) ?? false);
}

/** What the other containers hold: addresses per network, host ports. */
function heldByOthers(core: Core, records: readonly ContainerRecord[], id: string): { addresses: Map<string, Set<number>>; ports: HeldPort[] } {
  const addresses = new Map<string, Set<number>>();
  const ports: HeldPort[] = [];
  for (const c of records) {
    if (c.Id === id || !holds(core, c)) continue;
    const net = netOf(c, bridgeId(core));
    for (const e of net.endpoints) {
      const ip = e.IPAddress ? parseIPv4(e.IPAddress) : undefined;
      if (ip === undefined) continue;
      if (!addresses.has(e.NetworkID)) addresses.set(e.NetworkID, new Set());
      addresses.get(e.NetworkID)!.add(ip);
    }
    ports.push(...heldPorts(net.ports));
  }
  return { addresses, ports };
}

function takeAddress(n: Network, taken: Set<number> | undefined): string {
  if (!n.Subnet) return '';
  const subnet = parseSubnet(n.Subnet);
  return formatIPv4(allocateAddress(subnet, parseIPv4(n.Gateway), taken ?? new Set()));
}

/** An endpoint comes up: a new endpoint ID and the lowest free address on its network. */
function bringUp(e: EndpointRecord, n: Network, taken: Set<number> | undefined): void {
  e.EndpointID = randomId();
  e.IPAddress = takeAddress(n, taken);
}

/**
 * A host port that cannot be had - another container holds it, or something outside the engine
 * (the kernel's userland proxy cannot bind it) - in Docker's words for the endpoint.
 */
function externalConnectivityError(e: unknown, containerName: string, endpointId: string): unknown {
  if (!(e instanceof EngineError) || e.code !== 'conflict') return e;
  return new EngineError('conflict', `driver failed programming external connectivity on endpoint ${containerName.slice(1)} (${endpointId}): ${e.message}`);
}

/** The host ports a starting container takes; a port held elsewhere is Docker's endpoint error. */
function publishPorts(core: Core, c: ContainerRecord, endpointId: string, held: readonly HeldPort[]): ContainerNetRecord['ports'] {
  const request = { bindings: c.HostConfig.PortBindings ?? {}, exposed: Object.keys(c.Config.ExposedPorts ?? {}), publishAll: c.HostConfig.PublishAllPorts === true };
  try {
    return allocatePorts(core, request, held);
  } catch (e) {
    throw externalConnectivityError(e, c.Name, endpointId);
  }
}

/** A started container's network, for the runtime files; `done` once it is recorded running (or failed to start). */
export interface StartedNetwork {
  /** Its IPv4 addresses, in the order of its networks (/etc/hosts lists each with the hostname). */
  addresses: string[];
  /** What the host's NetworkDriver wires before the process starts. */
  wiring: ContainerNetwork;
  /** The first endpoint's ID (Docker's refused-port messages name it). */
  endpointId: string;
  done(): void;
}

/** One endpoint as a NetworkDriver sees it. */
function driverEndpoint(e: EndpointRecord, n: Network): DriverEndpoint {
  const ip = e.IPAddress ? parseIPv4(e.IPAddress) : undefined;
  return {
    networkId: n.Id,
    networkName: n.Name,
    driver: n.Driver,
    subnet: n.Subnet,
    gateway: n.Internal ? '' : n.Gateway,
    internal: n.Internal,
    address: e.IPAddress,
    mac: ip !== undefined ? macAddress(ip) : '',
    resolves: userDefined(n),
  };
}

function driverPorts(ports: ContainerNetRecord['ports']): DriverPortBinding[] {
  const out: DriverPortBinding[] = [];
  for (const [key, bindings] of Object.entries(ports)) {
    const { port, proto } = parsePortKey(key);
    for (const b of bindings) out.push({ hostIp: b.HostIp, hostPort: Number(b.HostPort), containerPort: port, protocol: proto === 'udp' ? 'udp' : 'tcp' });
  }
  return out;
}

/**
 * Bring up a container's endpoints for a start: an address on each network, its published ports.
 * Refuses with Docker's messages (a network gone, a host port another container holds) and then
 * leaves the container as it was.
 */
export async function startNetworking(core: Core, id: string): Promise<StartedNetwork> {
  return core.containerLock.run(async () => {
    // On the path of every run: the store may answer from what it read in this tenure (no other
    // engine writes while this one holds the writer lock), and the user networks are read only
    // when the container is on one.
    const [c, records] = await Promise.all([findContainer(core, id), core.containers.list({ mayLag: true })]);
    const networks = await networksFor(core, [c]);
    const net = structuredClone(netOf(c, networks[0].Id));
    const held = heldByOthers(core, records, c.Id);
    let bridged = false;
    for (const e of net.endpoints) {
      const n = networks.find((x) => x.Id === e.NetworkID);
      if (!n) throw new EngineError('not-found', `network ${e.NetworkID} not found`);
      bringUp(e, n, held.addresses.get(n.Id));
      bridged ||= n.Driver === 'bridge';
    }
    // A container on `none` only has no ports to publish (Docker accepts -p there and publishes nothing).
    net.ports = bridged ? publishPorts(core, c, net.endpoints[0].EndpointID, held.ports) : {};
    // One sandbox per container, named after it (Docker's is random; nothing a user sees depends on it).
    net.sandboxId = c.Id;
    const record = { ...c, net };
    core.containers.putLater(record);
    let set = starting.get(core);
    if (!set) starting.set(core, (set = new Set()));
    set.add(c.Id);
    const wiring = { endpoints: net.endpoints.map((e) => driverEndpoint(e, networks.find((x) => x.Id === e.NetworkID)!)), ports: driverPorts(net.ports) };
    return { addresses: net.endpoints.map((e) => e.IPAddress).filter((a) => a !== ''), wiring, endpointId: net.endpoints[0]?.EndpointID ?? '', done: () => set.delete(c.Id) };
  });
}

/** dockerd takes the next port of the ephemeral range when the host refuses one (libnetwork tries 10 times). */
const EPHEMERAL_ATTEMPTS = 10;

/** Some binding asks for any free host port: another try takes the allocator's next one. */
function asksEphemeral(c: ContainerRecord): boolean {
  return c.HostConfig.PublishAllPorts === true || Object.values(c.HostConfig.PortBindings ?? {}).some((list) => list?.some((b) => !b.HostPort));
}

/**
 * startNetworking, then the host's NetworkDriver wires it before the process exists. A host port
 * held outside the engine refuses the start as one another container holds does - unless the
 * port was any free one, which is then tried again with the next (as dockerd's allocator does).
 */
export async function startWiredNetworking(core: Core, c: ContainerRecord): Promise<StartedNetwork> {
  for (let attempt = 1; ; attempt++) {
    const network = await startNetworking(core, c.Id);
    try {
      await core.ports.network?.attach(c.Id, network.wiring);
      return network;
    } catch (e) {
      network.done();
      if (attempt < EPHEMERAL_ATTEMPTS && e instanceof EngineError && e.code === 'conflict' && asksEphemeral(c)) continue;
      throw externalConnectivityError(e, c.Name, network.endpointId);
    }
  }
}

/** `docker network connect`: a running container gets its address at once, a stopped one at its next start. */
export async function connectContainer(core: Core, network: string, container: string, config: { Aliases?: string[] } = {}): Promise<void> {
  await core.containerLock.run(async () => {
    const [n, c, records] = await Promise.all([findNetwork(core, network), findContainer(core, container), containerRecords(core)]);
    const net = structuredClone(netOf(c, bridgeId(core)));
    if (net.endpoints.some((e) => e.NetworkID === n.Id)) throw new EngineError('forbidden', `endpoint with name ${c.Name.slice(1)} already exists in network ${n.Name}`);
    const networks = await allNetworks(core);
    const current = net.endpoints.map((e) => networks.find((x) => x.Id === e.NetworkID));
    if (n.Driver === 'null' || current.some((x) => x?.Driver === 'null')) throw new EngineError('forbidden', PRIVATE_NONE);
    const aliases = config.Aliases ?? [];
    if (aliases.length > 0 && !userDefined(n)) throw new EngineError('invalid-argument', ALIASES_ON_DEFAULT);
    const endpoint: EndpointRecord = { NetworkID: n.Id, Aliases: [...new Set(aliases)], EndpointID: '', IPAddress: '' };
    const running = holds(core, c);
    if (running) bringUp(endpoint, n, heldByOthers(core, records, c.Id).addresses.get(n.Id));
    // The host wires it before the record says so: a driver that refuses leaves the container as it was.
    if (running) await core.ports.network?.connect(c.Id, driverEndpoint(endpoint, n));
    net.endpoints.push(endpoint);
    core.containers.putLater({ ...c, net });
    core.events.emit('network', 'connect', n.Id, { container: c.Id, name: n.Name, type: n.Driver });
  });
  await core.containers.flush();
}

export async function disconnectContainer(core: Core, network: string, container: string): Promise<void> {
  await core.containerLock.run(async () => {
    const [n, c] = await Promise.all([findNetwork(core, network), findContainer(core, container)]);
    const net = structuredClone(netOf(c, bridgeId(core)));
    const at = net.endpoints.findIndex((e) => e.NetworkID === n.Id);
    if (at < 0) throw new EngineError('forbidden', `container ${c.Id} is not connected to network ${n.Name}`);
    net.endpoints.splice(at, 1);
    if (holds(core, c)) await core.ports.network?.disconnect(c.Id, n.Id);
    core.containers.putLater({ ...c, net });
    core.events.emit('network', 'disconnect', n.Id, { container: c.Id, name: n.Name, type: n.Driver });
  });
  await core.containers.flush();
}

const EMPTY_ENDPOINT: Omit<EndpointSettings, 'NetworkID' | 'Aliases' | 'IPAMConfig' | 'DNSNames' | 'Links'> = {
  MacAddress: '',
  DriverOpts: null,
  GwPriority: 0,
  EndpointID: '',
  Gateway: '',
  IPAddress: '',
  IPPrefixLen: 0,
  IPv6Gateway: '',
  GlobalIPv6Address: '',
  GlobalIPv6PrefixLen: 0,
};

function endpointView(c: ContainerRecord, e: EndpointRecord, n: Network | undefined, live: boolean, sandbox: boolean): EndpointSettings {
  const user = n !== undefined && userDefined(n);
  const shortId = c.Id.slice(0, 12);
  // In Docker's field order (EndpointSettings, API 1.48+).
  const base: EndpointSettings = {
    IPAMConfig: user ? {} : null,
    Links: null,
    // Docker adds the container's short ID to its aliases on a user network when the endpoint first comes up.
    Aliases: user ? [...e.Aliases, ...(e.EndpointID !== '' ? [shortId] : [])] : null,
    ...EMPTY_ENDPOINT,
    NetworkID: sandbox && n ? n.Id : '',
    DNSNames: null,
  };
  if (!live || !n) return base;
  const ip = e.IPAddress ? parseIPv4(e.IPAddress) : undefined;
  return {
    ...base,
    EndpointID: e.EndpointID,
    Gateway: ip !== undefined && !n.Internal ? n.Gateway : '',
    IPAddress: e.IPAddress,
    IPPrefixLen: ip !== undefined ? parseSubnet(n.Subnet).prefix : 0,
    MacAddress: ip !== undefined ? macAddress(ip) : '',
    DNSNames: user ? [c.Name.slice(1), shortId, ...e.Aliases] : null,
  };
}

/** `docker inspect`'s NetworkSettings. The top-level address fields are the default bridge's, as Docker's. */
export function networkSettingsView(c: ContainerRecord, networks: readonly Network[]): NetworkSettings {
  const net = netOf(c, networks[0].Id);
  const live = c.State.Running;
  const sandbox = net.sandboxId !== '';
  const byName: Record<string, EndpointSettings> = {};
  let bridge: EndpointSettings | undefined;
  for (const e of net.endpoints) {
    const n = networks.find((x) => x.Id === e.NetworkID);
    const view = endpointView(c, e, n, live, sandbox);
    byName[n?.Name ?? e.NetworkID] = view;
    if (n?.Name === DEFAULT_NETWORK) bridge = view;
  }
  // Networks is a map in Docker's answer: its JSON lists the names sorted.
  const networksByName = Object.fromEntries(Object.keys(byName).sort().map((k) => [k, byName[k]]));
  const exposed = Object.keys(c.Config.ExposedPorts ?? {});
  const bridged = net.endpoints.some((e) => networks.find((x) => x.Id === e.NetworkID)?.Driver === 'bridge');
  return {
    Bridge: '',
    SandboxID: net.sandboxId,
    HairpinMode: false,
    LinkLocalIPv6Address: '',
    LinkLocalIPv6PrefixLen: 0,
    Ports: live && bridged ? portsView(exposed, net.ports) : {},
    SandboxKey: sandbox ? `/var/run/docker/netns/${net.sandboxId.slice(0, 12)}` : '',
    SecondaryIPAddresses: null,
    SecondaryIPv6Addresses: null,
    EndpointID: bridge?.EndpointID ?? '',
    Gateway: bridge?.Gateway ?? '',
    GlobalIPv6Address: '',
    GlobalIPv6PrefixLen: 0,
    IPAddress: bridge?.IPAddress ?? '',
    IPPrefixLen: bridge?.IPPrefixLen ?? 0,
    IPv6Gateway: '',
    MacAddress: bridge?.MacAddress ?? '',
    Networks: networksByName,
  };
}

/** HostConfig's network fields, with the defaults of records written before networks existed. */
export function hostNetworkConfig(c: ContainerRecord): { NetworkMode: string; PortBindings: PortMap; PublishAllPorts: boolean } {
  return { NetworkMode: c.HostConfig.NetworkMode ?? 'default', PortBindings: structuredClone(c.HostConfig.PortBindings ?? {}), PublishAllPorts: c.HostConfig.PublishAllPorts ?? false };
}

/** The network fields of `GET /containers/json` (ps): Ports of a running container, its networks. */
export function summaryNetworking(c: ContainerRecord, networks: readonly Network[]): { Ports: ReturnType<typeof portSummaries>; HostConfig: { NetworkMode: string }; NetworkSettings: { Networks: Record<string, EndpointSettings> } } {
  const settings = networkSettingsView(c, networks);
  return { Ports: portSummaries(settings.Ports), HostConfig: { NetworkMode: hostNetworkConfig(c).NetworkMode }, NetworkSettings: { Networks: settings.Networks } };
}

/** The bindings a running container holds, for `docker port` over records (the view is in inspect). */
export type HeldBindings = Record<string, PortBinding[]>;

/**
 * Name resolution on user-defined networks, for the resolver of the guests' sockets: the
 * addresses `name` has for a container, looked up on each user-defined network it is on (the
 * default bridge resolves nothing, as Docker's). A name is a container's name, its short or full
 * ID, or one of its aliases there; only running containers answer. Empty when nothing matches.
 */
export async function resolveName(core: Core, fromContainer: string, name: string): Promise<string[]> {
  const [c, records, networks] = await Promise.all([findContainer(core, fromContainer), containerRecords(core), allNetworks(core)]);
  const out: string[] = [];
  for (const e of netOf(c, bridgeId(core)).endpoints) {
    const n = networks.find((x) => x.Id === e.NetworkID);
    if (!n || !userDefined(n)) continue;
    for (const ip of networkNames(records, n.Id).get(name) ?? []) if (!out.includes(ip)) out.push(ip);
  }
  return out;
}

/** Every name a user-defined network resolves, with its addresses (running containers only). */
export function networkNames(records: readonly ContainerRecord[], networkId: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (name: string, ip: string) => {
    const list = out.get(name) ?? [];
    if (!list.includes(ip)) list.push(ip);
    out.set(name, list);
  };
  for (const c of records) {
    if (!c.State.Running) continue;
    const e = c.net?.endpoints.find((x) => x.NetworkID === networkId);
    if (!e?.IPAddress) continue;
    for (const name of [c.Name.slice(1), c.Id.slice(0, 12), c.Id, ...e.Aliases]) add(name, e.IPAddress);
  }
  return out;
}
