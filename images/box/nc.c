/* nc: a TCP connection between stdin/stdout and the network (engine/wasi/socket-abi.ts, through
 * dy_socket.h). `nc HOST PORT` connects; `nc -l -p PORT` waits for one connection. What arrives is
 * written to stdout; stdin is sent, and its end shuts the sending half so the peer sees it. The
 * playground has no outside network: only containers on the same networks answer. */
#include "box.h"
#include "dy_socket.h"
#include <poll.h>

/* A blocked call was interrupted: the signal's status when it stops the applet, else 0 (go on). */
static int nc_interrupted(void)
{
    return box_signals() ? 128 + box_interrupted : 0;
}

static int send_all(int fd, const char *buf, size_t n)
{
    while (n > 0) {
        ssize_t sent = send(fd, buf, n, 0);
        if (sent < 0) {
            if (errno == EINTR && !nc_interrupted()) continue;
            return -1;
        }
        buf += sent;
        n -= (size_t)sent;
    }
    return 0;
}

static long nc_port(const char *s)
{
    long port;
    if (box_parse_long(s, &port) || port < 1 || port > 65535) return -1;
    return port;
}

static int nc_listen(long port, int *out)
{
    int lfd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in in = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    if (lfd < 0 || bind(lfd, (struct sockaddr *)&in, sizeof in) < 0 || listen(lfd, 1) < 0) {
        box_warn("bind: %s", dy_strerror(errno));
        return 1;
    }
    for (;;) {
        int fd = dy_accept(lfd, NULL, NULL, 0);
        if (fd >= 0) {
            close(lfd);
            *out = fd;
            return 0;
        }
        int status = errno == EINTR ? nc_interrupted() : 1;
        if (errno != EINTR) box_warn("accept: %s", dy_strerror(errno));
        if (status) {
            close(lfd);
            return status;
        }
    }
}

static int nc_connect(const char *host, const char *port_text, int *out)
{
    long port = nc_port(port_text);
    if (port < 0) { box_warn("bad port '%s'", port_text); return 1; }
    struct sockaddr_in in = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    if (!box_lookup(host, &in.sin_addr, 1)) { box_warn("bad address '%s'", host); return 1; }
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&in, sizeof in) < 0) {
        int e = errno;
        if (e == EINTR) {
            int status = nc_interrupted();
            return status ? status : 1;
        }
        char ip[16];
        box_warn("can't connect to remote host (%s): %s", dy_ntoa(in.sin_addr, ip), dy_strerror(e));
        return 1;
    }
    *out = fd;
    return 0;
}

/* Copy between the connection and stdin/stdout until the peer ends it. */
static int nc_relay(int fd)
{
    int from_stdin = box_in == box_real_stdin();
    if (!from_stdin) {
        /* The shell gave a redirection or a pipe: send it all, then say so. */
        char buf[4096];
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, box_in)) > 0)
            if (send_all(fd, buf, n) < 0) break;
        shutdown(fd, SHUT_WR);
    }
    struct pollfd fds[2] = { { .fd = fd, .events = POLLIN }, { .fd = 0, .events = POLLIN } };
    for (;;) {
        int ready = poll(fds, from_stdin ? 2 : 1, box_wait_ms(-1));
        if (ready == 0) {
            box_signals(); /* a time limit (timeout, httpd's CGI) has passed: it ends the process */
            continue;
        }
        if (ready < 0) {
            if (errno == EINTR) {
                int status = nc_interrupted();
                if (status) return status;
                continue;
            }
            box_warn("poll: %s", strerror(errno));
            return 1;
        }
        if (fds[0].revents) {
            char buf[4096];
            ssize_t got = recv(fd, buf, sizeof buf, 0);
            if (got < 0 && errno == EINTR) {
                int status = nc_interrupted();
                if (status) return status;
                continue;
            }
            if (got < 0) { box_warn("recv: %s", strerror(errno)); return 1; }
            if (got == 0) return 0;
            fwrite(buf, 1, (size_t)got, stdout);
            fflush(stdout);
        }
        if (from_stdin && fds[1].revents) {
            char buf[4096];
            ssize_t got = read(0, buf, sizeof buf);
            if (got < 0 && errno == EINTR) {
                int status = nc_interrupted();
                if (status) return status;
                continue;
            }
            if (got <= 0) {
                shutdown(fd, SHUT_WR);
                from_stdin = 0;
            } else if (send_all(fd, buf, (size_t)got) < 0) {
                box_warn("send: %s", strerror(errno));
                return 1;
            }
        }
    }
}

APPLET(nc)
{
    int listen_mode = 0, opt;
    long port = -1;
    while ((opt = box_getopt(argc, argv, "lp:")) != -1) {
        switch (opt) {
        case 'l': listen_mode = 1; break;
        case 'p':
            port = nc_port(optarg);
            if (port < 0) { box_warn("bad port '%s'", optarg); return 1; }
            break;
        default: return box_usage_error("nc");
        }
    }
    int fd = -1, status;
    if (listen_mode) {
        if (port < 0 || optind != argc) return box_usage_error("nc");
        status = nc_listen(port, &fd);
    } else {
        if (argc - optind != 2) return box_usage_error("nc");
        status = nc_connect(argv[optind], argv[optind + 1], &fd);
    }
    if (status) return status;
    status = nc_relay(fd);
    close(fd);
    return status;
}
