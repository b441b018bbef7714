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
 * Each accepted connection is served by a forked child: connect to TARGET_IPV4:TARGET_PORT, copy
 * both ways, pass each direction's end on (shutdown SHUT_WR) and exit when both ended. If the
 * connect fails the client's connection is closed, as docker-proxy does.
 *
 * Nothing outlives the service: the proxy and each child die with their parent (PR_SET_PDEATHSIG),
 * the proxy also on EOF of its stdin, and the service ends a container's proxy by killing its
 * process group (the children are in it).
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
#define MAX_CHILDREN 512
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

/* Copy what one side has to the other; 0 when that direction ended (EOF or an error). */
static int pump(int from, int to, char *buf) {
  ssize_t n = read(from, buf, BUFFER);
  if (n <= 0) return 0;
  for (ssize_t off = 0; off < n;) {
    ssize_t w = write(to, buf + off, n - off);
    if (w < 0) {
      if (errno == EINTR) continue;
      return 0;
    }
    off += w;
  }
  return 1;
}

static void serve(int client, const char *target, int port) {
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  inet_pton(AF_INET, target, &a.sin_addr);
  int up = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (up < 0 || connect(up, (struct sockaddr *)&a, sizeof a) < 0) _exit(0);
  int one = 1;
  setsockopt(up, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  int flags = fcntl(client, F_GETFL);
  fcntl(client, F_SETFL, flags & ~O_NONBLOCK);
  static char buf[BUFFER];
  /* Each direction runs until its reader sees the end, which is passed on as a half-close. */
  int open_in = 1, open_out = 1;
  while (open_in || open_out) {
    struct pollfd p[2] = {{open_in ? client : -1, POLLIN, 0}, {open_out ? up : -1, POLLIN, 0}};
    if (poll(p, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (open_in && (p[0].revents & (POLLIN | POLLHUP | POLLERR)) && !pump(client, up, buf)) {
      open_in = 0;
      shutdown(up, SHUT_WR);
    }
    if (open_out && (p[1].revents & (POLLIN | POLLHUP | POLLERR)) && !pump(up, client, buf)) {
      open_out = 0;
      shutdown(client, SHUT_WR);
    }
  }
  _exit(0);
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
  pid_t self = getpid();
  int children = 0;
  struct pollfd p[MAX_LISTENERS + 1];
  for (;;) {
    while (children > 0 && waitpid(-1, NULL, WNOHANG) > 0) children--;
    int n = 0;
    p[n++] = (struct pollfd){0, POLLIN, 0};
    /* A skipped listener is -1, which poll passes over. */
    if (children < MAX_CHILDREN) for (int i = 0; i < count; i++) p[n++] = (struct pollfd){fds[i], POLLIN, 0};
    /* A bounded wait: children that ended are counted again even when nothing else happens. */
    if (poll(p, n, 1000) < 0 && errno != EINTR) return 1;
    /* The service closed our stdin (it ended, or it is done with this container). */
    if (p[0].revents) {
      char c;
      if (read(0, &c, 1) <= 0) return 0;
    }
    for (int i = 1; i < n; i++) {
      if (!(p[i].revents & POLLIN)) continue;
      int client = accept4(p[i].fd, NULL, NULL, SOCK_CLOEXEC);
      if (client < 0) continue;
      pid_t child = fork();
      if (child == 0) {
        if (die_with_parent(self) < 0) _exit(0);
        for (int j = 0; j < count; j++) if (fds[j] >= 0) close(fds[j]);
        serve(client, argv[2], targets[i - 1]);
      }
      if (child > 0) children++;
      close(client);
    }
  }
}
