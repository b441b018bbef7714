/* Stream applets: cat, head, tail, wc, tee, seq, yes. */
#include "box.h"
#include <ctype.h>

static int for_each_input(int argc, char **argv, int first, int (*fn)(FILE *, const char *, void *), void *ctx)
{
    int st = 0;
    if (first >= argc) return fn(stdin, "-", ctx);
    for (int i = first; i < argc; i++) {
        FILE *f = box_open_input(argv[i]);
        if (!f) {
            box_warn_errno("%s", argv[i]);
            st = 1;
            continue;
        }
        st |= fn(f, argv[i], ctx);
        box_close_input(f);
        if (box_out_broken()) break;
    }
    return st;
}

struct cat_opts { int number; long line; int at_start; };

static int cat_one(FILE *f, const char *name, void *ctx)
{
    (void)name;
    struct cat_opts *o = ctx;
    if (!o->number) return box_copy(f, stdout) < 0 && !box_out_broken() ? 1 : 0;
    int c;
    while ((c = fgetc(f)) != EOF) {
        if (o->at_start) { printf("%6ld\t", ++o->line); o->at_start = 0; }
        putchar(c);
        if (c == '\n') o->at_start = 1;
    }
    return 0;
}

APPLET(cat)
{
    struct cat_opts o = {0, 0, 1};
    int c;
    while ((c = box_getopt(argc, argv, "nu")) != -1) {
        if (c == 'n') o.number = 1;
        else if (c == '?') return box_usage_error("cat");
    }
    return for_each_input(argc, argv, optind, cat_one, &o);
}

/* head/tail accept -n N, -N and (tail) -n +N */
static int parse_count(const char *s, long *n, int *from_start)
{
    if (from_start) *from_start = 0;
    if (*s == '+' && from_start) { *from_start = 1; s++; }
    else if (*s == '-') s++;
    long v;
    if (box_parse_long(s, &v) || v < 0) return -1;
    *n = v;
    return 0;
}

static char **fix_numeric_option(int *argc, char **argv)
{
    /* rewrite "-3" into "-n" "3" (obsolete but common form) */
    if (*argc > 1 && argv[1][0] == '-' && isdigit((unsigned char)argv[1][1])) {
        char **v = xmalloc(sizeof(char *) * (size_t)(*argc + 2));
        v[0] = argv[0];
        v[1] = "-n";
        v[2] = argv[1] + 1;
        for (int i = 2; i < *argc; i++) v[i + 1] = argv[i];
        (*argc)++;
        v[*argc] = NULL;
        return v;
    }
    return NULL;
}

struct head_opts { long n; int bytes; int multi; int first; };

static int head_one(FILE *f, const char *name, void *ctx)
{
    struct head_opts *o = ctx;
    if (o->multi) printf("%s==> %s <==\n", o->first ? "" : "\n", strcmp(name, "-") ? name : "standard input");
    o->first = 0;
    long left = o->n;
    int c;
    while (left > 0 && (c = fgetc(f)) != EOF) {
        putchar(c);
        if (o->bytes || c == '\n') left--;
    }
    return 0;
}

APPLET(head)
{
    char **fixed = fix_numeric_option(&argc, argv);
    if (fixed) argv = fixed;
    struct head_opts o = {10, 0, 0, 1};
    int c, st = 0;
    while ((c = box_getopt(argc, argv, "n:c:qv")) != -1) {
        if (c == 'n' || c == 'c') {
            if (parse_count(optarg, &o.n, NULL)) { box_warn("invalid number '%s'", optarg); st = 1; goto out; }
            o.bytes = c == 'c';
        } else if (c == '?') { st = box_usage_error("head"); goto out; }
    }
    o.multi = argc - optind > 1;
    st = for_each_input(argc, argv, optind, head_one, &o);
out:
    free(fixed);
    return st;
}

struct tail_opts { long n; int bytes, from_start, multi, first; };

static int tail_one(FILE *f, const char *name, void *ctx)
{
    struct tail_opts *o = ctx;
    if (o->multi) printf("%s==> %s <==\n", o->first ? "" : "\n", strcmp(name, "-") ? name : "standard input");
    o->first = 0;
    struct sbuf all = {0};
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) sb_addn(&all, buf, n);
    size_t start = 0;
    if (o->bytes) {
        if (o->from_start) start = o->n > 0 ? (size_t)o->n - 1 : 0;
        else start = all.len > (size_t)o->n ? all.len - (size_t)o->n : 0;
    } else if (o->from_start) {
        long line = 1;
        while (start < all.len && line < o->n) if (all.s[start++] == '\n') line++;
    } else {
        size_t pos = all.len;
        long lines = 0;
        if (pos && all.s[pos - 1] == '\n') pos--;
        while (pos > 0) {
            if (all.s[pos - 1] == '\n' && ++lines == o->n) break;
            pos--;
        }
        start = o->n == 0 ? all.len : pos;
    }
    if (start < all.len) fwrite(all.s + start, 1, all.len - start, stdout);
    free(all.s);
    return 0;
}

APPLET(tail)
{
    char **fixed = fix_numeric_option(&argc, argv);
    if (fixed) argv = fixed;
    struct tail_opts o = {10, 0, 0, 0, 1};
    int c, st = 0;
    while ((c = box_getopt(argc, argv, "n:c:qvf")) != -1) {
        if (c == 'n' || c == 'c') {
            if (parse_count(optarg, &o.n, &o.from_start)) { box_warn("invalid number '%s'", optarg); st = 1; goto out; }
            o.bytes = c == 'c';
        } else if (c == 'f') {
            /* -f would wait forever for growth nobody can cause while we run: print and stop */
        } else if (c == '?') { st = box_usage_error("tail"); goto out; }
    }
    o.multi = argc - optind > 1;
    st = for_each_input(argc, argv, optind, tail_one, &o);
out:
    free(fixed);
    return st;
}

