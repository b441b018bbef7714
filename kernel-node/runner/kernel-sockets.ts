/**
 * The kernel runner's SocketTransport (engine/wasi/socket-port.ts): a guest's sockets are real TCP
 * sockets of the container's network namespace, made and used by the guest thread itself through
 * the native calls of socket-calls.c. So `ss -tln` in the namespace shows a guest's listener, a
 * native client reaches it, and TCP's rules (ports in use, backlogs, resets, buffers) are the
 * kernel's.
 *
 * Every kernel socket is non-blocking; `wait` sleeps in epoll on all of them (edge-triggered: it
 * wakes when something changed since the guest last looked) and on the control block's wake
 * eventfd, which the main thread writes whenever a signal or stdin arrives (runner-control.ts).
 *
 * Reach is the playground's rule, as the in-memory network's (engine/net/memory-network.ts), so
 * both engines answer alike: the container's own loopback and the subnets of its interfaces, no
 * gateway, nothing outside (ENETUNREACH "the playground has no outside network", at once, without
 * a packet sent).
 */
import { networkInterfaces } from 'node:os';
import { constants } from 'node:os';
import { readFileSync } from 'node:fs';
import { DEFAULT_MAX_SOCKETS, NO_OUTSIDE_NETWORK } from '../../engine/net/memory-network.ts';
import { contains, formatIPv4, parseIPv4, parseSubnet } from '../../engine/core/ipam.ts';
import { SockErrno, type SockAddr } from '../../engine/wasi/socket-abi.ts';
import { SocketError, type SocketId, type SocketReadiness, type SocketTransport } from '../../engine/wasi/socket-port.ts';
import { POLLERR, POLLHUP, POLLIN, POLLOUT, POLLRDHUP, type SocketCalls } from './socket-calls.ts';

/** What the namespace's interfaces and routes say a guest may reach besides its loopback. */
export interface Reach {
  /** Subnets of its interfaces, "172.18.0.0/16". */
  subnets: string[];
  /** Gateways of its routes: in a subnet, but no container holds them. */
  gateways: string[];
}

export interface KernelSocketOptions {
  /** The wake eventfd the main thread writes (calls.wakeFd()); without it a wait only times out. */
  wakeFd?: number;
  /** Names on the container's networks (name-lookup.ts); without it only localhost resolves. */
  resolve?: (name: string) => string[];
  /** The container's interface addresses; read from the namespace's interfaces by default. */
  addresses?: () => Array<{ address: string; prefix: number }>;
  /** The namespace's reach; read from its interfaces and /proc/net/route by default (kept a second: reachCache). */
  reach?: () => Reach;
  maxSockets?: number;
  /** The most one connect waits for its handshake before the guest's wait loop takes over. */
  connectWaitMs?: number;
}

type State = 'fresh' | 'bound' | 'listening' | 'connecting' | 'connected';

interface KernelSocket {
  fd: number;
  state: State;
  /** Where a connect under way goes. */
  target?: SockAddr;
}

/** Linux errno (positive) -> WASI errno. */
const WASI_OF_LINUX = new Map<number, number>();
{
  const wasiExtra: Record<string, number> = { ACCES: 2, ALREADY: 7, CONNABORTED: 13, INPROGRESS: 26, NFILE: 41, NOMEM: 48, NOPROTOOPT: 50, PERM: 63, TIMEDOUT: 73, OPNOTSUPP: SockErrno.NOTSUP, HOSTDOWN: SockErrno.HOSTUNREACH, NETRESET: 39 };
  const wasi: Record<string, number> = { ...SockErrno, ...wasiExtra };
  for (const [name, linux] of Object.entries(constants.errno)) {
    const w = wasi[name.slice(1)];
    if (w !== undefined) WASI_OF_LINUX.set(linux, w);
  }
}
const EAGAIN = constants.errno.EAGAIN;
const EINPROGRESS = constants.errno.EINPROGRESS;

