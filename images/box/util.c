/* Shared helpers: allocation, messages, strings, memory pipes, file helpers. */
#include "box.h"
#include <ctype.h>
#include <getopt.h>
#include <fcntl.h>
#include <stdio_ext.h>

FILE *box_in, *box_out, *box_err;
const char *box_applet_name = "box";

int box_puts(const char *s)
{
    if (fputs(s, box_out) == EOF) return EOF;
    return fputc('\n', box_out) == EOF ? EOF : 0;
}

void box_perror(const char *s)
{
    if (s && *s) fprintf(box_err, "%s: %s\n", s, strerror(errno));
    else fprintf(box_err, "%s\n", strerror(errno));
}

void box_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(box_err, "%s: ", box_applet_name);
    vfprintf(box_err, fmt, ap);
    fputc('\n', box_err);
    va_end(ap);
}

void box_warn_errno(const char *fmt, ...)
{
    int e = errno;
    va_list ap;
    va_start(ap, fmt);
    fprintf(box_err, "%s: ", box_applet_name);
    vfprintf(box_err, fmt, ap);
    fprintf(box_err, ": %s\n", strerror(e));
    va_end(ap);
}

static void oom(void)
{
    fputs("box: out of memory\n", box_real_stderr());
    abort();
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) oom();
    return p;
}

void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p) oom();
    return p;
}

char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(xmalloc(n), s, n);
}

char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

void sb_addn(struct sbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t c = b->cap ? b->cap : 32;
        while (c < b->len + n + 1) c *= 2;
        b->s = xrealloc(b->s, c);
        b->cap = c;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = 0;
}

void sb_addc(struct sbuf *b, char c) { sb_addn(b, &c, 1); }
void sb_adds(struct sbuf *b, const char *s) { sb_addn(b, s, strlen(s)); }

char *sb_take(struct sbuf *b)
{
    char *s = b->s ? b->s : xstrdup("");
    b->s = NULL;
    b->len = b->cap = 0;
    return s;
}

/* ---- memory pipes ---- */

static ssize_t mb_write(void *c, const char *buf, size_t n)
{
    struct membuf *m = c;
    if (m->len >= m->limit) {
        errno = EPIPE;
        return -1;
    }
    size_t take = n;
    if (take > m->limit - m->len) take = m->limit - m->len;
    if (m->len + take > m->cap) {
        size_t cap = m->cap ? m->cap : 4096;
        while (cap < m->len + take) cap *= 2;
        m->data = xrealloc(m->data, cap);
        m->cap = cap;
    }
    memcpy(m->data + m->len, buf, take);
    m->len += take;
    if (take < n) {
        errno = EPIPE;
        return (ssize_t)take ? (ssize_t)take : -1;
    }
    return (ssize_t)n;
}

static ssize_t mb_read(void *c, char *buf, size_t n)
{
    struct membuf *m = c;
    size_t left = m->len - m->rpos;
    if (n > left) n = left;
    memcpy(buf, m->data + m->rpos, n);
    m->rpos += n;
    return (ssize_t)n;
}

static int mb_close(void *c)
{
    (void)c;
    return 0;
}

FILE *membuf_writer(struct membuf *m, size_t limit)
{
    memset(m, 0, sizeof *m);
    m->limit = limit;
    cookie_io_functions_t io = { .read = NULL, .write = mb_write, .seek = NULL, .close = mb_close };
    return fopencookie(m, "w", io);
}

FILE *membuf_reader(struct membuf *m)
{
    m->rpos = 0;
    cookie_io_functions_t io = { .read = mb_read, .write = NULL, .seek = NULL, .close = mb_close };
    return fopencookie(m, "r", io);
}

void membuf_free(struct membuf *m)
{
    free(m->data);
    memset(m, 0, sizeof *m);
}

int box_out_broken(void) { return ferror(box_out); }

/* ---- files ---- */

char *box_read_file(const char *path, size_t *lenp)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    struct sbuf b = {0};
    char tmp[8192];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0) sb_addn(&b, tmp, n);
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(b.s);
        errno = EIO;
        return NULL;
    }
    if (lenp) *lenp = b.len;
    return sb_take(&b);
}

