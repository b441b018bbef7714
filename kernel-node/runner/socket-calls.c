/*
 * The socket system calls a WASI guest's sockets need, callable synchronously from the runner's
 * guest thread (a Node-API addon; kernel-sockets.ts is its only user).
 *
 * Why native: the guest's socket imports are synchronous and run on the guest's thread, and Node
 * has no synchronous socket API. With these calls the guest's sockets are the kernel's own, in the
 * container's network namespace: ss shows them, a native client reaches them, and every rule of
 * TCP (ports in use, backlogs, resets, buffers) is the kernel's, not an imitation.
 *
 * Every socket is made non-blocking (the transport's contract: nothing blocks; a guest's blocking
 * call waits in `waitEvents`, where a signal can wake it). Failures return -errno (Linux's); the
 * TypeScript side maps them to WASI's.
 *
 * Built by the service at start next to the runner bundle (runtime-root.ts), with Node's own headers.
 */
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <node_api.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#define ARGS(n)                                                   \
  size_t argc = (n);                                              \
  napi_value argv[(n) > 0 ? (n) : 1];                             \
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL)

static napi_value num(napi_env env, double x) {
  napi_value v;
  napi_create_double(env, x, &v);
  return v;
}

static int32_t i32(napi_env env, napi_value v) {
  int32_t x = -1;
  napi_get_value_int32(env, v, &x);
  return x;
}

static napi_value fail(napi_env env) { return num(env, -errno); }

/* A dotted IPv4 address and a port as a sockaddr_in; 0 when the text is no address. */
static int to_sockaddr(napi_env env, napi_value addr, napi_value port, struct sockaddr_in *sa) {
  char text[INET_ADDRSTRLEN] = {0};
  size_t len = 0;
  if (napi_get_value_string_utf8(env, addr, text, sizeof text, &len) != napi_ok) return 0;
  memset(sa, 0, sizeof *sa);
  sa->sin_family = AF_INET;
  sa->sin_port = htons((uint16_t)i32(env, port));
  return inet_pton(AF_INET, text, &sa->sin_addr) == 1;
}

/* [address, port] of a sockaddr_in. */
static napi_value from_sockaddr(napi_env env, const struct sockaddr_in *sa) {
  char text[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, &sa->sin_addr, text, sizeof text);
  napi_value out, a;
  napi_create_array_with_length(env, 2, &out);
  napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &a);
  napi_set_element(env, out, 0, a);
  napi_set_element(env, out, 1, num(env, ntohs(sa->sin_port)));
  return out;
}

static int bytes_of(napi_env env, napi_value v, uint8_t **data, size_t *len) {
  napi_typedarray_type type;
  napi_value buffer;
  size_t offset;
  void *base;
  if (napi_get_typedarray_info(env, v, &type, len, &base, &buffer, &offset) != napi_ok || type != napi_uint8_array) return 0;
  *data = base;
  return 1;
}

/* open() -> fd: a non-blocking TCP socket whose address can be bound again at once (as the
 * playground's in-memory network allows: a restarted server does not wait out TIME_WAIT). */
static napi_value sock_open(napi_env env, napi_callback_info info) {
  (void)info;
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail(env);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  return num(env, fd);
}

/* op(fd, address, port) for bind(2) and connect(2), which take the same arguments. */
static napi_value with_address(napi_env env, napi_callback_info info, int (*op)(int, const struct sockaddr *, socklen_t)) {
  ARGS(3);
  struct sockaddr_in sa;
  if (!to_sockaddr(env, argv[1], argv[2], &sa)) return num(env, -EINVAL);
  return op(i32(env, argv[0]), (struct sockaddr *)&sa, sizeof sa) < 0 ? fail(env) : num(env, 0);
}

/* bind(fd, address, port) */
static napi_value sock_bind(napi_env env, napi_callback_info info) { return with_address(env, info, bind); }

/* listen(fd, backlog) */
static napi_value sock_listen(napi_env env, napi_callback_info info) {
  ARGS(2);
  return listen(i32(env, argv[0]), i32(env, argv[1])) < 0 ? fail(env) : num(env, 0);
}

