/**
 * Sockets for WASI programs - the guest's side, beside the spawn and signal ABIs (spawn-abi.ts,
 * signal-abi.ts). Implemented once, for every host, in guest-sockets.ts over the transport a host
 * brings (socket-port.ts).
 *
 * WASI preview1 has no socket(), bind(), listen() or connect(). WASIX (Wasmer's extension of
 * preview1) publishes them, and its signatures fit what we need, so Dockyard takes its names and
 * layouts: an image built against this ABI also runs under Wasmer. Only the subset below exists;
 * any other WASIX import makes the module refuse to start with "needs imports this runtime lacks".
 *
 * Imports (wasm32), module "wasix_32v1", every result a WASI errno (0 = success):
 *
 *   sock_open(af: i32, socktype: i32, proto: i32, ro_fd: *u32)             socket()
 *       af 1 (INET4) only - wasi-libc's AF_INET; socktype 1 (STREAM) only; proto 0 or 6 (TCP).
 *       Anything else: EAFNOSUPPORT / EPROTONOSUPPORT / ENOTSUP. UDP is not offered.
 *   sock_bind(fd, addr: *addr_port)                                        bind()
 *   sock_listen(fd, backlog: i32)                                          listen()
 *   sock_accept_v2(fd, fdflags: i32, ro_fd: *u32, ro_addr: *addr_port)     accept4()
 *       fdflags 4 (NONBLOCK) makes the new socket non-blocking.
 *   sock_connect(fd, addr: *addr_port)                                     connect()
 *   sock_addr_local(fd, ro_addr: *addr_port)                               getsockname()
 *   sock_addr_peer(fd, ro_addr: *addr_port)                                getpeername()
 *   sock_send(fd, si_data: *ciovec, si_data_len, si_flags: i32, ro_len: *u32)              send()
 *   sock_recv(fd, ri_data: *iovec, ri_data_len, ri_flags: i32, ro_len: *u32, ro_flags: *u16) recv()
 *       ri_flags: 1 PEEK, 2 WAITALL. ro_flags is always 0 (no truncation on a stream).
 *   sock_shutdown(fd, how: i32)                                            shutdown(); how 1 RD, 2 WR
 *   resolve(host: *u8, host_len: u32, port: u16, ro_addrs: *addr_ip, naddrs: u32, ro_n: *u32)
 *       a name to addresses through the engine's resolver (the caller's networks); ENOENT when
 *       it resolves nowhere. A dotted IPv4 address resolves to itself.
 *   port_addr_list(ro_addrs: *addr_cidr, naddrs: *u32)                     getifaddrs(), `ip addr`
 *       the container's interface addresses: loopback (127.0.0.1/8) first, then one per network
 *       in the order of its networks (eth0, eth1, ...). *naddrs holds the room at ro_addrs on
 *       entry and how many there are on return; EOVERFLOW when they did not all fit (the room is
 *       filled). ENOTSUP from a transport that cannot list them (SocketTransport.addresses).
 *
 * The preview1 calls of the same names (wasi_snapshot_preview1 sock_send, sock_recv,
 * sock_shutdown, sock_accept - what wasi-libc's send/recv/shutdown/accept call) do the same on a
 * socket. A socket is a file descriptor: fd_read/fd_write are recv/send, fd_close closes it,
 * fd_fdstat_get says SOCKET_STREAM, fd_fdstat_set_flags(NONBLOCK) (fcntl O_NONBLOCK) makes it
 * non-blocking, and poll_oneoff waits on sockets together with stdin and clocks (FD_READ: data,
 * end of stream or a connection to accept; FD_WRITE: room to send; HANGUP flag when the peer is
 * gone). Socket descriptors are numbered from SOCKET_FD_BASE, far above those of files, so the
 * two tables never meet.
 *
 * Layouts (little-endian):
 *   addr_port  u16 tag @0 (1 = INET4), u16 port @2 (host order, as wasix-libc writes it; a guest
 *              converts sin_port with ntohs), u8[4] address @4; a guest reserves
 *              ADDR_PORT_BYTES for one.
 *   addr_ip    u16 tag @0, u8[4] address @2; ADDR_IP_BYTES apart in an array.
 *   addr_cidr  u16 tag @0, u8[4] address @2, u8 prefix length @6; ADDR_CIDR_BYTES apart (WASIX's
 *              tagged union, sized for its IPv6 member).
 *
 * Sockets belong to the process that opened them: a program started through dockyard.spawn does
 * not inherit its caller's, and every socket of a process closes when it ends (its peers see the
 * end of the stream).
 *
 * Blocking: a blocking call (the default) waits inside the import until it can go on; a
 * non-blocking one returns EAGAIN. A signal for the process (signal-abi.ts) ends a blocked
 * accept, recv, send, connect or poll with EINTR. Connections are made at once (no EINPROGRESS).
 *
 * The playground has no outside network: a guest reaches its own loopback (127.0.0.0/8) and the
 * addresses of the networks its container is on, nothing else. Any other address fails at once
 * with ENETUNREACH (an address inside one of its subnets that nobody holds: EHOSTUNREACH); an
 * address with no listener, or whose listener's backlog is full, with ECONNREFUSED. Limits: a
 * container holds at most so many sockets (EMFILE past it, on sock_open and accept) and each
 * direction of a connection buffers at most so many bytes (a sender then blocks or gets EAGAIN:
 * back-pressure, bounded memory).
 *
 * A host without a network still offers the imports (so one program, box, runs everywhere):
 * sock_open fails with ENETDOWN and resolve with ENOENT.
 */

