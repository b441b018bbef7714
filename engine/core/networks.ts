import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { NetworkCreate, NetworkInspect } from '../engine.ts';
import { EngineError } from '../errors.ts';
import { rfc3339Nano } from './clock.ts';
import { containerRecords } from './container-store.ts';
import type { Core } from './context.ts';
import { randomId } from './ids.ts';
import { labelsMatch } from './label-filter.ts';
import { contains, defaultGateway, formatIPv4, formatSubnet, macAddress as macOf, nextPool, overlaps, parseIPv4, parseSubnet, POOL_OVERLAP, type Subnet } from './ipam.ts';
import type { ContainerRecord, NetworkRecord } from './records.ts';

/**
 * Networks as Docker's local bridge driver has them: the built-in `bridge` (every container's
 * default; no name resolution on it) and `none` (loopback only), and user-defined bridge networks,
 * stored in the 'networks' bucket. There is no `host` network here: nothing of the host is ever
 * a container's network.
 */

/** A network as the core works with it: a stored record, or one of the two built in. */
export interface Network extends NetworkRecord {
  Driver: 'bridge' | 'null';
  builtin: boolean;
}

const builtinIds = new Map<string, string>();

/** Hashed once per name: every run reads the built-in networks several times, and a sha256 costs ~30 us. */
function builtinId(name: string): string {
  let id = builtinIds.get(name);
  if (id === undefined) builtinIds.set(name, (id = bytesToHex(sha256(new TextEncoder().encode(`dockyard network ${name}`)))));
  return id;
}

const BRIDGE_OPTIONS = {
  'com.docker.network.bridge.default_bridge': 'true',
  'com.docker.network.bridge.enable_icc': 'true',
  'com.docker.network.bridge.enable_ip_masquerade': 'true',
  'com.docker.network.bridge.host_binding_ipv4': '0.0.0.0',
  'com.docker.network.bridge.name': 'docker0',
  'com.docker.network.driver.mtu': '1500',
};

/** The built-in networks' creation time: when this engine first listed them (as dockerd's start). */
const started = new WeakMap<Core, string>();

export function builtinNetworks(core: Core): Network[] {
  let created = started.get(core);
  if (!created) started.set(core, (created = rfc3339Nano(core.now())));
  const common = { Created: created, Internal: false, Attachable: false, Labels: {}, userSubnet: false, userGateway: false, builtin: true };
  return [
    { ...common, Id: builtinId('bridge'), Name: 'bridge', Driver: 'bridge', Subnet: '172.17.0.0/16', Gateway: '172.17.0.1', Options: { ...BRIDGE_OPTIONS } },
    { ...common, Id: builtinId('none'), Name: 'none', Driver: 'null', Subnet: '', Gateway: '', Options: {} },
  ];
}

export const DEFAULT_NETWORK = 'bridge';

/** Every network, built-in first. */
export async function allNetworks(core: Core): Promise<Network[]> {
  const stored = (await core.ports.metadata.list<NetworkRecord>('networks')).map(([, r]): Network => ({ ...r, Driver: 'bridge', builtin: false }));
  return [...builtinNetworks(core), ...stored];
}

export function noSuchNetwork(name: string): EngineError {
  return new EngineError('not-found', `network ${name} not found`);
}

/** Docker's lookup: full ID, then exact name, then a unique ID prefix. */
export function pickNetwork(networks: readonly Network[], name: string): Network | undefined {
  const byId = networks.find((n) => n.Id === name);
  if (byId) return byId;
  const byName = networks.find((n) => n.Name === name);
  if (byName) return byName;
  const byPrefix = name.length > 0 ? networks.filter((n) => n.Id.startsWith(name)) : [];
  if (byPrefix.length > 1) throw new EngineError('invalid-argument', `network ${name} is ambiguous (${byPrefix.length} matches found based on ID prefix)`);
  return byPrefix[0];
}

export async function findNetwork(core: Core, name: string): Promise<Network> {
  const found = pickNetwork(await allNetworks(core), name);
  if (!found) throw noSuchNetwork(name);
  return found;
}

const PREDEFINED = ['bridge', 'none', 'host'];

function refusePredefined(name: string): void {
  if (PREDEFINED.includes(name)) throw new EngineError('forbidden', `operation is not permitted on predefined ${name} network`);
}

