/* httpd: a static web server (engine/wasi/socket-abi.ts, through dy_socket.h). Serves the files
 * under -h DIR on -p PORT (80), a directory by its index.html, with the content type of its
 * extension; GET and HEAD. One process serves every connection at once: non-blocking sockets and
 * poll, each answer sent as the client takes it (a client that never reads holds only its own
 * connection). Each request is logged to stdout: client, request line, status, body bytes.
 * SIGTERM and SIGINT end it cleanly (status 0), as PID 1 too: `docker stop` is answered at once.
 * It always runs in the foreground (-f is accepted: WASI cannot daemonize). */
#include "box.h"
#include "dy_socket.h"
#include <poll.h>
#include <time.h>

#define MAX_CONNS 64
#define MAX_REQUEST 8192
#define MAX_FILE (16 << 20)
#define IDLE_SECONDS 30

struct conn {
    int fd;
    char peer[24];
    char req[MAX_REQUEST];
    size_t len;
    char *out;
    size_t outlen, outpos;
    time_t last;
};

static struct conn conns[MAX_CONNS];
static int nconns;

static const struct { const char *ext, *type; } types[] = {
    {"html", "text/html"}, {"htm", "text/html"}, {"txt", "text/plain"}, {"css", "text/css"},
    {"js", "application/javascript"}, {"json", "application/json"}, {"png", "image/png"},
    {"jpg", "image/jpeg"}, {"jpeg", "image/jpeg"}, {"gif", "image/gif"}, {"svg", "image/svg+xml"},
    {"ico", "image/x-icon"}, {"wasm", "application/wasm"}, {"xml", "application/xml"},
};

static const char *content_type(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (dot && !strchr(dot, '/'))
        for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
            if (!strcasecmp(dot + 1, types[i].ext)) return types[i].type;
    return "application/octet-stream";
}

static const char *reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 301: return "Moved Permanently";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    default: return "Error";
    }
}

/* The answer: headers, then `body` unless the request was HEAD. */
static void respond(struct conn *c, int status, const char *type, const char *extra, const char *body, size_t bodylen, int head)
{
    char *headers = xasprintf("HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n%sConnection: close\r\n\r\n",
                              status, reason(status), type, bodylen, extra ? extra : "");
    size_t hlen = strlen(headers);
    size_t blen = head ? 0 : bodylen;
    c->out = xmalloc(hlen + blen + 1);
    memcpy(c->out, headers, hlen);
    if (blen) memcpy(c->out + hlen, body, blen);
    c->outlen = hlen + blen;
    c->outpos = 0;
    free(headers);
}

static size_t respond_error(struct conn *c, int status, const char *extra, int head)
{
    char *body = xasprintf("<html><head><title>%d %s</title></head>\n<body><h1>%d %s</h1></body></html>\n", status, reason(status), status, reason(status));
    size_t n = strlen(body);
    respond(c, status, "text/html", extra, body, n, head);
    free(body);
    return n;
}

/* %XX decoded in place; -1 for a bad escape or a NUL. */
static int url_decode(char *s)
{
    char *out = s;
    for (; *s; s++) {
        if (*s == '%') {
            int hi, lo;
            if (sscanf(s + 1, "%1x%1x", &hi, &lo) != 2) return -1;
            int ch = hi * 16 + lo;
            if (ch == 0) return -1;
            *out++ = (char)ch;
            s += 2;
        } else *out++ = *s;
    }
    *out = 0;
    return 0;
}

/* A path that climbs out of the served directory. */
static int climbs(const char *path)
{
    for (const char *p = path; (p = strstr(p, "..")); p += 2)
        if ((p == path || p[-1] == '/') && (p[2] == 0 || p[2] == '/')) return 1;
    return 0;
}

static int read_file(const char *path, char **data, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    struct sbuf b = {0};
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        if (b.len + n > MAX_FILE) { fclose(f); free(b.s); return -2; }
        for (size_t i = 0; i < n; i++) sb_addc(&b, buf[i]);
    }
    fclose(f);
    *data = b.s;
    *len = b.len;
    return 0;
}

/* Answer the request in c->req (complete, or too long when `overflow`), and log it. */
static void handle(struct conn *c, const char *root, int overflow)
{
    char method[16] = "", target[4096] = "", version[16] = "";
    int status, head = 0;
    size_t bodylen = 0;
    char *eol = strpbrk(c->req, "\r\n");
    if (eol) *eol = 0;
    if (overflow) {
        status = 431;
        bodylen = respond_error(c, status, NULL, 0);
    } else if (sscanf(c->req, "%15s %4095s %15s", method, target, version) != 3 || strncmp(version, "HTTP/", 5) || target[0] != '/') {
        status = 400;
        bodylen = respond_error(c, status, NULL, 0);
    } else if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
        status = 501;
        bodylen = respond_error(c, status, NULL, 0);
    } else {
        head = !strcmp(method, "HEAD");
        char path[4096];
        snprintf(path, sizeof path, "%s", target);
        char *query = strchr(path, '?');
        if (query) *query = 0;
        struct stat st;
        char *file = NULL;
        if (url_decode(path) || climbs(path)) {
            status = 400;
            bodylen = respond_error(c, status, NULL, head);
        } else if (file = xasprintf("%s%s", root, path), stat(file, &st)) {
            status = 404;
            bodylen = respond_error(c, status, NULL, head);
        } else if (S_ISDIR(st.st_mode) && path[strlen(path) - 1] != '/') {
            char *location = xasprintf("Location: %s/\r\n", path);
            status = 301;
            bodylen = respond_error(c, status, location, head);
            free(location);
        } else {
            if (S_ISDIR(st.st_mode)) {
                char *index = xasprintf("%sindex.html", file);
                free(file);
                file = index;
            }
            char *data = NULL;
            size_t len = 0;
            int r = read_file(file, &data, &len);
            if (r == 0) {
                status = 200;
                bodylen = len;
                respond(c, status, content_type(file), NULL, data ? data : "", len, head);
                free(data);
            } else {
                status = r == -2 ? 500 : errno == ENOENT ? 404 : 403;
                bodylen = respond_error(c, status, NULL, head);
            }
        }
        free(file);
    }
    if (head) bodylen = 0;
    printf("%s \"%s\" %d %zu\n", c->peer, c->req, status, bodylen);
    fflush(stdout);
}

