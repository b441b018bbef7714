/* echo and printf. */
#include "box.h"
#include <ctype.h>

/* Writes s with backslash escapes interpreted; returns 1 if \c asked to stop all output. */
static int put_escaped(const char *s, int printf_style)
{
    for (; *s; s++) {
        if (*s != '\\') { putchar(*s); continue; }
        s++;
        switch (*s) {
        case 0: putchar('\\'); return 0;
        case 'a': putchar('\a'); break;
        case 'b': putchar('\b'); break;
        case 'c': return 1;
        case 'e': putchar(27); break;
        case 'f': putchar('\f'); break;
        case 'n': putchar('\n'); break;
        case 'r': putchar('\r'); break;
        case 't': putchar('\t'); break;
        case 'v': putchar('\v'); break;
        case '\\': putchar('\\'); break;
        case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
            /* echo: \0NNN; printf: \NNN */
            int v = 0, n = 0;
            const char *p = s;
            if (!printf_style && *p == '0') p++;
            while (n < 3 && *p >= '0' && *p <= '7') { v = v * 8 + (*p - '0'); p++; n++; }
            putchar(v);
            s = p - 1;
            break;
        }
        case 'x': {
            int v = 0, n = 0;
            while (n < 2 && isxdigit((unsigned char)s[1])) {
                s++;
                v = v * 16 + (isdigit((unsigned char)*s) ? *s - '0' : (tolower((unsigned char)*s) - 'a' + 10));
                n++;
            }
            if (!n) { putchar('\\'); putchar('x'); }
            else putchar(v);
            break;
        }
        default: putchar('\\'); putchar(*s); break;
        }
    }
    return 0;
}

APPLET(echo)
{
    int nl = 1, esc = 0, i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        const char *c = argv[i] + 1;
        if (strspn(c, "neE") != strlen(c)) break;
        for (; *c; c++) {
            if (*c == 'n') nl = 0;
            else if (*c == 'e') esc = 1;
            else esc = 0;
        }
    }
    for (; i < argc; i++) {
        if (esc) { if (put_escaped(argv[i], 0)) return 0; }
        else fputs(argv[i], stdout);
        if (i + 1 < argc) putchar(' ');
    }
    if (nl) putchar('\n');
    return 0;
}

static int printf_bad;

static long long arg_int(const char *s)
{
    if (!s) return 0;
    if (*s == '\'' || *s == '"') return (unsigned char)s[1];
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 0);
    if (end == s || *end || errno) {
        fprintf(stderr, "printf: invalid number '%s'\n", s);
        printf_bad = 1;
    }
    return v;
}

static double arg_double(const char *s)
{
    if (!s) return 0;
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end) {
        fprintf(stderr, "printf: invalid number '%s'\n", s);
        printf_bad = 1;
    }
    return v;
}

APPLET(printf)
{
    if (argc < 2) return box_usage_error("printf");
    const char *fmt = argv[1];
    int ai = 2;
    printf_bad = 0;
    do {
        int used_arg = 0;
        for (const char *f = fmt; *f; f++) {
            if (*f == '\\') {
                char tmp[8] = {0};
                size_t k = 0;
                tmp[k++] = *f++;
                if (!*f) { putchar('\\'); break; }
                tmp[k++] = *f;
                if (*f >= '0' && *f <= '7') {
                    while (k < 4 && f[1] >= '0' && f[1] <= '7') tmp[k++] = *++f;
                } else if (*f == 'x') {
                    while (k < 4 && isxdigit((unsigned char)f[1])) tmp[k++] = *++f;
                }
                if (put_escaped(tmp, 1)) return printf_bad;
                continue;
            }
            if (*f != '%') { putchar(*f); continue; }
            if (f[1] == '%') { putchar('%'); f++; continue; }
            char spec[64];
            size_t k = 0;
            spec[k++] = '%';
            f++;
            while (*f && strchr("-+ #0", *f) && k < 40) spec[k++] = *f++;
            if (*f == '*') {
                k += (size_t)snprintf(spec + k, sizeof spec - k, "%d", (int)arg_int(ai < argc ? argv[ai++] : NULL));
                used_arg = 1;
                f++;
            } else while (isdigit((unsigned char)*f) && k < 48) spec[k++] = *f++;
            if (*f == '.') {
                spec[k++] = *f++;
                if (*f == '*') {
                    k += (size_t)snprintf(spec + k, sizeof spec - k, "%d", (int)arg_int(ai < argc ? argv[ai++] : NULL));
                    used_arg = 1;
                    f++;
                } else while (isdigit((unsigned char)*f) && k < 56) spec[k++] = *f++;
            }
            while (*f == 'l' || *f == 'h' || *f == 'z' || *f == 'j') f++;
            char conv = *f;
            if (!conv) break;
            const char *arg = ai < argc ? argv[ai++] : NULL;
            if (arg) used_arg = 1;
            switch (conv) {
            case 'd': case 'i':
                spec[k++] = 'l'; spec[k++] = 'l'; spec[k++] = conv; spec[k] = 0;
                printf(spec, arg_int(arg));
                break;
            case 'u': case 'x': case 'X': case 'o':
                spec[k++] = 'l'; spec[k++] = 'l'; spec[k++] = conv; spec[k] = 0;
                printf(spec, (unsigned long long)arg_int(arg));
                break;
            case 'f': case 'F': case 'e': case 'E': case 'g': case 'G':
                spec[k++] = conv; spec[k] = 0;
                printf(spec, arg_double(arg));
                break;
            case 'c':
                spec[k++] = 'c'; spec[k] = 0;
                printf(spec, arg ? arg[0] : 0);
                break;
            case 's':
                spec[k++] = 's'; spec[k] = 0;
                printf(spec, arg ? arg : "");
                break;
            case 'b':
                if (arg && put_escaped(arg, 0)) return printf_bad;
                break;
            default:
                fprintf(stderr, "printf: %%%c: invalid format\n", conv);
                return 1;
            }
        }
        if (!used_arg) break;
    } while (ai < argc);
    return printf_bad;
}
