/* kv: a small key-value server over TCP that speaks Redis's protocol (RESP2), so redis-cli, nc
 * and the hits example talk to it: inline commands ("SET a 1\r\n") and RESP arrays
 * ("*3\r\n$3\r\nSET\r\n..."). Commands: PING ECHO GET SET (EX/PX) INCR DECR INCRBY DEL EXISTS KEYS
 * EXPIRE TTL DBSIZE FLUSHALL QUIT COMMAND; errors in Redis's words.
 *
 * Data lives in memory and, when DIR (-d, default /data) is a directory - the image's volume -,
 * in DIR/kv.resp: loaded at start, rewritten after every write (to a temporary file, then
 * renamed), so a stopped or killed container keeps what it was told. The file is the commands
 * that rebuild the data, in RESP. SIGTERM and SIGINT end it with 0 (as PID 1 too: dockyard.signal).
 *
 * One process serves every client: non-blocking sockets and poll (engine/wasi/socket-abi.ts,
 * through images/box/dy_socket.h). */
#include "dy_socket.h"
#include <ctype.h>
#include <fnmatch.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS 64
#define MAX_INPUT (1 << 20)
#define MAX_ARGS 1024

__attribute__((import_module("dockyard"), import_name("signal"))) extern int32_t dockyard_signal(int32_t op);

struct entry { char *key, *val; size_t klen, vlen; long long expires; /* ms since the epoch, 0 never */ };
static struct entry *db;
static size_t ndb, capdb;

struct buf { char *s; size_t len, cap; };
struct conn { int fd; struct buf in, out; size_t outpos; int closing; };
static struct conn conns[MAX_CONNS];
static int nconns;
static const char *dump_path, *dump_tmp;

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) { fprintf(stderr, "kv: out of memory\n"); _Exit(1); }
    return q;
}

static void put(struct buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->s = xrealloc(b->s, b->cap);
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = 0;
}

static void putf(struct buf *b, const char *fmt, ...)
{
    char tmp[128];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    put(b, tmp, (size_t)n);
}

