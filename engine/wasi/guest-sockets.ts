/**
 * The socket imports of one process (socket-abi.ts), over its container's transport
 * (socket-port.ts): the process's socket descriptors, blocking and non-blocking calls, and
 * poll_oneoff over sockets together with whatever else the host polls (stdin, clocks). The
 * process host (process-host.ts) builds it for every process when the host has a transport.
 */
import type { Preview1, ProcessSignals } from './process-host-ports.ts';
import {
  ADDR_CIDR_BYTES,
  ADDR_IP_BYTES,
  AF_INET4,
  FDFLAGS_NONBLOCK,
  FILETYPE_SOCKET_STREAM,
  parseIPv4Bytes,
  PROTO_DEFAULT,
  PROTO_TCP,
  readAddrPort,
  RIFLAGS_PEEK,
  RIFLAGS_WAITALL,
  SOCK_STREAM,
  SOCKET_FD_BASE,
  SockErrno,
  writeAddrCidr,
  writeAddrIp,
  writeAddrPort,
  type SockAddr,
} from './socket-abi.ts';
import { SocketError, type SocketId, type SocketTransport } from './socket-port.ts';

/** How long one wait lasts before a blocked call looks at its signals and clocks again. */
const WAIT_SLICE_MS = 1000;
/** With other descriptors (stdin) in a poll, how often they are looked at again. */
const POLL_OTHERS_MS = 20;

const EVENTTYPE_CLOCK = 0;
const EVENTTYPE_FD_READ = 1;
const SUBCLOCKFLAG_ABSTIME = 1;
const EVENTRWFLAGS_HANGUP = 1;
const SUBSCRIPTION_BYTES = 48;
const EVENT_BYTES = 32;

interface GuestSocket {
  id: SocketId;
  nonblock: boolean;
}

export interface GuestSockets {
  /** The "wasix_32v1" import module's socket functions. */
  wasix: Record<string, (...args: never[]) => unknown>;
  /** The process ended: every socket it holds closes. */
  closeAll(): void;
}

type Calls = Record<string, (...args: number[]) => number>;

const noSocket = (): never => {
  throw new SocketError(SockErrno.BADF, 'no such socket');
};

/** The transport of a host without a network: no socket can be opened, no name resolves. */
export const NO_NETWORK: SocketTransport = {
  open: () => {
    throw new SocketError(SockErrno.NETDOWN, 'this host runs containers without a network');
  },
  bind: noSocket,
  listen: noSocket,
  accept: noSocket,
  connect: noSocket,
  send: noSocket,
  recv: noSocket,
  shutdown: noSocket,
  close: () => undefined,
  local: noSocket,
  peer: noSocket,
  ready: noSocket,
  resolve: () => [],
  wait: () => undefined,
};

/** A call's errno: what it threw as a SocketError, FAULT for a pointer outside memory. */
function errnoOf(run: () => void): number {
  try {
    run();
    return SockErrno.SUCCESS;
  } catch (e) {
    if (e instanceof SocketError) return e.errno;
    if (e instanceof RangeError) return SockErrno.FAULT;
    throw e;
  }
}

function again(e: unknown): boolean {
  return e instanceof SocketError && e.errno === SockErrno.AGAIN;
}