struct wc_opts { int l, w, c; unsigned long long tl, tw, tc; int cols; };

static void wc_print(struct wc_opts *o, unsigned long long l, unsigned long long w, unsigned long long c, const char *name)
{
    const char *sep = "";
    if (o->cols == 1) {
        printf("%llu", o->l ? l : o->w ? w : c);
    } else {
        if (o->l) { printf("%s%9llu", sep, l); sep = " "; }
        if (o->w) { printf("%s%9llu", sep, w); sep = " "; }
        if (o->c) { printf("%s%9llu", sep, c); }
    }
    if (name) printf(" %s", name);
    putchar('\n');
}

static int wc_one(FILE *f, const char *name, void *ctx)
{
    struct wc_opts *o = ctx;
    unsigned long long l = 0, w = 0, c = 0;
    int in_word = 0, ch;
    while ((ch = fgetc(f)) != EOF) {
        c++;
        if (ch == '\n') l++;
        if (isspace(ch)) in_word = 0;
        else if (!in_word) { in_word = 1; w++; }
    }
    o->tl += l; o->tw += w; o->tc += c;
    wc_print(o, l, w, c, strcmp(name, "-") ? name : NULL);
    return 0;
}

APPLET(wc)
{
    struct wc_opts o;
    memset(&o, 0, sizeof o);
    int c;
    while ((c = box_getopt(argc, argv, "lwcm")) != -1) {
        if (c == 'l') o.l = 1;
        else if (c == 'w') o.w = 1;
        else if (c == 'c' || c == 'm') o.c = 1;
        else return box_usage_error("wc");
    }
    if (!o.l && !o.w && !o.c) o.l = o.w = o.c = 1;
    o.cols = o.l + o.w + o.c;
    int st = for_each_input(argc, argv, optind, wc_one, &o);
    if (argc - optind > 1) wc_print(&o, o.tl, o.tw, o.tc, "total");
    return st;
}

APPLET(tee)
{
    int append = 0, c, st = 0;
    while ((c = box_getopt(argc, argv, "ai")) != -1) {
        if (c == 'a') append = 1;
        else if (c == '?') return box_usage_error("tee");
    }
    int nf = argc - optind;
    FILE **files = xmalloc(sizeof(FILE *) * (size_t)(nf + 1));
    for (int i = 0; i < nf; i++) {
        files[i] = fopen(argv[optind + i], append ? "a" : "w");
        if (!files[i]) { box_warn_errno("%s", argv[optind + i]); st = 1; }
    }
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) {
        fwrite(buf, 1, n, stdout);
        for (int i = 0; i < nf; i++) if (files[i]) fwrite(buf, 1, n, files[i]);
    }
    for (int i = 0; i < nf; i++) if (files[i]) fclose(files[i]);
    free(files);
    return st;
}

static int parse_num(const char *s, double *v, int *decimals)
{
    char *end;
    *v = strtod(s, &end);
    if (end == s || *end) return -1;
    const char *dot = strchr(s, '.');
    int d = dot ? (int)strlen(dot + 1) : 0;
    if (d > *decimals) *decimals = d;
    return 0;
}

APPLET(seq)
{
    int i = 1, width = 0;
    const char *sep = "\n";
    while (i < argc && argv[i][0] == '-' && (argv[i][1] == 's' || argv[i][1] == 'w') ) {
        if (argv[i][1] == 'w') width = 1;
        else if (argv[i][2]) sep = argv[i] + 2;
        else if (i + 1 < argc) sep = argv[++i];
        i++;
    }
    int n = argc - i;
    if (n < 1 || n > 3) return box_usage_error("seq");
    double first = 1, step = 1, last;
    int dec = 0;
    if (parse_num(argv[argc - 1], &last, &dec) ||
        (n >= 2 && parse_num(argv[i], &first, &dec)) ||
        (n == 3 && parse_num(argv[i + 1], &step, &dec))) {
        box_warn("invalid number");
        return 1;
    }
    if (step == 0) { box_warn("increment must not be 0"); return 1; }
    int w = 0;
    if (width) {
        char a[64], b[64];
        w = snprintf(a, sizeof a, "%.*f", dec, first);
        int wl = snprintf(b, sizeof b, "%.*f", dec, last);
        if (wl > w) w = wl;
    }
    int printed = 0;
    for (long k = 0;; k++) {
        double v = first + (double)k * step;
        if (step > 0 ? v > last + 1e-9 : v < last - 1e-9) break;
        if (printed++) fputs(sep, stdout);
        printf(width ? "%0*.*f" : "%*.*f", w, dec, v);
        if (box_out_broken()) return 0;
    }
    if (printed) putchar('\n');
    return 0;
}

APPLET(yes)
{
    struct sbuf line = {0};
    if (argc < 2) sb_adds(&line, "y");
    for (int i = 1; i < argc; i++) {
        if (i > 1) sb_addc(&line, ' ');
        sb_adds(&line, argv[i]);
    }
    sb_addc(&line, '\n');
    /* fill a block with whole lines so each write is large: an endless producer must be cheap */
    struct sbuf block = {0};
    while (block.len < 8192) sb_addn(&block, line.s, line.len);
    while (fwrite(block.s, 1, block.len, stdout) == block.len && !box_out_broken()) {}
    free(line.s);
    free(block.s);
    return 0;
}