static void bulk(struct buf *b, const char *s, size_t n)
{
    putf(b, "$%zu\r\n", n);
    put(b, s, n);
    put(b, "\r\n", 2);
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void drop_entry(size_t i)
{
    free(db[i].key);
    free(db[i].val);
    db[i] = db[--ndb];
}

/* The live entry for key, or NULL (an expired one is removed on the way). */
static struct entry *find(const char *key, size_t klen)
{
    for (size_t i = 0; i < ndb; i++) {
        if (db[i].klen != klen || memcmp(db[i].key, key, klen)) continue;
        if (db[i].expires && db[i].expires <= now_ms()) { drop_entry(i); return NULL; }
        return &db[i];
    }
    return NULL;
}

static char *dup(const char *s, size_t n)
{
    char *d = xrealloc(NULL, n + 1);
    memcpy(d, s, n);
    d[n] = 0;
    return d;
}

static struct entry *set(const char *key, size_t klen, const char *val, size_t vlen)
{
    struct entry *e = find(key, klen);
    if (!e) {
        if (ndb == capdb) db = xrealloc(db, sizeof *db * (capdb = capdb ? capdb * 2 : 64));
        e = &db[ndb++];
        e->key = dup(key, klen);
        e->klen = klen;
        e->val = NULL;
    }
    free(e->val);
    e->val = dup(val, vlen);
    e->vlen = vlen;
    e->expires = 0;
    return e;
}

static int cmp_entries(const void *a, const void *b)
{
    const struct entry *x = a, *y = b;
    size_t n = x->klen < y->klen ? x->klen : y->klen;
    int c = memcmp(x->key, y->key, n);
    return c ? c : (x->klen > y->klen) - (x->klen < y->klen);
}

/* Rewrite the dump: the commands that rebuild the data, then rename over the old one. */
static void save(void)
{
    if (!dump_path) return;
    FILE *f = fopen(dump_tmp, "wb");
    if (!f) { fprintf(stderr, "kv: can't save to %s: %s\n", dump_tmp, strerror(errno)); return; }
    qsort(db, ndb, sizeof *db, cmp_entries);
    struct buf b = {0};
    long long now = now_ms();
    for (size_t i = 0; i < ndb; i++) {
        if (db[i].expires && db[i].expires <= now) continue;
        put(&b, db[i].expires ? "*5\r\n" : "*3\r\n", 4);
        bulk(&b, "SET", 3);
        bulk(&b, db[i].key, db[i].klen);
        bulk(&b, db[i].val, db[i].vlen);
        if (db[i].expires) {
            char at[32];
            int n = snprintf(at, sizeof at, "%lld", db[i].expires);
            bulk(&b, "PXAT", 4);
            bulk(&b, at, (size_t)n);
        }
    }
    int ok = !b.len || fwrite(b.s, 1, b.len, f) == b.len;
    free(b.s);
    if (fclose(f) || !ok || rename(dump_tmp, dump_path)) fprintf(stderr, "kv: can't save to %s: %s\n", dump_path, strerror(errno));
}

/* One command from `in` at *pos: its arguments, how many (0 for an empty line), -1 when more bytes
 * are needed, -2 for a protocol error (message in *err). */
static int parse(const char *in, size_t len, size_t *pos, char **argv, size_t *argl, const char **err)
{
    size_t p = *pos;
    if (p >= len) return -1;
    if (in[p] != '*') {
        const char *eol = memchr(in + p, '\n', len - p);
        if (!eol) {
            if (len - p > 64 * 1024) { *err = "Protocol error: too big inline request"; return -2; }
            return -1;
        }
        int argc = 0;
        size_t end = (size_t)(eol - in);
        while (p < end) {
            while (p < end && isspace((unsigned char)in[p])) p++;
            if (p >= end) break;
            size_t start = p;
            while (p < end && !isspace((unsigned char)in[p])) p++;
            if (argc == MAX_ARGS) { *err = "Protocol error: too many arguments"; return -2; }
            argv[argc] = (char *)in + start;
            argl[argc++] = p - start;
        }
        *pos = end + 1;
        return argc;
    }
    const char *eol = memchr(in + p, '\n', len - p);
    if (!eol) return -1;
    char *end;
    long n = strtol(in + p + 1, &end, 10);
    if (end == in + p + 1 || (*end != '\r' && *end != '\n') || n > MAX_ARGS) { *err = "Protocol error: invalid multibulk length"; return -2; }
    p = (size_t)(eol - in) + 1;
    if (n <= 0) { *pos = p; return 0; }
    for (long i = 0; i < n; i++) {
        if (p >= len) return -1;
        if (in[p] != '$') { *err = "Protocol error: expected '$'"; return -2; }
        eol = memchr(in + p, '\n', len - p);
        if (!eol) return -1;
        long long bl = strtoll(in + p + 1, &end, 10);
        if (end == in + p + 1 || (*end != '\r' && *end != '\n') || bl < 0 || bl > MAX_INPUT) { *err = "Protocol error: invalid bulk length"; return -2; }
        p = (size_t)(eol - in) + 1;
        if (len - p < (size_t)bl + 2) return -1;
        argv[i] = (char *)in + p;
        argl[i] = (size_t)bl;
        p += (size_t)bl + 2;
    }
    *pos = p;
    return (int)n;
}

static int is(const char *arg, size_t len, const char *name)
{
    return strlen(name) == len && !strncasecmp(arg, name, len);
}

static int to_ll(const char *s, size_t n, long long *out)
{
    char tmp[32];
    if (n == 0 || n >= sizeof tmp) return -1;
    memcpy(tmp, s, n);
    tmp[n] = 0;
    char *end;
    errno = 0;
    *out = strtoll(tmp, &end, 10);
    return *end || errno ? -1 : 0;
}

static void error(struct buf *o, const char *msg) { putf(o, "-%s\r\n", msg); }

/* Run one command, its reply to `o`; 1 when the data changed. */
static int run(int argc, char **argv, size_t *argl, struct buf *o, int *quit)
{
    char name[32];
    snprintf(name, sizeof name, "%.*s", (int)(argl[0] < 31 ? argl[0] : 31), argv[0]);
    for (char *c = name; *c; c++) *c = (char)tolower((unsigned char)*c);
    #define ARITY(test) if (!(test)) { struct buf m = {0}; putf(&m, "ERR wrong number of arguments for '%s' command", name); error(o, m.s); free(m.s); return 0; }
    if (!strcmp(name, "ping")) {
        ARITY(argc <= 2);
        if (argc == 2) bulk(o, argv[1], argl[1]);
        else put(o, "+PONG\r\n", 7);
    } else if (!strcmp(name, "echo")) {
        ARITY(argc == 2);
        bulk(o, argv[1], argl[1]);
    } else if (!strcmp(name, "quit")) {
        put(o, "+OK\r\n", 5);
        *quit = 1;
    } else if (!strcmp(name, "command")) {
        put(o, "*0\r\n", 4); /* redis-cli asks COMMAND DOCS when it starts: no docs here */
    } else if (!strcmp(name, "get")) {
        ARITY(argc == 2);
        struct entry *e = find(argv[1], argl[1]);
        if (e) bulk(o, e->val, e->vlen);
        else put(o, "$-1\r\n", 5);
    } else if (!strcmp(name, "set")) {
        ARITY(argc == 3 || argc == 5);
        long long ttl = 0, at = 0;
        if (argc == 5) {
            long long v;
            if (to_ll(argv[4], argl[4], &v)) { error(o, "ERR value is not an integer or out of range"); return 0; }
            if (is(argv[3], argl[3], "EX")) ttl = v * 1000;
            else if (is(argv[3], argl[3], "PX")) ttl = v;
            else if (is(argv[3], argl[3], "PXAT")) at = v;
            else { error(o, "ERR syntax error"); return 0; }
            if (v <= 0) { error(o, "ERR invalid expire time in 'set' command"); return 0; }
        }
        struct entry *e = set(argv[1], argl[1], argv[2], argl[2]);
        e->expires = at ? at : ttl ? now_ms() + ttl : 0;
        put(o, "+OK\r\n", 5);
        return 1;
    } else if (!strcmp(name, "incr") || !strcmp(name, "decr") || !strcmp(name, "incrby")) {
        ARITY(argc == (name[0] == 'i' && name[4] ? 3 : 2));
        long long by = name[0] == 'd' ? -1 : 1, v = 0;
        if (argc == 3 && to_ll(argv[2], argl[2], &by)) { error(o, "ERR value is not an integer or out of range"); return 0; }
        struct entry *e = find(argv[1], argl[1]);
        if (e && to_ll(e->val, e->vlen, &v)) { error(o, "ERR value is not an integer or out of range"); return 0; }
        if ((by > 0 && v > LLONG_MAX - by) || (by < 0 && v < LLONG_MIN - by)) { error(o, "ERR increment or decrement would overflow"); return 0; }
        v += by;
        char num[32];
        int n = snprintf(num, sizeof num, "%lld", v);
        long long expires = e ? e->expires : 0;
        set(argv[1], argl[1], num, (size_t)n)->expires = expires;
        putf(o, ":%lld\r\n", v);
        return 1;
    } else if (!strcmp(name, "del") || !strcmp(name, "exists")) {
        ARITY(argc >= 2);
        long long n = 0;
        for (int i = 1; i < argc; i++) {
            struct entry *e = find(argv[i], argl[i]);
            if (!e) continue;
            n++;
            if (name[0] == 'd') drop_entry((size_t)(e - db));
        }
        putf(o, ":%lld\r\n", n);
        return name[0] == 'd' && n > 0;
    } else if (!strcmp(name, "keys")) {
        ARITY(argc == 2);
        char *pattern = dup(argv[1], argl[1]);
        long long now = now_ms();
        for (size_t i = ndb; i-- > 0; )
            if (db[i].expires && db[i].expires <= now) drop_entry(i);
        qsort(db, ndb, sizeof *db, cmp_entries);
        size_t n = 0;
        for (size_t i = 0; i < ndb; i++) n += fnmatch(pattern, db[i].key, 0) == 0;
        putf(o, "*%zu\r\n", n);
        for (size_t i = 0; i < ndb; i++)
            if (fnmatch(pattern, db[i].key, 0) == 0) bulk(o, db[i].key, db[i].klen);
        free(pattern);
    } else if (!strcmp(name, "expire")) {
        ARITY(argc == 3);
        long long secs;
        if (to_ll(argv[2], argl[2], &secs)) { error(o, "ERR value is not an integer or out of range"); return 0; }
        struct entry *e = find(argv[1], argl[1]);
        if (!e) { put(o, ":0\r\n", 4); return 0; }
        if (secs <= 0) drop_entry((size_t)(e - db));
        else e->expires = now_ms() + secs * 1000;
        put(o, ":1\r\n", 4);
        return 1;
    } else if (!strcmp(name, "ttl")) {
        ARITY(argc == 2);
        struct entry *e = find(argv[1], argl[1]);
        if (!e) put(o, ":-2\r\n", 5);
        else if (!e->expires) put(o, ":-1\r\n", 5);
        else putf(o, ":%lld\r\n", (e->expires - now_ms() + 999) / 1000);
    } else if (!strcmp(name, "dbsize")) {
        ARITY(argc == 1);
        putf(o, ":%zu\r\n", ndb);
    } else if (!strcmp(name, "flushall")) {
        while (ndb) drop_entry(ndb - 1);
        put(o, "+OK\r\n", 5);
        return 1;
    } else {
        struct buf m = {0};
        putf(&m, "ERR unknown command '%.*s', with args beginning with: ", (int)(argl[0] > 64 ? 64 : argl[0]), argv[0]);
        for (int i = 1; i < argc && i < 8; i++) putf(&m, "'%.*s' ", (int)(argl[i] > 64 ? 64 : argl[i]), argv[i]);
        error(o, m.s);
        free(m.s);
    }
    return 0;
}

/* Everything complete in c->in: run it. 1 when the connection is to end after its replies. */
static int serve(struct conn *c)
{
    static char *argv[MAX_ARGS];
    static size_t argl[MAX_ARGS];
    size_t pos = 0;
    int changed = 0, quit = 0;
    while (!quit) {
        const char *err = NULL;
        int argc = parse(c->in.s, c->in.len, &pos, argv, argl, &err);
        if (argc == -1) break;
        if (argc == -2) {
            error(&c->out, err);
            quit = 1;
            break;
        }
        if (argc > 0) changed |= run(argc, argv, argl, &c->out, &quit);
    }
    memmove(c->in.s, c->in.s + pos, c->in.len - pos);
    c->in.len -= pos;
    if (changed) save();
    return quit;
}

static void load(void)
{
    FILE *f = fopen(dump_path, "rb");
    if (!f) return;
    struct buf b = {0};
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) put(&b, chunk, n);
    fclose(f);
    static char *argv[MAX_ARGS];
    static size_t argl[MAX_ARGS];
    size_t pos = 0;
    struct buf sink = {0};
    int quit = 0, argc;
    const char *err;
    while (b.s && (argc = parse(b.s, b.len, &pos, argv, argl, &err)) >= 0)
        if (argc > 0) run(argc, argv, argl, &sink, &quit);
    if (b.s && pos != b.len) fprintf(stderr, "kv: %s: ignored what follows byte %zu (not a complete command)\n", dump_path, pos);
    free(sink.s);
    free(b.s);
}

