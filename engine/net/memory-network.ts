/**
 * An in-memory network: containers' sockets in one JS thread (a Node test, or the one place the
 * browser's virtual network keeps its connections). Listeners by (container, address, port),
 * connections as pairs of bounded byte queues, a loopback per container; each container reaches
 * only its own addresses, its loopback and the addresses of the networks it is on.
 *
 * A container is attached with the endpoints the network model gave it (engine/core: its address
 * on each network, its subnet, the names it answers to there); `transport(container)` is the
 * SocketTransport (engine/wasi/socket-port.ts) its programs' sockets run over.
 *
 * Nothing here blocks. `wait` cannot be woken by another thread, so it hands the time to `idle`
 * (a test's other side, driven step by step) or sleeps. A host whose guests wait in other threads
 * (the browser's engine Worker: worker/net/network-hub.ts) is told through `wake` which container
 * may now find a socket ready, and wakes that container's waiting guest itself.
 *
 * Connections from outside the containers (a published port: the host's proxy) are `dial`led:
 * their near side belongs to OUTSIDE, a member that holds no address and is reached by no guest.
 */
import { parseIPv4Bytes, SockErrno, type SockAddr } from '../wasi/socket-abi.ts';
import { SocketError, type SocketId, type SocketReadiness, type SocketTransport } from '../wasi/socket-port.ts';

/** A container's place on one network. */
export interface MemoryEndpoint {
  /** The network's ID or name: containers sharing it reach each other. */
  network: string;
  address: string;
  /** The network's subnet ("172.18.0.0/16"): an address inside it that nobody holds is EHOSTUNREACH. */
  subnet?: string;
  /** Names it resolves by there (container name, aliases); none on the default bridge, as Docker's. */
  names?: string[];
}

export interface MemoryNetworkOptions {
  /** Sockets a container may hold at once (listening, connected, accepted): EMFILE past it. */
  maxSockets?: number;
  /** Bytes one direction of a connection buffers before its sender must wait. */
  bufferBytes?: number;
  /** Connections a listener holds unaccepted at most (and its backlog's ceiling). */
  maxBacklog?: number;
  /** Called when a guest waits: another side of a test runs here. */
  idle?: (ms: number) => void;
  /**
   * Called after a change that may make one of `container`'s sockets ready (data or room in a
   * connection, a connection waiting, an end): a host whose guests wait in other threads wakes them.
   */
  wake?: (container: string) => void;
}

/** The member that holds the outside's end of dialled connections (published ports). */
export const OUTSIDE = '\0outside';

export const DEFAULT_MAX_SOCKETS = 256;
export const DEFAULT_BUFFER_BYTES = 64 * 1024;
export const DEFAULT_MAX_BACKLOG = 128;
const EPHEMERAL_FIRST = 32768;
const EPHEMERAL_LAST = 60999;
const ANY = '0.0.0.0';

/** One direction of a connection. */
class ByteQueue {
  private chunks: Uint8Array[] = [];
  bytes = 0;
  /** The writer will send nothing more (shutdown WR, close). */
  ended = false;
  /** The reader is gone: a write fails with EPIPE. */
  readerGone = false;
  /** Reset: the reader sees ECONNRESET. */
  reset = false;

  constructor(readonly capacity: number) {}

  room(): number {
    return this.capacity - this.bytes;
  }

  push(data: Uint8Array): number {
    const n = Math.min(data.length, this.room());
    if (n > 0) {
      this.chunks.push(data.slice(0, n));
      this.bytes += n;
    }
    return n;
  }

  take(max: number, peek: boolean): Uint8Array {
    const n = Math.min(max, this.bytes);
    const out = new Uint8Array(n);
    let at = 0;
    let i = 0;
    while (at < n) {
      const chunk = this.chunks[i];
      const k = Math.min(chunk.length, n - at);
      out.set(chunk.subarray(0, k), at);
      at += k;
      if (!peek) {
        if (k === chunk.length) this.chunks.shift();
        else this.chunks[0] = chunk.subarray(k);
      } else i++;
    }
    if (!peek) this.bytes -= n;
    return out;
  }
}

