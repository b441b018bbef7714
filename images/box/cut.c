/* cut and tr. */
#include "box.h"
#include <ctype.h>

struct range { long lo, hi; };

static int parse_list(const char *s, struct range **out, int *n)
{
    *out = NULL;
    *n = 0;
    while (*s) {
        long lo = 1, hi = -1;
        char *end;
        if (*s == '-') lo = 1;
        else {
            lo = strtol(s, &end, 10);
            if (end == s || lo < 1) return -1;
            s = end;
        }
        if (*s == '-') {
            s++;
            if (isdigit((unsigned char)*s)) {
                hi = strtol(s, &end, 10);
                s = end;
            } else hi = -1; /* open end */
        } else hi = lo;
        if (hi != -1 && hi < lo) return -1;
        *out = xrealloc(*out, sizeof **out * (size_t)(*n + 1));
        (*out)[(*n)++] = (struct range){lo, hi};
        if (*s == ',') s++;
        else if (*s) return -1;
    }
    return *n ? 0 : -1;
}

static int selected(struct range *r, int n, long i)
{
    for (int k = 0; k < n; k++)
        if (i >= r[k].lo && (r[k].hi == -1 || i <= r[k].hi)) return 1;
    return 0;
}

APPLET(cut)
{
    int c, mode = 0, only_delim = 0;
    char delim = '\t';
    const char *list = NULL;
    while ((c = box_getopt(argc, argv, "d:f:c:b:s")) != -1) {
        switch (c) {
        case 'd':
            if (strlen(optarg) > 1) { box_warn("the delimiter must be a single character"); return 1; }
            delim = optarg[0] ? optarg[0] : '\t';
            break;
        case 'f': mode = 'f'; list = optarg; break;
        case 'c': case 'b': mode = 'c'; list = optarg; break;
        case 's': only_delim = 1; break;
        default: return box_usage_error("cut");
        }
    }
    if (!mode) { box_warn("you must specify a list of bytes, characters, or fields"); return 1; }
    struct range *r;
    int nr;
    if (parse_list(list, &r, &nr)) { box_warn("invalid list '%s'", list); return 1; }
    int st = 0, nin = argc - optind;
    char *line = NULL;
    size_t cap = 0;
    for (int i = 0; i < (nin ? nin : 1); i++) {
        FILE *f = nin ? box_open_input(argv[optind + i]) : stdin;
        if (!f) { box_warn_errno("%s", argv[optind + i]); st = 1; continue; }
        ssize_t len;
        while ((len = box_getline(&line, &cap, f)) >= 0) {
            if (mode == 'c') {
                for (long k = 0; k < len; k++) if (selected(r, nr, k + 1)) putchar(line[k]);
                putchar('\n');
                continue;
            }
            if (!strchr(line, delim)) {
                if (!only_delim) printf("%s\n", line);
                continue;
            }
            long field = 1;
            int first = 1;
            char *p = line;
            for (;;) {
                char *e = strchr(p, delim);
                size_t fl = e ? (size_t)(e - p) : strlen(p);
                if (selected(r, nr, field)) {
                    if (!first) putchar(delim);
                    fwrite(p, 1, fl, stdout);
                    first = 0;
                }
                if (!e) break;
                p = e + 1;
                field++;
            }
            putchar('\n');
        }
        if (nin) box_close_input(f);
    }
    free(line);
    free(r);
    return st;
}

/* Expands a tr set: ranges a-z, escapes, and [:class:] names. */
static int expand_set(const char *s, unsigned char *out, int max)
{
    int n = 0;
    while (*s && n < max) {
        if (s[0] == '[' && s[1] == ':') {
            const char *e = strstr(s, ":]");
            if (e) {
                size_t len = (size_t)(e - s - 2);
                const char *name = s + 2;
                for (int ch = 0; ch < 256 && n < max; ch++) {
                    int in = 0;
                    if (!strncmp(name, "alpha", len)) in = isalpha(ch);
                    else if (!strncmp(name, "digit", len)) in = isdigit(ch);
                    else if (!strncmp(name, "alnum", len)) in = isalnum(ch);
                    else if (!strncmp(name, "upper", len)) in = isupper(ch);
                    else if (!strncmp(name, "lower", len)) in = islower(ch);
                    else if (!strncmp(name, "space", len)) in = isspace(ch);
                    else if (!strncmp(name, "blank", len)) in = isblank(ch);
                    else if (!strncmp(name, "punct", len)) in = ispunct(ch);
                    else if (!strncmp(name, "xdigit", len)) in = isxdigit(ch);
                    else if (!strncmp(name, "cntrl", len)) in = iscntrl(ch);
                    else if (!strncmp(name, "print", len)) in = isprint(ch);
                    else return -1;
                    if (in) out[n++] = (unsigned char)ch;
                }
                s = e + 2;
                continue;
            }
        }
        unsigned char c = (unsigned char)*s++;
        if (c == '\\' && *s) {
            char e = *s++;
            c = e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e == '\\' ? '\\' : e == '0' ? 0 : (unsigned char)e;
        }
        if (*s == '-' && s[1]) {
            unsigned char hi = (unsigned char)s[1];
            s += 2;
            if (hi == '\\' && *s) { hi = (unsigned char)(*s == 'n' ? '\n' : *s); s++; }
            if (hi < c) return -1;
            for (int ch = c; ch <= hi && n < max; ch++) out[n++] = (unsigned char)ch;
            continue;
        }
        out[n++] = c;
    }
    return n;
}

APPLET(tr)
{
    int del = 0, squeeze = 0, complement = 0, c;
    while ((c = box_getopt(argc, argv, "dscC")) != -1) {
        if (c == 'd') del = 1;
        else if (c == 's') squeeze = 1;
        else if (c == 'c' || c == 'C') complement = 1;
        else return box_usage_error("tr");
    }
    int nsets = argc - optind;
    if (nsets < 1 || nsets > 2 || (!del && !squeeze && nsets < 2)) return box_usage_error("tr");
    static unsigned char s1[4096], s2[4096];
    int n1 = expand_set(argv[optind], s1, sizeof s1);
    int n2 = nsets > 1 ? expand_set(argv[optind + 1], s2, sizeof s2) : 0;
    if (n1 < 0 || n2 < 0) { box_warn("invalid set"); return 1; }
    int in1[256] = {0};
    for (int i = 0; i < n1; i++) in1[s1[i]] = 1;
    if (complement) for (int i = 0; i < 256; i++) in1[i] = !in1[i];
    int map[256];
    for (int i = 0; i < 256; i++) map[i] = i;
    if (!del && n2 > 0) {
        if (complement) {
            for (int i = 0; i < 256; i++) if (in1[i]) map[i] = s2[n2 - 1];
        } else {
            for (int i = 0; i < n1; i++) map[s1[i]] = s2[i < n2 ? i : n2 - 1];
        }
    }
    int sq[256] = {0};
    if (squeeze) {
        if (del || nsets == 1) { for (int i = 0; i < 256; i++) sq[i] = del ? 0 : in1[i]; }
        else for (int i = 0; i < n2; i++) sq[s2[i]] = 1;
        if (del && nsets == 2) for (int i = 0; i < n2; i++) sq[s2[i]] = 1;
    }
    int ch, last = -1;
    while ((ch = getchar()) != EOF) {
        if (del && in1[ch]) continue;
        int o = map[ch];
        if (squeeze && sq[o] && o == last) continue;
        putchar(o);
        last = o;
    }
    return 0;
}
