import { randomBytes } from 'node:crypto';
import type { ContainerNetwork, DriverEndpoint, NetworkDriver } from '../../engine/ports.ts';
import { EngineError } from '../../engine/errors.ts';
import { ipBatch, ipCommand } from './ip-command.ts';
import { NetnsNames } from './netns-names.ts';
import { PortProxy } from './port-proxy.ts';

export interface KernelNetworkOptions {
  dataRoot: string;
  /** The compiled port-proxy.c; absent: why (then a start that publishes ports is refused with it). */
  proxy: { path?: string; problem?: string };
  /** Non-loopback host addresses ports may be published on (the service's --publish-address). */
  publishAddresses?: string[];
}

/** A container's link to one network: its end (eth0, eth1...) and the bridge's end. */
interface Link {
  ifname: string;
  peer: string;
  endpoint: DriverEndpoint;
}

interface Wired {
  netns: string;
  /** Wired by attach (false: made ahead for a warm spare, nothing in it yet). */
  attached: boolean;
  links: Map<string, Link>;
  /** The network whose gateway is the default route. */
  gateway?: string;
  proxy?: PortProxy;
  /** A link made ahead with the namespace (eth0 on docker0, no address yet), for a run on the default bridge. */
  ahead?: { peer: string; networkId: string };
}

/** Docker names the default bridge's device docker0 and a user network's br-<ID[:12]>. */
function bridgeName(e: DriverEndpoint): string {
  return e.networkName === 'bridge' ? 'docker0' : `br-${e.networkId.slice(0, 12)}`;
}

function prefixOf(subnet: string): string {
  return subnet.split('/')[1];
}

/** The bridge's end of a link made ahead: named by the container, so tests can tell an idle spare's from a leftover. */
export function aheadPeer(containerId: string): string {
  return `vs${containerId.slice(0, 12)}`;
}

/**
 * The kernel service's NetworkDriver (issue 17): real network namespaces, wired as Docker's bridge
 * driver wires them, but inside a network namespace of the service's own.
 *
 * - The service's namespace holds one Linux bridge per network in use (the gateway's address on
 *   it), made at the first endpoint and removed with the last (docker0 stays). Nothing links it to the host's
 *   namespace and it forwards nothing (ip_forward is 0 in a new namespace): containers reach the
 *   containers on their own networks and nothing else - no host service, no route out.
 * - Each container's namespace (named, so runc joins it: `pathOf`) has loopback up and one veth per
 *   endpoint: eth0, eth1... with the model's address, prefix and MAC, the default route via the
 *   first gateway (none on --internal). `none`: loopback only.
 * - Published ports: a PortProxy per container, listening on the host's loopback.
 *
 * Calls are serialised (bridges are shared between containers). Everything is named per data
 * root (NetnsNames), so `open` removes what a killed service left and `close` what this one made.
 */