/** What a create request asks for, checked as Docker's daemon checks it. */
function checkCreate(options: NetworkCreate): { subnet?: Subnet; subnetText?: string; gateway?: number; gatewayText?: string } {
  if (typeof options.Name !== 'string' || options.Name === '') throw new EngineError('invalid-argument', 'network name must not be empty');
  refusePredefined(options.Name);
  const driver = options.Driver || 'bridge';
  if (driver === 'overlay') {
    throw new EngineError('unavailable', 'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.');
  }
  if (driver === 'host' || driver === 'null') throw new EngineError('forbidden', `only one instance of "${driver}" network is allowed`);
  if (driver !== 'bridge') throw new EngineError('not-found', `plugin "${driver}" not found`);
  if (options.IPAM?.Driver && options.IPAM.Driver !== 'default') throw new EngineError('not-found', `plugin "${options.IPAM.Driver}" not found`);
  const configs = options.IPAM?.Config ?? [];
  if (configs.length > 1) throw new EngineError('invalid-argument', 'this engine gives a network one IPv4 subnet: more than one IPAM config was given');
  const config = configs[0];
  if (!config) return {};
  if (config.IPRange) throw new EngineError('invalid-argument', '--ip-range is not supported by this engine: containers take addresses from the whole subnet');
  if (!config.Subnet) {
    if (config.Gateway) throw new EngineError('invalid-argument', 'every ip-range or gateway must have a corresponding subnet');
    return {};
  }
  const subnet = parseSubnet(config.Subnet);
  if (subnet.prefix > 30) throw new EngineError('invalid-argument', 'failed to allocate gateway (): No available addresses on this pool');
  if (!config.Gateway) return { subnet, subnetText: config.Subnet };
  const gateway = parseIPv4(config.Gateway);
  if (gateway === undefined) throw new EngineError('invalid-argument', `invalid gateway address ${config.Gateway}`);
  if (!contains(subnet, gateway)) throw new EngineError('invalid-argument', `no matching subnet for gateway ${config.Gateway}`);
  if (gateway === subnet.base || gateway === subnet.base + 2 ** (32 - subnet.prefix) - 1) {
    throw new EngineError('invalid-argument', `failed to allocate gateway (${config.Gateway}): Address already in use`);
  }
  return { subnet, subnetText: config.Subnet, gateway, gatewayText: config.Gateway };
}

export async function createNetwork(core: Core, options: NetworkCreate): Promise<{ Id: string; Warning: string }> {
  const asked = checkCreate(options);
  return core.containerLock.run(async () => {
    const networks = await allNetworks(core);
    if (networks.some((n) => n.Name === options.Name)) throw new EngineError('conflict', `network with name ${options.Name} already exists`);
    const used = networks.filter((n) => n.Subnet).map((n) => parseSubnet(n.Subnet));
    if (asked.subnet && used.some((u) => overlaps(u, asked.subnet!))) throw new EngineError('forbidden', POOL_OVERLAP);
    const subnet = asked.subnet ?? nextPool(used);
    const record: NetworkRecord = {
      Id: randomId(),
      Name: options.Name,
      Created: rfc3339Nano(core.now()),
      Subnet: asked.subnetText ?? formatSubnet(subnet),
      Gateway: asked.gatewayText ?? formatIPv4(defaultGateway(subnet)),
      userSubnet: asked.subnet !== undefined,
      userGateway: asked.gateway !== undefined,
      Internal: options.Internal === true,
      Attachable: options.Attachable === true,
      Labels: { ...(options.Labels ?? {}) },
      Options: { ...(options.Options ?? {}) },
    };
    await core.ports.metadata.batch([{ op: 'put', bucket: 'networks', key: record.Id, value: record }]);
    core.events.emit('network', 'create', record.Id, { name: record.Name, type: 'bridge' });
    return { Id: record.Id, Warning: '' };
  });
}

/** Containers with a live endpoint on the network (running ones), as Docker counts "active endpoints". */
export function activeOn(records: readonly ContainerRecord[], networkId: string): ContainerRecord[] {
  return records.filter((c) => c.State.Running && (c.net?.endpoints ?? []).some((e) => e.NetworkID === networkId));
}

/** Remove a user-defined network no running container is on. Callers hold containerLock. */
async function deleteNetwork(core: Core, network: Network, records: readonly ContainerRecord[]): Promise<void> {
  if (network.builtin) throw new EngineError('forbidden', `${network.Name} is a pre-defined network and cannot be removed`);
  if (activeOn(records, network.Id).length > 0) {
    throw new EngineError('forbidden', `error while removing network: network ${network.Name} id ${network.Id} has active endpoints`);
  }
  await core.ports.metadata.batch([{ op: 'delete', bucket: 'networks', key: network.Id }]);
  core.events.emit('network', 'destroy', network.Id, { name: network.Name, type: 'bridge' });
}

export async function removeNetwork(core: Core, name: string): Promise<void> {
  await core.containerLock.run(async () => {
    const network = await findNetwork(core, name);
    await deleteNetwork(core, network, await containerRecords(core));
  });
}

