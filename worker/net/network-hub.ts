/**
 * The browser engine's virtual network (issue 16), in the engine Worker: the NetworkDriver the
 * core drives (engine/ports.ts) over one MemoryNetwork (engine/net/memory-network.ts, where every
 * rule of reach and every limit lives), the socket channels of the containers' process Workers
 * (socket-channel.ts) and the published ports (published-port.ts).
 *
 * - attach/connect/disconnect give a container its endpoints as the core decided them; `none`
 *   (no address) leaves it its loopback only. detach closes all its sockets: peers read the end,
 *   its listeners and published ports go.
 * - Names resolve through the core's resolver (HostEngine.resolveName: user-defined networks,
 *   running containers, aliases), after the network's own rules (localhost).
 * - When a change may make a container's socket ready, the hub rings that container's doorbell;
 *   changes for OUTSIDE (published-port connections) go to their pumps.
 */
import type { ContainerNetwork, DriverEndpoint, DriverPortBinding, NetworkDriver } from '../../engine/ports.ts';
import { MemoryNetwork, OUTSIDE, type MemoryEndpoint, type MemoryNetworkOptions } from '../../engine/net/memory-network.ts';
import type { SockAddr } from '../../engine/wasi/socket-abi.ts';
import type { SocketTransport } from '../../engine/wasi/socket-port.ts';
import type { PublishedPortInfo } from './published-port.ts';
import { createSocketChannel, decodeJson, decodeText, encodeJson, packReadiness, serveSocketChannel, type SocketAnswer, type SocketCall, type SocketChannels } from './socket-channel.ts';

/** Where a connection to a published port goes. */
export interface PublishedTarget {
  containerId: string;
  containerPort: number;
  /** The source address the container sees: its network's gateway, as behind Docker's proxy. */
  from: string;
}

type Resolver = (container: string, name: string) => Promise<string[]>;

interface Member {
  endpoints: DriverEndpoint[];
  ports: DriverPortBinding[];
}

/** A host IP of a binding that takes connections for every address ('', 0.0.0.0 and ::). */
const anyHost = (ip: string) => ip === '' || ip === '0.0.0.0' || ip === '::';

export class NetworkHub implements NetworkDriver, SocketChannels {
  readonly net: MemoryNetwork;
  /** The core's resolver, set once the engine exists (it is made over these ports). */
  resolver?: Resolver;
  readonly #members = new Map<string, Member>();
  readonly #doorbells = new Map<string, Set<() => void>>();
  readonly #outside = new Set<() => void>();

  constructor(options: Omit<MemoryNetworkOptions, 'wake' | 'idle'> = {}) {
    this.net = new MemoryNetwork({ ...options, wake: (container) => this.#wake(container) });
  }

  async attach(containerId: string, network: ContainerNetwork): Promise<void> {
    this.#members.set(containerId, { endpoints: [...network.endpoints], ports: [...network.ports] });
    this.#sync(containerId);
  }

  async connect(containerId: string, endpoint: DriverEndpoint): Promise<void> {
    const m = this.#members.get(containerId);
    if (!m) return;
    m.endpoints = [...m.endpoints.filter((e) => e.networkId !== endpoint.networkId), endpoint];
    this.#sync(containerId);
  }

  async disconnect(containerId: string, networkId: string): Promise<void> {
    const m = this.#members.get(containerId);
    if (!m) return;
    m.endpoints = m.endpoints.filter((e) => e.networkId !== networkId);
    this.#sync(containerId);
  }

  async detach(containerId: string): Promise<void> {
    this.#members.delete(containerId);
    this.net.detach(containerId);
  }

  #sync(containerId: string): void {
    const endpoints: MemoryEndpoint[] = this.#members
      .get(containerId)!
      .endpoints.filter((e) => e.address !== '')
      .map((e) => ({ network: e.networkId, address: e.address, subnet: e.subnet }));
    this.net.attach(containerId, endpoints);
  }

  #wake(container: string): void {
    const bells = container === OUTSIDE ? this.#outside : this.#doorbells.get(container);
    if (bells) for (const ring of bells) ring();
  }