interface Socket {
  id: SocketId;
  container: string;
  state: 'fresh' | 'bound' | 'listening' | 'connected' | 'closed';
  local?: SockAddr;
  peer?: SockAddr;
  /** Connected: the container of the other end, woken when this end changes the connection. */
  peerContainer?: string;
  /** Listening: connections made to it, not yet accepted. */
  backlog?: Socket[];
  backlogMax?: number;
  incoming?: ByteQueue;
  outgoing?: ByteQueue;
}

interface Attached {
  endpoints: MemoryEndpoint[];
  sockets: Set<Socket>;
  nextEphemeral: number;
}

function fail(errno: number, message: string): never {
  throw new SocketError(errno, message);
}

const isLoopback = (address: string) => address.startsWith('127.');

function inSubnet(address: string, subnet: string): boolean {
  const [base, bits] = subnet.split('/');
  const a = parseIPv4Bytes(address);
  const b = parseIPv4Bytes(base);
  const prefix = Number(bits);
  if (!a || !b || !(prefix >= 0 && prefix <= 32)) return false;
  const num = (x: number[]) => ((x[0] << 24) | (x[1] << 16) | (x[2] << 8) | x[3]) >>> 0;
  const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
  return (num(a) & mask) === (num(b) & mask);
}

export const NO_OUTSIDE_NETWORK = 'the playground has no outside network';

export class MemoryNetwork {
  private readonly containers = new Map<string, Attached>();
  private readonly sockets = new Map<SocketId, Socket>();
  private nextId = 1;
  private readonly maxSockets: number;
  private readonly bufferBytes: number;
  private readonly maxBacklog: number;
  private readonly idle?: (ms: number) => void;
  private readonly wake: (container: string) => void;

  constructor(options: MemoryNetworkOptions = {}) {
    this.maxSockets = options.maxSockets ?? DEFAULT_MAX_SOCKETS;
    this.bufferBytes = options.bufferBytes ?? DEFAULT_BUFFER_BYTES;
    this.maxBacklog = options.maxBacklog ?? DEFAULT_MAX_BACKLOG;
    this.idle = options.idle;
    this.wake = options.wake ?? (() => undefined);
    this.containers.set(OUTSIDE, { endpoints: [], sockets: new Set(), nextEphemeral: EPHEMERAL_FIRST });
  }

  /**
   * The container joins (or its endpoints change: connect/disconnect of a running container). A
   * socket bound to an address it no longer holds closes, as its interface went: peers see the end.
   */
  attach(container: string, endpoints: MemoryEndpoint[]): void {
    const had = this.containers.get(container);
    if (had) {
      had.endpoints = endpoints;
      for (const s of [...had.sockets]) {
        const address = s.local?.address;
        if (address && address !== ANY && !isLoopback(address) && !endpoints.some((e) => e.address === address)) {
          this.closeSocket(s);
          this.wake(container);
        }
      }
    } else this.containers.set(container, { endpoints, sockets: new Set(), nextEphemeral: EPHEMERAL_FIRST });
  }

  /** The container stopped: every socket of it closes, its peers see the connections end. */
  detach(container: string): void {
    const c = this.containers.get(container);
    if (!c || container === OUTSIDE) return;
    for (const s of [...c.sockets]) this.closeSocket(s);
    this.containers.delete(container);
  }

  /** Bytes buffered in every connection now (for tests of bounded memory). */
  bufferedBytes(): number {
    // A connection not yet accepted has only its client's socket here: count queues, not sockets.
    const queues = new Set<ByteQueue>();
    for (const s of this.sockets.values()) for (const q of [s.incoming, s.outgoing]) if (q) queues.add(q);
    let n = 0;
    for (const q of queues) n += q.bytes;
    return n;
  }