static void drop(int i)
{
    close(conns[i].fd);
    free(conns[i].out);
    conns[i] = conns[--nconns];
}

/* What a readable connection brought; 1 when it is to be dropped. */
static int take_request(struct conn *c, const char *root)
{
    ssize_t got = recv(c->fd, c->req + c->len, sizeof c->req - 1 - c->len, 0);
    if (got < 0) return errno != EAGAIN && errno != EINTR;
    if (got == 0) return 1;
    c->len += (size_t)got;
    c->req[c->len] = 0;
    c->last = time(NULL);
    if (strstr(c->req, "\r\n\r\n") || strstr(c->req, "\n\n")) handle(c, root, 0);
    else if (c->len == sizeof c->req - 1) handle(c, root, 1);
    return 0;
}

/* Send what the client takes now; 1 when all is sent or it is gone. */
static int give_answer(struct conn *c)
{
    ssize_t sent = send(c->fd, c->out + c->outpos, c->outlen - c->outpos, 0);
    if (sent < 0) return errno != EAGAIN && errno != EINTR;
    c->outpos += (size_t)sent;
    c->last = time(NULL);
    return c->outpos == c->outlen;
}

APPLET(httpd)
{
    long port = 80;
    const char *root = ".";
    int opt;
    while ((opt = box_getopt(argc, argv, "fp:h:")) != -1) {
        switch (opt) {
        case 'f': break;
        case 'p':
            if (box_parse_long(optarg, &port) || port < 1 || port > 65535) { box_warn("bad port '%s'", optarg); return 1; }
            break;
        case 'h': root = optarg; break;
        default: return box_usage_error("httpd");
        }
    }
    if (optind != argc) return box_usage_error("httpd");
    if (!box_is_dir(root)) { box_warn("%s: %s", root, strerror(ENOTDIR)); return 1; }
    char *base = xstrdup(root);
    size_t blen = strlen(base);
    while (blen > 1 && base[blen - 1] == '/') base[--blen] = 0;
    if (!strcmp(base, "/")) base[0] = 0;
    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in in = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    if (lfd < 0 || bind(lfd, (struct sockaddr *)&in, sizeof in) < 0 || listen(lfd, 16) < 0) {
        box_warn("bind: %s", dy_strerror(errno));
        free(base);
        return 1;
    }
    /* TERM and INT are ours to end on (a trap of the shell's, for the time httpd runs). */
    int saved[2] = { box_sigdisp[15], box_sigdisp[2] };
    box_sigdisp[15] = box_sigdisp[2] = BOX_SIG_TRAP;
    int status = 0;
    for (;;) {
        struct pollfd fds[MAX_CONNS + 1];
        fds[0] = (struct pollfd){ .fd = lfd, .events = nconns < MAX_CONNS ? POLLIN : 0 };
        for (int i = 0; i < nconns; i++) fds[i + 1] = (struct pollfd){ .fd = conns[i].fd, .events = conns[i].out ? POLLOUT : POLLIN };
        int ready = poll(fds, nconns + 1, 1000);
        if (ready < 0 && errno == EINTR) {
            int sig = box_signals();
            if (sig == 15 || sig == 2) break;
            if (sig) { status = 128 + sig; break; }
            continue;
        }
        if (ready < 0) { box_warn("poll: %s", strerror(errno)); status = 1; break; }
        time_t now = time(NULL);
        for (int i = nconns - 1; i >= 0; i--) {
            short ev = fds[i + 1].revents;
            struct conn *c = &conns[i];
            int done = 0;
            if (ev & POLLOUT) done = give_answer(c);
            else if (ev & (POLLIN | POLLHUP)) done = c->out ? 0 : take_request(c, base);
            else if (ev & (POLLERR | POLLNVAL)) done = 1;
            if (!done && c->out && !(ev & POLLOUT) && c->outpos == 0) done = give_answer(c);
            if (done || now - c->last > IDLE_SECONDS) drop(i);
        }
        if (fds[0].revents & POLLIN) {
            struct sockaddr_in peer;
            socklen_t len = sizeof peer;
            int fd;
            while (nconns < MAX_CONNS && (fd = dy_accept(lfd, (struct sockaddr *)&peer, &len, SOCK_NONBLOCK)) >= 0) {
                struct conn *c = &conns[nconns++];
                memset(c, 0, sizeof *c);
                c->fd = fd;
                c->last = now;
                dy_ntoa(peer.sin_addr, c->peer);
                len = sizeof peer;
            }
        }
    }
    while (nconns > 0) drop(nconns - 1);
    close(lfd);
    free(base);
    box_sigdisp[15] = saved[0];
    box_sigdisp[2] = saved[1];
    box_traps_pending &= ~((1u << 15) | (1u << 2));
    box_interrupted = 0;
    return status;
}
