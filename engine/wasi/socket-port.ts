/**
 * The transport a host brings so that a container's programs have sockets (ProcessHostPorts
 * `sockets`). guest-sockets.ts builds the guest's socket imports (socket-abi.ts) over it, once for
 * every host; the in-memory transport (engine/net/memory-network.ts) is one, for tests and as the
 * start of the browser's virtual network.
 *
 * Contract:
 * - One transport per container: it knows the container's networks and addresses, so every rule
 *   of reach (own loopback, own networks, nothing outside) and every limit lives behind it.
 * - Every call is synchronous and never blocks: what cannot happen now throws
 *   SocketError(AGAIN). Blocking is built by guest-sockets.ts from `wait` and the readiness of
 *   `ready`, so that a signal can end any wait (EINTR).
 * - Failures throw SocketError with a WASI errno (socket-abi.ts SockErrno) and words for a log.
 * - `wait(ms)` returns when something about this container's sockets may have changed, or after
 *   at most `ms`. A host whose thread must keep serving its own requests while a guest waits (the
 *   browser's control block) serves them inside `wait`, as its blocked fd_read does.
 */
import type { SockAddr } from './socket-abi.ts';

/** A transport's handle on one socket. */
export type SocketId = number;

export class SocketError extends Error {
  constructor(
    readonly errno: number,
    message: string,
  ) {
    super(message);
  }
}

/** What poll may report for a socket now. */
export interface SocketReadiness {
  /** recv would not block (data, end of stream, an error), or accept would not (a connection waits). */
  readable: boolean;
  /** send would not block (room, or an error to report). */
  writable: boolean;
  /** The peer is gone: nothing more will arrive. */
  hangup: boolean;
}

export interface SocketTransport {
  /** A new, unbound stream socket of this container. EMFILE at the container's limit. */
  open(): SocketId;
  /** EADDRINUSE, EADDRNOTAVAIL (an address that is not the container's), EINVAL when bound. */
  bind(id: SocketId, addr: SockAddr): void;
  /** Binds to an ephemeral port first when unbound. */
  listen(id: SocketId, backlog: number): void;
  /** The next waiting connection (a new socket) and its peer; AGAIN when none waits, EMFILE at the limit. */
  accept(id: SocketId): { id: SocketId; peer: SockAddr };
  /** Connected at once, or ECONNREFUSED / ENETUNREACH / EHOSTUNREACH. */
  connect(id: SocketId, addr: SockAddr): void;
  /** Bytes taken from `data` (at least 1); AGAIN when the connection's buffer is full, EPIPE after the peer closed. */
  send(id: SocketId, data: Uint8Array): number;
  /** Up to `max` bytes; empty at end of stream; AGAIN when nothing is there yet. `peek` leaves them. */
  recv(id: SocketId, max: number, peek: boolean): Uint8Array;
  /** how: socket-abi.ts SHUT_RD | SHUT_WR. */
  shutdown(id: SocketId, how: number): void;
  /** Never throws; the peer sees end of stream, a listener's waiting connections are reset. */
  close(id: SocketId): void;
  local(id: SocketId): SockAddr;
  peer(id: SocketId): SockAddr;
  ready(id: SocketId): SocketReadiness;
  /** The addresses `name` has on this container's networks; empty when it resolves nowhere. */
  resolve(name: string): string[];
  /**
   * The container's interface addresses with their prefix lengths (socket-abi.ts port_addr_list):
   * loopback 127.0.0.1/8 first, then one per network in the order of its networks. Optional: a
   * transport without it makes the guest's call ENOTSUP.
   */
  addresses?(): Array<{ address: string; prefix: number }>;
  wait(ms: number): void;
}
