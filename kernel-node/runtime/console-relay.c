/*
 * console-relay: runs `runc` for a container whose process has a terminal, and relays it.
 *
 * runc creates the pty inside the container and hands its master end over a unix socket
 * (--console-socket, only in --detach mode) as SCM_RIGHTS ancillary data, which Node cannot
 * receive. This helper does only that part: the service starts it instead of runc, in the bundle
 * directory, as
 *
 *   console-relay SOCKET_NAME RUNC [RUNC ARGS...]
 *
 * where the runc args are `run --detach` or `exec --detach` with `--console-socket SOCKET_NAME` and
 * `--pid-file FILE`. The helper is a child subreaper, as a containerd shim: when runc has started
 * the process and exited, the process becomes the helper's child, and its exit status the helper's.
 *
 * and talks to it over plain pipes:
 *   fd 0  bytes typed into the terminal (EOF: nothing more to type; the terminal stays open)
 *   fd 1  everything the terminal shows (the container's stdout and stderr, as Docker's raw stream)
 *   fd 2  runc's own messages (inherited by runc)
 *   fd 3  the runner's status channel (inherited by runc, which passes it on with --preserve-fds)
 *   fd 4  resize requests, one "ROWS COLS\n" line each (TIOCSWINSZ on the master)
 * SIGINT, SIGTERM and SIGHUP are passed on to the process (to runc until it has started it). The
 * exit status is the process's (128+N if signal N ended it), or runc's if runc failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static volatile pid_t target = 0;

static void forward(int sig) {
  if (target > 0) kill(target, sig);
}

/* The process runc started, from the --pid-file it wrote. */
static pid_t read_pid_file(int argc, char **argv) {
  for (int i = 2; i + 1 < argc; i++) {
    if (strcmp(argv[i], "--pid-file")) continue;
    FILE *f = fopen(argv[i + 1], "r");
    if (!f) return 0;
    long pid = 0;
    if (fscanf(f, "%ld", &pid) != 1) pid = 0;
    fclose(f);
    return (pid_t)pid;
  }
  return 0;
}

static int fail(const char *what) {
  fprintf(stderr, "console-relay: %s: %s\n", what, strerror(errno));
  return 125;
}

/* Write all of buf, retrying short writes; returns -1 when the reader is gone. */
static int write_all(int fd, const char *buf, ssize_t n) {
  while (n > 0) {
    ssize_t w = write(fd, buf, (size_t)n);
    if (w < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) { struct pollfd p = {fd, POLLOUT, 0}; poll(&p, 1, -1); continue; }
      return -1;
    }
    buf += w;
    n -= w;
  }
  return 0;
}

/* The pty master from runc's message on the console socket. */
static int receive_fd(int conn) {
  char data[256];
  char control[CMSG_SPACE(sizeof(int))];
  struct iovec iov = {data, sizeof data};
  struct msghdr msg = {0};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t n;
  do n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC); while (n < 0 && errno == EINTR);
  if (n < 0) return -1;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS && c->cmsg_len == CMSG_LEN(sizeof(int))) {
      int fd;
      memcpy(&fd, CMSG_DATA(c), sizeof fd);
      return fd;
    }
  }
  errno = EPROTO;
  return -1;
}

/* Apply every complete "ROWS COLS" line read from the control pipe. */
static void resize_lines(int master, char *buf, size_t *len) {
  char *start = buf, *nl;
  while ((nl = memchr(start, '\n', *len - (size_t)(start - buf)))) {
    *nl = 0;
    unsigned rows = 0, cols = 0;
    if (sscanf(start, "%u %u", &rows, &cols) == 2 && rows > 0 && cols > 0 && rows < 65536 && cols < 65536) {
      struct winsize ws = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};
      ioctl(master, TIOCSWINSZ, &ws);
    }
    start = nl + 1;
  }
  *len -= (size_t)(start - buf);
  memmove(buf, start, *len);
  if (*len >= 64) *len = 0; /* a line that long is no size: drop it */
}

