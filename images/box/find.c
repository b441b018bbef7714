/* find, du, stat, which. Directory entries are visited in sorted order (readdir order differs
 * between WASI runtimes; sorting keeps every host's output the same). du counts each file's size
 * rounded up to 1 KiB blocks and directories as 0 blocks: WASI reports no block counts. */
#include "box.h"
#include <dirent.h>
#include <fnmatch.h>
#include <time.h>

void box_mode_string(const char *path, const struct stat *st, char out[11]); /* ls.c */
unsigned long long box_shown_size(const struct stat *st);

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Sorted names in a directory, without . and .. */
static char **dir_names(const char *path, int *n)
{
    DIR *d = opendir(path);
    *n = 0;
    if (!d) return NULL;
    char **v = NULL;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        v = xrealloc(v, sizeof(char *) * (size_t)(*n + 1));
        v[(*n)++] = xstrdup(e->d_name);
    }
    closedir(d);
    if (*n) qsort(v, (size_t)*n, sizeof(char *), cmp_str);
    return v;
}

static char *join(const char *dir, const char *name)
{
    size_t l = strlen(dir);
    return l && dir[l - 1] == '/' ? xasprintf("%s%s", dir, name) : xasprintf("%s/%s", dir, name);
}

/* ---- find: a conjunction of tests (-name -iname -type -path -maxdepth -mindepth), or -o ---- */

enum ftest { F_NAME, F_INAME, F_TYPE, F_PATH, F_OR, F_NOT, F_PRINT, F_EMPTY };
struct fexpr { enum ftest t; const char *arg; };
struct find_opts { struct fexpr *e; int n; int maxdepth, mindepth; };

static int eval_one(struct fexpr *x, const char *path, const struct stat *st)
{
    const char *base = box_basename(path);
    switch (x->t) {
    case F_NAME: return fnmatch(x->arg, base, 0) == 0;
    case F_INAME: return fnmatch(x->arg, base, FNM_CASEFOLD) == 0;
    case F_PATH: return fnmatch(x->arg, path, 0) == 0;
    case F_TYPE:
        switch (x->arg[0]) {
        case 'f': return S_ISREG(st->st_mode);
        case 'd': return S_ISDIR(st->st_mode);
        case 'l': return S_ISLNK(st->st_mode);
        default: return 0;
        }
    case F_EMPTY:
        if (S_ISDIR(st->st_mode)) { int n; char **v = dir_names(path, &n); for (int i = 0; i < n; i++) free(v[i]); free(v); return n == 0; }
        return S_ISREG(st->st_mode) && st->st_size == 0;
    default: return 1;
    }
}

static int matches(struct find_opts *o, const char *path, const struct stat *st)
{
    /* terms joined by implicit -a; -o splits alternatives */
    int result = 0, cur = 1, neg = 0;
    for (int i = 0; i < o->n; i++) {
        struct fexpr *x = &o->e[i];
        if (x->t == F_OR) { result |= cur; cur = 1; continue; }
        if (x->t == F_NOT) { neg = !neg; continue; }
        if (x->t == F_PRINT) continue;
        int v = eval_one(x, path, st);
        if (neg) v = !v;
        neg = 0;
        cur = cur && v;
    }
    return result | cur;
}

static void walk(struct find_opts *o, const char *path, int depth, int *st)
{
    struct stat sb;
    if (lstat(path, &sb) != 0) {
        box_warn("%s: %s", path, strerror(errno));
        *st = 1;
        return;
    }
    if (depth >= o->mindepth && matches(o, path, &sb)) printf("%s\n", path);
    if (S_ISDIR(sb.st_mode) && (o->maxdepth < 0 || depth < o->maxdepth)) {
        int n;
        char **names = dir_names(path, &n);
        for (int i = 0; i < n; i++) {
            char *p = join(path, names[i]);
            walk(o, p, depth + 1, st);
            free(p);
            free(names[i]);
        }
        free(names);
    }
}

