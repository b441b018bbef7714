/* wget: HTTP/1.1 GET (or POST with --post-data) of one URL, over the socket ABI (dy_socket.h),
 * saved to a file named after the URL, or -O FILE, or -O - for stdout. Messages and statuses as
 * busybox wget: "can't connect to remote host (IP): Connection refused", "bad address 'NAME'",
 * "server returned error: HTTP/1.1 404 Not Found", status 1. Follows up to 5 redirects; reads
 * Content-Length, chunked and until-close bodies. There is no TLS here (and no outside network). */
#include "box.h"
#include "dy_socket.h"
#include <poll.h>

struct url { char host[256]; long port; char path[4096]; };

static int parse_url(const char *s, struct url *u)
{
    if (!strncasecmp(s, "https://", 8)) { box_warn("%s: https is not supported (there is no TLS here)", s); return -1; }
    if (!strncasecmp(s, "http://", 7)) s += 7;
    else if (strstr(s, "://")) { box_warn("not an http or ftp url: %s", s); return -1; }
    size_t hl = strcspn(s, ":/?#");
    if (hl == 0 || hl >= sizeof u->host) { box_warn("bad address '%.*s'", (int)hl, s); return -1; }
    memcpy(u->host, s, hl);
    u->host[hl] = 0;
    s += hl;
    u->port = 80;
    if (*s == ':') {
        char *end;
        u->port = strtol(s + 1, &end, 10);
        if (end == s + 1 || u->port < 1 || u->port > 65535 || (*end && !strchr("/?#", *end))) { box_warn("bad port spec '%s'", s + 1); return -1; }
        s = end;
    }
    snprintf(u->path, sizeof u->path, "%s%s", *s == '/' ? "" : "/", *s == '#' ? "" : s);
    u->path[strcspn(u->path, "#")] = 0;
    return 0;
}

/* The deadline of -T: -1 when none. */
static long long deadline;

/* Wait until fd has `events`: 0, or -1 when the time is up (a message said so) or a signal stops us. */
static int await(int fd, short events)
{
    for (;;) {
        int ms = deadline < 0 ? -1 : (int)(deadline - box_now_ms() < 0 ? 0 : deadline - box_now_ms());
        struct pollfd p = { .fd = fd, .events = events };
        int r = poll(&p, 1, box_wait_ms(ms));
        if (r > 0) return 0;
        if (r < 0 && errno != EINTR) { box_warn("poll: %s", strerror(errno)); return -1; }
        if (box_signals()) return -1;
        if (r == 0 && deadline >= 0 && box_now_ms() >= deadline) { box_warn("download timed out"); return -1; }
    }
}

static int send_all(int fd, const char *buf, size_t n)
{
    while (n > 0) {
        if (await(fd, POLLOUT)) return -1;
        ssize_t sent = send(fd, buf, n, 0);
        if (sent < 0 && (errno == EAGAIN || errno == EINTR)) continue;
        if (sent < 0) { box_warn("error sending the request: %s", strerror(errno)); return -1; }
        buf += sent;
        n -= (size_t)sent;
    }
    return 0;
}

/* The whole answer, read until the server closes (the request asked it to). */
static int recv_all(int fd, struct sbuf *b)
{
    char buf[8192];
    for (;;) {
        if (await(fd, POLLIN)) return -1;
        ssize_t got = recv(fd, buf, sizeof buf, 0);
        if (got < 0 && (errno == EAGAIN || errno == EINTR)) continue;
        if (got < 0) { box_warn("error getting response: %s", strerror(errno)); return -1; }
        if (got == 0) return 0;
        sb_addn(b, buf, (size_t)got);
    }
}

/* A chunked body decoded in place; its length, or -1 when it is malformed. */
static long long dechunk(char *body, size_t len)
{
    size_t in = 0, out = 0;
    for (;;) {
        char *end;
        if (in >= len) return -1;
        unsigned long long n = strtoull(body + in, &end, 16);
        char *eol = memchr(body + in, '\n', len - in);
        if (end == body + in || !eol) return -1;
        in = (size_t)(eol - body) + 1;
        if (n == 0) return (long long)out;
        if (n > len - in) return -1;
        memmove(body + out, body + in, n);
        out += n;
        in += n;
        if (in < len && body[in] == '\r') in++;
        if (in < len && body[in] == '\n') in++;
    }
}

