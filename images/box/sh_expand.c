/* Word expansion: tilde, parameters, command substitution, arithmetic, quote removal, field
 * splitting and pathname globbing. */
#include "sh.h"
#include <ctype.h>
#include <glob.h>
#include <fnmatch.h>

struct exp {
    struct sbuf lit, pat;
    int started, has_glob;
    int split;          /* field splitting + globbing enabled */
    char **fields;
    int nfields;
};

static void add_field(struct exp *e, char *s)
{
    e->fields = xrealloc(e->fields, sizeof(char *) * (size_t)(e->nfields + 2));
    e->fields[e->nfields++] = s;
    e->fields[e->nfields] = NULL;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void end_field(struct exp *e)
{
    if (!e->started) return;
    if (e->split && e->has_glob) {
        glob_t g;
        memset(&g, 0, sizeof g);
        if (glob(e->pat.s ? e->pat.s : "", GLOB_NOSORT, NULL, &g) == 0 && g.gl_pathc) {
            qsort(g.gl_pathv, g.gl_pathc, sizeof(char *), cmp_str);
            for (size_t i = 0; i < g.gl_pathc; i++) add_field(e, xstrdup(g.gl_pathv[i]));
            globfree(&g);
            free(sb_take(&e->lit));
            free(sb_take(&e->pat));
            e->started = e->has_glob = 0;
            return;
        }
        globfree(&g);
    }
    add_field(e, sb_take(&e->lit));
    free(sb_take(&e->pat));
    e->started = e->has_glob = 0;
}

static void add_lit(struct exp *e, const char *s, size_t n, int quoted)
{
    e->started = 1;
    sb_addn(&e->lit, s, n);
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '*' || c == '?' || c == '[' || c == '\\') {
            if (quoted || c == '\\') sb_addc(&e->pat, '\\');
            else e->has_glob = 1;
        }
        sb_addc(&e->pat, c);
    }
}

/* An unquoted expansion result: split on IFS when splitting is on. */
static void add_split(struct exp *e, const char *s)
{
    if (!e->split) { add_lit(e, s, strlen(s), 1); return; }
    const char *ifs = var_get("IFS");
    if (!ifs) ifs = " \t\n";
    for (; *s; s++) {
        if (strchr(ifs, *s)) {
            int ws = (*s == ' ' || *s == '\t' || *s == '\n');
            if (!ws) { /* non-whitespace IFS char delimits even empty fields */
                e->started = 1;
                end_field(e);
            } else end_field(e);
            continue;
        }
        add_lit(e, s, 1, 0);
    }
}

static char *param_value(const char *name, int *must_free)
{
    static char num[32];
    *must_free = 0;
    if (!strcmp(name, "?")) { snprintf(num, sizeof num, "%d", sh_status); return num; }
    if (!strcmp(name, "#")) { snprintf(num, sizeof num, "%d", sh_nparams); return num; }
    if (!strcmp(name, "$")) return "1";
    if (!strcmp(name, "!")) return "";
    if (!strcmp(name, "-")) return "";
    if (!strcmp(name, "0")) return sh_arg0 ? sh_arg0 : "sh";
    if (isdigit((unsigned char)name[0])) {
        int i = atoi(name);
        return i <= sh_nparams ? sh_params[i - 1] : NULL;
    }
    if (!strcmp(name, "@") || !strcmp(name, "*")) {
        struct sbuf b = {0};
        for (int i = 0; i < sh_nparams; i++) {
            if (i) sb_addc(&b, ' ');
            sb_adds(&b, sh_params[i]);
        }
        *must_free = 1;
        return sb_take(&b);
    }
    if (!strcmp(name, "PWD")) {
        static char cwd[4096];
        const char *v = var_get("PWD");
        if (v) return (char *)v;
        return getcwd(cwd, sizeof cwd) ? cwd : "/";
    }
    return (char *)var_get(name);
}