  transport(container: string): SocketTransport {
    const get = (id: SocketId): Socket => {
      const s = this.sockets.get(id);
      if (!s || s.container !== container) fail(SockErrno.BADF, 'bad socket');
      return s;
    };
    return {
      open: () => this.open(container).id,
      addresses: () => [
        { address: '127.0.0.1', prefix: 8 },
        ...this.attached(container).endpoints.map((e) => ({ address: e.address, prefix: Number(e.subnet?.split('/')[1] ?? 32) })),
      ],
      bind: (id, addr) => this.bind(get(id), addr),
      listen: (id, backlog) => this.listen(get(id), backlog),
      accept: (id) => {
        const s = this.accept(get(id));
        return { id: s.id, peer: s.peer! };
      },
      connect: (id, addr) => this.connect(get(id), addr),
      send: (id, data) => this.send(get(id), data),
      recv: (id, max, peek) => this.recv(get(id), max, peek),
      shutdown: (id, how) => this.shutdown(get(id), how),
      close: (id) => {
        const s = this.sockets.get(id);
        if (s && s.container === container) this.closeSocket(s);
      },
      local: (id) => {
        const s = get(id);
        return s.local ?? { address: ANY, port: 0 };
      },
      peer: (id) => {
        const s = get(id);
        if (s.state !== 'connected' || !s.peer) fail(SockErrno.NOTCONN, 'not connected');
        return s.peer;
      },
      ready: (id) => this.ready(get(id)),
      resolve: (name) => this.resolve(container, name),
      wait: (ms) => this.wait(ms),
    };
  }

  private attached(container: string): Attached {
    const c = this.containers.get(container);
    if (!c) fail(SockErrno.NETUNREACH, `container ${container} is on no network`);
    return c;
  }

  private open(container: string): Socket {
    const c = this.attached(container);
    if (c.sockets.size >= this.maxSockets) fail(SockErrno.MFILE, `too many sockets: a container holds at most ${this.maxSockets}`);
    const s: Socket = { id: this.nextId++, container, state: 'fresh' };
    c.sockets.add(s);
    this.sockets.set(s.id, s);
    return s;
  }

  private ownsAddress(container: string, address: string): boolean {
    return address === ANY || isLoopback(address) || this.attached(container).endpoints.some((e) => e.address === address);
  }

  /** Whether (address, port) of `container` is taken by a bound socket. */
  private portTaken(container: string, address: string, port: number): boolean {
    for (const s of this.attached(container).sockets) {
      if (s.state === 'closed' || s.state === 'connected' || !s.local || s.local.port !== port) continue;
      if (s.local.address === address || s.local.address === ANY || address === ANY) return true;
    }
    return false;
  }

  private ephemeralPort(container: string, address: string): number {
    const c = this.attached(container);
    for (let tries = 0; tries <= EPHEMERAL_LAST - EPHEMERAL_FIRST; tries++) {
      const port = c.nextEphemeral;
      c.nextEphemeral = port >= EPHEMERAL_LAST ? EPHEMERAL_FIRST : port + 1;
      const used = [...c.sockets].some((s) => s.local?.port === port && (s.local.address === address || s.local.address === ANY));
      if (!used) return port;
    }
    return fail(SockErrno.ADDRINUSE, 'no ephemeral port is free');
  }

  private bind(s: Socket, addr: SockAddr): void {
    if (s.state !== 'fresh') fail(SockErrno.INVAL, 'socket is already bound');
    if (!this.ownsAddress(s.container, addr.address)) fail(SockErrno.ADDRNOTAVAIL, `${addr.address} is not an address of this container`);
    if (addr.port !== 0 && this.portTaken(s.container, addr.address, addr.port)) fail(SockErrno.ADDRINUSE, `address already in use: ${addr.address}:${addr.port}`);
    s.local = { address: addr.address, port: addr.port || this.ephemeralPort(s.container, addr.address) };
    s.state = 'bound';
  }

  private listen(s: Socket, backlog: number): void {
    if (s.state === 'fresh') this.bind(s, { address: ANY, port: 0 });
    if (s.state === 'listening') return;
    if (s.state !== 'bound') fail(SockErrno.INVAL, 'socket is connected');
    s.state = 'listening';
    s.backlog = [];
    s.backlogMax = Math.max(1, Math.min(backlog > 0 ? backlog : 1, this.maxBacklog));
  }

  private accept(s: Socket): Socket {
    if (s.state !== 'listening') fail(SockErrno.INVAL, 'socket is not listening');
    const waiting = s.backlog![0];
    if (!waiting) fail(SockErrno.AGAIN, 'no connection waits');
    const c = this.attached(s.container);
    if (c.sockets.size >= this.maxSockets) fail(SockErrno.MFILE, `too many sockets: a container holds at most ${this.maxSockets}`);
    s.backlog!.shift();
    c.sockets.add(waiting);
    this.sockets.set(waiting.id, waiting);
    // A dial waiting for room in the backlog may go on.
    if (waiting.peerContainer === OUTSIDE) this.wake(OUTSIDE);
    return waiting;
  }

