/* grep with POSIX regular expressions (wasi-libc's regcomp: BRE, or ERE with -E). */
#include "box.h"
#include <regex.h>
#include <ctype.h>
#include <dirent.h>

struct grep_opts {
    int whole, icase, invert, number, count, list, quiet, fixed, ext, word, only, names, recursive, nonames;
    char **pats;
    int npats;
    regex_t *res;
    int matched_any;
};

static int fixed_match(struct grep_opts *o, const char *line, const char *pat, size_t *so, size_t *eo)
{
    size_t pl = strlen(pat);
    for (const char *p = line; *p || (!pl && p == line); p++) {
        if (o->icase ? !strncasecmp(p, pat, pl) : !strncmp(p, pat, pl)) {
            *so = (size_t)(p - line);
            *eo = *so + pl;
            return 1;
        }
        if (!*p) break;
    }
    return 0;
}

static int is_word_char(char c) { return isalnum((unsigned char)c) || c == '_'; }

/* Finds the first match at or after `from`; returns 1 and the span. */
static int find_match(struct grep_opts *o, const char *line, size_t from, size_t *so, size_t *eo)
{
    int found = 0;
    size_t bs = 0, be = 0;
    for (int k = 0; k < o->npats; k++) {
        size_t start = from;
        for (;;) {
            size_t s, e;
            int m;
            if (o->fixed) {
                m = fixed_match(o, line + start, o->pats[k], &s, &e);
            } else {
                regmatch_t rm;
                m = regexec(&o->res[k], line + start, 1, &rm, start ? REG_NOTBOL : 0) == 0;
                s = (size_t)rm.rm_so;
                e = (size_t)rm.rm_eo;
            }
            if (!m) break;
            s += start;
            e += start;
            if (o->whole && (s != 0 || line[e])) {
                if (!line[s]) break;
                start = s + 1;
                continue;
            }
            if (o->word && ((s > 0 && is_word_char(line[s - 1])) || is_word_char(line[e]) || e == s)) {
                if (!line[s]) break;
                start = s + 1;
                continue;
            }
            if (!found || s < bs) { bs = s; be = e; found = 1; }
            break;
        }
    }
    if (found) { *so = bs; *eo = be; }
    return found;
}

static int grep_stream(struct grep_opts *o, FILE *f, const char *name)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    long lineno = 0, count = 0;
    while ((len = box_getline(&line, &cap, f)) >= 0) {
        lineno++;
        size_t so, eo;
        int m = find_match(o, line, 0, &so, &eo);
        if (m == o->invert) continue;
        count++;
        o->matched_any = 1;
        if (o->quiet) break;
        if (o->list) break;
        if (o->count) continue;
        if (o->only && !o->invert) {
            size_t from = 0;
            while (find_match(o, line, from, &so, &eo)) {
                if (eo == so) { from = so + 1; if (!line[so]) break; continue; }
                if (o->names) printf("%s:", name);
                if (o->number) printf("%ld:", lineno);
                printf("%.*s\n", (int)(eo - so), line + so);
                from = eo;
            }
            continue;
        }
        if (o->names) printf("%s:", name);
        if (o->number) printf("%ld:", lineno);
        printf("%s\n", line);
        if (box_out_broken()) break;
    }
    free(line);
    if (o->count) {
        if (o->names) printf("%s:", name);
        printf("%ld\n", count);
    }
    if (o->list && count) printf("%s\n", name);
    return 0;
}

static int grep_path(struct grep_opts *o, const char *path)
{
    if (o->recursive && box_is_dir(path)) {
        DIR *d = opendir(path);
        if (!d) { box_warn_errno("%s", path); return 1; }
        char **names = NULL;
        int n = 0, st = 0;
        struct dirent *e;
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
            names = xrealloc(names, sizeof(char *) * (size_t)(n + 1));
            names[n++] = xstrdup(e->d_name);
        }
        closedir(d);
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) if (strcmp(names[j], names[i]) < 0) { char *t = names[i]; names[i] = names[j]; names[j] = t; }
        }
        for (int i = 0; i < n; i++) {
            char *p = xasprintf("%s/%s", path, names[i]);
            st |= grep_path(o, p);
            free(p);
            free(names[i]);
        }
        free(names);
        return st;
    }
    FILE *f = box_open_input(path);
    if (!f) {
        if (!o->quiet) box_warn("%s: %s", path, strerror(errno));
        return 2;
    }
    grep_stream(o, f, strcmp(path, "-") ? path : "(standard input)");
    box_close_input(f);
    return 0;
}

APPLET(grep)
{
    struct grep_opts o;
    memset(&o, 0, sizeof o);
    int c, err = 0;
    while ((c = box_getopt(argc, argv, "ivncle:qFEwosrRhHx")) != -1) {
        switch (c) {
        case 'i': o.icase = 1; break;
        case 'v': o.invert = 1; break;
        case 'n': o.number = 1; break;
        case 'c': o.count = 1; break;
        case 'l': o.list = 1; break;
        case 'q': o.quiet = 1; break;
        case 'F': o.fixed = 1; break;
        case 'E': o.ext = 1; break;
        case 'w': o.word = 1; break;
        case 'o': o.only = 1; break;
        case 's': break;
        case 'r': case 'R': o.recursive = 1; break;
        case 'h': o.nonames = 1; break;
        case 'H': o.names = 2; break;
        case 'x': o.whole = 1; break;
        case 'e':
            o.pats = xrealloc(o.pats, sizeof(char *) * (size_t)(o.npats + 1));
            o.pats[o.npats++] = optarg;
            break;
        default: free(o.pats); return box_usage_error("grep") + 1;
        }
    }
    if (!o.npats) {
        if (optind >= argc) { free(o.pats); return box_usage_error("grep") + 1; }
        o.pats = xrealloc(o.pats, sizeof(char *));
        o.pats[o.npats++] = argv[optind++];
    }
    if (!o.fixed) {
        o.res = xmalloc(sizeof(regex_t) * (size_t)o.npats);
        for (int k = 0; k < o.npats; k++) {
            char *pat = o.whole ? xasprintf(o.ext ? "^(%s)$" : "^\\(%s\\)$", o.pats[k]) : xstrdup(o.pats[k]);
            int r = regcomp(&o.res[k], pat, (o.ext ? REG_EXTENDED : 0) | (o.icase ? REG_ICASE : 0));
            free(pat);
            if (r) {
                char msg[128];
                regerror(r, &o.res[k], msg, sizeof msg);
                box_warn("bad regex '%s': %s", o.pats[k], msg);
                for (int j = 0; j < k; j++) regfree(&o.res[j]);
                free(o.res);
                free(o.pats);
                return 2;
            }
        }
    }
    int nfiles = argc - optind;
    if (o.names != 2) o.names = (nfiles > 1 || o.recursive) && !o.nonames;
    if (nfiles == 0) {
        if (o.recursive) err |= grep_path(&o, ".");
        else grep_stream(&o, stdin, "(standard input)");
    }
    for (int i = optind; i < argc && !(o.quiet && o.matched_any); i++) err |= grep_path(&o, argv[i]);
    if (!o.fixed) for (int k = 0; k < o.npats; k++) regfree(&o.res[k]);
    free(o.res);
    free(o.pats);
    if (err && !(o.quiet && o.matched_any)) return 2;
    return o.matched_any ? 0 : 1;
}
