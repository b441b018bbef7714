/* ls. WASI file systems keep no permission bits, owners or block counts, so ls -l shows what a
 * Docker image's files would normally have: directories drwxr-xr-x, programs (WASI modules and
 * #! scripts) -rwxr-xr-x, other files -rw-r--r--, symlinks lrwxrwxrwx, owner root. Directory
 * sizes are not meaningful across runtimes and are shown as 4096, link counts as 1 (files) and
 * 2 (directories), so that every host prints the same listing. */
#include "box.h"
#include <dirent.h>
#include <time.h>
#include <sys/ioctl.h>

struct ls_opts { int all, almost, lng, rec, one, dir, human, classify, cols, nosort; };

struct entry { char *name; char *path; struct stat st; int ok; };

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);
}

static int is_program(const char *path)
{
    unsigned char m[4] = {0};
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    size_t n = fread(m, 1, 4, f);
    fclose(f);
    return (n == 4 && m[0] == 0 && m[1] == 'a' && m[2] == 's' && m[3] == 'm') || (n >= 2 && m[0] == '#' && m[1] == '!');
}

void box_mode_string(const char *path, const struct stat *st, char out[11])
{
    if (S_ISDIR(st->st_mode)) strcpy(out, "drwxr-xr-x");
    else if (S_ISLNK(st->st_mode)) strcpy(out, "lrwxrwxrwx");
    else if (S_ISREG(st->st_mode)) strcpy(out, is_program(path) ? "-rwxr-xr-x" : "-rw-r--r--");
    else if (S_ISCHR(st->st_mode)) strcpy(out, "crw-rw-rw-");
    else if (S_ISBLK(st->st_mode)) strcpy(out, "brw-rw----");
    else if (S_ISFIFO(st->st_mode)) strcpy(out, "prw-r--r--");
    else if (S_ISSOCK(st->st_mode)) strcpy(out, "srwxr-xr-x");
    else strcpy(out, "?---------");
}

unsigned long long box_shown_size(const struct stat *st)
{
    return S_ISDIR(st->st_mode) ? 4096 : (unsigned long long)st->st_size;
}

static void print_long(struct ls_opts *o, struct entry *e)
{
    char mode[11], size[32], when[32];
    box_mode_string(e->path, &e->st, mode);
    unsigned long long sz = box_shown_size(&e->st);
    if (o->human) box_human_size(size, sizeof size, sz);
    else snprintf(size, sizeof size, "%llu", sz);
    time_t t = e->st.st_mtime, now = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    if (t > now - 182 * 86400 && t <= now + 3600) strftime(when, sizeof when, "%b %e %H:%M", &tm);
    else strftime(when, sizeof when, "%b %e  %Y", &tm);
    printf("%s %4d %-8s %-8s %9s %s %s", mode, S_ISDIR(e->st.st_mode) ? 2 : 1, "root", "root", size, when, e->name);
    if (S_ISLNK(e->st.st_mode)) {
        char target[4096];
        ssize_t n = readlink(e->path, target, sizeof target - 1);
        if (n >= 0) { target[n] = 0; printf(" -> %s", target); }
    }
    putchar('\n');
}

static void print_name(struct ls_opts *o, struct entry *e)
{
    fputs(e->name, stdout);
    if (o->classify) {
        if (S_ISDIR(e->st.st_mode)) putchar('/');
        else if (S_ISLNK(e->st.st_mode)) putchar('@');
        else if (S_ISREG(e->st.st_mode) && is_program(e->path)) putchar('*');
    }
}

static void print_entries(struct ls_opts *o, struct entry *es, int n)
{
    if (o->lng) {
        for (int i = 0; i < n; i++) print_long(o, &es[i]);
        return;
    }
    if (!o->cols || o->one) {
        for (int i = 0; i < n; i++) { print_name(o, &es[i]); putchar('\n'); }
        return;
    }
    /* columns, filled top to bottom like busybox and GNU on a terminal */
    size_t w = 0;
    for (int i = 0; i < n; i++) if (strlen(es[i].name) + (o->classify ? 1 : 0) > w) w = strlen(es[i].name) + (o->classify ? 1 : 0);
    w += 2;
    int width = 80;
    const char *c = getenv("COLUMNS");
    if (c && atoi(c) > 10) width = atoi(c);
    int ncol = (int)((size_t)width / w);
    if (ncol < 1) ncol = 1;
    int nrow = (n + ncol - 1) / ncol;
    for (int r = 0; r < nrow; r++) {
        for (int col = 0; col < ncol; col++) {
            int i = col * nrow + r;
            if (i >= n) break;
            print_name(o, &es[i]);
            int last = (col + 1) * nrow + r >= n;
            if (!last) for (size_t k = strlen(es[i].name) + (o->classify && !S_ISREG(es[i].st.st_mode) ? 1 : 0); k < w; k++) putchar(' ');
        }
        putchar('\n');
    }
}