/* Scans the extent of a ${...}, $(...), $((...)) or `...` body starting at s (after opener). */
static size_t match_close(const char *s, char open, char close)
{
    int depth = 1;
    size_t i = 0;
    while (s[i]) {
        char c = s[i];
        if (c == '\\' && s[i + 1]) { i += 2; continue; }
        if (c == '\'' && open != '`') {
            i++;
            while (s[i] && s[i] != '\'') i++;
            if (s[i]) i++;
            continue;
        }
        if (c == '"' && open != '`') {
            i++;
            while (s[i] && s[i] != '"') { if (s[i] == '\\' && s[i + 1]) i++; i++; }
            if (s[i]) i++;
            continue;
        }
        if (open == '`' ? c == '`' : (c == close && --depth == 0)) return i;
        if (open != '`' && c == open) depth++;
        i++;
    }
    return i;
}

static void expand_into(struct exp *e, const char *s, size_t n, int in_dq);

static char *strip_newlines(char *s)
{
    size_t n = strlen(s);
    while (n && s[n - 1] == '\n') s[--n] = 0;
    return s;
}

/* Handles one '$' expansion at s (pointing after '$'); returns chars consumed. */
static size_t dollar(struct exp *e, const char *s, int in_dq)
{
    if (s[0] == '(' && s[1] == '(') {
        size_t len = match_close(s + 2, '(', ')');
        /* $(( expr )): body ends at "))" */
        char *body = xmalloc(len + 1);
        memcpy(body, s + 2, len);
        body[len] = 0;
        size_t used = 2 + len + 1;
        if (s[used - 1 + 1] == ')') used++;
        char *x = expand_string(body);
        int err = 0;
        long long v = arith_eval(x, &err);
        free(x);
        free(body);
        char num[32];
        if (err) {
            fprintf(box_err, "sh: arithmetic syntax error\n");
            snprintf(num, sizeof num, "0");
        } else snprintf(num, sizeof num, "%lld", v);
        add_lit(e, num, strlen(num), 1);
        return used;
    }
    if (s[0] == '(') {
        size_t len = match_close(s + 1, '(', ')');
        char *body = xmalloc(len + 1);
        memcpy(body, s + 1, len);
        body[len] = 0;
        char *out = strip_newlines(sh_command_subst(body));
        free(body);
        if (in_dq) add_lit(e, out, strlen(out), 1);
        else add_split(e, out);
        free(out);
        return len + 2;
    }
    char name[256];
    size_t used = 0;
    const char *op = NULL, *word = NULL;
    size_t wordlen = 0;
    int length_of = 0, colon = 0;
    if (s[0] == '{') {
        size_t len = match_close(s + 1, '{', '}');
        used = len + 2;
        const char *b = s + 1;
        size_t i = 0;
        if (b[0] == '#' && len > 1) { length_of = 1; b++; len--; }
        if (isdigit((unsigned char)b[0])) while (i < len && isdigit((unsigned char)b[i])) i++;
        else if (strchr("?#$!@*-0", b[0]) && len >= 1 && !(isalnum((unsigned char)b[0]) || b[0] == '_')) i = 1;
        else while (i < len && (isalnum((unsigned char)b[i]) || b[i] == '_')) i++;
        if (i == 0 || i >= sizeof name) {
            fprintf(box_err, "sh: syntax error: bad substitution\n");
            return used;
        }
        memcpy(name, b, i);
        name[i] = 0;
        if (i < len) {
            if (b[i] == ':') { colon = 1; i++; }
            op = b + i;
            if (i < len && strchr("-=+?", *op)) {
                word = op + 1;
                wordlen = len - i - 1;
            } else if (i < len && (*op == '#' || *op == '%')) {
                int dbl = (i + 1 < len && op[1] == *op);
                word = op + 1 + dbl;
                wordlen = len - i - 1 - (size_t)dbl;
            } else {
                fprintf(box_err, "sh: syntax error: bad substitution\n");
                return used;
            }
        }
    } else if (isalpha((unsigned char)s[0]) || s[0] == '_') {
        size_t i = 0;
        while ((isalnum((unsigned char)s[i]) || s[i] == '_') && i < sizeof name - 1) i++;
        memcpy(name, s, i);
        name[i] = 0;
        used = i;
    } else if (s[0] && strchr("?#$!@*-0123456789", s[0])) {
        name[0] = s[0];
        name[1] = 0;
        used = 1;
    } else {
        add_lit(e, "$", 1, 1);
        return 0;
    }

    int must_free;
    char *val = param_value(name, &must_free);
    if (length_of) {
        char num[32];
        snprintf(num, sizeof num, "%zu", val ? strlen(val) : (size_t)0);
        if (must_free) free(val);
        add_lit(e, num, strlen(num), 1);
        return used;
    }
    if (op && word) {
        int unset = !val || (colon && !*val);
        char *w = xmalloc(wordlen + 1);
        memcpy(w, word, wordlen);
        w[wordlen] = 0;
        char *ew = expand_string(w);
        free(w);
        switch (*op) {
        case '-':
            if (unset) { if (must_free) free(val); must_free = 1; val = ew; ew = NULL; }
            break;
        case '=':
            if (unset) {
                var_set(name, ew, 0);
                if (must_free) free(val);
                must_free = 1; val = ew; ew = NULL;
            }
            break;
        case '+':
            if (!unset) { if (must_free) free(val); must_free = 1; val = ew; ew = NULL; }
            else val = "";
            break;
        case '?':
            if (unset) {
                fprintf(box_err, "sh: %s: %s\n", name, *ew ? ew : "parameter not set");
                val = "";
            }
            break;
        case '#':
        case '%': {
            if (!val) break;
            int longest = (op[1] == *op);
            size_t vl = strlen(val);
            char *res = NULL;
            char *tmp = xstrdup(val);
            if (*op == '#') {
                for (size_t i = 0; i <= vl && !res; i++) {
                    size_t k = longest ? vl - i : i; /* shortest or longest prefix first */
                    char c = tmp[k];
                    tmp[k] = 0;
                    if (fnmatch(ew, tmp, 0) == 0) res = xstrdup(val + k);
                    tmp[k] = c;
                }
            } else {
                for (size_t i = 0; i <= vl && !res; i++) {
                    size_t k = longest ? i : vl - i; /* longest or shortest suffix first */
                    if (fnmatch(ew, val + k, 0) == 0) {
                        res = xstrdup(val);
                        res[k] = 0;
                    }
                }
            }
            free(tmp);
            if (res) { if (must_free) free(val); must_free = 1; val = res; }
            break;
        }
        }
        free(ew);
    }
    if (!val) val = "";
    /* "$@" keeps parameters as separate fields */
    if (in_dq && !strcmp(name, "@") && !op) {
        if (must_free) free(val);
        e->started = 1;
        if (sh_nparams == 0) e->started = 0; /* "$@" with no params is no field at all */
        for (int i = 0; i < sh_nparams; i++) {
            if (i) { end_field(e); e->started = 1; }
            add_lit(e, sh_params[i], strlen(sh_params[i]), 1);
        }
        return used;
    }
    if (!in_dq && !strcmp(name, "@") && !op && e->split) {
        for (int i = 0; i < sh_nparams; i++) {
            if (i) end_field(e);
            add_split(e, sh_params[i]);
        }
        if (must_free) free(val);
        return used;
    }
    if (in_dq) add_lit(e, val, strlen(val), 1);
    else add_split(e, val);
    if (must_free) free(val);
    return used;
}

