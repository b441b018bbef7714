/* sed: addresses (N, $, /RE/, ranges, !), commands s d p q = a i c y, options -n -e -i -E. */
#include "box.h"
#include <regex.h>
#include <ctype.h>

enum addr_kind { A_NONE, A_LINE, A_LAST, A_RE };
struct addr { enum addr_kind kind; long line; regex_t re; };

struct cmd {
    struct addr a1, a2;
    int neg, in_range;
    char op;
    regex_t re;        /* s */
    int has_re;
    char *repl;        /* s replacement, a/i/c text, y source */
    char *y_to;
    int global, print, nth, icase;
};

struct sed { struct cmd *cmds; int n; int quiet, ext; };

static char *read_delimited(const char **sp, char delim, int is_re)
{
    const char *s = *sp;
    struct sbuf b = {0};
    while (*s && *s != delim) {
        if (*s == '\\' && s[1]) {
            if (s[1] == delim) { sb_addc(&b, delim); s += 2; continue; }
            if (s[1] == 'n' && is_re) { sb_addc(&b, '\n'); s += 2; continue; }
            sb_addc(&b, *s++);
        }
        sb_addc(&b, *s++);
    }
    if (*s != delim) { free(b.s); return NULL; }
    *sp = s + 1;
    return sb_take(&b);
}

static int compile_re(struct sed *sd, regex_t *re, const char *pat, int icase)
{
    int r = regcomp(re, pat, (sd->ext ? REG_EXTENDED : 0) | (icase ? REG_ICASE : 0));
    if (r) {
        char msg[128];
        regerror(r, re, msg, sizeof msg);
        box_warn("bad regex '%s': %s", pat, msg);
        return -1;
    }
    return 0;
}

static int parse_addr(struct sed *sd, const char **sp, struct addr *a)
{
    const char *s = *sp;
    a->kind = A_NONE;
    if (isdigit((unsigned char)*s)) {
        a->kind = A_LINE;
        a->line = strtol(s, (char **)&s, 10);
    } else if (*s == '$') {
        a->kind = A_LAST;
        s++;
    } else if (*s == '/' || *s == '\\') {
        char delim = '/';
        if (*s == '\\') { s++; delim = *s; }
        s++;
        char *pat = read_delimited(&s, delim, 1);
        if (!pat) return -1;
        a->kind = A_RE;
        int r = compile_re(sd, &a->re, pat, 0);
        free(pat);
        if (r) return -1;
    }
    *sp = s;
    return 0;
}

static char *read_text_arg(const char **sp)
{
    const char *s = *sp;
    if (*s == '\\') { s++; if (*s == '\n') s++; }
    while (*s == ' ' || *s == '\t') s++;
    struct sbuf b = {0};
    while (*s && *s != '\n') {
        if (*s == '\\' && s[1]) { s++; }
        sb_addc(&b, *s++);
    }
    *sp = s;
    return sb_take(&b);
}

static int parse_script(struct sed *sd, const char *s)
{
    for (;;) {
        while (*s == ' ' || *s == '\t' || *s == '\n' || *s == ';') s++;
        if (!*s) return 0;
        struct cmd c;
        memset(&c, 0, sizeof c);
        if (parse_addr(sd, &s, &c.a1)) return -1;
        if (c.a1.kind != A_NONE && *s == ',') {
            s++;
            if (parse_addr(sd, &s, &c.a2) || c.a2.kind == A_NONE) { box_warn("unexpected ','"); return -1; }
        }
        while (*s == ' ') s++;
        if (*s == '!') { c.neg = 1; s++; while (*s == ' ') s++; }
        c.op = *s;
        if (!c.op) { box_warn("missing command"); return -1; }
        s++;
        switch (c.op) {
        case 's': {
            char delim = *s++;
            if (!delim || delim == '\n' || delim == '\\') { box_warn("unterminated 's' command"); return -1; }
            char *pat = read_delimited(&s, delim, 1);
            char *rep = pat ? read_delimited(&s, delim, 0) : NULL;
            if (!pat || !rep) { free(pat); box_warn("unterminated 's' command"); return -1; }
            for (;;) {
                if (*s == 'g') c.global = 1;
                else if (*s == 'p') c.print = 1;
                else if (*s == 'i' || *s == 'I') c.icase = 1;
                else if (isdigit((unsigned char)*s)) { c.nth = (int)strtol(s, (char **)&s, 10); continue; }
                else break;
                s++;
            }
            if (*pat) {
                if (compile_re(sd, &c.re, pat, c.icase)) { free(pat); free(rep); return -1; }
                c.has_re = 1;
            }
            free(pat);
            c.repl = rep;
            break;
        }
        case 'y': {
            char delim = *s++;
            char *from = read_delimited(&s, delim, 0), *to = from ? read_delimited(&s, delim, 0) : NULL;
            if (!from || !to || strlen(from) != strlen(to)) { free(from); free(to); box_warn("strings for 'y' command are different lengths"); return -1; }
            c.repl = from;
            c.y_to = to;
            break;
        }
        case 'a': case 'i': case 'c':
            c.repl = read_text_arg(&s);
            break;
        case 'd': case 'p': case 'q': case '=': case 'n': case 'N': case 'D': case 'P': case 'h': case 'H': case 'g': case 'G': case 'x':
            if (strchr("nNDPhHgGx", c.op)) { box_warn("command '%c' is not supported by box sed", c.op); return -1; }
            break;
        case '{': case '}':
            box_warn("blocks ({ }) are not supported by box sed");
            return -1;
        default:
            box_warn("unsupported command %c", c.op);
            return -1;
        }
        sd->cmds = xrealloc(sd->cmds, sizeof c * (size_t)(sd->n + 1));
        sd->cmds[sd->n++] = c;
    }
}