static int exit_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 125;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: console-relay SOCKET_NAME RUNC [ARGS...]\n");
    return 125;
  }
  const char *name = argv[1];
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  if (strlen(name) >= sizeof addr.sun_path) { errno = ENAMETOOLONG; return fail(name); }
  strcpy(addr.sun_path, name);
  int listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listener < 0) return fail("socket");
  unlink(name);
  if (bind(listener, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(listener, 1) < 0) return fail(name);
  /* fd 4 is ours alone: runc and the container must not inherit it. */
  fcntl(4, F_SETFD, FD_CLOEXEC);

  struct sigaction sa = {0};
  sa.sa_handler = forward;
  sigaction(SIGINT, &sa, 0);
  sigaction(SIGTERM, &sa, 0);
  sigaction(SIGHUP, &sa, 0);
  signal(SIGPIPE, SIG_IGN);
  if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) return fail("PR_SET_CHILD_SUBREAPER");

  pid_t pid = fork();
  if (pid < 0) return fail("fork");
  if (pid == 0) {
    int null = open("/dev/null", O_RDWR);
    dup2(null, 0);
    dup2(null, 1);
    if (null > 2) close(null);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
    execvp(argv[2], argv + 2);
    fprintf(stderr, "console-relay: %s: %s\n", argv[2], strerror(errno));
    _exit(127);
  }
  target = pid;

  /* Wait for runc's connection; if runc ends first (it failed before making the terminal), so do we. */
  int master = -1;
  int status = 0;
  for (;;) {
    struct pollfd p = {listener, POLLIN, 0};
    int r = poll(&p, 1, 50);
    if (r > 0) {
      int conn = accept4(listener, 0, 0, SOCK_CLOEXEC);
      if (conn < 0) continue;
      master = receive_fd(conn);
      close(conn);
      break;
    }
    if (waitpid(pid, &status, WNOHANG) == pid) {
      unlink(name);
      return exit_status(status);
    }
  }
  close(listener);
  unlink(name);
  if (master < 0) {
    int code = fail("receiving the terminal from runc");
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    return code;
  }
  /* runc --detach exits once the process runs; its status says whether it could start it. */
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  if (exit_status(status) != 0) return exit_status(status);
  pid_t process = read_pid_file(argc, argv);
  if (process <= 0) { errno = ESRCH; return fail("reading runc's pid file"); }
  target = process;

  char buf[65536];
  /* Typed bytes the terminal has no room for yet: held while its output keeps flowing (a guest
     that writes without reading must not stall on a relay blocked writing its input). */
  char pending[65536];
  size_t pending_len = 0;
  char control[64];
  size_t control_len = 0;
  int input_open = 1, control_open = 1;
  fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
  for (;;) {
    struct pollfd fds[3] = {
      {master, (short)(POLLIN | (pending_len ? POLLOUT : 0)), 0},
      {input_open && !pending_len ? 0 : -1, POLLIN, 0},
      {control_open ? 4 : -1, POLLIN, 0},
    };
    if (poll(fds, 3, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[2].revents) {
      ssize_t n = read(4, control + control_len, sizeof control - control_len);
      if (n > 0) {
        control_len += (size_t)n;
        resize_lines(master, control, &control_len);
      } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) control_open = 0;
    }
    if (fds[1].revents) {
      ssize_t n = read(0, pending, sizeof pending);
      if (n > 0) pending_len = (size_t)n;
      else if (n == 0 || (errno != EINTR && errno != EAGAIN)) input_open = 0;
    }
    if (pending_len) {
      ssize_t w = write(master, pending, pending_len);
      if (w > 0) {
        pending_len -= (size_t)w;
        memmove(pending, pending + w, pending_len);
      } else if (w < 0 && errno != EAGAIN && errno != EINTR) {
        pending_len = 0;
        input_open = 0;
      }
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t n = read(master, buf, sizeof buf);
      if (n > 0) {
        if (write_all(1, buf, n) < 0) break;
      } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
        break; /* EIO: every process holding the terminal has ended */
      }
    }
  }
  close(master);
  /* The process is our child now (subreaper); other orphans that end here are reaped on the way. */
  for (;;) {
    pid_t done = waitpid(-1, &status, 0);
    if (done == process) return exit_status(status);
    if (done < 0 && errno != EINTR) return 125;
  }
}