static const char *find_header(const char *headers, const char *name, size_t *len)
{
    size_t n = strlen(name);
    for (const char *p = headers; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
        if (!strncasecmp(p, name, n) && p[n] == ':') {
            const char *v = p + n + 1;
            while (*v == ' ' || *v == '\t') v++;
            *len = strcspn(v, "\r\n");
            return v;
        }
    }
    return NULL;
}

struct opts { int quiet, server_response; const char *output, *post; };

/* One request; 0 with the body in `body`, a new URL in `location` for a redirect, or 1. */
static int fetch(const struct opts *o, const struct url *u, struct sbuf *body, char **location)
{
    struct sockaddr_in in = { .sin_family = AF_INET, .sin_port = htons((uint16_t)u->port) };
    if (!box_lookup(u->host, &in.sin_addr, 1)) { box_warn("bad address '%s'", u->host); return 1; }
    char ip[16];
    dy_ntoa(in.sin_addr, ip);
    if (!o->quiet) fprintf(box_err, "Connecting to %s (%s:%ld)\n", u->host, ip, u->port);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&in, sizeof in) < 0) {
        int e = errno;
        if (fd >= 0) close(fd);
        if (e == EINTR && box_signals()) return 1;
        box_warn("can't connect to remote host (%s): %s", ip, dy_strerror(e));
        return 1;
    }
    fcntl(fd, F_SETFL, O_NONBLOCK);
    char host[300];
    if (u->port == 80) snprintf(host, sizeof host, "%s", u->host);
    else snprintf(host, sizeof host, "%s:%ld", u->host, u->port);
    char *req = o->post
        ? xasprintf("POST %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: Wget\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %zu\r\n\r\n%s", u->path, host, strlen(o->post), o->post)
        : xasprintf("GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: Wget\r\nConnection: close\r\n\r\n", u->path, host);
    struct sbuf ans = {0};
    int r = send_all(fd, req, strlen(req)) || recv_all(fd, &ans);
    free(req);
    close(fd);
    if (r) { free(ans.s); return 1; }
    sb_addc(&ans, 0);
    ans.len--;
    char *crlf = strstr(ans.s, "\r\n\r\n"), *lf = strstr(ans.s, "\n\n");
    char *end = crlf && (!lf || crlf < lf) ? crlf : lf;
    int status = 0;
    if (!end || sscanf(ans.s, "HTTP/%*d.%*d %3d", &status) != 1) {
        box_warn("error getting response%s", ans.len ? "" : ": connection closed");
        free(ans.s);
        return 1;
    }
    size_t hdrlen = (size_t)(end - ans.s) + (end == crlf ? 4 : 2);
    ans.s[hdrlen - 1] = 0;
    char *statusline = xasprintf("%.*s", (int)strcspn(ans.s, "\r\n"), ans.s);
    if (o->server_response)
        for (char *p = ans.s; *p; ) {
            size_t l = strcspn(p, "\r\n");
            if (l) fprintf(box_err, "  %.*s\n", (int)l, p);
            p += l;
            while (*p == '\r' || *p == '\n') p++;
        }
    size_t vlen;
    const char *v;
    if (status >= 300 && status < 400 && (v = find_header(ans.s, "Location", &vlen))) {
        *location = xasprintf("%.*s", (int)vlen, v);
        free(statusline);
        free(ans.s);
        return 0;
    }
    if (status != 200 && status != 204 && status != 206) {
        box_warn("server returned error: %s", statusline);
        free(statusline);
        free(ans.s);
        return 1;
    }
    free(statusline);
    char *data = ans.s + hdrlen;
    long long dlen = (long long)(ans.len - hdrlen);
    if ((v = find_header(ans.s, "Transfer-Encoding", &vlen)) && !strncasecmp(v, "chunked", 7)) {
        dlen = dechunk(data, (size_t)dlen);
        if (dlen < 0) { box_warn("error getting response: bad chunked encoding"); free(ans.s); return 1; }
    } else if ((v = find_header(ans.s, "Content-Length", &vlen))) {
        long long want = strtoll(v, NULL, 10);
        if (want < dlen) dlen = want;
        else if (want > dlen) { box_warn("connection closed prematurely"); free(ans.s); return 1; }
    }
    sb_addn(body, data, (size_t)dlen);
    free(ans.s);
    return 0;
}

