/*
 * BSD sockets for Dockyard's WASI programs (the ABI: engine/wasi/socket-abi.ts). wasi-libc's
 * preview1 build has accept/send/recv/shutdown but no socket, bind, listen, connect,
 * getsockname or getpeername: they come from here, over WASIX's published imports (module
 * "wasix_32v1"), so a program built with this header also runs under Wasmer. IPv4 TCP only.
 * The functions are static inline: any number of a program's files may include it.
 */
#ifndef DY_SOCKET_H
#define DY_SOCKET_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <wasi/api.h>

#define DY_WASIX(name) __attribute__((import_module("wasix_32v1"), import_name(#name)))

/* addr_port: u16 tag (1 = IPv4), u16 port (host order), 4 address bytes; 20 bytes reserved. */
typedef struct { uint16_t tag; uint16_t port; uint8_t addr[16]; } dy_addr_port;
/* addr_ip: u16 tag, 4 address bytes; 18 bytes apart. */
typedef struct { uint16_t tag; uint8_t addr[16]; } dy_addr_ip;

DY_WASIX(sock_open) int32_t dy_sock_open(int32_t af, int32_t type, int32_t proto, int32_t *fd);
DY_WASIX(sock_bind) int32_t dy_sock_bind(int32_t fd, const dy_addr_port *addr);
DY_WASIX(sock_listen) int32_t dy_sock_listen(int32_t fd, int32_t backlog);
DY_WASIX(sock_accept_v2) int32_t dy_sock_accept_v2(int32_t fd, int32_t fdflags, int32_t *ret, dy_addr_port *addr);
DY_WASIX(sock_connect) int32_t dy_sock_connect(int32_t fd, const dy_addr_port *addr);
DY_WASIX(sock_addr_local) int32_t dy_sock_addr_local(int32_t fd, dy_addr_port *addr);
DY_WASIX(sock_addr_peer) int32_t dy_sock_addr_peer(int32_t fd, dy_addr_port *addr);
/* addr_cidr: u16 tag, 4 address bytes, u8 prefix length; 20 bytes apart. */
typedef struct { uint16_t tag; uint8_t addr[4]; uint8_t prefix; uint8_t reserved[13]; } dy_addr_cidr;
/* The container's interface addresses: loopback first, then one per network (EOVERFLOW: more than *n). */
DY_WASIX(port_addr_list) int32_t dy_port_addr_list(dy_addr_cidr *addrs, uint32_t *n);
DY_WASIX(resolve) int32_t dy_resolve_raw(const char *host, uint32_t len, int32_t port, dy_addr_ip *addrs, uint32_t n, uint32_t *count);

static inline int dy_fail(int e) { errno = e; return -1; }

static inline int dy_to_wasix(const struct sockaddr *sa, socklen_t len, dy_addr_port *out) {
    memset(out, 0, sizeof *out);
    if (!sa || len < sizeof(struct sockaddr_in) || sa->sa_family != AF_INET) return EAFNOSUPPORT;
    const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
    out->tag = 1;
    out->port = ntohs(in->sin_port);
    memcpy(out->addr, &in->sin_addr, 4);
    return 0;
}

static inline void dy_from_wasix(const dy_addr_port *a, struct sockaddr *sa, socklen_t *len) {
    if (!sa || !len) return;
    struct sockaddr_in in;
    memset(&in, 0, sizeof in);
    in.sin_family = AF_INET;
    in.sin_port = htons(a->port);
    memcpy(&in.sin_addr, a->addr, 4);
    memcpy(sa, &in, *len < sizeof in ? *len : sizeof in);
    *len = sizeof in;
}

static inline int socket(int domain, int type, int protocol) {
    if (domain != AF_INET) return dy_fail(EAFNOSUPPORT);
    if ((type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) != SOCK_STREAM) return dy_fail(EPROTONOSUPPORT);
    int32_t fd;
    int r = dy_sock_open(1, 1, protocol, &fd);
    if (r) return dy_fail(r);
    if (type & SOCK_NONBLOCK) fcntl(fd, F_SETFL, O_NONBLOCK);
    return fd;
}

static inline int bind(int fd, const struct sockaddr *sa, socklen_t len) {
    dy_addr_port a;
    int r = dy_to_wasix(sa, len, &a);
    if (!r) r = dy_sock_bind(fd, &a);
    return r ? dy_fail(r) : 0;
}

static inline int connect(int fd, const struct sockaddr *sa, socklen_t len) {
    dy_addr_port a;
    int r = dy_to_wasix(sa, len, &a);
    if (!r) r = dy_sock_connect(fd, &a);
    return r ? dy_fail(r) : 0;
}

static inline int listen(int fd, int backlog) {
    int r = dy_sock_listen(fd, backlog);
    return r ? dy_fail(r) : 0;
}

/* accept with the peer's address (wasi-libc's accept cannot give it). */
static inline int dy_accept(int fd, struct sockaddr *sa, socklen_t *len, int flags) {
    dy_addr_port a;
    int32_t nfd;
    int r = dy_sock_accept_v2(fd, flags & SOCK_NONBLOCK ? __WASI_FDFLAGS_NONBLOCK : 0, &nfd, &a);
    if (r) return dy_fail(r);
    dy_from_wasix(&a, sa, len);
    return nfd;
}

static inline int getsockname(int fd, struct sockaddr *sa, socklen_t *len) {
    dy_addr_port a;
    int r = dy_sock_addr_local(fd, &a);
    if (r) return dy_fail(r);
    dy_from_wasix(&a, sa, len);
    return 0;
}

static inline int getpeername(int fd, struct sockaddr *sa, socklen_t *len) {
    dy_addr_port a;
    int r = dy_sock_addr_peer(fd, &a);
    if (r) return dy_fail(r);
    dy_from_wasix(&a, sa, len);
    return 0;
}

/* The first IPv4 address of `name` through the engine's resolver: 0, or an errno (ENOENT: resolves nowhere). */
static inline int dy_resolve(const char *name, struct in_addr *out) {
    dy_addr_ip addrs[4];
    uint32_t n = 0;
    int r = dy_resolve_raw(name, strlen(name), 0, addrs, 4, &n);
    if (r) return r;
    if (n == 0) return ENOENT;
    memcpy(out, addrs[0].addr, 4);
    return 0;
}

/* The dotted form of an IPv4 address (wasi-libc has no inet_ntoa), in `buf`. */
static inline const char *dy_ntoa(struct in_addr a, char buf[16]) {
    const unsigned char *b = (const unsigned char *)&a;
    snprintf(buf, 16, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
    return buf;
}

/* What a program prints for a socket error: the unreachable ones say why. */
static inline const char *dy_strerror(int e) {
    if (e == ENETUNREACH) return "Network is unreachable (the playground has no outside network: only containers on your networks)";
    if (e == ENETDOWN) return "Network is down (this engine runs containers without a network)";
    return strerror(e);
}

#endif