/** `docker network prune`: every user-defined network no running container is on, by name. */
export async function pruneNetworks(core: Core): Promise<{ NetworksDeleted: string[] }> {
  return core.containerLock.run(async () => {
    const records = await containerRecords(core);
    const deleted: string[] = [];
    for (const n of await allNetworks(core)) {
      if (n.builtin || activeOn(records, n.Id).length > 0) continue;
      await deleteNetwork(core, n, records);
      deleted.push(n.Name);
    }
    return { NetworksDeleted: deleted.sort() };
  });
}

/** The view of a network, with its live endpoints. */
export function networkView(n: Network, records: readonly ContainerRecord[]): NetworkInspect {
  const containers: NetworkInspect['Containers'] = {};
  const prefix = n.Subnet ? `/${parseSubnet(n.Subnet).prefix}` : '';
  // A map by container ID in Docker's answer: its JSON lists the IDs sorted.
  for (const c of activeOn(records, n.Id).sort((a, b) => (a.Id < b.Id ? -1 : 1))) {
    const e = c.net!.endpoints.find((x) => x.NetworkID === n.Id)!;
    const ip = e.IPAddress ? parseIPv4(e.IPAddress) : undefined;
    containers[c.Id] = {
      Name: c.Name.slice(1),
      EndpointID: e.EndpointID,
      MacAddress: ip === undefined ? '' : macOf(ip),
      IPv4Address: e.IPAddress ? e.IPAddress + prefix : '',
      IPv6Address: '',
    };
  }
  const ipamConfig = !n.Subnet ? [] : [n.builtin || !n.userSubnet || n.userGateway ? { Subnet: n.Subnet, Gateway: n.Gateway } : { Subnet: n.Subnet }];
  return {
    Name: n.Name,
    Id: n.Id,
    Created: n.Created,
    Scope: 'local',
    Driver: n.Driver,
    // API 1.47+: `none` has no IPv4 either.
    EnableIPv4: n.Driver === 'bridge',
    EnableIPv6: false,
    IPAM: { Driver: 'default', Options: n.builtin ? null : {}, Config: ipamConfig },
    Internal: n.Internal,
    Attachable: n.Attachable,
    Ingress: false,
    ConfigFrom: { Network: '' },
    ConfigOnly: false,
    Containers: containers,
    Options: { ...n.Options },
    Labels: { ...n.Labels },
  };
}

const FILTERS = ['driver', 'id', 'label', 'name', 'scope', 'type', 'dangling'];

/** The Engine API's network filters; an unknown filter is Docker's error. */
export function networkFilter(filters: Record<string, string[]>): (n: NetworkInspect, builtin: boolean) => boolean {
  for (const [name, values] of Object.entries(filters)) {
    if (!FILTERS.includes(name)) throw new EngineError('invalid-argument', `invalid filter '${name}'`);
    if (name === 'type') for (const v of values) if (v !== 'builtin' && v !== 'custom') throw new EngineError('invalid-argument', `invalid filter: 'type'='${v}'`);
    if (name === 'dangling') for (const v of values) if (!['true', 'false', '1', '0'].includes(v)) throw new EngineError('invalid-argument', `invalid filter 'dangling=${v}'`);
  }
  const accepts = (name: string, test: (value: string) => boolean) => {
    const wanted = filters[name];
    return !wanted || wanted.length === 0 || wanted.some(test);
  };
  return (n, builtin) =>
    accepts('driver', (v) => n.Driver === v) &&
    accepts('id', (v) => n.Id.includes(v)) &&
    labelsMatch(n.Labels, filters.label) &&
    accepts('name', (v) => n.Name.includes(v)) &&
    accepts('scope', (v) => v === 'local') &&
    accepts('type', (v) => (v === 'builtin') === builtin) &&
    // Docker's dangling: user-defined networks without containers (built-ins never are).
    accepts('dangling', (v) => (v === 'true' || v === '1') === (!builtin && Object.keys(n.Containers).length === 0));
}

export async function listNetworks(core: Core, options: { filters?: Record<string, string[]> } = {}): Promise<NetworkInspect[]> {
  const accept = networkFilter(options.filters ?? {});
  const records = await containerRecords(core);
  return (await allNetworks(core)).map((n) => ({ view: networkView(n, records), builtin: n.builtin })).filter((x) => accept(x.view, x.builtin)).map((x) => x.view);
}

export async function inspectNetwork(core: Core, name: string): Promise<NetworkInspect> {
  const [network, records] = await Promise.all([findNetwork(core, name), containerRecords(core)]);
  return networkView(network, records);
}