  /** Who holds `address` for a caller in `container`: itself, a container on a shared network, or why not. */
  private route(container: string, address: string): string {
    const own = this.attached(container);
    if (isLoopback(address) || own.endpoints.some((e) => e.address === address)) return container;
    const shared = new Set(own.endpoints.map((e) => e.network));
    for (const [other, c] of this.containers) {
      if (c.endpoints.some((e) => e.address === address && shared.has(e.network))) return other;
    }
    if (own.endpoints.some((e) => e.subnet && inSubnet(address, e.subnet))) fail(SockErrno.HOSTUNREACH, `no host has ${address} on this container's networks`);
    return fail(SockErrno.NETUNREACH, `${address} is not on this container's networks: ${NO_OUTSIDE_NETWORK}`);
  }

  private findListener(container: string, address: string, port: number): Socket | undefined {
    for (const s of this.attached(container).sockets) {
      if (s.state !== 'listening' || s.local!.port !== port) continue;
      const a = s.local!.address;
      if (a === address || a === ANY) return s;
    }
    return undefined;
  }

  /** The caller's own address toward `target` (the one on the network they share, or loopback). */
  private sourceAddress(container: string, target: string, address: string): string {
    if (isLoopback(address)) return '127.0.0.1';
    const own = this.attached(container).endpoints;
    if (target === container) return address;
    const theirs = this.attached(target).endpoints.find((e) => e.address === address)!;
    return own.find((e) => e.network === theirs.network)?.address ?? own[0].address;
  }

  private connect(s: Socket, addr: SockAddr): void {
    if (s.state === 'connected') fail(SockErrno.ISCONN, 'socket is already connected');
    if (s.state === 'listening' || s.state === 'closed') fail(SockErrno.INVAL, 'socket cannot connect');
    if (addr.address === ANY) addr = { ...addr, address: '127.0.0.1' };
    const target = this.route(s.container, addr.address);
    const listener = this.findListener(target, addr.address, addr.port);
    if (!listener) fail(SockErrno.CONNREFUSED, `connection refused: nothing listens on ${addr.address}:${addr.port}`);
    if (listener.backlog!.length >= listener.backlogMax!) fail(SockErrno.CONNREFUSED, `connection refused: ${addr.address}:${addr.port} has ${listener.backlogMax} connections waiting`);
    const source = s.local?.address && s.local.address !== ANY ? s.local.address : this.sourceAddress(s.container, target, addr.address);
    if (!s.local || s.local.port === 0) s.local = { address: source, port: this.ephemeralPort(s.container, source) };
    else if (s.local.address === ANY) s.local = { ...s.local, address: source };
    this.join(s, listener, addr);
  }

  /** Connect `s` (bound) to `listener`, reached at `addr`: the accepting end waits in its backlog. */
  private join(s: Socket, listener: Socket, addr: SockAddr): void {
    const target = listener.container;
    const there: Socket = { id: this.nextId++, container: target, state: 'connected', local: { address: addr.address, port: addr.port }, peer: { ...s.local! }, peerContainer: s.container };
    there.incoming = new ByteQueue(this.bufferBytes);
    there.outgoing = new ByteQueue(this.bufferBytes);
    s.incoming = there.outgoing;
    s.outgoing = there.incoming;
    s.peer = { address: addr.address, port: addr.port };
    s.peerContainer = target;
    s.state = 'connected';
    listener.backlog!.push(there);
    this.wake(target);
  }

