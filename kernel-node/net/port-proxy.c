/*
 * port-proxy: the userland proxy of one container's published ports (what docker-proxy is to
 * dockerd). The service starts one per container that publishes ports, as
 *
 *   port-proxy NETNS_PATH TARGET_IPV4 LISTEN_IP LISTEN_PORT TARGET_PORT [LISTEN_IP LISTEN_PORT TARGET_PORT]...
 *
 * It binds every listening socket first, in the namespace it was started in (the host's: the
 * user's 127.0.0.1:8080), then enters the network namespace NETNS_PATH (the service's own, where
 * the bridges are) so that every socket it makes afterwards - the connections to the container -
 * lives there. A socket keeps the namespace it was made in, so the listeners stay on the host.
 * Node cannot do this itself: a process has one network namespace, and Node cannot receive a
 * socket made elsewhere (SCM_RIGHTS).
 *
 * To the service, on stdout, one line:
 *   "ready"                       every listener is bound
 *   "bind INDEX ERRNO"            listener INDEX (0-based) could not be bound (then exit 1)
 *   "fail WHAT ERRNO"             anything else (then exit 1)
 * Each accepted connection gets a non-blocking connect to TARGET_IPV4:TARGET_PORT and is copied
 * both ways in one poll loop (a process forked per connection halved the requests per second of
 * small HTTP exchanges: bench/kernel-proxy.ts), each direction's end passed on (shutdown SHUT_WR). If the
 * connect fails the client's connection is closed, as docker-proxy does.
 *
 * Nothing outlives the service: the proxy dies with it (PR_SET_PDEATHSIG) or on EOF of its stdin,
 * and the service ends a container's proxy by killing it (its connections end with it).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_LISTENERS 64
/* Connections served at once; more wait in the listen backlog until one ends. */
#define MAX_CONNS 1024
#define BUFFER 65536

static int die_with_parent(pid_t parent) {
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) return -1;
  /* The parent may have died before the prctl: then nobody would ever send the signal. */
  return getppid() == parent ? 0 : -1;
}

static int listen_on(const char *ip, int port) {
  struct sockaddr_storage ss;
  socklen_t len;
  memset(&ss, 0, sizeof ss);
  if (strchr(ip, ':')) {
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(port);
    if (inet_pton(AF_INET6, ip, &a->sin6_addr) != 1) return -EINVAL;
    len = sizeof *a;
  } else {
    struct sockaddr_in *a = (struct sockaddr_in *)&ss;
    a->sin_family = AF_INET;
    a->sin_port = htons(port);
    if (inet_pton(AF_INET, ip, &a->sin_addr) != 1) return -EINVAL;
    len = sizeof *a;
  }
  int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return -errno;
  int one = 1;
  /* As Go's listeners (docker-proxy): a port whose old connections are in TIME_WAIT binds again. */
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (ss.ss_family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  if (bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, 128) < 0) {
    int e = errno;
    close(fd);
    return -e;
  }
  return fd;
}

/*
 * One proxied connection: the client's socket and the one to the container, and what is read
 * from each and not yet written to the other. A direction ends when its reader sees EOF and its
 * buffer is written out: the end is passed on (shutdown SHUT_WR), so half-closed protocols work.
 */
struct conn {
  int fd[2];          /* 0: the client, 1: the container */
  char *buf[2];       /* buf[i]: read from fd[i], to be written to fd[1 - i] */
  size_t off[2], len[2];
  int eof[2];         /* fd[i] has given EOF */
  int done[2];        /* direction i is over (passed on) */
  int connecting;
};

static struct conn *conns[MAX_CONNS];
static int nconns = 0;

static void drop(int i) {
  struct conn *c = conns[i];
  close(c->fd[0]);
  close(c->fd[1]);
  free(c->buf[0]);
  free(c->buf[1]);
  free(c);
  conns[i] = conns[--nconns];
}