/** Wrap `preview1` in place for socket descriptors and make the wasix_32v1 socket functions. */
export function wrapGuestSockets(preview1: Preview1, memory: () => WebAssembly.Memory, transport: SocketTransport, signals: ProcessSignals): GuestSockets {
  const table = new Map<number, GuestSocket>();
  const view = () => new DataView(memory().buffer);
  const calls = preview1 as unknown as Calls;

  const entry = (fd: number): GuestSocket => {
    const s = table.get(fd);
    if (!s) throw new SocketError(SockErrno.NOTSOCK, 'not a socket');
    return s;
  };
  const add = (id: SocketId, nonblock: boolean): number => {
    let fd = SOCKET_FD_BASE;
    while (table.has(fd)) fd++;
    table.set(fd, { id, nonblock });
    return fd;
  };

  /** Wait for the transport until `attempt` stops saying AGAIN; EINTR for a signal. */
  const blocking = <T>(s: GuestSocket, attempt: () => T): T => {
    for (;;) {
      try {
        return attempt();
      } catch (e) {
        if (!again(e) || s.nonblock) throw e;
      }
      if (signals.interrupted()) throw new SocketError(SockErrno.INTR, 'interrupted by a signal');
      transport.wait(WAIT_SLICE_MS);
    }
  };

  const iovecs = (ptr: number, count: number): Array<{ ptr: number; len: number }> => {
    const dv = view();
    const out = [];
    for (let i = 0; i < count; i++) out.push({ ptr: dv.getUint32(ptr + i * 8, true), len: dv.getUint32(ptr + i * 8 + 4, true) });
    return out;
  };

  const send = (s: GuestSocket, iovs: number, count: number): number => {
    const parts = iovecs(iovs, count);
    const total = parts.reduce((n, p) => n + p.len, 0);
    const data = new Uint8Array(total);
    let at = 0;
    for (const p of parts) {
      data.set(new Uint8Array(memory().buffer, p.ptr, p.len), at);
      at += p.len;
    }
    if (total === 0) return transport.send(s.id, data);
    let sent = 0;
    // A blocking send queues all it was given, as a stream socket's does; a signal or a closed
    // peer after some bytes reports those.
    while (sent < total) {
      try {
        sent += sent === 0 ? blocking(s, () => transport.send(s.id, data)) : blocking(s, () => transport.send(s.id, data.subarray(sent)));
      } catch (e) {
        if (sent > 0 && e instanceof SocketError) return sent;
        throw e;
      }
      if (s.nonblock) break;
    }
    return sent;
  };

  const recv = (s: GuestSocket, iovs: number, count: number, flags: number): number => {
    const parts = iovecs(iovs, count);
    const max = parts.reduce((n, p) => n + p.len, 0);
    if (max === 0) return 0;
    const peek = (flags & RIFLAGS_PEEK) !== 0;
    let data = blocking(s, () => transport.recv(s.id, max, peek));
    if (flags & RIFLAGS_WAITALL && !peek) {
      const chunks = [data];
      let got = data.length;
      while (got < max && data.length > 0) {
        try {
          data = blocking(s, () => transport.recv(s.id, max - got, false));
        } catch (e) {
          if (e instanceof SocketError) break;
          throw e;
        }
        chunks.push(data);
        got += data.length;
      }
      data = new Uint8Array(got);
      let at = 0;
      for (const c of chunks) {
        data.set(c, at);
        at += c.length;
      }
    }
    let at = 0;
    for (const p of parts) {
      const n = Math.min(p.len, data.length - at);
      new Uint8Array(memory().buffer, p.ptr, n).set(data.subarray(at, at + n));
      at += n;
      if (at >= data.length) break;
    }
    return data.length;
  };

  const accept = (fd: number, fdflags: number, roFd: number, roAddr?: number): number =>
    errnoOf(() => {
      const s = entry(fd);
      const got = blocking(s, () => transport.accept(s.id));
      const newFd = add(got.id, (fdflags & FDFLAGS_NONBLOCK) !== 0);
      view().setUint32(roFd, newFd, true);
      if (roAddr !== undefined) writeAddrPort(view(), roAddr, got.peer);
    });

  const addrArg = (ptr: number): SockAddr => {
    const addr = readAddrPort(view(), ptr);
    if (!addr) throw new SocketError(SockErrno.AFNOSUPPORT, 'only IPv4 addresses');
    return addr;
  };

  const sockSend = (fd: number, iovs: number, count: number, _flags: number, roLen: number): number =>
    errnoOf(() => view().setUint32(roLen, send(entry(fd), iovs, count), true));
  const sockRecv = (fd: number, iovs: number, count: number, flags: number, roLen: number, roFlags: number): number =>
    errnoOf(() => {
      const n = recv(entry(fd), iovs, count, flags);
      view().setUint32(roLen, n, true);
      view().setUint16(roFlags, 0, true);
    });
  const sockShutdown = (fd: number, how: number): number => errnoOf(() => transport.shutdown(entry(fd).id, how));

  const wasix: Record<string, (...args: number[]) => number> = {
    sock_open: (af, socktype, proto, roFd) =>
      errnoOf(() => {
        if (af !== AF_INET4) throw new SocketError(SockErrno.AFNOSUPPORT, 'only IPv4');
        if (socktype !== SOCK_STREAM) throw new SocketError(SockErrno.NOTSUP, 'only stream sockets');
        if (proto !== PROTO_DEFAULT && proto !== PROTO_TCP) throw new SocketError(SockErrno.PROTONOSUPPORT, 'only TCP');
        const id = transport.open();
        view().setUint32(roFd, add(id, false), true);
      }),
    sock_bind: (fd, addr) => errnoOf(() => transport.bind(entry(fd).id, addrArg(addr))),
    sock_listen: (fd, backlog) => errnoOf(() => transport.listen(entry(fd).id, backlog)),
    sock_accept_v2: (fd, fdflags, roFd, roAddr) => accept(fd, fdflags, roFd, roAddr),
    sock_connect: (fd, addr) =>
      errnoOf(() => {
        const s = entry(fd);
        const target = addrArg(addr);
        blocking(s, () => transport.connect(s.id, target));
      }),
    sock_addr_local: (fd, roAddr) => errnoOf(() => writeAddrPort(view(), roAddr, transport.local(entry(fd).id))),
    sock_addr_peer: (fd, roAddr) => errnoOf(() => writeAddrPort(view(), roAddr, transport.peer(entry(fd).id))),
    sock_send: sockSend,
    sock_recv: sockRecv,
    sock_shutdown: sockShutdown,
    port_addr_list: (roAddrs, naddrsPtr) =>
      errnoOf(() => {
        if (!transport.addresses) throw new SocketError(SockErrno.NOTSUP, 'this host does not list its interfaces');
        const list = transport.addresses();
        const room = view().getUint32(naddrsPtr, true);
        list.slice(0, room).forEach((a, i) => writeAddrCidr(view(), roAddrs + i * ADDR_CIDR_BYTES, a.address, a.prefix));
        view().setUint32(naddrsPtr, list.length, true);
        if (list.length > room) throw new SocketError(SockErrno.OVERFLOW, `${list.length} addresses, room for ${room}`);
      }),
    resolve: (host, hostLen, _port, roAddrs, naddrs, roN) =>
      errnoOf(() => {
        const name = new TextDecoder().decode(new Uint8Array(memory().buffer, host, hostLen));
        const found = parseIPv4Bytes(name) ? [name] : transport.resolve(name);
        if (found.length === 0) throw new SocketError(SockErrno.NOENT, `${name}: no such host`);
        const n = Math.min(found.length, naddrs);
        for (let i = 0; i < n; i++) writeAddrIp(view(), roAddrs + i * ADDR_IP_BYTES, found[i]);
        view().setUint32(roN, n, true);
      }),
  };

  // The preview1 calls on a socket descriptor; anything else goes to what was there.
  const onSocket = (name: string, handle: (...args: number[]) => number): void => {
    const inner = calls[name];
    calls[name] = (...args: number[]) => (table.has(args[0]) ? handle(...args) : inner ? inner(...args) : SockErrno.BADF);
  };
  onSocket('sock_send', sockSend);
  onSocket('sock_recv', sockRecv);
  onSocket('sock_shutdown', sockShutdown);
  onSocket('sock_accept', (fd, flags, roFd) => accept(fd, flags, roFd));
  onSocket('fd_write', (fd, iovs, count, nwritten) => errnoOf(() => view().setUint32(nwritten, send(entry(fd), iovs, count), true)));
  onSocket('fd_read', (fd, iovs, count, nread) => errnoOf(() => view().setUint32(nread, recv(entry(fd), iovs, count, 0), true)));
  onSocket('fd_close', (fd) => {
    transport.close(table.get(fd)!.id);
    table.delete(fd);
    return SockErrno.SUCCESS;
  });
  onSocket('fd_fdstat_get', (fd, ptr) =>
    errnoOf(() => {
      const dv = view();
      dv.setUint8(ptr, FILETYPE_SOCKET_STREAM);
      dv.setUint8(ptr + 1, 0);
      dv.setUint16(ptr + 2, table.get(fd)!.nonblock ? FDFLAGS_NONBLOCK : 0, true);
      dv.setUint32(ptr + 4, 0, true);
      dv.setBigUint64(ptr + 8, 0xffffffffn, true);
      dv.setBigUint64(ptr + 16, 0xffffffffn, true);
    }),
  );
  onSocket('fd_fdstat_set_flags', (fd, flags) => {
    table.get(fd)!.nonblock = (flags & FDFLAGS_NONBLOCK) !== 0;
    return SockErrno.SUCCESS;
  });
  onSocket('fd_filestat_get', (fd, ptr) =>
    errnoOf(() => {
      const dv = view();
      for (let i = 0; i < 64; i++) dv.setUint8(ptr + i, 0);
      dv.setUint8(ptr + 16, FILETYPE_SOCKET_STREAM);
      dv.setBigUint64(ptr + 24, 1n, true);
    }),
  );
  const innerPoll = calls.poll_oneoff;
  calls.poll_oneoff = (inPtr, outPtr, nsubs, neventsPtr) => pollOneoff(inPtr, outPtr, nsubs, neventsPtr);

  interface Sub {
    userdata: bigint;
    tag: number;
    fd: number;
    deadline?: number;
    raw: Uint8Array;
  }

  /** poll_oneoff with sockets: the sockets looked at here, every other descriptor asked of the host's poll without waiting. */
  const pollOneoff = (inPtr: number, outPtr: number, nsubs: number, neventsPtr: number): number => {
    const start = performance.now();
    const subs: Sub[] = [];
    let dv = view();
    // A subscription array outside memory is the host's poll to refuse.
    if (inPtr + nsubs * SUBSCRIPTION_BYTES > dv.byteLength) return innerPoll(inPtr, outPtr, nsubs, neventsPtr);
    for (let i = 0; i < nsubs; i++) {
      const at = inPtr + i * SUBSCRIPTION_BYTES;
      const tag = dv.getUint8(at + 8);
      const sub: Sub = { userdata: dv.getBigUint64(at, true), tag, fd: -1, raw: new Uint8Array(memory().buffer.slice(at, at + SUBSCRIPTION_BYTES)) };
      if (tag === EVENTTYPE_CLOCK) {
        const timeout = Number(dv.getBigUint64(at + 24, true)) / 1e6;
        const abs = dv.getUint16(at + 40, true) & SUBCLOCKFLAG_ABSTIME;
        const now = dv.getUint32(at + 16, true) === 0 ? Date.now() : performance.now();
        sub.deadline = start + Math.max(0, abs ? timeout - now : timeout);
      } else sub.fd = dv.getUint32(at + 16, true);
      subs.push(sub);
    }
    if (!subs.some((s) => table.has(s.fd))) return innerPoll(inPtr, outPtr, nsubs, neventsPtr);
    const others = subs.filter((s) => s.tag !== EVENTTYPE_CLOCK && !table.has(s.fd));
    for (;;) {
      const now = performance.now();
      const events: Array<{ sub: Sub; error: number; nbytes: bigint; flags: number }> = [];
      for (const s of subs) {
        if (s.tag === EVENTTYPE_CLOCK) {
          if (now >= s.deadline!) events.push({ sub: s, error: 0, nbytes: 0n, flags: 0 });
          continue;
        }
        const g = table.get(s.fd);
        if (!g) continue;
        const r = transport.ready(g.id);
        // The peer's end of its sending (hangup) is news for reading only: wasi-libc's poll turns a
        // write event flagged so into POLLHUP without POLLOUT, and a server answering a client that
        // half-closed after its request would never be told it may write again.
        if (s.tag === EVENTTYPE_FD_READ ? r.readable : r.writable) events.push({ sub: s, error: 0, nbytes: 1n, flags: r.hangup && s.tag === EVENTTYPE_FD_READ ? EVENTRWFLAGS_HANGUP : 0 });
      }
      events.push(...probeOthers(others, inPtr, outPtr));
      if (events.length > 0) {
        dv = view();
        events.forEach((e, i) => {
          const at = outPtr + i * EVENT_BYTES;
          for (let b = 0; b < EVENT_BYTES; b++) dv.setUint8(at + b, 0);
          dv.setBigUint64(at, e.sub.userdata, true);
          dv.setUint16(at + 8, e.error, true);
          dv.setUint8(at + 10, e.sub.tag);
          dv.setBigUint64(at + 16, e.nbytes, true);
          dv.setUint16(at + 24, e.flags, true);
        });
        dv.setUint32(neventsPtr, events.length, true);
        return SockErrno.SUCCESS;
      }
      if (signals.interrupted()) return SockErrno.INTR;
      const clocks = subs.filter((s) => s.deadline !== undefined).map((s) => s.deadline! - now);
      const cap = others.length > 0 ? POLL_OTHERS_MS : WAIT_SLICE_MS;
      transport.wait(Math.max(0, Math.min(cap, ...clocks)));
    }
  };

  /**
   * Ask the host's own poll_oneoff which of `others` are ready now: their subscriptions and a
   * clock of 0 are written over the guest's subscription array (it has room: at least one socket
   * was in it), and put back after.
   */
  const probeOthers = (others: Sub[], inPtr: number, outPtr: number): Array<{ sub: Sub; error: number; nbytes: bigint; flags: number }> => {
    if (others.length === 0) return [];
    const count = others.length + 1;
    const saved = new Uint8Array(memory().buffer.slice(inPtr, inPtr + count * SUBSCRIPTION_BYTES));
    const mem = () => new Uint8Array(memory().buffer);
    others.forEach((s, i) => mem().set(s.raw, inPtr + i * SUBSCRIPTION_BYTES));
    const clockAt = inPtr + others.length * SUBSCRIPTION_BYTES;
    mem().fill(0, clockAt, clockAt + SUBSCRIPTION_BYTES);
    let dv = view();
    dv.setBigUint64(clockAt, 0xffffffffffffffffn, true);
    dv.setUint8(clockAt + 8, EVENTTYPE_CLOCK);
    dv.setUint32(clockAt + 16, 1, true);
    // The events go to the guest's event array (written again before it reads them), their count
    // into the padding at the end of the clock subscription (put back with the rest).
    const countAt = clockAt + SUBSCRIPTION_BYTES - 4;
    const found: Array<{ sub: Sub; error: number; nbytes: bigint; flags: number }> = [];
    try {
      const errno = innerPoll(inPtr, outPtr, count, countAt);
      dv = view();
      if (errno === 0) {
        const n = dv.getUint32(countAt, true);
        for (let i = 0; i < Math.min(n, count); i++) {
          const at = outPtr + i * EVENT_BYTES;
          const tag = dv.getUint8(at + 10);
          if (tag === EVENTTYPE_CLOCK) continue;
          const userdata = dv.getBigUint64(at, true);
          const sub = others.find((s) => s.userdata === userdata && s.tag === tag);
          if (sub) found.push({ sub, error: dv.getUint16(at + 8, true), nbytes: dv.getBigUint64(at + 16, true), flags: dv.getUint16(at + 24, true) });
        }
      } else {
        // The host cannot poll them (node:wasi refuses a regular file): as poll(2) says of a
        // regular file, they are always ready.
        for (const sub of others) found.push({ sub, error: 0, nbytes: 1n, flags: 0 });
      }
    } finally {
      mem().set(saved, inPtr);
    }
    return found;
  };

  return {
    wasix: wasix as GuestSockets['wasix'],
    closeAll() {
      for (const s of table.values()) transport.close(s.id);
      table.clear();
    },
  };
}