static void expand_into(struct exp *e, const char *s, size_t n, int in_dq)
{
    size_t i = 0;
    while (i < n) {
        char c = s[i];
        if (c == '\\') {
            if (i + 1 >= n) { add_lit(e, "\\", 1, 1); i++; continue; }
            char d = s[i + 1];
            if (d == '\n') { i += 2; continue; }
            if (in_dq && !strchr("$`\"\\", d)) { add_lit(e, "\\", 1, 1); i++; continue; }
            add_lit(e, &s[i + 1], 1, 1);
            i += 2;
        } else if (c == '\'' && !in_dq) {
            size_t j = i + 1;
            while (j < n && s[j] != '\'') j++;
            add_lit(e, s + i + 1, j - i - 1, 1);
            i = j + 1;
        } else if (c == '"' && !in_dq) {
            size_t j = i + 1;
            while (j < n && s[j] != '"') {
                if (s[j] == '\\' && j + 1 < n) j += 2;
                else if (s[j] == '$' && s[j + 1] == '(') j += 2 + match_close(s + j + 2, '(', ')') + 1;
                else if (s[j] == '`') j += 1 + match_close(s + j + 1, '`', '`') + 1;
                else j++;
            }
            if (j > n) j = n;
            e->started = 1;
            expand_into(e, s + i + 1, j - i - 1, 1);
            i = j + 1;
        } else if (c == '$') {
            i += 1 + dollar(e, s + i + 1, in_dq);
        } else if (c == '`') {
            size_t len = match_close(s + i + 1, '`', '`');
            struct sbuf b = {0};
            for (size_t k = 0; k < len; k++) { /* inside backquotes, \` \$ \\ lose the backslash */
                char ch = s[i + 1 + k];
                if (ch == '\\' && k + 1 < len && strchr("`$\\", s[i + 2 + k])) { k++; ch = s[i + 1 + k]; }
                sb_addc(&b, ch);
            }
            char *body = sb_take(&b);
            char *out = strip_newlines(sh_command_subst(body));
            free(body);
            if (in_dq) add_lit(e, out, strlen(out), 1);
            else add_split(e, out);
            free(out);
            i += len + 2;
        } else if (c == '~' && i == 0 && !in_dq && e->split >= 0) {
            size_t j = 1;
            while (j < n && s[j] != '/') j++;
            if (j == 1) {
                const char *h = var_get("HOME");
                add_lit(e, h ? h : "/", strlen(h ? h : "/"), 1);
                i = 1;
            } else {
                add_lit(e, "~", 1, 1);
                i++;
            }
        } else {
            add_lit(e, &c, 1, in_dq);
            i++;
        }
    }
}