APPLET(find)
{
    struct find_opts o = { NULL, 0, -1, 0 };
    int i = 1, st = 0;
    int first_path = i;
    while (i < argc && argv[i][0] != '-' && strcmp(argv[i], "!") && strcmp(argv[i], "(")) i++;
    int last_path = i;
    for (; i < argc; i++) {
        const char *a = argv[i];
        struct fexpr x = { F_PRINT, NULL };
        int needs = 1;
        if (!strcmp(a, "-name")) x.t = F_NAME;
        else if (!strcmp(a, "-iname")) x.t = F_INAME;
        else if (!strcmp(a, "-type")) x.t = F_TYPE;
        else if (!strcmp(a, "-path") || !strcmp(a, "-wholename")) x.t = F_PATH;
        else if (!strcmp(a, "-maxdepth") || !strcmp(a, "-mindepth")) {
            if (i + 1 >= argc) { box_warn("%s: missing argument", a); free(o.e); return 1; }
            int v = atoi(argv[++i]);
            if (a[2] == 'a') o.maxdepth = v; else o.mindepth = v;
            continue;
        } else if (!strcmp(a, "-o") || !strcmp(a, "-or")) { x.t = F_OR; needs = 0; }
        else if (!strcmp(a, "!") || !strcmp(a, "-not")) { x.t = F_NOT; needs = 0; }
        else if (!strcmp(a, "-a") || !strcmp(a, "-and")) continue;
        else if (!strcmp(a, "-print")) { needs = 0; }
        else if (!strcmp(a, "-empty")) { x.t = F_EMPTY; needs = 0; }
        else { box_warn("unrecognized: %s", a); free(o.e); return 1; }
        if (needs) {
            if (i + 1 >= argc) { box_warn("%s: missing argument", a); free(o.e); return 1; }
            x.arg = argv[++i];
        }
        o.e = xrealloc(o.e, sizeof x * (size_t)(o.n + 1));
        o.e[o.n++] = x;
    }
    if (first_path == last_path) walk(&o, ".", 0, &st);
    for (int k = first_path; k < last_path; k++) walk(&o, argv[k], 0, &st);
    free(o.e);
    return st;
}

/* ---- du ---- */

struct du_opts { int summary, human, all; };

static void du_print(struct du_opts *o, unsigned long long kb, const char *path)
{
    if (o->human) {
        char b[32];
        box_human_size(b, sizeof b, kb * 1024);
        printf("%s\t%s\n", b, path);
    } else printf("%llu\t%s\n", kb, path);
}

static unsigned long long du_walk(struct du_opts *o, const char *path, int depth)
{
    struct stat sb;
    if (lstat(path, &sb) != 0) { box_warn("%s: %s", path, strerror(errno)); return 0; }
    if (!S_ISDIR(sb.st_mode)) {
        unsigned long long kb = S_ISREG(sb.st_mode) ? ((unsigned long long)sb.st_size + 1023) / 1024 : 0;
        if (depth == 0 || (o->all && !o->summary)) du_print(o, kb, path);
        return kb;
    }
    unsigned long long total = 0;
    int n;
    char **names = dir_names(path, &n);
    for (int i = 0; i < n; i++) {
        char *p = join(path, names[i]);
        total += du_walk(o, p, depth + 1);
        free(p);
        free(names[i]);
    }
    free(names);
    if (!o->summary || depth == 0) du_print(o, total, path);
    return total;
}

APPLET(du)
{
    struct du_opts o = {0, 0, 0};
    int c;
    while ((c = box_getopt(argc, argv, "shakcx")) != -1) {
        if (c == 's') o.summary = 1;
        else if (c == 'h') o.human = 1;
        else if (c == 'a') o.all = 1;
        else if (c == 'k' || c == 'c' || c == 'x') {}
        else return box_usage_error("du");
    }
    if (optind >= argc) du_walk(&o, ".", 0);
    for (int i = optind; i < argc; i++) du_walk(&o, argv[i], 0);
    return 0;
}

/* ---- stat ---- */

static const char *type_name(const struct stat *st)
{
    if (S_ISREG(st->st_mode)) return st->st_size ? "regular file" : "regular empty file";
    if (S_ISDIR(st->st_mode)) return "directory";
    if (S_ISLNK(st->st_mode)) return "symbolic link";
    if (S_ISCHR(st->st_mode)) return "character special file";
    if (S_ISBLK(st->st_mode)) return "block special file";
    if (S_ISFIFO(st->st_mode)) return "fifo";
    if (S_ISSOCK(st->st_mode)) return "socket";
    return "unknown";
}

