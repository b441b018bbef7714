/* sort and uniq. */
#include "box.h"
#include <ctype.h>

struct sort_opts { int rev, num, uniq, fold, key; char sep; };
static struct sort_opts so;

static const char *key_start(const char *s)
{
    if (so.key <= 1) return s;
    int field = 1;
    if (so.sep) {
        for (; *s && field < so.key; s++) if (*s == so.sep) field++;
        return s;
    }
    /* blank-separated fields: leading blanks belong to the field */
    while (*s && field < so.key) {
        while (*s && isblank((unsigned char)*s)) s++;
        while (*s && !isblank((unsigned char)*s)) s++;
        field++;
    }
    return s;
}

static int compare(const char *a, const char *b)
{
    a = key_start(a);
    b = key_start(b);
    if (so.num) {
        double x = strtod(a, NULL), y = strtod(b, NULL);
        if (x < y) return -1;
        if (x > y) return 1;
        return 0;
    }
    return so.fold ? strcasecmp(a, b) : strcmp(a, b);
}

static int cmp_lines(const void *pa, const void *pb)
{
    const char *a = *(char *const *)pa, *b = *(char *const *)pb;
    int r = compare(a, b);
    if (r == 0 && !so.uniq) r = strcmp(a, b); /* last resort: whole line, like sort(1) */
    return so.rev ? -r : r;
}

APPLET(sort)
{
    memset(&so, 0, sizeof so);
    int c, st = 0;
    const char *outfile = NULL;
    while ((c = box_getopt(argc, argv, "rnufk:t:o:bs")) != -1) {
        switch (c) {
        case 'r': so.rev = 1; break;
        case 'n': so.num = 1; break;
        case 'u': so.uniq = 1; break;
        case 'f': so.fold = 1; break;
        case 'k': so.key = atoi(optarg); break;
        case 't': so.sep = optarg[0]; break;
        case 'o': outfile = optarg; break;
        case 'b': case 's': break;
        default: return box_usage_error("sort");
        }
    }
    char **lines = NULL;
    size_t n = 0;
    char *line = NULL;
    size_t cap = 0;
    int nin = argc - optind;
    for (int i = 0; i < (nin ? nin : 1); i++) {
        FILE *f = nin ? box_open_input(argv[optind + i]) : stdin;
        if (!f) { box_warn_errno("%s", argv[optind + i]); st = 2; continue; }
        while (box_getline(&line, &cap, f) >= 0) {
            lines = xrealloc(lines, sizeof(char *) * (n + 1));
            lines[n++] = xstrdup(line);
        }
        if (nin) box_close_input(f);
    }
    free(line);
    qsort(lines, n, sizeof(char *), cmp_lines);
    FILE *out = stdout;
    if (outfile && !(out = fopen(outfile, "w"))) { box_warn_errno("%s", outfile); out = stdout; st = 2; }
    for (size_t i = 0; i < n; i++) {
        if (so.uniq && i > 0 && compare(lines[i], lines[i - 1]) == 0) continue;
        fprintf(out, "%s\n", lines[i]);
    }
    if (out != stdout) fclose(out);
    for (size_t i = 0; i < n; i++) free(lines[i]);
    free(lines);
    return st;
}

APPLET(uniq)
{
    int count = 0, dups = 0, uniques = 0, icase = 0, c;
    while ((c = box_getopt(argc, argv, "cdui")) != -1) {
        if (c == 'c') count = 1;
        else if (c == 'd') dups = 1;
        else if (c == 'u') uniques = 1;
        else if (c == 'i') icase = 1;
        else return box_usage_error("uniq");
    }
    FILE *in = stdin, *out = stdout;
    if (optind < argc && !(in = box_open_input(argv[optind]))) { box_warn_errno("%s", argv[optind]); return 1; }
    if (optind + 1 < argc && !(out = fopen(argv[optind + 1], "w"))) { box_warn_errno("%s", argv[optind + 1]); box_close_input(in); return 1; }
    char *prev = NULL, *line = NULL;
    size_t cap = 0;
    long n = 0;
    for (;;) {
        ssize_t len = box_getline(&line, &cap, in);
        if (prev && (len < 0 || (icase ? strcasecmp(prev, line) : strcmp(prev, line)))) {
            if ((!dups || n > 1) && (!uniques || n == 1)) {
                if (count) fprintf(out, "%7ld %s\n", n, prev);
                else fprintf(out, "%s\n", prev);
            }
            free(prev);
            prev = NULL;
        }
        if (len < 0) break;
        if (!prev) { prev = xstrdup(line); n = 1; }
        else n++;
    }
    free(line);
    box_close_input(in);
    if (out != stdout) fclose(out);
    return 0;
}
