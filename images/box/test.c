/* test and [ : POSIX expressions with ! -a -o and parentheses. */
#include "box.h"
#include <ctype.h>

struct t { char **v; int n, i; int err; };

static const char *peek(struct t *t) { return t->i < t->n ? t->v[t->i] : NULL; }

static int parse_int(struct t *t, const char *s, long long *out)
{
    char *end;
    while (isspace((unsigned char)*s)) s++;
    errno = 0;
    *out = strtoll(s, &end, 10);
    while (isspace((unsigned char)*end)) end++;
    if (end == s || *end || errno) {
        fprintf(stderr, "%s: invalid number '%s'\n", box_applet_name, s);
        t->err = 1;
        return -1;
    }
    return 0;
}

static int unary(struct t *t, const char *op, const char *arg)
{
    struct stat st;
    switch (op[1]) {
    case 'z': return !*arg;
    case 'n': return *arg != 0;
    case 'e': return stat(arg, &st) == 0;
    case 'f': return stat(arg, &st) == 0 && S_ISREG(st.st_mode);
    case 'd': return stat(arg, &st) == 0 && S_ISDIR(st.st_mode);
    case 's': return stat(arg, &st) == 0 && st.st_size > 0;
    case 'L': case 'h': return lstat(arg, &st) == 0 && S_ISLNK(st.st_mode);
    case 'r': case 'w': return access(arg, F_OK) == 0; /* no permissions in WASI: root can */
    case 'x': return stat(arg, &st) == 0; /* no permission bits in WASI */
    case 'p': return stat(arg, &st) == 0 && S_ISFIFO(st.st_mode);
    case 'c': return stat(arg, &st) == 0 && S_ISCHR(st.st_mode);
    case 'b': return stat(arg, &st) == 0 && S_ISBLK(st.st_mode);
    case 'S': return stat(arg, &st) == 0 && S_ISSOCK(st.st_mode);
    case 't': return isatty(atoi(arg));
    }
    (void)t;
    return 0;
}

static int is_unary(const char *s)
{
    return s && s[0] == '-' && s[1] && !s[2] && strchr("znefdsLhrwxpcbSt", s[1]);
}

static int is_binary(const char *s)
{
    static const char *const ops[] = { "=", "==", "!=", "-eq", "-ne", "-lt", "-le", "-gt", "-ge", "<", ">", "-nt", "-ot", NULL };
    for (int i = 0; s && ops[i]; i++) if (!strcmp(s, ops[i])) return 1;
    return 0;
}

static int binary(struct t *t, const char *a, const char *op, const char *b)
{
    if (!strcmp(op, "=") || !strcmp(op, "==")) return !strcmp(a, b);
    if (!strcmp(op, "!=")) return strcmp(a, b) != 0;
    if (!strcmp(op, "<")) return strcmp(a, b) < 0;
    if (!strcmp(op, ">")) return strcmp(a, b) > 0;
    if (!strcmp(op, "-nt") || !strcmp(op, "-ot")) {
        struct stat sa, sb;
        int ha = stat(a, &sa) == 0, hb = stat(b, &sb) == 0;
        if (op[1] == 'n') return ha && (!hb || sa.st_mtime > sb.st_mtime);
        return hb && (!ha || sa.st_mtime < sb.st_mtime);
    }
    long long x, y;
    if (parse_int(t, a, &x) || parse_int(t, b, &y)) return 0;
    if (!strcmp(op, "-eq")) return x == y;
    if (!strcmp(op, "-ne")) return x != y;
    if (!strcmp(op, "-lt")) return x < y;
    if (!strcmp(op, "-le")) return x <= y;
    if (!strcmp(op, "-gt")) return x > y;
    return x >= y;
}

static int expr_or(struct t *t);

static int primary(struct t *t)
{
    const char *s = peek(t);
    if (!s) { t->err = 1; fprintf(stderr, "%s: argument expected\n", box_applet_name); return 0; }
    if (!strcmp(s, "!")) { t->i++; return !primary(t); }
    if (!strcmp(s, "(") && t->i + 1 < t->n) {
        /* "( X )" can also be a string test on "(" if no closing parenthesis follows */
        t->i++;
        int v = expr_or(t);
        if (!peek(t) || strcmp(peek(t), ")")) { t->err = 1; fprintf(stderr, "%s: ')' expected\n", box_applet_name); return 0; }
        t->i++;
        return v;
    }
    if (t->i + 2 < t->n && is_binary(t->v[t->i + 1])) {
        const char *a = t->v[t->i], *op = t->v[t->i + 1], *b = t->v[t->i + 2];
        t->i += 3;
        return binary(t, a, op, b);
    }
    if (is_unary(s) && t->i + 1 < t->n) {
        t->i += 2;
        return unary(t, s, t->v[t->i - 1]);
    }
    t->i++;
    return *s != 0;
}

static int expr_and(struct t *t)
{
    int v = primary(t);
    while (!t->err && peek(t) && !strcmp(peek(t), "-a")) { t->i++; int w = primary(t); v = v && w; }
    return v;
}

static int expr_or(struct t *t)
{
    int v = expr_and(t);
    while (!t->err && peek(t) && !strcmp(peek(t), "-o")) { t->i++; int w = expr_and(t); v = v || w; }
    return v;
}

static int run_test(int n, char **v)
{
    struct t t = { v, n, 0, 0 };
    if (n == 0) return 1;
    /* POSIX rules by argument count keep "test -n" and "test !" meaning what they should */
    if (n == 1) return !*v[0];
    if (n == 2 && !strcmp(v[0], "!")) return *v[1] != 0;
    if (n == 2 && is_unary(v[0])) return !unary(&t, v[0], v[1]);
    if (n == 3 && is_binary(v[1])) { int r = binary(&t, v[0], v[1], v[2]); return t.err ? 2 : !r; }
    int r = expr_or(&t);
    if (!t.err && t.i < t.n) { fprintf(stderr, "%s: %s: unknown operand\n", box_applet_name, t.v[t.i]); t.err = 1; }
    return t.err ? 2 : !r;
}

APPLET(test) { return run_test(argc - 1, argv + 1); }

APPLET(bracket)
{
    if (argc < 2 || strcmp(argv[argc - 1], "]")) {
        fprintf(stderr, "[: missing ]\n");
        return 2;
    }
    return run_test(argc - 2, argv + 1);
}