/** Words a log can show for the errors a guest meets most (the rest: the errno's name). */
function words(errno: number, addr?: SockAddr): string {
  const where = addr ? `${addr.address}:${addr.port}` : '';
  switch (errno) {
    case constants.errno.EADDRINUSE:
      return `address already in use: ${where}`;
    case constants.errno.EADDRNOTAVAIL:
      return `${addr?.address} is not an address of this container`;
    case constants.errno.ECONNREFUSED:
      return `connection refused: nothing listens on ${where}`;
    case constants.errno.EHOSTUNREACH:
      return `no host has ${addr?.address} on this container's networks`;
    case constants.errno.EPIPE:
      return 'the peer closed the connection';
    case constants.errno.ECONNRESET:
      return 'connection reset by peer';
    case constants.errno.ENOTCONN:
      return 'socket is not connected';
    case EAGAIN:
      return 'not ready yet';
    default:
      return Object.entries(constants.errno).find(([, n]) => n === errno)?.[0] ?? `errno ${errno}`;
  }
}

function fail(linuxErrno: number, addr?: SockAddr): never {
  throw new SocketError(WASI_OF_LINUX.get(linuxErrno) ?? SockErrno.INVAL, words(linuxErrno, addr));
}

/** A native call's result, or its failure thrown. */
function check<T>(r: T | number, addr?: SockAddr): T {
  if (typeof r === 'number' && r < 0) fail(-r, addr);
  return r as T;
}

/** Whether `address` is in `subnet` ("172.18.0.0/16"), by the network model's own rule. */
function inSubnet(address: string, subnet: string): boolean {
  const ip = parseIPv4(address);
  try {
    return ip !== undefined && contains(parseSubnet(subnet), ip);
  } catch {
    return false;
  }
}

/** The reach of the namespace this thread runs in. */
export function namespaceReach(): Reach {
  const subnets: string[] = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const i of list ?? []) if (i.family === 'IPv4' && !i.internal && i.cidr) subnets.push(i.cidr);
  }
  const gateways: string[] = [];
  try {
    // Iface Destination Gateway ...: the gateway as a little-endian hex word.
    for (const line of readFileSync('/proc/net/route', 'utf8').split('\n').slice(1)) {
      const hex = line.split('\t')[2];
      const g = hex ? parseInt(hex, 16) : 0;
      if (g) gateways.push(formatIPv4(((g & 0xff) << 24) | (((g >>> 8) & 0xff) << 16) | (((g >>> 16) & 0xff) << 8) | (g >>> 24)));
    }
  } catch {
    // No routes to read: nothing is a gateway.
  }
  return { subnets, gateways };
}

/**
 * Reading the namespace's reach costs ~0.4 ms (its interfaces through netlink, its routes), too
 * much for every connect between containers: it is kept for REACH_TTL_MS. An address outside the
 * kept subnets is looked at afresh before it is refused (a network connected since), so the
 * cache can only be late the other way: for up to REACH_TTL_MS after a `network disconnect` the
 * network's addresses pass this check and meet the kernel's routes instead.
 */
const REACH_TTL_MS = 1000;

interface ReachCache {
  current(): Reach;
  fresh(): Reach;
}

function reachCache(read: () => Reach): ReachCache {
  let kept: Reach | undefined;
  let at = 0;
  const fresh = () => {
    kept = read();
    at = performance.now();
    return kept;
  };
  return { current: () => (kept && performance.now() - at < REACH_TTL_MS ? kept : fresh()), fresh };
}

/** Why `address` is out of the guest's reach, thrown; loopback and its own subnets pass. */
function checkReach(address: string, reach: ReachCache): void {
  if (address.startsWith('127.')) return;
  const inside = (r: Reach) => r.subnets.some((s) => inSubnet(address, s));
  let r = reach.current();
  if (!inside(r)) r = reach.fresh();
  if (!inside(r)) throw new SocketError(SockErrno.NETUNREACH, `${address} is not on this container's networks: ${NO_OUTSIDE_NETWORK}`);
  if (r.gateways.includes(address)) throw new SocketError(SockErrno.HOSTUNREACH, `no host has ${address} on this container's networks`);
}

/** An interface's place in `ip addr`: lo first, then eth0, eth1, .. by number, anything else after. */
function interfaceRank(name: string): number {
  if (name === 'lo') return -1;
  const m = /^eth(\d+)$/.exec(name);
  return m ? Number(m[1]) : Number.MAX_SAFE_INTEGER;
}