static int addr_match(struct addr *a, const char *line, long lineno, int last)
{
    switch (a->kind) {
    case A_NONE: return 1;
    case A_LINE: return lineno == a->line;
    case A_LAST: return last;
    case A_RE: return regexec(&a->re, line, 0, NULL, 0) == 0;
    }
    return 0;
}

static int selects(struct cmd *c, const char *line, long lineno, int last)
{
    int m;
    if (c->a1.kind == A_NONE) m = 1;
    else if (c->a2.kind == A_NONE) m = addr_match(&c->a1, line, lineno, last);
    else if (c->in_range) {
        m = 1;
        if (c->a2.kind == A_LINE ? lineno >= c->a2.line : addr_match(&c->a2, line, lineno, last)) c->in_range = 0;
    } else if (addr_match(&c->a1, line, lineno, last)) {
        m = 1;
        c->in_range = 1;
        if (c->a2.kind == A_LINE && lineno >= c->a2.line) c->in_range = 0;
    } else m = 0;
    return c->neg ? !m : m;
}

static regex_t *last_re;

static int substitute(struct cmd *c, char **linep)
{
    regex_t *re = c->has_re ? &c->re : last_re;
    if (!re) return 0;
    if (c->has_re) last_re = &c->re;
    const char *line = *linep;
    struct sbuf out = {0};
    size_t pos = 0, len = strlen(line);
    int count = 0, did = 0;
    regmatch_t m[10];
    while (pos <= len && regexec(re, line + pos, 10, m, pos ? REG_NOTBOL : 0) == 0) {
        count++;
        size_t so = pos + (size_t)m[0].rm_so, eo = pos + (size_t)m[0].rm_eo;
        sb_addn(&out, line + pos, so - pos);
        if (c->nth && count < c->nth) {
            sb_addn(&out, line + so, eo - so);
        } else {
            for (const char *r = c->repl; *r; r++) {
                if (*r == '&') sb_addn(&out, line + so, eo - so);
                else if (*r == '\\' && r[1] >= '0' && r[1] <= '9') {
                    int g = *++r - '0';
                    if (m[g].rm_so >= 0) sb_addn(&out, line + pos + m[g].rm_so, (size_t)(m[g].rm_eo - m[g].rm_so));
                } else if (*r == '\\' && r[1] == 'n') { sb_addc(&out, '\n'); r++; }
                else if (*r == '\\' && r[1] == 't') { sb_addc(&out, '\t'); r++; }
                else if (*r == '\\' && r[1]) sb_addc(&out, *++r);
                else sb_addc(&out, *r);
            }
            did = 1;
        }
        if (eo == so) {
            if (so < len) sb_addc(&out, line[so]);
            pos = so + 1;
        } else pos = eo;
        if (did && !c->global) break;
    }
    if (!did) { free(out.s); return 0; }
    if (pos < len) sb_addn(&out, line + pos, len - pos);
    free(*linep);
    *linep = sb_take(&out);
    return 1;
}