char **expand_words(char **words, int n, int *outn)
{
    struct exp e;
    memset(&e, 0, sizeof e);
    e.split = 1;
    for (int i = 0; i < n; i++) {
        expand_into(&e, words[i], strlen(words[i]), 0);
        end_field(&e);
    }
    if (!e.fields) add_field(&e, NULL), e.nfields = 0;
    free(e.lit.s);
    free(e.pat.s);
    *outn = e.nfields;
    return e.fields;
}

char *expand_string(const char *raw)
{
    struct exp e;
    memset(&e, 0, sizeof e);
    e.split = 0;
    expand_into(&e, raw, strlen(raw), 0);
    free(e.pat.s);
    return sb_take(&e.lit);
}

char *expand_heredoc(const char *body)
{
    struct exp e;
    memset(&e, 0, sizeof e);
    e.split = 0;
    /* a here-document body expands like a double-quoted string, but '"' is literal */
    size_t n = strlen(body), i = 0;
    while (i < n) {
        if (body[i] == '"') { add_lit(&e, "\"", 1, 1); i++; continue; }
        size_t j = i;
        while (j < n && body[j] != '"') j++;
        expand_into(&e, body + i, j - i, 1);
        i = j;
    }
    free(e.pat.s);
    return sb_take(&e.lit);
}