  /** The channel of a container's process Worker (the runtime opens it at the container's start). */
  open(container: string, wake: () => void): { buffer: SharedArrayBuffer; close(): void } {
    let bells = this.#doorbells.get(container);
    if (!bells) this.#doorbells.set(container, (bells = new Set()));
    bells.add(wake);
    const transport = this.net.transport(container);
    const channel = createSocketChannel();
    const serving = serveSocketChannel(channel, (call) => this.#handle(container, transport, call));
    return {
      buffer: channel,
      close: () => {
        serving.close();
        bells.delete(wake);
        if (bells.size === 0 && this.#doorbells.get(container) === bells) this.#doorbells.delete(container);
      },
    };
  }

  async #handle(container: string, t: SocketTransport, { op, id, arg, data }: SocketCall): Promise<SocketAnswer> {
    switch (op) {
      case 'open':
        return { arg: t.open() };
      case 'bind':
        t.bind(id, decodeJson<SockAddr>(data));
        return {};
      case 'listen':
        t.listen(id, arg);
        return {};
      case 'accept': {
        const got = t.accept(id);
        return { arg: got.id, data: encodeJson(got.peer) };
      }
      case 'connect':
        t.connect(id, decodeJson<SockAddr>(data));
        return {};
      case 'send':
        return { arg: t.send(id, data) };
      case 'recv':
        return { data: t.recv(id, Math.abs(arg), arg < 0) };
      case 'shutdown':
        t.shutdown(id, arg);
        return {};
      case 'close':
        t.close(id);
        return {};
      case 'local':
        return { data: encodeJson(t.local(id)) };
      case 'peer':
        return { data: encodeJson(t.peer(id)) };
      case 'ready':
        return { arg: packReadiness(t.ready(id)) };
      case 'resolve':
        return { data: encodeJson(await this.resolve(container, t, decodeText(data))) };
      case 'addresses':
        return { data: encodeJson(t.addresses!()) };
    }
  }

  /** The network's own names first (localhost), then the core's (a container's name, ID, aliases). */
  async resolve(container: string, t: SocketTransport, name: string): Promise<string[]> {
    const own = t.resolve(name);
    if (own.length > 0 || !this.resolver) return own;
    try {
      return await this.resolver(container, name);
    } catch {
      // A container removed meanwhile: its name resolves nowhere.
      return [];
    }
  }

  /**
   * Every TCP port published by a container running in this engine, once per host address: the
   * IPv6 twin Docker lists beside "0.0.0.0" (":::8080") is left out - the page reaches ports over IPv4.
   */
  published(): PublishedPortInfo[] {
    const out: PublishedPortInfo[] = [];
    for (const [containerId, m] of this.#members) {
      if (!m.endpoints.some((e) => e.address !== '')) continue;
      for (const p of m.ports) if (p.protocol === 'tcp' && !p.hostIp.includes(':')) out.push({ hostIp: p.hostIp, hostPort: p.hostPort, containerId });
    }
    return out;
  }

  /** Which container takes a connection to (hostIp, hostPort), or undefined. */
  target(hostIp: string, hostPort: number): PublishedTarget | undefined {
    for (const [containerId, m] of this.#members) {
      const binding = m.ports.find((p) => p.protocol === 'tcp' && p.hostPort === hostPort && (anyHost(p.hostIp) || anyHost(hostIp) || p.hostIp === hostIp));
      const endpoint = m.endpoints.find((e) => e.address !== '');
      if (binding && endpoint) return { containerId, containerPort: binding.containerPort, from: endpoint.gateway || endpoint.address };
    }
    return undefined;
  }

  /** Called on every change to a connection from outside (published-port.ts pumps them). */
  onOutside(wake: () => void): () => void {
    this.#outside.add(wake);
    return () => this.#outside.delete(wake);
  }
}