/**
 * The IPv4 addresses of the namespace this thread runs in, as SocketTransport.addresses orders
 * them: read afresh on each call, since `network connect` adds an eth while the guest runs.
 */
export function namespaceAddresses(): Array<{ address: string; prefix: number }> {
  return Object.entries(networkInterfaces())
    .sort(([a], [b]) => interfaceRank(a) - interfaceRank(b) || a.localeCompare(b))
    .flatMap(([, list]) => (list ?? []).filter((i) => i.family === 'IPv4' && i.cidr).map((i) => ({ address: i.address, prefix: Number(i.cidr!.split('/')[1]) })));
}

/** Linux's shutdown `how` for WASI's SHUT_RD (1), SHUT_WR (2) or both (3). */
function linuxHow(how: number): number {
  if (how < 1 || how > 3) throw new SocketError(SockErrno.INVAL, 'shutdown: invalid how');
  return how - 1;
}

export function kernelSockets(calls: SocketCalls, options: KernelSocketOptions = {}): SocketTransport {
  const sockets = new Map<SocketId, KernelSocket>();
  const maxSockets = options.maxSockets ?? DEFAULT_MAX_SOCKETS;
  const reach = reachCache(options.reach ?? namespaceReach);
  const connectWaitMs = options.connectWaitMs ?? 50;
  const waiter = check<number>(calls.waiter());
  if (options.wakeFd !== undefined) check(calls.watch(waiter, options.wakeFd, false));

  const get = (id: SocketId): KernelSocket => {
    const s = sockets.get(id);
    if (!s) throw new SocketError(SockErrno.BADF, 'bad socket');
    return s;
  };
  const tooMany = (): never => {
    throw new SocketError(SockErrno.MFILE, `too many sockets: a container holds at most ${maxSockets}`);
  };
  const adopt = (fd: number, state: State): KernelSocket => {
    const s: KernelSocket = { fd, state };
    sockets.set(fd, s);
    check(calls.watch(waiter, fd, true));
    return s;
  };
  /** Connected, or why not: a handshake still under way is AGAIN (as Linux's send and recv then), a failed one its error. */
  const connected = (s: KernelSocket): void => {
    if (s.state === 'connecting') settle(s, s.target!);
    if (s.state !== 'connected') throw new SocketError(SockErrno.NOTCONN, 'socket is not connected');
  };

  /** A connect under way: done (connected), failed (thrown, the socket fresh again) or AGAIN. */
  const settle = (s: KernelSocket, addr: SockAddr): void => {
    if ((calls.ready(s.fd) & (POLLOUT | POLLERR | POLLHUP)) === 0) throw new SocketError(SockErrno.AGAIN, `connecting to ${addr.address}:${addr.port}`);
    const err = calls.error(s.fd);
    if (err !== 0) {
      s.state = 'fresh';
      fail(err, addr);
    }
    s.state = 'connected';
  };

  return {
    open() {
      if (sockets.size >= maxSockets) tooMany();
      return adopt(check<number>(calls.open()), 'fresh').fd;
    },
    bind(id, addr) {
      const s = get(id);
      if (s.state !== 'fresh') throw new SocketError(SockErrno.INVAL, 'socket is already bound');
      check(calls.bind(s.fd, addr.address, addr.port), addr);
      s.state = 'bound';
    },
    listen(id, backlog) {
      const s = get(id);
      if (s.state === 'connected' || s.state === 'connecting') throw new SocketError(SockErrno.INVAL, 'socket is connected');
      check(calls.listen(s.fd, Math.max(1, Math.min(backlog > 0 ? backlog : 1, 128))));
      s.state = 'listening';
    },
    accept(id) {
      const s = get(id);
      if (s.state !== 'listening') throw new SocketError(SockErrno.INVAL, 'socket is not listening');
      // At the limit a waiting connection stays waiting (EMFILE), as the in-memory network keeps it.
      if (sockets.size >= maxSockets) {
        if (calls.ready(s.fd) & POLLIN) tooMany();
        throw new SocketError(SockErrno.AGAIN, 'no connection waits');
      }
      const [fd, address, port] = check<[number, string, number]>(calls.accept(s.fd));
      adopt(fd, 'connected');
      return { id: fd, peer: { address, port } };
    },
    connect(id, addr) {
      const s = get(id);
      if (s.state === 'connected') throw new SocketError(SockErrno.ISCONN, 'socket is already connected');
      if (s.state === 'listening') throw new SocketError(SockErrno.INVAL, 'socket cannot connect');
      const target = addr.address === '0.0.0.0' ? { ...addr, address: '127.0.0.1' } : addr;
      if (s.state !== 'connecting') {
        checkReach(target.address, reach);
        const r = calls.connect(s.fd, target.address, target.port);
        if (r === 0) {
          s.state = 'connected';
          return;
        }
        if (r !== -EINPROGRESS) fail(-r, target);
        s.state = 'connecting';
        s.target = target;
        // The playground's connections are made at once (socket-abi.ts): on a loopback or a bridge
        // the handshake takes microseconds, so wait for it here, briefly; a handshake that takes
        // longer (a SYN dropped by a full accept queue) is AGAIN, and the guest's own wait loop,
        // which signals can end, takes over.
        waitFor(s.fd, connectWaitMs);
      }
      settle(s, target);
    },
    send(id, data) {
      const s = get(id);
      connected(s);
      if (data.length === 0) return 0;
      const n = calls.send(s.fd, data);
      return check<number>(n);
    },
    recv(id, max, peek) {
      const s = get(id);
      connected(s);
      const into = new Uint8Array(max);
      const n = check<number>(calls.recv(s.fd, into, peek));
      return into.subarray(0, n);
    },
    shutdown(id, how) {
      const s = get(id);
      connected(s);
      check(calls.shutdown(s.fd, linuxHow(how)));
    },
    close(id) {
      const s = sockets.get(id);
      if (!s) return;
      sockets.delete(id);
      calls.close(s.fd);
    },
    local(id) {
      const [address, port] = check<[string, number]>(calls.name(get(id).fd, false));
      return { address, port };
    },
    peer(id) {
      const s = get(id);
      if (s.state === 'connecting') {
        try {
          settle(s, s.target!);
        } catch {
          // Still under way, or failed: either way not connected, as getpeername says then.
        }
      }
      if (s.state !== 'connected') throw new SocketError(SockErrno.NOTCONN, 'not connected');
      const [address, port] = check<[string, number]>(calls.name(s.fd, true));
      return { address, port };
    },
    ready(id): SocketReadiness {
      const s = get(id);
      if (s.state === 'listening') return { readable: (calls.ready(s.fd) & POLLIN) !== 0, writable: false, hangup: false };
      if (s.state === 'connecting') return { readable: false, writable: (calls.ready(s.fd) & (POLLOUT | POLLERR | POLLHUP)) !== 0, hangup: false };
      if (s.state !== 'connected') return { readable: false, writable: false, hangup: false };
      const r = calls.ready(s.fd);
      const hangup = (r & (POLLRDHUP | POLLHUP)) !== 0;
      return { readable: (r & (POLLIN | POLLERR)) !== 0 || hangup, writable: (r & (POLLOUT | POLLERR | POLLHUP)) !== 0, hangup };
    },
    resolve(name) {
      if (name === 'localhost') return ['127.0.0.1'];
      return options.resolve?.(name) ?? [];
    },
    addresses() {
      return (options.addresses ?? namespaceAddresses)();
    },
    wait(ms) {
      calls.waitEvents(waiter, options.wakeFd ?? -1, Math.max(0, Math.ceil(ms)));
    },
  };

  /** Wait up to `ms` for fd to become writable (a handshake's end). */
  function waitFor(fd: number, ms: number): void {
    const end = performance.now() + ms;
    for (let left = ms; left > 0 && (calls.ready(fd) & (POLLOUT | POLLERR | POLLHUP)) === 0; left = end - performance.now()) {
      if (calls.waitEvents(waiter, options.wakeFd ?? -1, Math.ceil(left)) === 0) return;
    }
  }
}