/* The file a URL is saved to without -O: its last path element, or index.html. */
static char *local_name(const struct url *u)
{
    char *path = xstrdup(u->path);
    path[strcspn(path, "?")] = 0;
    const char *base = strrchr(path, '/');
    char *name = xstrdup(base && base[1] ? base + 1 : "index.html");
    free(path);
    return name;
}

APPLET(wget)
{
    struct opts o = {0};
    long timeout = -1;
    char **args = xmalloc(sizeof(char *) * (size_t)(argc + 1));
    int nargs = 0;
    args[nargs++] = argv[0];
    /* long options first (box_getopt knows short ones only) */
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--post-data") && i + 1 < argc) o.post = argv[++i];
        else if (!strncmp(argv[i], "--post-data=", 12)) o.post = argv[i] + 12;
        else if (!strcmp(argv[i], "--quiet")) o.quiet = 1;
        else if (!strcmp(argv[i], "--server-response")) o.server_response = 1;
        else if (!strncmp(argv[i], "--", 2) && argv[i][2]) { box_warn("unrecognized option '%s'", argv[i]); free(args); return box_usage_error("wget"); }
        else args[nargs++] = argv[i];
    }
    args[nargs] = NULL;
    int opt, st = 1;
    while ((opt = box_getopt(nargs, args, "qSO:T:")) != -1) {
        switch (opt) {
        case 'q': o.quiet = 1; break;
        case 'S': o.server_response = 1; break;
        case 'O': o.output = optarg; break;
        case 'T':
            if (box_parse_long(optarg, &timeout) || timeout < 0) { box_warn("invalid number '%s'", optarg); free(args); return 1; }
            break;
        default: free(args); return box_usage_error("wget");
        }
    }
    if (nargs - optind != 1) { free(args); return box_usage_error("wget"); }
    deadline = timeout > 0 ? box_now_ms() + timeout * 1000 : -1;
    struct url u;
    char *url = xstrdup(args[optind]);
    free(args);
    struct sbuf body = {0};
    for (int redirects = 0;; redirects++) {
        if (parse_url(url, &u)) goto out;
        char *location = NULL;
        if (fetch(&o, &u, &body, &location)) goto out;
        if (!location) break;
        if (redirects == 5) { box_warn("too many redirections"); free(location); goto out; }
        free(url);
        url = location[0] == '/' ? xasprintf("http://%s:%ld%s", u.host, u.port, location) : location;
        if (location[0] == '/') free(location);
    }
    char *name = o.output ? xstrdup(o.output) : local_name(&u);
    if (!strcmp(name, "-")) {
        if (!o.quiet) fprintf(box_err, "writing to stdout\n");
        fwrite(body.s ? body.s : "", 1, body.len, box_out);
        fflush(box_out);
        if (!o.quiet) fprintf(box_err, "written to stdout\n");
        st = 0;
    } else {
        FILE *f = fopen(name, "wb");
        if (!f) box_warn("can't open '%s': %s", name, strerror(errno));
        else {
            if (!o.quiet) fprintf(box_err, "saving to '%s'\n", name);
            int ok = fwrite(body.s ? body.s : "", 1, body.len, f) == body.len;
            if (fclose(f) || !ok) box_warn("error writing '%s': %s", name, strerror(errno));
            else {
                if (!o.quiet) fprintf(box_err, "'%s' saved\n", name);
                st = 0;
            }
        }
    }
    free(name);
out:
    free(body.s);
    free(url);
    return st;
}