static int list_dir(struct ls_opts *o, const char *path, int header, int *first);

static int load(struct entry *e, const char *name, const char *path, int follow)
{
    e->name = xstrdup(name);
    e->path = xstrdup(path);
    e->ok = (follow ? stat(path, &e->st) : lstat(path, &e->st)) == 0;
    if (!e->ok && follow) e->ok = lstat(path, &e->st) == 0;
    return e->ok;
}

static void free_entries(struct entry *es, int n)
{
    for (int i = 0; i < n; i++) { free(es[i].name); free(es[i].path); }
    free(es);
}

static int list_dir(struct ls_opts *o, const char *path, int header, int *first)
{
    DIR *d = opendir(path);
    if (!d) {
        box_warn("can't open '%s': %s", path, strerror(errno));
        return 1;
    }
    struct entry *es = NULL;
    int n = 0;
    struct dirent *de;
    if (o->all) {
        es = xrealloc(es, sizeof *es * 2);
        load(&es[n++], ".", path, 0);
        char *pp = xasprintf("%s/..", path);
        load(&es[n++], "..", pp, 0);
        free(pp);
    }
    while ((de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
        if (de->d_name[0] == '.' && !o->all && !o->almost) continue;
        es = xrealloc(es, sizeof *es * (size_t)(n + 1));
        char *p = strcmp(path, "/") ? xasprintf("%s/%s", path, de->d_name) : xasprintf("/%s", de->d_name);
        load(&es[n], de->d_name, p, 0);
        free(p);
        n++;
    }
    closedir(d);
    qsort(es, (size_t)n, sizeof *es, cmp_entry);
    if (header) {
        if (!*first) putchar('\n');
        printf("%s:\n", path);
    }
    *first = 0;
    if (o->lng) {
        unsigned long long total = 0;
        for (int i = 0; i < n; i++) total += (box_shown_size(&es[i].st) + 1023) / 1024;
        printf("total %llu\n", total);
    }
    print_entries(o, es, n);
    int st = 0;
    if (o->rec) {
        for (int i = 0; i < n; i++) {
            if (!strcmp(es[i].name, ".") || !strcmp(es[i].name, "..")) continue;
            if (es[i].ok && S_ISDIR(es[i].st.st_mode)) st |= list_dir(o, es[i].path, 1, first);
        }
    }
    free_entries(es, n);
    return st;
}

APPLET(ls)
{
    struct ls_opts o;
    memset(&o, 0, sizeof o);
    int c, st = 0;
    while ((c = box_getopt(argc, argv, "alARdh1FCU")) != -1) {
        switch (c) {
        case 'a': o.all = 1; break;
        case 'A': o.almost = 1; break;
        case 'l': o.lng = 1; break;
        case 'R': o.rec = 1; break;
        case 'd': o.dir = 1; break;
        case 'h': o.human = 1; break;
        case '1': o.one = 1; break;
        case 'F': o.classify = 1; break;
        case 'C': o.cols = 2; break;
        case 'U': o.nosort = 1; break;
        default: return box_usage_error("ls");
        }
    }
    if (!o.cols) o.cols = box_out == box_real_stdout() && box_isatty(1);
    int nargs = argc - optind;
    char *dot[] = { ".", NULL };
    char **args = nargs ? argv + optind : dot;
    if (!nargs) nargs = 1;
    struct entry *files = NULL, *dirs = NULL;
    int nf = 0, nd = 0;
    for (int i = 0; i < nargs; i++) {
        struct entry e;
        if (!load(&e, args[i], args[i], 1)) {
            box_warn("%s: No such file or directory", args[i]);
            free(e.name);
            free(e.path);
            st = 1;
            continue;
        }
        if (S_ISDIR(e.st.st_mode) && !o.dir) {
            dirs = xrealloc(dirs, sizeof *dirs * (size_t)(nd + 1));
            dirs[nd++] = e;
        } else {
            if (!o.lng) { /* a symlink named on the command line: show the link itself */ }
            files = xrealloc(files, sizeof *files * (size_t)(nf + 1));
            files[nf++] = e;
        }
    }
    qsort(files, (size_t)nf, sizeof *files, cmp_entry);
    qsort(dirs, (size_t)nd, sizeof *dirs, cmp_entry);
    if (nf) {
        if (o.lng) for (int i = 0; i < nf; i++) lstat(files[i].path, &files[i].st);
        print_entries(&o, files, nf);
    }
    int first = nf == 0;
    for (int i = 0; i < nd; i++) st |= list_dir(&o, dirs[i].path, nargs > 1 || o.rec, &first);
    free_entries(files, nf);
    free_entries(dirs, nd);
    return st;
}