/* case patterns: expansion keeps quoted characters literal. */
int expand_pattern_match(const char *raw_pattern, const char *subject)
{
    struct exp e;
    memset(&e, 0, sizeof e);
    e.split = 0;
    expand_into(&e, raw_pattern, strlen(raw_pattern), 0);
    int m = fnmatch(e.pat.s ? e.pat.s : "", subject, 0) == 0;
    free(e.lit.s);
    free(e.pat.s);
    return m;
}

void free_argv(char **v, int n)
{
    if (!v) return;
    for (int i = 0; i < n; i++) free(v[i]);
    free(v);
}

/* ---- $(( )) ---- */

struct ar { const char *s; int err; };

static long long ar_expr(struct ar *a, int prec);

static void ar_ws(struct ar *a) { while (*a->s == ' ' || *a->s == '\t' || *a->s == '\n') a->s++; }

static long long ar_primary(struct ar *a)
{
    ar_ws(a);
    char c = *a->s;
    if (c == '(') {
        a->s++;
        long long v = ar_expr(a, 0);
        ar_ws(a);
        if (*a->s != ')') { a->err = 1; return 0; }
        a->s++;
        return v;
    }
    if (c == '-') { a->s++; return -ar_primary(a); }
    if (c == '+') { a->s++; return ar_primary(a); }
    if (c == '!') { a->s++; return !ar_primary(a); }
    if (c == '~') { a->s++; return ~ar_primary(a); }
    if (isdigit((unsigned char)c)) {
        char *end;
        long long v = strtoll(a->s, &end, 0);
        a->s = end;
        return v;
    }
    if (isalpha((unsigned char)c) || c == '_') {
        char name[128];
        size_t i = 0;
        while ((isalnum((unsigned char)*a->s) || *a->s == '_') && i < sizeof name - 1) name[i++] = *a->s++;
        name[i] = 0;
        const char *v = var_get(name);
        return v ? strtoll(v, NULL, 0) : 0;
    }
    a->err = 1;
    return 0;
}

static const struct { const char *op; int prec; } ar_ops[] = {
    {"||", 1}, {"&&", 2}, {"|", 3}, {"^", 4}, {"&", 5}, {"==", 6}, {"!=", 6},
    {"<=", 7}, {">=", 7}, {"<<", 8}, {">>", 8}, {"<", 7}, {">", 7},
    {"+", 9}, {"-", 9}, {"*", 10}, {"/", 10}, {"%", 10}, {NULL, 0}
};

static long long ar_expr(struct ar *a, int minprec)
{
    long long l = ar_primary(a);
    for (;;) {
        ar_ws(a);
        int k;
        for (k = 0; ar_ops[k].op; k++)
            if (!strncmp(a->s, ar_ops[k].op, strlen(ar_ops[k].op))) break;
        if (!ar_ops[k].op || ar_ops[k].prec <= minprec || a->err) return l;
        const char *op = ar_ops[k].op;
        a->s += strlen(op);
        long long r = ar_expr(a, ar_ops[k].prec);
        if (a->err) return 0;
        switch (op[0]) {
        case '|': l = op[1] ? (l || r) : (l | r); break;
        case '&': l = op[1] ? (l && r) : (l & r); break;
        case '^': l ^= r; break;
        case '=': l = l == r; break;
        case '!': l = l != r; break;
        case '<': l = op[1] == '=' ? l <= r : op[1] == '<' ? l << r : l < r; break;
        case '>': l = op[1] == '=' ? l >= r : op[1] == '>' ? l >> r : l > r; break;
        case '+': l += r; break;
        case '-': l -= r; break;
        case '*': l *= r; break;
        case '/': if (!r) { a->err = 2; return 0; } l /= r; break;
        case '%': if (!r) { a->err = 2; return 0; } l %= r; break;
        }
    }
}

long long arith_eval(const char *expr, int *err)
{
    struct ar a = { expr, 0 };
    long long v = ar_expr(&a, 0);
    ar_ws(&a);
    if (*a.s) a.err = 1;
    *err = a.err;
    return v;
}