  /**
   * A connection from outside to `container`'s listener on `port` (a published port), coming from
   * `from` (the network's gateway, as Docker's proxy's connections do). Its near end is OUTSIDE's
   * socket: send, recv, ready and close it through `transport(OUTSIDE)`. ECONNREFUSED when nothing
   * listens there; EAGAIN while its backlog is full (the caller may wait: an accept wakes OUTSIDE,
   * as a client's SYN is retried until the server's queue has room).
   */
  dial(container: string, port: number, from: SockAddr): SocketId {
    const addresses = this.attached(container).endpoints.map((e) => e.address).filter((a) => a !== '');
    let listener: Socket | undefined;
    let address = '';
    for (const a of addresses) if ((listener = this.findListener(container, (address = a), port))) break;
    if (!listener) fail(SockErrno.CONNREFUSED, `connection refused: nothing listens on port ${port} in the container`);
    if (listener.backlog!.length >= listener.backlogMax!) fail(SockErrno.AGAIN, `port ${port} has ${listener.backlogMax} connections waiting`);
    const s = this.open(OUTSIDE);
    s.local = { ...from };
    this.join(s, listener, { address, port });
    return s.id;
  }

  private connected(s: Socket): void {
    if (s.state !== 'connected') fail(SockErrno.NOTCONN, 'socket is not connected');
  }

  private send(s: Socket, data: Uint8Array): number {
    this.connected(s);
    const out = s.outgoing!;
    if (out.ended) fail(SockErrno.PIPE, 'socket is shut down for writing');
    if (out.readerGone) fail(out.reset ? SockErrno.CONNRESET : SockErrno.PIPE, 'the peer closed the connection');
    if (data.length === 0) return 0;
    const n = out.push(data);
    if (n === 0) fail(SockErrno.AGAIN, 'the connection buffer is full');
    this.wake(s.peerContainer!);
    return n;
  }

  private recv(s: Socket, max: number, peek: boolean): Uint8Array {
    this.connected(s);
    const q = s.incoming!;
    if (q.bytes > 0) {
      const data = q.take(max, peek);
      // The sender may wait for room.
      if (!peek) this.wake(s.peerContainer!);
      return data;
    }
    if (q.reset) fail(SockErrno.CONNRESET, 'connection reset by peer');
    if (q.ended || q.readerGone) return new Uint8Array(0);
    return fail(SockErrno.AGAIN, 'nothing to read yet');
  }

  private shutdown(s: Socket, how: number): void {
    this.connected(s);
    if (how & 2) s.outgoing!.ended = true;
    if (how & 1) s.incoming!.readerGone = true;
    this.wake(s.peerContainer!);
  }

  private closeSocket(s: Socket): void {
    if (s.state === 'closed') return;
    if (s.state === 'listening') {
      for (const waiting of s.backlog!.splice(0)) {
        waiting.outgoing!.reset = true;
        waiting.outgoing!.ended = true;
        waiting.incoming!.readerGone = true;
        waiting.state = 'closed';
        this.wake(waiting.peerContainer!);
      }
    }
    if (s.state === 'connected') {
      s.outgoing!.ended = true;
      s.incoming!.readerGone = true;
      this.wake(s.peerContainer!);
    }
    s.state = 'closed';
    this.containers.get(s.container)?.sockets.delete(s);
    this.sockets.delete(s.id);
  }

  private ready(s: Socket): SocketReadiness {
    if (s.state === 'listening') return { readable: s.backlog!.length > 0, writable: false, hangup: false };
    if (s.state !== 'connected') return { readable: false, writable: false, hangup: s.state === 'closed' };
    const q = s.incoming!;
    const out = s.outgoing!;
    const hangup = q.ended || q.reset;
    return { readable: q.bytes > 0 || hangup || q.readerGone, writable: out.room() > 0 || out.readerGone || out.ended, hangup };
  }

  private resolve(container: string, name: string): string[] {
    if (name === 'localhost') return ['127.0.0.1'];
    const own = this.attached(container).endpoints;
    const out: string[] = [];
    for (const e of own) {
      for (const c of this.containers.values()) {
        for (const x of c.endpoints) if (x.network === e.network && x.names?.includes(name) && !out.includes(x.address)) out.push(x.address);
      }
    }
    return out;
  }

  private wait(ms: number): void {
    if (this.idle) {
      try {
        this.idle(ms);
      } catch (e) {
        // The other side's failure is not the waiting guest's socket error.
        throw e instanceof SocketError ? new Error(`the network's idle side failed: ${e.message}`) : e;
      }
      return;
    }
    if (typeof SharedArrayBuffer === 'function' && ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  }
}
