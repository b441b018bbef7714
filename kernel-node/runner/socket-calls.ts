/**
 * The native socket calls (socket-calls.c, a Node-API addon the service compiles next to the
 * runner bundle), typed. Every call is synchronous; a failure is a negative Linux errno.
 */

/** [address, port] as the kernel reports it. */
export type NativeAddr = [string, number];

export interface SocketCalls {
  /** A non-blocking TCP socket with SO_REUSEADDR. */
  open(): number;
  bind(fd: number, address: string, port: number): number;
  listen(fd: number, backlog: number): number;
  /** [fd, peer address, peer port]; the new socket is non-blocking too. */
  accept(fd: number): [number, string, number] | number;
  /** 0, or -EINPROGRESS while the handshake runs. */
  connect(fd: number, address: string, port: number): number;
  /** SO_ERROR: how a non-blocking connect ended (0, or a positive errno). */
  error(fd: number): number;
  send(fd: number, data: Uint8Array): number;
  recv(fd: number, into: Uint8Array, peek: boolean): number;
  /** Linux's how: 0 RD, 1 WR, 2 RDWR. */
  shutdown(fd: number, how: number): number;
  close(fd: number): number;
  name(fd: number, peer: boolean): NativeAddr | number;
  /** poll(2) revents for POLLIN|POLLOUT|POLLRDHUP now. */
  ready(fd: number): number;
  /** An epoll descriptor to wait on. */
  waiter(): number;
  /** Add fd to the waiter: edge-triggered (a socket) or level-triggered (the wake eventfd). */
  watch(waiter: number, fd: number, edge: boolean): number;
  /** An eventfd that ends a wait when another thread writes 8 bytes to it. */
  wakeFd(): number;
  /** Wait up to ms; the count of events (0: the time ran out). Drains the wake eventfd. */
  waitEvents(waiter: number, wakeFd: number, ms: number): number;
}

/** poll(2) bits, as Linux numbers them. */
export const POLLIN = 0x1;
export const POLLOUT = 0x4;
export const POLLERR = 0x8;
export const POLLHUP = 0x10;
export const POLLRDHUP = 0x2000;

/** The file the service compiles socket-calls.c into, next to the runner bundle. */
export const SOCKET_CALLS_FILE = 'socket-calls.node';

/** The addon at `path`; undefined when it is not there (the service could not compile it). */
export function loadSocketCalls(path: string): SocketCalls | undefined {
  const module = { exports: {} as SocketCalls };
  try {
    process.dlopen(module, path);
  } catch {
    return undefined;
  }
  return module.exports;
}