/* accept(fd) -> [fd, address, port], non-blocking like every other. */
static napi_value sock_accept(napi_env env, napi_callback_info info) {
  ARGS(1);
  struct sockaddr_in sa;
  socklen_t len = sizeof sa;
  int fd = accept4(i32(env, argv[0]), (struct sockaddr *)&sa, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (fd < 0) return fail(env);
  napi_value out = from_sockaddr(env, &sa), withFd;
  napi_create_array_with_length(env, 3, &withFd);
  napi_value a, p;
  napi_get_element(env, out, 0, &a);
  napi_get_element(env, out, 1, &p);
  napi_set_element(env, withFd, 0, num(env, fd));
  napi_set_element(env, withFd, 1, a);
  napi_set_element(env, withFd, 2, p);
  return withFd;
}

/* connect(fd, address, port) -> 0, or -EINPROGRESS while the handshake runs. */
static napi_value sock_connect(napi_env env, napi_callback_info info) { return with_address(env, info, connect); }

/* The pending error of fd (how a non-blocking connect ended): 0 or a positive errno. */
static napi_value sock_error(napi_env env, napi_callback_info info) {
  ARGS(1);
  int err = 0;
  socklen_t len = sizeof err;
  if (getsockopt(i32(env, argv[0]), SOL_SOCKET, SO_ERROR, &err, &len) < 0) return num(env, errno);
  return num(env, err);
}

/* send(fd, bytes) -> count; never SIGPIPE (a closed peer is -EPIPE). */
static napi_value sock_send(napi_env env, napi_callback_info info) {
  ARGS(2);
  uint8_t *data;
  size_t len;
  if (!bytes_of(env, argv[1], &data, &len)) return num(env, -EINVAL);
  ssize_t n = send(i32(env, argv[0]), data, len, MSG_NOSIGNAL | MSG_DONTWAIT);
  return n < 0 ? fail(env) : num(env, (double)n);
}

/* recv(fd, into, peek) -> count (0 at the end of the stream). */
static napi_value sock_recv(napi_env env, napi_callback_info info) {
  ARGS(3);
  uint8_t *data;
  size_t len;
  bool peek = false;
  if (!bytes_of(env, argv[1], &data, &len)) return num(env, -EINVAL);
  napi_get_value_bool(env, argv[2], &peek);
  ssize_t n = recv(i32(env, argv[0]), data, len, MSG_DONTWAIT | (peek ? MSG_PEEK : 0));
  return n < 0 ? fail(env) : num(env, (double)n);
}

/* shutdown(fd, how) with Linux's SHUT_RD/SHUT_WR/SHUT_RDWR. */
static napi_value sock_shutdown(napi_env env, napi_callback_info info) {
  ARGS(2);
  return shutdown(i32(env, argv[0]), i32(env, argv[1])) < 0 ? fail(env) : num(env, 0);
}

static napi_value sock_close(napi_env env, napi_callback_info info) {
  ARGS(1);
  return close(i32(env, argv[0])) < 0 ? fail(env) : num(env, 0);
}

/* name(fd, peer) -> [address, port] of its own end, or of its peer's. */
static napi_value sock_name(napi_env env, napi_callback_info info) {
  ARGS(2);
  bool peer = false;
  napi_get_value_bool(env, argv[1], &peer);
  struct sockaddr_in sa;
  socklen_t len = sizeof sa;
  int fd = i32(env, argv[0]);
  int r = peer ? getpeername(fd, (struct sockaddr *)&sa, &len) : getsockname(fd, (struct sockaddr *)&sa, &len);
  return r < 0 ? fail(env) : from_sockaddr(env, &sa);
}

/* ready(fd) -> poll(2)'s revents for POLLIN|POLLOUT|POLLRDHUP now, without waiting. */
static napi_value sock_ready(napi_env env, napi_callback_info info) {
  ARGS(1);
  struct pollfd p = {.fd = i32(env, argv[0]), .events = POLLIN | POLLOUT | POLLRDHUP};
  return poll(&p, 1, 0) < 0 ? fail(env) : num(env, p.revents);
}

/* waiter() -> an epoll descriptor: what the guest waits on. */
static napi_value waiter(napi_env env, napi_callback_info info) {
  (void)info;
  int fd = epoll_create1(EPOLL_CLOEXEC);
  return fd < 0 ? fail(env) : num(env, fd);
}

/* watch(waiter, fd, edge): edge-triggered for sockets (a wake means something changed since the
 * guest last looked, so a socket left unread does not turn every wait into a busy loop);
 * level-triggered for the wake descriptor, which waitEvents drains. */
static napi_value watch(napi_env env, napi_callback_info info) {
  ARGS(3);
  bool edge = false;
  napi_get_value_bool(env, argv[2], &edge);
  int fd = i32(env, argv[1]);
  struct epoll_event ev = {.events = edge ? (EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET) : EPOLLIN, .data.fd = fd};
  return epoll_ctl(i32(env, argv[0]), EPOLL_CTL_ADD, fd, &ev) < 0 ? fail(env) : num(env, 0);
}

/* wakeFd() -> an eventfd another thread writes to (8 bytes) to end a wait. */
static napi_value wake_fd(napi_env env, napi_callback_info info) {
  (void)info;
  int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  return fd < 0 ? fail(env) : num(env, fd);
}

/* waitEvents(waiter, wakeFd, ms) -> events seen (0 after ms); the wake descriptor is drained. */
static napi_value wait_events(napi_env env, napi_callback_info info) {
  ARGS(3);
  struct epoll_event evs[64];
  int wake = i32(env, argv[1]);
  int n = epoll_wait(i32(env, argv[0]), evs, 64, i32(env, argv[2]));
  if (n < 0) return errno == EINTR ? num(env, 0) : fail(env);
  for (int i = 0; i < n; i++) {
    if (evs[i].data.fd == wake) {
      uint64_t count;
      while (read(wake, &count, sizeof count) == (ssize_t)sizeof count) {
      }
    }
  }
  return num(env, n);
}

NAPI_MODULE_INIT() {
  const struct {
    const char *name;
    napi_callback fn;
  } calls[] = {
      {"open", sock_open},         {"bind", sock_bind},   {"listen", sock_listen}, {"accept", sock_accept},
      {"connect", sock_connect},   {"error", sock_error}, {"send", sock_send},     {"recv", sock_recv},
      {"shutdown", sock_shutdown}, {"close", sock_close}, {"name", sock_name},     {"ready", sock_ready},
      {"waiter", waiter},          {"watch", watch},      {"wakeFd", wake_fd},     {"waitEvents", wait_events},
  };
  for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
    napi_value fn;
    napi_create_function(env, calls[i].name, NAPI_AUTO_LENGTH, calls[i].fn, NULL, &fn);
    napi_set_named_property(env, exports, calls[i].name, fn);
  }
  return exports;
}