export class KernelNetwork implements NetworkDriver {
  readonly names: NetnsNames;
  readonly #containers = new Map<string, Wired>();
  /** Bridges present in the service's namespace, with the containers on each. */
  readonly #bridges = new Map<string, Set<string>>();
  /** The default bridge's network ID once docker0 exists (links are then made ahead for warm spares). */
  #docker0: string | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly o: KernelNetworkOptions) {
    this.names = new NetnsNames(o.dataRoot);
  }

  /** The service's namespace made afresh (with loopback up for the proxies), after removing a dead service's. */
  static async open(o: KernelNetworkOptions): Promise<KernelNetwork> {
    const net = new KernelNetwork(o);
    await removeNetworkNamespaces(o.dataRoot);
    await ipCommand(['netns', 'add', net.names.service]);
    await ipBatch(['link set lo up'], net.names.service);
    return net;
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(fn, fn);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  /** The namespace runc is to join for this container, if this driver made one (else runc makes a bare one). */
  pathOf(containerId: string): string | undefined {
    const w = this.#containers.get(containerId);
    return w ? this.names.path(w.netns) : undefined;
  }

  /**
   * A namespace made ahead for a warm spare booted for this container ID, with eth0 on docker0 if
   * that exists (most runs are on the default bridge: their attach then only configures eth0 - one
   * `ip` in the container's namespace).
   */
  prepare(containerId: string): Promise<string> {
    return this.#serial(async () => {
      const fresh = !this.#containers.has(containerId);
      const w = await this.#namespace(containerId);
      const docker0 = this.#docker0;
      if (fresh && docker0 !== undefined) {
        const peer = aheadPeer(containerId);
        await ipBatch([`link add ${peer} type veth peer name eth0 netns ${w.netns}`, `link set ${peer} master docker0 up`], this.names.service).then(
          () => (w.ahead = { peer, networkId: docker0 }),
          // Without it the run's attach makes its link as a cold start does.
          () => ipBatch([`link del ${peer}`], this.names.service, true).catch(() => undefined),
        );
      }
      return this.names.path(w.netns);
    });
  }

  /** The spare for this ID was given up: its namespace goes, unless a start of the container already wired it. */
  release(containerId: string): Promise<void> {
    return this.#serial(async () => {
      const w = this.#containers.get(containerId);
      if (!w || w.attached) return;
      this.#containers.delete(containerId);
      if (w.ahead) await ipBatch([`link del ${w.ahead.peer}`], this.names.service, true).catch(() => undefined);
      await ipCommand(['netns', 'del', w.netns]).catch(() => undefined);
    });
  }

  attach(containerId: string, network: ContainerNetwork): Promise<void> {
    return this.#serial(async () => {
      // Made ahead for a warm spare whose runner is in it already: a failed attach must leave it to that spare.
      const prepared = this.#containers.has(containerId);
      const w = await this.#namespace(containerId);
      w.attached = true;
      // The link made ahead is eth0 on docker0: this run's if its first network is the default bridge, else it goes first.
      const ahead = w.ahead;
      w.ahead = undefined;
      const bridged = network.endpoints.filter((e) => e.driver === 'bridge');
      const adopt = ahead !== undefined && bridged[0]?.networkId === ahead.networkId;
      try {
        const inside = ['link set lo up'];
        let drop = ahead && !adopt ? [`link del ${ahead.peer}`] : [];
        if (drop.length > 0 && bridged.length === 0) inside.push('link del eth0');
        for (const e of bridged) {
          if (adopt && e === bridged[0]) inside.push(...this.#adopt(containerId, w, e, ahead.peer));
          else inside.push(...(await this.#link(containerId, w, e, drop)));
          drop = [];
        }
        await ipBatch(inside, w.netns);
        const target = network.endpoints.find((e) => e.driver === 'bridge' && !e.internal && e.address !== '');
        if (network.ports.length > 0 && target) {
          if (!this.o.proxy.path) throw new EngineError('internal', `cannot publish ports: ${this.o.proxy.problem ?? 'no userland proxy'}`);
          w.proxy = await PortProxy.start(this.o.proxy.path, this.names.path(this.names.service), target.address, network.ports, this.o.publishAddresses ?? []);
        }
      } catch (e) {
        if (ahead && !adopt) await ipBatch([`link del ${ahead.peer}`], this.names.service, true).catch(() => undefined);
        if (prepared) await this.#strip(containerId, w);
        else await this.#unwire(containerId);
        throw e instanceof EngineError ? e : new EngineError('internal', `cannot set up the container's network: ${(e as Error).message}`);
      }
    });
  }

  connect(containerId: string, endpoint: DriverEndpoint): Promise<void> {
    return this.#serial(async () => {
      const w = this.#containers.get(containerId);
      if (!w?.attached || endpoint.driver !== 'bridge' || w.links.has(endpoint.networkId)) return;
      try {
        await ipBatch(await this.#link(containerId, w, endpoint), w.netns);
      } catch (e) {
        await this.#unlink(containerId, w, endpoint.networkId);
        throw new EngineError('internal', `cannot connect the container to ${endpoint.networkName}: ${(e as Error).message}`);
      }
    });
  }

  disconnect(containerId: string, networkId: string): Promise<void> {
    return this.#serial(async () => {
      const w = this.#containers.get(containerId);
      if (!w?.attached || !w.links.has(networkId)) return;
      await this.#unlink(containerId, w, networkId);
      // The default route left with that link: the next network with a gateway gives it, as Docker does.
      if (w.gateway === undefined) {
        const next = [...w.links.values()].find((l) => l.endpoint.gateway !== '');
        if (next) {
          w.gateway = next.endpoint.networkId;
          await ipBatch([`route replace default via ${next.endpoint.gateway} dev ${next.ifname}`], w.netns).catch(() => undefined);
        }
      }
    });
  }

  /**
   * The proxy ends at once (the container's own connections ended with its process); the links and
   * the namespace go behind it, in order before any later call, so a run's end does not wait for
   * the kernel's removal of its devices (~20 ms).
   */
  detach(containerId: string): Promise<void> {
    this.#containers.get(containerId)?.proxy?.stop();
    void this.#serial(() => this.#unwire(containerId));
    return Promise.resolve();
  }

  /** Every container's namespace and proxy, then the service's own namespace (its bridges with it). */
  close(): Promise<void> {
    return this.#serial(async () => {
      for (const w of this.#containers.values()) w.proxy?.stop();
      this.#containers.clear();
      this.#bridges.clear();
      await removeNetworkNamespaces(this.o.dataRoot);
    });
  }

  async #namespace(containerId: string): Promise<Wired> {
    let w = this.#containers.get(containerId);
    if (w) return w;
    const netns = this.names.container(containerId);
    await ipCommand(['netns', 'add', netns]);
    w = { netns, attached: false, links: new Map() };
    this.#containers.set(containerId, w);
    return w;
  }

  /**
   * The veth of one endpoint made and put on its network's bridge (the bridge made first if it is
   * the network's first endpoint); returns the commands that configure its end in the container.
   */
  async #link(containerId: string, w: Wired, e: DriverEndpoint, first: string[] = []): Promise<string[]> {
    const used = new Set([...w.links.values()].map((l) => l.ifname));
    let n = 0;
    while (used.has(`eth${n}`)) n++;
    const link: Link = { ifname: `eth${n}`, peer: `veth${randomBytes(4).toString('hex').slice(0, 7)}`, endpoint: e };
    const bridge = bridgeName(e);
    const service: string[] = [...first];
    let users = this.#bridges.get(e.networkId);
    if (!users) {
      service.push(`link add ${bridge} type bridge`);
      if (e.gateway) service.push(`addr add ${e.gateway}/${prefixOf(e.subnet)} dev ${bridge}`);
      service.push(`link set ${bridge} up`);
    }
    service.push(`link add ${link.peer} type veth peer name ${link.ifname} address ${e.mac} netns ${w.netns}`, `link set ${link.peer} master ${bridge} up`);
    await ipBatch(service, this.names.service).catch(async (err) => {
      if (!users) await ipBatch([`link del ${bridge}`], this.names.service).catch(() => undefined);
      throw err;
    });
    if (!users) this.#bridges.set(e.networkId, (users = new Set()));
    if (bridge === 'docker0') this.#docker0 = e.networkId;
    users.add(containerId);
    w.links.set(e.networkId, link);
    return this.#configure(w, link);
  }

  /** The link made ahead taken for the endpoint: only its MAC and what #configure does are left. */
  #adopt(containerId: string, w: Wired, e: DriverEndpoint, peer: string): string[] {
    const link: Link = { ifname: 'eth0', peer, endpoint: e };
    this.#bridges.get(e.networkId)?.add(containerId);
    w.links.set(e.networkId, link);
    return [`link set eth0 address ${e.mac}`, ...this.#configure(w, link)];
  }

  /** The commands that give a link's container end its address, bring it up and (the first gateway) the default route. */
  #configure(w: Wired, link: Link): string[] {
    const e = link.endpoint;
    // No IPv6 link-local address (as Docker's containers, which have IPv6 off): no DAD or router solicitations on the bridge.
    const inside = [`link set ${link.ifname} addrgenmode none`, `addr add ${e.address}/${prefixOf(e.subnet)} dev ${link.ifname}`, `link set ${link.ifname} up`];
    if (e.gateway && w.gateway === undefined) {
      w.gateway = e.networkId;
      inside.push(`route add default via ${e.gateway} dev ${link.ifname}`);
    }
    return inside;
  }

  /** One link gone (both ends of the pair), and its bridge if it was the last on it. */
  async #unlink(containerId: string, w: Wired, networkId: string): Promise<void> {
    const link = w.links.get(networkId);
    if (!link) return;
    w.links.delete(networkId);
    if (w.gateway === networkId) w.gateway = undefined;
    await ipBatch([`link del ${link.peer}`, ...this.#leaveBridge(containerId, link.endpoint)], this.names.service, true).catch(() => undefined);
  }

  /**
   * The commands that remove the network's bridge if this container was the last on it. docker0
   * stays for the service's life, as Docker's: it is every plain run's network, and a bridge's
   * removal takes the kernel ~70 ms.
   */
  #leaveBridge(containerId: string, e: DriverEndpoint): string[] {
    const users = this.#bridges.get(e.networkId);
    if (!users) return [];
    users.delete(containerId);
    if (users.size > 0 || bridgeName(e) === 'docker0') return [];
    this.#bridges.delete(e.networkId);
    return [`link del ${bridgeName(e)}`];
  }

  /** Back to a bare namespace (made ahead, kept): proxy and links gone. */
  async #strip(containerId: string, w: Wired): Promise<void> {
    w.proxy?.stop();
    w.proxy = undefined;
    for (const networkId of [...w.links.keys()]) await this.#unlink(containerId, w, networkId);
    w.attached = false;
  }

  /** Proxy, namespace (its veths go with it) and the bridges it was the last on. Never throws. */
  async #unwire(containerId: string): Promise<void> {
    const w = this.#containers.get(containerId);
    if (!w) return;
    this.#containers.delete(containerId);
    w.proxy?.stop();
    // The bridge's ends go by name: a namespace another process still holds would keep them on the bridge.
    const links = [...w.links.values()];
    const service = [...links.map((l) => `link del ${l.peer}`), ...(w.ahead ? [`link del ${w.ahead.peer}`] : []), ...links.flatMap((l) => this.#leaveBridge(containerId, l.endpoint))];
    await ipBatch(service, this.names.service, true).catch(() => undefined);
    await ipCommand(['netns', 'del', w.netns]).catch(() => undefined);
  }
}

/**
 * Every network namespace of the service on this data root (a container's veths and the bridges go
 * with theirs; a proxy died with the service). Host cleanup calls it after a crash, once the runc
 * containers that were in them are gone. Returns the names removed.
 */
export async function removeNetworkNamespaces(dataRoot: string): Promise<string[]> {
  const removed: string[] = [];
  for (const n of await new NetnsNames(dataRoot).present()) {
    await ipCommand(['netns', 'del', n]).then(() => removed.push(n), () => undefined);
  }
  return removed;
}
