/* httpd: a web server (engine/wasi/socket-abi.ts, through dy_socket.h). Serves the files under
 * -h DIR on -p PORT (80), a directory by its index.html, with the content type of its extension;
 * GET and HEAD. One process serves every connection at once: non-blocking sockets and poll, each
 * answer sent as the client takes it (a client that never reads holds only its own connection).
 * Each request is logged to stdout: client, request line, status, body bytes.
 * SIGTERM and SIGINT end it cleanly (status 0), as PID 1 too: `docker stop` is answered at once.
 * It always runs in the foreground (-f is accepted: WASI cannot daemonize).
 *
 * CGI: a file under DIR/cgi-bin/ is run for GET, HEAD and POST (and DIR/cgi-bin/index.cgi for a
 * directory without index.html, as busybox httpd does) with the CGI/1.1 environment, the request
 * body on its stdin; what it prints - headers (Status:, Location:, any other), a blank line, the
 * body - is the answer. WASI has no fork: the script runs through dockyard.spawn as /bin/box
 * `timeout SECS SCRIPT`, and this process waits for it, so every other connection waits too -
 * bounded by -t SECS (10): past it the script is ended and the client gets 504. */
#include "box.h"
#include "dy_socket.h"
#include <ctype.h>
#include <poll.h>
#include <time.h>

#define MAX_CONNS 64
#define MAX_REQUEST 8192
#define MAX_FILE (16 << 20)
#define MAX_BODY (1 << 20)
#define IDLE_SECONDS 30

struct conn {
    int fd;
    char peer[24], local[24];
    unsigned peer_port;
    char req[MAX_REQUEST];
    size_t len;
    size_t hdrlen; /* where the body starts in req; 0 while the headers are still coming */
    char *body;
    size_t bodylen, bodyneed;
    char *out;
    size_t outlen, outpos;
    time_t last;
};

static struct conn conns[MAX_CONNS];
static int nconns;

/* What a CGI script is told about this server, set once by the applet. */
static struct { const char *root; long port; long timeout; } server;

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
    case 413: return "Payload Too Large";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 504: return "Gateway Timeout";
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

/* The value of header `name` in the header lines `h` (after the request line), or NULL; its end is
 * the line's end. */