static void fmt_time(time_t t, char *out, size_t n)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, n, "%Y-%m-%d %H:%M:%S.000000000 +0000", &tm);
}

static unsigned mode_octal(const char *m)
{
    unsigned v = 0;
    for (int i = 1; i < 10; i++) v = (v << 1) | (m[i] != '-');
    return v;
}

APPLET(stat)
{
    const char *fmt = NULL;
    int follow = 0, c, st = 0;
    while ((c = box_getopt(argc, argv, "c:L")) != -1) {
        if (c == 'c') fmt = optarg;
        else if (c == 'L') follow = 1;
        else return box_usage_error("stat");
    }
    if (optind >= argc) return box_usage_error("stat");
    for (int i = optind; i < argc; i++) {
        struct stat sb;
        const char *p = argv[i];
        if ((follow ? stat(p, &sb) : lstat(p, &sb)) != 0) {
            box_warn("can't stat '%s': %s", p, strerror(errno));
            st = 1;
            continue;
        }
        char mode[11], when[64];
        box_mode_string(p, &sb, mode);
        unsigned long long size = box_shown_size(&sb);
        if (fmt) {
            for (const char *f = fmt; *f; f++) {
                if (*f != '%' || !f[1]) { putchar(*f); continue; }
                switch (*++f) {
                case 'n': fputs(p, stdout); break;
                case 's': printf("%llu", size); break;
                case 'F': fputs(type_name(&sb), stdout); break;
                case 'a': printf("%o", mode_octal(mode)); break;
                case 'A': fputs(mode, stdout); break;
                case 'u': case 'g': putchar('0'); break;
                case 'U': case 'G': fputs("root", stdout); break;
                case 'Y': printf("%lld", (long long)sb.st_mtime); break;
                case 'y': fmt_time(sb.st_mtime, when, sizeof when); fputs(when, stdout); break;
                case '%': putchar('%'); break;
                default: putchar('%'); putchar(*f); break;
                }
            }
            putchar('\n');
            continue;
        }
        printf("  File: %s", p);
        if (S_ISLNK(sb.st_mode)) {
            char t[4096];
            ssize_t n = readlink(p, t, sizeof t - 1);
            if (n >= 0) { t[n] = 0; printf(" -> %s", t); }
        }
        printf("\n  Size: %-10llu\tBlocks: %-10llu %s\n", size, (size + 511) / 512, type_name(&sb));
        printf("Access: (%04o/%s)  Uid: (    0/    root)   Gid: (    0/    root)\n", mode_octal(mode), mode);
        fmt_time(sb.st_mtime, when, sizeof when);
        printf("Modify: %s\n", when);
    }
    return st;
}

/* ---- which ---- */

APPLET(which)
{
    int all = 0, st = 0, i = 1;
    if (i < argc && !strcmp(argv[i], "-a")) { all = 1; i++; }
    if (i >= argc) return box_usage_error("which");
    const char *path = getenv("PATH");
    if (!path) path = "/bin:/usr/bin:/usr/local/bin";
    for (; i < argc; i++) {
        int found = 0;
        if (strchr(argv[i], '/')) {
            struct stat sb;
            if (stat(argv[i], &sb) == 0 && S_ISREG(sb.st_mode)) { printf("%s\n", argv[i]); found = 1; }
        } else {
            const char *p = path;
            for (;;) {
                const char *colon = strchr(p, ':');
                size_t n = colon ? (size_t)(colon - p) : strlen(p);
                char *cand = xasprintf("%.*s/%s", (int)n, n ? p : ".", argv[i]);
                struct stat sb;
                if (stat(cand, &sb) == 0 && S_ISREG(sb.st_mode)) {
                    printf("%s\n", cand);
                    found = 1;
                }
                free(cand);
                if ((found && !all) || !colon) break;
                p = colon + 1;
            }
        }
        if (!found) st = 1;
    }
    return st;
}