FILE *box_open_input(const char *path)
{
    if (!strcmp(path, "-") || !strcmp(path, "/dev/stdin")) return box_in;
    if (!strcmp(path, "/dev/null")) return box_null_stream("r");
    if (box_is_dir(path)) {
        errno = EISDIR;
        return NULL;
    }
    return fopen(path, "r");
}

void box_close_input(FILE *f)
{
    if (f && f != box_in) fclose(f);
}

int box_copy(FILE *in, FILE *out)
{
    char buf[16384];
    size_t n;
    int fd = fileno(in);
    if (fd < 0) {
        /* An in-memory stream: nothing to wait for. */
        while ((n = fread(buf, 1, sizeof buf, in)) > 0)
            if (fwrite(buf, 1, n, out) != n) return -1;
        return ferror(in) ? -1 : 0;
    }
    /* fread would wait until 16 KB or the end of input: a typed line or a slow pipe would show
     * only at the end. So what stdio has already buffered goes first, then read(2), which returns
     * whatever is there, and each piece is passed on at once - as cat's output follows its input. */
    while ((n = __freadahead(in)) > 0) {
        size_t got = fread(buf, 1, n < sizeof buf ? n : sizeof buf, in);
        if (got == 0 || fwrite(buf, 1, got, out) != got) return -1;
    }
    for (;;) {
        ssize_t r = read(fd, buf, sizeof buf);
        if (r < 0 && errno == EINTR) {
            if (box_signals()) return -1;
            continue;
        }
        if (r < 0) return -1;
        if (r == 0) return 0;
        if (fwrite(buf, 1, (size_t)r, out) != (size_t)r || fflush(out) == EOF) return -1;
    }
}

ssize_t box_getline(char **line, size_t *cap, FILE *f)
{
    ssize_t n = getline(line, cap, f);
    if (n > 0 && (*line)[n - 1] == '\n') (*line)[--n] = 0;
    return n;
}

int box_is_wasm_file(const char *path)
{
    unsigned char m[4];
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    size_t n = fread(m, 1, 4, f);
    fclose(f);
    return n == 4 && m[0] == 0 && m[1] == 'a' && m[2] == 's' && m[3] == 'm';
}

int box_isatty(int fd)
{
    const char *term = getenv("TERM");
    return term && *term && strcmp(term, "dumb") && isatty(fd);
}

int box_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *box_basename(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

long long box_parse_size(const char *s)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (end == s || v < 0 || errno) return -1;
    switch (toupper((unsigned char)*end)) {
    case 0: return v;
    case 'B': end++; break;
    case 'K': v <<= 10; end++; break;
    case 'M': v <<= 20; end++; break;
    case 'G': v <<= 30; end++; break;
    default: return -1;
    }
    if (*end == 'B' || *end == 'b') end++;
    return *end ? -1 : v;
}

void box_human_size(char *out, size_t outsz, unsigned long long bytes)
{
    static const char units[] = "KMGT";
    if (bytes < 1024) {
        snprintf(out, outsz, "%llu", bytes);
        return;
    }
    double v = (double)bytes;
    int u = -1;
    while (v >= 1024 && u < 3) {
        v /= 1024;
        u++;
    }
    if (v < 10) snprintf(out, outsz, "%.1f%c", v, units[u]);
    else snprintf(out, outsz, "%.0f%c", v, units[u]);
}

int box_parse_long(const char *s, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || *end || errno) return -1;
    *out = v;
    return 0;
}

/* ---- getopt ---- */

int box_getopt(int argc, char **argv, const char *opts)
{
    opterr = 0;
    int c = getopt(argc, argv, opts);
    if (c == '?') {
        const char *p = strchr(opts, optopt);
        if (optopt && p && p[1] == ':') box_warn("option requires an argument -- '%c'", optopt);
        else box_warn("invalid option -- '%c'", optopt);
    }
    return c;
}