/* Runs the script over one stream; returns 1 if 'q' ended it. */
static int run(struct sed *sd, FILE *in, FILE *out, long *lineno, int last_file)
{
    char *line = NULL, *next = NULL;
    size_t cap = 0, ncap = 0;
    ssize_t len = box_getline(&line, &cap, in);
    if (len < 0) { free(line); return 0; }
    for (;;) {
        ssize_t nlen = box_getline(&next, &ncap, in);
        int last = nlen < 0 && last_file;
        (*lineno)++;
        char *pat = xstrdup(line);
        int deleted = 0, quit = 0;
        struct sbuf append = {0};
        for (int i = 0; i < sd->n && !deleted && !quit; i++) {
            struct cmd *c = &sd->cmds[i];
            if (!selects(c, pat, *lineno, last)) continue;
            switch (c->op) {
            case 's':
                if (substitute(c, &pat) && c->print) fprintf(out, "%s\n", pat);
                break;
            case 'd': deleted = 1; break;
            case 'p': fprintf(out, "%s\n", pat); break;
            case 'q': quit = 1; break;
            case '=': fprintf(out, "%ld\n", *lineno); break;
            case 'a': sb_adds(&append, c->repl); sb_addc(&append, '\n'); break;
            case 'i': fprintf(out, "%s\n", c->repl); break;
            case 'c':
                if (c->a2.kind == A_NONE || !c->in_range) fprintf(out, "%s\n", c->repl);
                deleted = 1;
                break;
            case 'y':
                for (char *p = pat; *p; p++) {
                    char *k = strchr(c->repl, *p);
                    if (k) *p = c->y_to[k - c->repl];
                }
                break;
            }
        }
        if (!deleted && !sd->quiet) fprintf(out, "%s\n", pat);
        if (append.len) fputs(append.s, out);
        free(append.s);
        free(pat);
        if (quit) { free(line); free(next); return 1; }
        if (nlen < 0) break;
        char *t = line; line = next; next = t;
        size_t tc = cap; cap = ncap; ncap = tc;
    }
    free(line);
    free(next);
    return 0;
}

APPLET(sed)
{
    struct sed sd;
    memset(&sd, 0, sizeof sd);
    int c, inplace = 0, have_script = 0, st = 0;
    struct sbuf script = {0};
    while ((c = box_getopt(argc, argv, "ne:f:iErs")) != -1) {
        switch (c) {
        case 'n': sd.quiet = 1; break;
        case 'e': sb_adds(&script, optarg); sb_addc(&script, '\n'); have_script = 1; break;
        case 'f': {
            char *t = box_read_file(optarg, NULL);
            if (!t) { box_warn_errno("%s", optarg); free(script.s); return 1; }
            sb_adds(&script, t); sb_addc(&script, '\n');
            free(t);
            have_script = 1;
            break;
        }
        case 'i': inplace = 1; break;
        case 'E': case 'r': sd.ext = 1; break;
        case 's': break;
        default: free(script.s); return box_usage_error("sed");
        }
    }
    if (!have_script) {
        if (optind >= argc) { free(script.s); return box_usage_error("sed"); }
        sb_adds(&script, argv[optind++]);
    }
    /* -E given after the script still applies: parse after all options */
    if (parse_script(&sd, script.s ? script.s : "")) { free(script.s); return 1; }
    free(script.s);
    last_re = NULL;
    long lineno = 0;
    int nfiles = argc - optind;
    if (inplace) {
        if (!nfiles) { box_warn("no input files"); return 1; }
        for (int i = optind; i < argc; i++) {
            FILE *in = fopen(argv[i], "r");
            if (!in) { box_warn_errno("%s", argv[i]); st = 1; continue; }
            struct membuf m;
            FILE *out = membuf_writer(&m, (size_t)-1);
            lineno = 0;
            for (int k = 0; k < sd.n; k++) sd.cmds[k].in_range = 0;
            run(&sd, in, out, &lineno, 1);
            fclose(in);
            fflush(out);
            FILE *w = fopen(argv[i], "w");
            if (!w) { box_warn_errno("%s", argv[i]); st = 1; }
            else { if (m.len) fwrite(m.data, 1, m.len, w); fclose(w); }
            fclose(out);
            membuf_free(&m);
        }
    } else if (!nfiles) {
        run(&sd, stdin, stdout, &lineno, 1);
    } else {
        for (int i = optind; i < argc; i++) {
            FILE *in = box_open_input(argv[i]);
            if (!in) { box_warn_errno("%s", argv[i]); st = 1; continue; }
            int q = run(&sd, in, stdout, &lineno, i == argc - 1);
            box_close_input(in);
            if (q) break;
        }
    }
    for (int k = 0; k < sd.n; k++) {
        struct cmd *cm = &sd.cmds[k];
        if (cm->has_re) regfree(&cm->re);
        if (cm->a1.kind == A_RE) regfree(&cm->a1.re);
        if (cm->a2.kind == A_RE) regfree(&cm->a2.re);
        free(cm->repl);
        free(cm->y_to);
    }
    free(sd.cmds);
    return st;
}