static const char *header_value(const char *h, const char *name, size_t *len)
{
    size_t n = strlen(name);
    for (const char *line = h; *line; ) {
        const char *eol = strchr(line, '\n');
        if (!strncasecmp(line, name, n) && line[n] == ':') {
            const char *v = line + n + 1;
            while (*v == ' ' || *v == '\t') v++;
            const char *e = eol ? eol : v + strlen(v);
            while (e > v && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t')) e--;
            *len = (size_t)(e - v);
            return v;
        }
        if (!eol) break;
        line = eol + 1;
    }
    return NULL;
}

/* Every header line is "Name: value" with a token for a name (RFC 9112): 0, or -1. */
static int headers_valid(const char *h)
{
    for (const char *line = h; *line; ) {
        const char *eol = strchr(line, '\n');
        size_t len = eol ? (size_t)(eol - line) : strlen(line);
        if (len && line[len - 1] == '\r') len--;
        if (len == 0) break;
        size_t name = strcspn(line, ":");
        if (name == 0 || name >= len) return -1;
        for (size_t i = 0; i < name; i++)
            if (line[i] <= ' ' || line[i] >= 127 || strchr("\"(),/;<=>?@[\\]{}", line[i])) return -1;
        if (!eol) break;
        line = eol + 1;
    }
    return 0;
}

static void env_add(char ***env, size_t *n, char *entry)
{
    *env = xrealloc(*env, sizeof(char *) * (*n + 2));
    (*env)[(*n)++] = entry;
    (*env)[*n] = NULL;
}

extern char **environ;

/* The CGI/1.1 environment (RFC 3875) after this process's own. */
static char **cgi_env(struct conn *c, const char *method, const char *target, const char *version, const char *headers,
                      const char *script, const char *file, const char *path_info, const char *query)
{
    char **env = NULL;
    size_t n = 0;
    for (char **e = environ; e && *e; e++) env_add(&env, &n, xstrdup(*e));
    size_t hl;
    const char *host = header_value(headers, "Host", &hl);
    size_t hostlen = host ? strcspn(host, ":\r\n") : 0;
    env_add(&env, &n, xstrdup("GATEWAY_INTERFACE=CGI/1.1"));
    env_add(&env, &n, xstrdup("SERVER_SOFTWARE=box httpd"));
    env_add(&env, &n, xasprintf("SERVER_PROTOCOL=%s", version));
    env_add(&env, &n, host && hostlen ? xasprintf("SERVER_NAME=%.*s", (int)hostlen, host) : xasprintf("SERVER_NAME=%s", c->local));
    env_add(&env, &n, xasprintf("SERVER_ADDR=%s", c->local));
    env_add(&env, &n, xasprintf("SERVER_PORT=%ld", server.port));
    env_add(&env, &n, xasprintf("REQUEST_METHOD=%s", method));
    env_add(&env, &n, xasprintf("REQUEST_URI=%s", target));
    env_add(&env, &n, xasprintf("SCRIPT_NAME=%s", script));
    env_add(&env, &n, xasprintf("SCRIPT_FILENAME=%s", file));
    env_add(&env, &n, xasprintf("DOCUMENT_ROOT=%s", server.root[0] ? server.root : "/"));
    if (*path_info) env_add(&env, &n, xasprintf("PATH_INFO=%s", path_info));
    env_add(&env, &n, xasprintf("QUERY_STRING=%s", query));
    env_add(&env, &n, xasprintf("REMOTE_ADDR=%s", c->peer));
    env_add(&env, &n, xasprintf("REMOTE_PORT=%u", c->peer_port));
    if (c->hdrlen && header_value(headers, "Content-Length", &hl)) env_add(&env, &n, xasprintf("CONTENT_LENGTH=%zu", c->bodylen));
    const char *type = header_value(headers, "Content-Type", &hl);
    if (type) env_add(&env, &n, xasprintf("CONTENT_TYPE=%.*s", (int)hl, type));
    for (const char *line = headers; *line; ) {
        const char *eol = strchr(line, '\n');
        size_t name = strcspn(line, ":\r\n");
        if (line[name] != ':') break;
        if (strncasecmp(line, "Content-Length:", 15) && strncasecmp(line, "Content-Type:", 13)) {
            struct sbuf b = {0};
            sb_adds(&b, "HTTP_");
            for (size_t i = 0; i < name; i++) sb_addc(&b, line[i] == '-' ? '_' : (char)toupper((unsigned char)line[i]));
            const char *v = line + name + 1, *e = eol ? eol : v + strlen(v);
            while (*v == ' ' || *v == '\t') v++;
            while (e > v && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t')) e--;
            sb_addc(&b, '=');
            sb_addn(&b, v, (size_t)(e - v));
            env_add(&env, &n, sb_take(&b));
        }
        if (!eol) break;
        line = eol + 1;
    }
    return env;
}

static void free_env(char **env)
{
    for (char **e = env; *e; e++) free(*e);
    free(env);
}

/* Turn a script's output (headers, a blank line, the body) into the answer: its status. */
static int cgi_answer(struct conn *c, char *out, size_t outlen, int head, size_t *bodylen)
{
    char *crlf = strstr(out, "\r\n\r\n"), *lf = strstr(out, "\n\n");
    char *end = crlf && (!lf || crlf < lf) ? crlf : lf;
    if (!strlen(out) || !end) return 0;
    size_t hdrend = (size_t)(end - out) + (end == crlf ? 4 : 2);
    *end = 0;
    int status = 200;
    char why[64] = "";
    struct sbuf h = {0};
    int located = 0;
    for (char *line = out; line && *line; ) {
        char *eol = strchr(line, '\n');
        if (eol) *eol = 0;
        size_t len = strlen(line);
        if (len && line[len - 1] == '\r') line[--len] = 0;
        if (!strchr(line, ':')) { free(h.s); return 0; }
        if (!strncasecmp(line, "Status:", 7)) {
            char *v = line + 7;
            if (sscanf(v, " %3d %63[^\r\n]", &status, why) < 1 || status < 100 || status > 599) { free(h.s); return 0; }
        } else if (strncasecmp(line, "Content-Length:", 15) && strncasecmp(line, "Connection:", 11)) {
            if (!strncasecmp(line, "Location:", 9)) located = 1;
            sb_adds(&h, line);
            sb_adds(&h, "\r\n");
        }
        line = eol ? eol + 1 : NULL;
    }
    if (located && status == 200 && !why[0]) status = 302;
    if (!why[0]) snprintf(why, sizeof why, "%s", status == 302 ? "Found" : reason(status));
    size_t blen = outlen - hdrend;
    char *top = xasprintf("HTTP/1.1 %d %s\r\n%sContent-Length: %zu\r\nConnection: close\r\n\r\n", status, why, h.s ? h.s : "", blen);
    free(h.s);
    size_t tlen = strlen(top), send_body = head ? 0 : blen;
    c->out = xmalloc(tlen + send_body + 1);
    memcpy(c->out, top, tlen);
    memcpy(c->out + tlen, out + hdrend, send_body);
    c->outlen = tlen + send_body;
    c->outpos = 0;
    free(top);
    *bodylen = blen;
    return status;
}

static int write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    int ok = fwrite(data, 1, len, f) == len;
    return fclose(f) == 0 && ok ? 0 : -1;
}

/* Run the CGI `script` (a path under the served directory) for the request; its status. */
static int run_cgi(struct conn *c, const char *method, const char *target, const char *version, const char *headers,
                   const char *script, const char *path_info, const char *query, int head, size_t *bodylen)
{
    static const char *const box = "/bin/box";
    char *file = xasprintf("%s%s", server.root, script);
    char *in = xasprintf("/tmp/.httpd-%ld-cgi.in", server.port), *out = xasprintf("/tmp/.httpd-%ld-cgi.out", server.port);
    int status = 500;
    *bodylen = 0;
    if (!box_is_wasm_file(box)) {
        box_warn("%s: CGI needs %s (it runs the script under timeout)", script, box);
        goto done;
    }
    mkdir("/tmp", 0777);
    if (write_file(in, c->body ? c->body : "", c->bodylen) || write_file(out, "", 0)) {
        box_warn("%s: can't create a temporary file in /tmp: %s", script, strerror(errno));
        goto done;
    }
    char **env = cgi_env(c, method, target, version, headers, script, file, path_info, query);
    char secs[24];
    snprintf(secs, sizeof secs, "%ld", server.timeout);
    char *argv[] = { "timeout", secs, file, NULL };
    char *dir = xstrdup(file);
    *strrchr(dir, '/') = 0;
    fflush(box_out);
    int32_t r = box_spawn(box, dir[0] ? dir : "/", in, out, "", 3, argv, env);
    free(dir);
    free_env(env);
    size_t outlen = 0;
    char *output = box_read_file(out, &outlen);
    if (((uint32_t)r & SPAWN_TAG_MASK) != SPAWN_TAG) box_warn("%s: this WASI runtime cannot run CGI (no dockyard.spawn)", script);
    else if (SPAWN_KIND(r) == SPAWN_EXITED && SPAWN_VALUE(r) == BOX_TIMED_OUT) {
        box_warn("%s: ended after %ld seconds", script, server.timeout);
        status = 504;
    } else if (SPAWN_KIND(r) != SPAWN_EXITED) box_warn("%s: did not run to its end", script);
    else if (output && (status = cgi_answer(c, output, outlen, head, bodylen)) == 0) {
        box_warn("%s: bad header from the script", script);
        status = 502;
    }
    free(output);
done:
    if (!c->out) *bodylen = respond_error(c, status, NULL, head);
    unlink(in);
    unlink(out);
    free(in);
    free(out);
    free(file);
    return status;
}

/* Answer the request in c->req (complete, or too long when `overflow`), and log it. */
static void handle(struct conn *c, int overflow)
{
    const char *root = server.root;
    char method[16] = "", target[4096] = "", version[16] = "";
    int status, head = 0;
    size_t bodylen = 0;
    char *eol = strpbrk(c->req, "\r\n");
    const char *headers = "";
    if (eol) {
        headers = eol + (eol[0] == '\r' && eol[1] == '\n' ? 2 : 1);
        *eol = 0;
    }
    if (overflow) {
        status = overflow;
        bodylen = respond_error(c, status, NULL, 0);
    } else if (sscanf(c->req, "%15s %4095s %15s", method, target, version) != 3 || strncmp(version, "HTTP/", 5) || target[0] != '/' || headers_valid(headers)) {
        status = 400;
        bodylen = respond_error(c, status, NULL, 0);
    } else if (strcmp(method, "GET") && strcmp(method, "HEAD") && strcmp(method, "POST")) {
        status = 501;
        bodylen = respond_error(c, status, NULL, 0);
    } else {
        head = !strcmp(method, "HEAD");
        char path[4096];
        snprintf(path, sizeof path, "%s", target);
        char *query = strchr(path, '?');
        if (query) *query++ = 0;
        struct stat st;
        char *file = NULL;
        if (url_decode(path) || climbs(path)) {
            status = 400;
            bodylen = respond_error(c, status, NULL, head);
        } else if (!strncmp(path, "/cgi-bin/", 9) && path[9]) {
            size_t slen = 9 + strcspn(path + 9, "/");
            char *script = xasprintf("%.*s", (int)slen, path);
            file = xasprintf("%s%s", root, script);
            if (stat(file, &st) || !S_ISREG(st.st_mode)) {
                status = 404;
                bodylen = respond_error(c, status, NULL, head);
            } else status = run_cgi(c, method, target, version, headers, script, path + slen, query ? query : "", head, &bodylen);
            free(script);
        } else if (strcmp(method, "POST") == 0) {
            status = 501;
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
            char *index_cgi = xasprintf("%s/cgi-bin/index.cgi", root);
            if (r == 0) {
                status = 200;
                bodylen = len;
                respond(c, status, content_type(file), NULL, data ? data : "", len, head);
                free(data);
            } else if (S_ISDIR(st.st_mode) && errno == ENOENT && stat(index_cgi, &st) == 0 && S_ISREG(st.st_mode)) {
                status = run_cgi(c, method, target, version, headers, "/cgi-bin/index.cgi", "", query ? query : "", head, &bodylen);
            } else {
                status = r == -2 ? 500 : errno == ENOENT ? 404 : 403;
                bodylen = respond_error(c, status, NULL, head);
            }
            free(index_cgi);
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
    free(conns[i].body);
    conns[i] = conns[--nconns];
}

/* The request's body length from its headers: 0 without one, -1 when it is not a number. */
static long long body_length(const char *headers)
{
    size_t len;
    const char *v = header_value(headers, "Content-Length", &len);
    if (!v) return 0;
    long long n = 0;
    if (len == 0 || len > 12) return -1;
    for (size_t i = 0; i < len; i++) {
        if (v[i] < '0' || v[i] > '9') return -1;
        n = n * 10 + (v[i] - '0');
    }
    return n;
}

/* What a readable connection brought; 1 when it is to be dropped. */
static int take_request(struct conn *c)
{
    if (c->hdrlen) {
        ssize_t got = recv(c->fd, c->body + c->bodylen, c->bodyneed - c->bodylen, 0);
        if (got < 0) return errno != EAGAIN && errno != EINTR;
        if (got == 0) return 1;
        c->bodylen += (size_t)got;
        c->last = time(NULL);
        if (c->bodylen == c->bodyneed) handle(c, 0);
        return 0;
    }
    ssize_t got = recv(c->fd, c->req + c->len, sizeof c->req - 1 - c->len, 0);
    if (got < 0) return errno != EAGAIN && errno != EINTR;
    if (got == 0) return 1;
    size_t was = c->len;
    c->len += (size_t)got;
    c->req[c->len] = 0;
    c->last = time(NULL);
    if (memchr(c->req + was, 0, (size_t)got)) {
        c->req[0] = 0; /* a NUL is no part of HTTP: a bad request */
        handle(c, 0);
        return 0;
    }
    char *crlf = strstr(c->req, "\r\n\r\n"), *lf = strstr(c->req, "\n\n");
    char *end = crlf && (!lf || crlf < lf) ? crlf : lf;
    if (!end) {
        if (c->len == sizeof c->req - 1) handle(c, 431);
        return 0;
    }
    c->hdrlen = (size_t)(end - c->req) + (end == crlf ? 4 : 2);
    long long need = body_length(c->req);
    if (need < 0 || need > MAX_BODY) {
        c->req[c->hdrlen] = 0;
        if (need < 0) c->req[0] = 0;
        handle(c, need < 0 ? 0 : 413);
        return 0;
    }
    c->bodyneed = (size_t)need;
    c->body = xmalloc(c->bodyneed + 1);
    c->bodylen = c->len - c->hdrlen < c->bodyneed ? c->len - c->hdrlen : c->bodyneed;
    memcpy(c->body, c->req + c->hdrlen, c->bodylen);
    c->req[c->hdrlen] = 0;
    if (c->bodylen == c->bodyneed) handle(c, 0);
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
    long timeout = 10;
    while ((opt = box_getopt(argc, argv, "fp:h:t:")) != -1) {
        switch (opt) {
        case 'f': break;
        case 't':
            if (box_parse_long(optarg, &timeout) || timeout < 1) { box_warn("bad time limit '%s'", optarg); return 1; }
            break;
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
    server.root = base;
    server.port = port;
    server.timeout = timeout;
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
            else if (ev & (POLLIN | POLLHUP)) done = c->out ? 0 : take_request(c);
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
                c->peer_port = ntohs(peer.sin_port);
                struct sockaddr_in self;
                socklen_t slen = sizeof self;
                if (getsockname(fd, (struct sockaddr *)&self, &slen) == 0) dy_ntoa(self.sin_addr, c->local);
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