/* A new client: a non-blocking connect to the container; the connection is served once it completes. */
static void open_conn(int client, const char *target, int port) {
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  inet_pton(AF_INET, target, &a.sin_addr);
  int up = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  struct conn *c = calloc(1, sizeof *c);
  char *b0 = malloc(BUFFER), *b1 = malloc(BUFFER);
  if (up < 0 || !c || !b0 || !b1 || (connect(up, (struct sockaddr *)&a, sizeof a) < 0 && errno != EINPROGRESS)) {
    /* Nothing to connect to: the client's connection is closed, as docker-proxy does. */
    if (up >= 0) close(up);
    close(client);
    free(c);
    free(b0);
    free(b1);
    return;
  }
  int one = 1;
  setsockopt(up, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  c->fd[0] = client;
  c->fd[1] = up;
  c->buf[0] = b0;
  c->buf[1] = b1;
  c->connecting = 1;
  conns[nconns++] = c;
}

/* Progress on connection i after poll; returns 0 when it is over (then dropped by the caller). */
static int step(struct conn *c, short ev0, short ev1) {
  short ev[2] = {ev0, ev1};
  if (c->connecting) {
    if (!(ev[1] & (POLLOUT | POLLERR | POLLHUP))) return 1;
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(c->fd[1], SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err) return 0;
    c->connecting = 0;
  }
  for (int i = 0; i < 2; i++) {
    int from = c->fd[i], to = c->fd[1 - i];
    if (c->done[i]) continue;
    if (c->len[i] == 0 && !c->eof[i] && (ev[i] & (POLLIN | POLLHUP | POLLERR))) {
      ssize_t n = read(from, c->buf[i], BUFFER);
      if (n > 0) {
        c->off[i] = 0;
        c->len[i] = n;
      } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
        c->eof[i] = 1;
      }
    }
    while (c->len[i] > 0) {
      ssize_t w = write(to, c->buf[i] + c->off[i], c->len[i]);
      if (w < 0) {
        if (errno == EAGAIN || errno == EINTR) break;
        return 0; /* the other side is gone: so is the connection */
      }
      c->off[i] += w;
      c->len[i] -= w;
    }
    if (c->eof[i] && c->len[i] == 0) {
      shutdown(to, SHUT_WR);
      c->done[i] = 1;
    }
  }
  return !(c->done[0] && c->done[1]);
}

int main(int argc, char **argv) {
  if (argc < 6 || (argc - 3) % 3 != 0 || (argc - 3) / 3 > MAX_LISTENERS) {
    fprintf(stderr, "usage: port-proxy NETNS_PATH TARGET_IPV4 (LISTEN_IP LISTEN_PORT TARGET_PORT)...\n");
    return 2;
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (die_with_parent(getppid()) < 0) return 1;
  int count = (argc - 3) / 3;
  int fds[MAX_LISTENERS];
  int targets[MAX_LISTENERS];
  for (int i = 0; i < count; i++) {
    fds[i] = listen_on(argv[3 + 3 * i], atoi(argv[4 + 3 * i]));
    targets[i] = atoi(argv[5 + 3 * i]);
    /* A host without IPv6 has no ::1: that half of "every address" is left out, as dockerd does. */
    if (strchr(argv[3 + 3 * i], ':') && (fds[i] == -EADDRNOTAVAIL || fds[i] == -EAFNOSUPPORT)) fds[i] = -1;
    else if (fds[i] < 0) {
      printf("bind %d %d\n", i, -fds[i]);
      return 1;
    }
  }
  int ns = open(argv[1], O_RDONLY | O_CLOEXEC);
  if (ns < 0 || setns(ns, CLONE_NEWNET) < 0) {
    printf("fail setns %d\n", errno);
    return 1;
  }
  close(ns);
  signal(SIGPIPE, SIG_IGN);
  printf("ready\n");
  static struct pollfd p[1 + MAX_LISTENERS + 2 * MAX_CONNS];
  for (;;) {
    int n = 0;
    p[n++] = (struct pollfd){0, POLLIN, 0};
    /* At the limit new clients wait in the listen backlog until a connection ends. A skipped listener is -1, which poll passes over. */
    int listening = nconns < MAX_CONNS;
    for (int i = 0; i < count; i++) p[n++] = (struct pollfd){listening ? fds[i] : -1, POLLIN, 0};
    for (int i = 0; i < nconns; i++) {
      struct conn *c = conns[i];
      for (int d = 0; d < 2; d++) {
        short want = 0;
        if (c->connecting) want = d == 1 ? POLLOUT : 0;
        else {
          if (!c->done[d] && c->len[d] == 0 && !c->eof[d]) want |= POLLIN;
          if (!c->done[1 - d] && c->len[1 - d] > 0) want |= POLLOUT;
        }
        /* No interest: left out, or a hung-up peer would wake poll again and again while the other side is slow. */
        p[n++] = (struct pollfd){want ? c->fd[d] : -1, want, 0};
      }
    }
    if (poll(p, n, -1) < 0) {
      if (errno == EINTR) continue;
      return 1;
    }
    /* The service closed our stdin (it ended, or it is done with this container). */
    if (p[0].revents) {
      char ch;
      if (read(0, &ch, 1) <= 0) return 0;
    }
    /* Connections first (their poll entries follow the listeners'), from the last: drop() moves the last one into the gap. */
    for (int i = nconns - 1; i >= 0; i--) {
      struct pollfd *q = &p[1 + count + 2 * i];
      if ((q[0].revents || q[1].revents) && !step(conns[i], q[0].revents, q[1].revents)) drop(i);
    }
    for (int i = 0; i < count; i++) {
      if (!(p[1 + i].revents & POLLIN)) continue;
      while (nconns < MAX_CONNS) {
        int client = accept4(fds[i], NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (client < 0) break;
        open_conn(client, argv[2], targets[i]);
      }
    }
  }
}