static void drop(int i)
{
    close(conns[i].fd);
    free(conns[i].in.s);
    free(conns[i].out.s);
    conns[i] = conns[--nconns];
}

int main(int argc, char **argv)
{
    long port = 6379;
    const char *dir = "/data";
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-p") && i + 1 < argc) {
            char *end;
            port = strtol(argv[++i], &end, 10);
            if (*end || port < 1 || port > 65535) { fprintf(stderr, "kv: bad port '%s'\n", argv[i]); return 1; }
        } else if (!strcmp(argv[i], "-d") && i + 1 < argc) dir = argv[++i];
        else {
            fprintf(stderr, "Usage: kv [-p PORT] [-d DIR]\n\nA key-value server speaking Redis's protocol on PORT (6379); its data in DIR/kv.resp\nwhen DIR (/data) is a directory\n");
            return 1;
        }
    }
    const char *pwd = getenv("PWD");
    if (pwd && pwd[0] == '/' && chdir(pwd) != 0) { /* a missing WORKDIR leaves us at "/" */ }
    struct stat st;
    if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode)) {
        char *p = xrealloc(NULL, strlen(dir) + 16), *t = xrealloc(NULL, strlen(dir) + 16);
        sprintf(p, "%s/kv.resp", dir);
        sprintf(t, "%s/.kv.resp.tmp", dir);
        dump_path = p;
        dump_tmp = t;
        load();
        printf("kv: %zu keys loaded from %s\n", ndb, dump_path);
    } else printf("kv: %s is not a directory: the data stays in memory\n", dir);
    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in in = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    if (lfd < 0 || bind(lfd, (struct sockaddr *)&in, sizeof in) < 0 || listen(lfd, 16) < 0) {
        fprintf(stderr, "kv: bind: %s\n", dy_strerror(errno));
        return 1;
    }
    printf("kv: ready to accept connections on port %ld\n", port);
    fflush(stdout);
    for (;;) {
        struct pollfd fds[MAX_CONNS + 1];
        fds[0] = (struct pollfd){ .fd = lfd, .events = nconns < MAX_CONNS ? POLLIN : 0 };
        for (int i = 0; i < nconns; i++) fds[i + 1] = (struct pollfd){ .fd = conns[i].fd, .events = (short)((conns[i].closing || conns[i].out.len > MAX_INPUT ? 0 : POLLIN) | (conns[i].outpos < conns[i].out.len ? POLLOUT : 0)) };
        int ready = poll(fds, nconns + 1, -1);
        if (ready < 0 && errno == EINTR) {
            int sig = dockyard_signal(0);
            if (sig == 15 || sig == 2) break;
            continue;
        }
        if (ready < 0) { fprintf(stderr, "kv: poll: %s\n", strerror(errno)); return 1; }
        for (int i = nconns - 1; i >= 0; i--) {
            struct conn *c = &conns[i];
            short ev = fds[i + 1].revents;
            if (ev & (POLLERR | POLLNVAL)) { drop(i); continue; }
            /* a client that sends without reading the replies is not read until it does */
            if (ev & (POLLIN | POLLHUP) && !c->closing && c->out.len <= MAX_INPUT) {
                char chunk[8192];
                ssize_t got = recv(c->fd, chunk, sizeof chunk, 0);
                if (got > 0) {
                    put(&c->in, chunk, (size_t)got);
                    if (serve(c)) c->closing = 1;
                    else if (c->in.len > MAX_INPUT) { error(&c->out, "ERR Protocol error: request too big"); c->closing = 1; }
                } else if (got == 0 || (errno != EAGAIN && errno != EINTR)) c->closing = 1;
            }
            if (c->outpos < c->out.len) {
                ssize_t sent = send(c->fd, c->out.s + c->outpos, c->out.len - c->outpos, 0);
                if (sent < 0 && errno != EAGAIN && errno != EINTR) { drop(i); continue; }
                if (sent > 0) c->outpos += (size_t)sent;
                if (c->outpos == c->out.len) c->outpos = c->out.len = 0;
            }
            if (c->closing && c->out.len == 0) drop(i);
        }
        if (fds[0].revents & POLLIN) {
            int fd;
            while (nconns < MAX_CONNS && (fd = dy_accept(lfd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
                memset(&conns[nconns], 0, sizeof conns[nconns]);
                conns[nconns++].fd = fd;
            }
        }
    }
    save();
    printf("kv: saved, bye\n");
    fflush(stdout);
    return 0;
}