export const SOCKET_IMPORT_MODULE = 'wasix_32v1';
/** The functions of SOCKET_IMPORT_MODULE a guest may import. */
export const SOCKET_IMPORT_NAMES = [
  'sock_open',
  'sock_bind',
  'sock_listen',
  'sock_accept_v2',
  'sock_connect',
  'sock_addr_local',
  'sock_addr_peer',
  'sock_send',
  'sock_recv',
  'sock_shutdown',
  'resolve',
  'port_addr_list',
] as const;
/** The first socket descriptor; a process's sockets count up from here. */
export const SOCKET_FD_BASE = 0x100000;
export const ADDR_PORT_BYTES = 20;
export const ADDR_IP_BYTES = 18;
export const ADDR_CIDR_BYTES = 20;

export const AF_INET4 = 1;
export const SOCK_STREAM = 1;
export const PROTO_DEFAULT = 0;
export const PROTO_TCP = 6;
export const FDFLAGS_NONBLOCK = 4;
export const RIFLAGS_PEEK = 1;
export const RIFLAGS_WAITALL = 2;
export const SHUT_RD = 1;
export const SHUT_WR = 2;
/** fd_fdstat_get's filetype of a stream socket. */
export const FILETYPE_SOCKET_STREAM = 6;

/** The WASI errno values of the socket calls. */
export const SockErrno = {
  SUCCESS: 0,
  ADDRINUSE: 3,
  ADDRNOTAVAIL: 4,
  AFNOSUPPORT: 5,
  AGAIN: 6,
  BADF: 8,
  CONNREFUSED: 14,
  CONNRESET: 15,
  FAULT: 21,
  HOSTUNREACH: 23,
  INTR: 27,
  INVAL: 28,
  ISCONN: 30,
  MFILE: 33,
  NETUNREACH: 40,
  NOBUFS: 42,
  NETDOWN: 38,
  NOENT: 44,
  NOTCONN: 53,
  NOTSOCK: 57,
  NOTSUP: 58,
  OVERFLOW: 61,
  PIPE: 64,
  PROTONOSUPPORT: 66,
} as const;

/** An IPv4 socket address: dotted quad and port. */
export interface SockAddr {
  address: string;
  port: number;
}

/** Read an addr_port at `ptr`; undefined when it is not INET4 (EAFNOSUPPORT for the caller). */
export function readAddrPort(view: DataView, ptr: number): SockAddr | undefined {
  if (view.getUint16(ptr, true) !== AF_INET4) return undefined;
  const port = view.getUint16(ptr + 2, true);
  const bytes = [0, 1, 2, 3].map((i) => view.getUint8(ptr + 4 + i));
  return { address: bytes.join('.'), port };
}

export function writeAddrPort(view: DataView, ptr: number, addr: SockAddr): void {
  for (let i = 0; i < ADDR_PORT_BYTES; i++) view.setUint8(ptr + i, 0);
  view.setUint16(ptr, AF_INET4, true);
  view.setUint16(ptr + 2, addr.port, true);
  ipv4Bytes(addr.address).forEach((b, i) => view.setUint8(ptr + 4 + i, b));
}

export function writeAddrIp(view: DataView, ptr: number, address: string): void {
  for (let i = 0; i < ADDR_IP_BYTES; i++) view.setUint8(ptr + i, 0);
  view.setUint16(ptr, AF_INET4, true);
  ipv4Bytes(address).forEach((b, i) => view.setUint8(ptr + 2 + i, b));
}

export function writeAddrCidr(view: DataView, ptr: number, address: string, prefix: number): void {
  for (let i = 0; i < ADDR_CIDR_BYTES; i++) view.setUint8(ptr + i, 0);
  writeAddrIp(view, ptr, address);
  view.setUint8(ptr + 6, prefix);
}

/** The four bytes of a dotted IPv4 address; undefined when `text` is not one. */
export function parseIPv4Bytes(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.map(Number);
}

function ipv4Bytes(address: string): number[] {
  return parseIPv4Bytes(address) ?? [0, 0, 0, 0];
}

/** The socket imports of a runtime without a network (a tool that only lists box's applets). */
export function unavailableSocketImports(): Record<string, Record<string, () => number>> {
  return { [SOCKET_IMPORT_MODULE]: Object.fromEntries(SOCKET_IMPORT_NAMES.map((n) => [n, () => SockErrno.NETDOWN])) };
}
