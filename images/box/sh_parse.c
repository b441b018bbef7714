/* Shell lexer and recursive-descent parser: POSIX grammar subset (lists, and/or, pipelines,
 * if/while/until/for/case, groups, subshells, functions, redirections, here-documents). */
#include "sh.h"
#include <ctype.h>

enum tok {
    T_EOF, T_WORD, T_NEWLINE, T_SEMI, T_AMP, T_AND_IF, T_OR_IF, T_PIPE, T_LPAREN, T_RPAREN,
    T_DSEMI, T_REDIR
};

struct parser {
    const char *src;
    size_t pos;
    /* one token of lookahead */
    int have;
    enum tok t;
    char *word;
    int rfd;
    enum redir_op rop;
    int rstrip;
    size_t tok_start;
    int err; /* PARSE_ERROR / PARSE_INCOMPLETE */
    struct redir *pending[16];
    int npending;
};

struct parser *parser_new(const char *src)
{
    struct parser *p = xmalloc(sizeof *p);
    memset(p, 0, sizeof *p);
    p->src = src;
    return p;
}

void parser_free(struct parser *p)
{
    if (p->have && p->word) free(p->word);
    free(p);
}

size_t parser_offset(struct parser *p) { return p->have ? p->tok_start : p->pos; }

static void syntax(struct parser *p, const char *what)
{
    if (p->err) return;
    p->err = PARSE_ERROR;
    fprintf(box_err, "sh: syntax error: unexpected %s\n", what);
}

static void incomplete(struct parser *p)
{
    if (!p->err) p->err = PARSE_INCOMPLETE;
}

static int is_meta(char c)
{
    return c == 0 || c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '&' || c == '|' ||
           c == '<' || c == '>' || c == '(' || c == ')';
}

/* Skips a $( ... ) or ${ ... } or backquoted body starting after the opener; returns 0 if the
 * input ends first. Quotes inside are honoured so that ")" in '...' does not close. */
static int skip_nested(struct parser *p, char open, char close)
{
    int depth = 1;
    const char *s = p->src;
    while (s[p->pos]) {
        char c = s[p->pos];
        if (c == '\\' && s[p->pos + 1]) { p->pos += 2; continue; }
        if (c == '\'' && open != '`') {
            p->pos++;
            while (s[p->pos] && s[p->pos] != '\'') p->pos++;
            if (!s[p->pos]) return 0;
            p->pos++;
            continue;
        }
        if (c == '"' && open != '`') {
            p->pos++;
            while (s[p->pos] && s[p->pos] != '"') {
                if (s[p->pos] == '\\' && s[p->pos + 1]) p->pos++;
                p->pos++;
            }
            if (!s[p->pos]) return 0;
            p->pos++;
            continue;
        }
        if (open == '`') {
            if (c == '`') { p->pos++; return 1; }
            p->pos++;
            continue;
        }
        if (c == open) depth++;
        else if (c == close && --depth == 0) { p->pos++; return 1; }
        p->pos++;
    }
    return 0;
}

/* Scans one word starting at p->pos, keeping its quotes (expansion removes them later). */
static char *scan_word(struct parser *p)
{
    const char *s = p->src;
    size_t start = p->pos;
    struct sbuf b = {0};
    while (!is_meta(s[p->pos])) {
        char c = s[p->pos];
        size_t from = p->pos;
        if (c == '\\') {
            if (s[p->pos + 1] == '\n') { p->pos += 2; continue; } /* line continuation */
            if (!s[p->pos + 1]) { p->pos++; sb_addc(&b, '\\'); incomplete(p); break; }
            p->pos += 2;
        } else if (c == '\'') {
            p->pos++;
            while (s[p->pos] && s[p->pos] != '\'') p->pos++;
            if (!s[p->pos]) { incomplete(p); break; }
            p->pos++;
        } else if (c == '"') {
            p->pos++;
            while (s[p->pos] && s[p->pos] != '"') {
                if (s[p->pos] == '\\' && s[p->pos + 1]) p->pos += 2;
                else if (s[p->pos] == '$' && s[p->pos + 1] == '(') {
                    p->pos += 2;
                    if (!skip_nested(p, '(', ')')) { incomplete(p); break; }
                } else if (s[p->pos] == '`') {
                    p->pos++;
                    if (!skip_nested(p, '`', '`')) { incomplete(p); break; }
                } else p->pos++;
            }
            if (p->err) break;
            if (!s[p->pos]) { incomplete(p); break; }
            p->pos++;
        } else if (c == '$' && s[p->pos + 1] == '(') {
            p->pos += 2;
            if (!skip_nested(p, '(', ')')) { incomplete(p); break; }
        } else if (c == '$' && s[p->pos + 1] == '{') {
            p->pos += 2;
            if (!skip_nested(p, '{', '}')) { incomplete(p); break; }
        } else if (c == '`') {
            p->pos++;
            if (!skip_nested(p, '`', '`')) { incomplete(p); break; }
        } else {
            p->pos++;
        }
        /* line continuations inside the copied span are kept; expansion ignores "\\\n" */
        sb_addn(&b, s + from, p->pos - from);
    }
    (void)start;
    return sb_take(&b);
}

static void read_heredocs(struct parser *p)
{
    const char *s = p->src;
    for (int i = 0; i < p->npending; i++) {
        struct redir *r = p->pending[i];
        struct sbuf body = {0};
        int found = 0;
        while (s[p->pos]) {
            size_t eol = p->pos;
            while (s[eol] && s[eol] != '\n') eol++;
            if (!s[eol] && eol == p->pos) break; /* nothing more yet: wait for more input */
            const char *line = s + p->pos;
            size_t len = eol - p->pos;
            if (r->strip_tabs) while (len && *line == '\t') { line++; len--; }
            p->pos = s[eol] ? eol + 1 : eol;
            if (len == strlen(r->delim) && !strncmp(line, r->delim, len)) { found = 1; break; }
            sb_addn(&body, line, len);
            sb_addc(&body, '\n');
        }
        if (!found) {
            free(body.s);
            incomplete(p);
            return;
        }
        r->word = sb_take(&body);
    }
    p->npending = 0;
}

static enum tok lex(struct parser *p)
{
    const char *s = p->src;
    free(p->word);
    p->word = NULL;
again:
    while (s[p->pos] == ' ' || s[p->pos] == '\t') p->pos++;
    if (s[p->pos] == '\\' && s[p->pos + 1] == '\n') { p->pos += 2; goto again; }
    if (s[p->pos] == '#') {
        while (s[p->pos] && s[p->pos] != '\n') p->pos++;
    }
    p->tok_start = p->pos;
    char c = s[p->pos];
    if (!c) return T_EOF;
    if (c == '\n') {
        p->pos++;
        if (p->npending) read_heredocs(p);
        return T_NEWLINE;
    }
    if (c == ';') {
        if (s[p->pos + 1] == ';') { p->pos += 2; return T_DSEMI; }
        p->pos++;
        return T_SEMI;
    }
    if (c == '&') {
        if (s[p->pos + 1] == '&') { p->pos += 2; return T_AND_IF; }
        if (s[p->pos + 1] == '>') { /* &>file: stdout and stderr */
            p->pos += 2;
            if (s[p->pos] == '>') { p->pos++; p->rop = R_APPEND; } else p->rop = R_OUT;
            p->rfd = -2;
            return T_REDIR;
        }
        p->pos++;
        return T_AMP;
    }
    if (c == '|') {
        if (s[p->pos + 1] == '|') { p->pos += 2; return T_OR_IF; }
        p->pos++;
        return T_PIPE;
    }
    if (c == '(') { p->pos++; return T_LPAREN; }
    if (c == ')') { p->pos++; return T_RPAREN; }
    /* IO_NUMBER: digits directly followed by < or > */
    size_t q = p->pos;
    int fd = -1;
    while (isdigit((unsigned char)s[q])) q++;
    if (q > p->pos && (s[q] == '<' || s[q] == '>') && q - p->pos < 4) {
        fd = atoi(s + p->pos);
        p->pos = q;
        c = s[q];
    }
    if (c == '<' || c == '>') {
        p->pos++;
        p->rstrip = 0;
        if (c == '>') {
            if (s[p->pos] == '>') { p->pos++; p->rop = R_APPEND; }
            else if (s[p->pos] == '&') { p->pos++; p->rop = R_DUPOUT; }
            else if (s[p->pos] == '|') { p->pos++; p->rop = R_OUT; }
            else p->rop = R_OUT;
            p->rfd = fd < 0 ? 1 : fd;
        } else {
            if (s[p->pos] == '<') {
                p->pos++;
                if (s[p->pos] == '-') { p->pos++; p->rstrip = 1; }
                p->rop = R_HEREDOC;
            } else if (s[p->pos] == '&') { p->pos++; p->rop = R_DUPIN; }
            else if (s[p->pos] == '>') { p->pos++; p->rop = R_RDWR; }
            else p->rop = R_IN;
            p->rfd = fd < 0 ? 0 : fd;
        }
        return T_REDIR;
    }
    p->word = scan_word(p);
    return T_WORD;
}

static enum tok peek(struct parser *p)
{
    if (!p->have) {
        p->t = lex(p);
        p->have = 1;
    }
    return p->t;
}

static void consume(struct parser *p) { p->have = 0; }

static char *take_word(struct parser *p)
{
    char *w = p->word;
    p->word = NULL;
    p->have = 0;
    return w;
}

static int peek_reserved(struct parser *p, const char *w)
{
    return peek(p) == T_WORD && !strcmp(p->word, w);
}

static const char *tok_name(struct parser *p)
{
    static char buf[64];
    switch (peek(p)) {
    case T_EOF: return "end of file";
    case T_NEWLINE: return "newline";
    case T_SEMI: return "\";\"";
    case T_AMP: return "\"&\"";
    case T_AND_IF: return "\"&&\"";
    case T_OR_IF: return "\"||\"";
    case T_PIPE: return "\"|\"";
    case T_LPAREN: return "\"(\"";
    case T_RPAREN: return "\")\"";
    case T_DSEMI: return "\";;\"";
    case T_REDIR: return "redirection";
    case T_WORD: snprintf(buf, sizeof buf, "\"%.50s\"", p->word); return buf;
    }
    return "token";
}

static void unexpected(struct parser *p)
{
    if (peek(p) == T_EOF) incomplete(p);
    else syntax(p, tok_name(p));
}

static int expect_word(struct parser *p, const char *w)
{
    if (p->err) return 0;
    if (peek_reserved(p, w)) { consume(p); return 1; }
    unexpected(p);
    return 0;
}

static void skip_newlines(struct parser *p)
{
    while (!p->err && peek(p) == T_NEWLINE) consume(p);
}

static struct node *new_node(enum node_type t)
{
    struct node *n = xmalloc(sizeof *n);
    memset(n, 0, sizeof *n);
    n->type = t;
    return n;
}

static struct node *bin(enum node_type t, struct node *a, struct node *b)
{
    struct node *n = new_node(t);
    n->a = a;
    n->b = b;
    return n;
}

static const char *const terminators[] = { "then", "else", "elif", "fi", "do", "done", "esac", "}", NULL };

static int at_list_end(struct parser *p)
{
    enum tok t = peek(p);
    if (t == T_EOF || t == T_RPAREN || t == T_DSEMI) return 1;
    if (t == T_WORD)
        for (int i = 0; terminators[i]; i++)
            if (!strcmp(p->word, terminators[i])) return 1;
    return 0;
}

static struct node *parse_and_or(struct parser *p);
static struct node *parse_command(struct parser *p);

/* compound_list: used inside if/while/for/case/{ }/( ). */
static struct node *parse_list(struct parser *p)
{
    skip_newlines(p);
    if (p->err) return NULL;
    if (at_list_end(p)) { unexpected(p); return NULL; }
    struct node *n = parse_and_or(p);
    while (n && !p->err) {
        enum tok t = peek(p);
        if (t == T_SEMI || t == T_AMP || t == T_NEWLINE) consume(p);
        else break;
        skip_newlines(p);
        if (p->err || at_list_end(p)) break;
        struct node *m = parse_and_or(p);
        if (!m) return NULL;
        n = bin(N_SEQ, n, m);
    }
    return p->err ? NULL : n;
}

static struct node *parse_pipeline(struct parser *p)
{
    int neg = 0;
    while (peek_reserved(p, "!")) { consume(p); neg = !neg; }
    struct node *n = parse_command(p);
    while (n && !p->err && peek(p) == T_PIPE) {
        consume(p);
        skip_newlines(p);
        struct node *m = parse_command(p);
        if (!m) return NULL;
        n = bin(N_PIPE, n, m);
    }
    if (n && neg) n = bin(N_NOT, n, NULL);
    return p->err ? NULL : n;
}

static struct node *parse_and_or(struct parser *p)
{
    struct node *n = parse_pipeline(p);
    while (n && !p->err) {
        enum tok t = peek(p);
        if (t != T_AND_IF && t != T_OR_IF) break;
        consume(p);
        skip_newlines(p);
        struct node *m = parse_pipeline(p);
        if (!m) return NULL;
        n = bin(t == T_AND_IF ? N_AND : N_OR, n, m);
    }
    return p->err ? NULL : n;
}

static int parse_redir(struct parser *p, struct redir ***tail)
{
    int fd = p->rfd;
    enum redir_op op = p->rop;
    int strip = p->rstrip;
    consume(p);
    if (peek(p) != T_WORD) { unexpected(p); return 0; }
    char *w = take_word(p);
    if (fd == -2) { /* &>file: two redirections */
        struct redir *r1 = xmalloc(sizeof *r1), *r2 = xmalloc(sizeof *r2);
        memset(r1, 0, sizeof *r1);
        memset(r2, 0, sizeof *r2);
        r1->fd = 1; r1->op = op; r1->word = w;
        r2->fd = 2; r2->op = R_DUPOUT; r2->word = xstrdup("1");
        r1->next = r2;
        **tail = r1;
        *tail = &r2->next;
        return 1;
    }
    struct redir *r = xmalloc(sizeof *r);
    memset(r, 0, sizeof *r);
    r->fd = fd;
    r->op = op;
    if (op == R_HEREDOC) {
        /* the delimiter's quotes are removed; any quoting disables expansion of the body */
        struct sbuf d = {0};
        for (const char *c = w; *c; c++) {
            if (*c == '\'' || *c == '"') { r->quoted = 1; continue; }
            if (*c == '\\' && c[1]) { r->quoted = 1; c++; }
            sb_addc(&d, *c);
        }
        r->delim = sb_take(&d);
        r->strip_tabs = strip;
        free(w);
        if (p->npending < 16) p->pending[p->npending++] = r;
    } else {
        r->word = w;
    }
    **tail = r;
    *tail = &r->next;
    return 1;
}

static void parse_trailing_redirs(struct parser *p, struct node *n)
{
    struct redir **tail = &n->redirs;
    while (*tail) tail = &(*tail)->next;
    while (!p->err && peek(p) == T_REDIR)
        if (!parse_redir(p, &tail)) return;
}

static void push(char ***v, int *n, char *s)
{
    *v = xrealloc(*v, sizeof(char *) * (size_t)(*n + 2));
    (*v)[(*n)++] = s;
    (*v)[*n] = NULL;
}

static int is_assignment(const char *w)
{
    const char *eq = strchr(w, '=');
    return eq && eq != w && var_valid_name(w, (size_t)(eq - w));
}

static struct node *parse_if(struct parser *p)
{
    struct node *n = new_node(N_IF);
    n->a = parse_list(p);
    if (!n->a || !expect_word(p, "then")) return NULL;
    n->b = parse_list(p);
    if (!n->b) return NULL;
    if (peek_reserved(p, "elif")) {
        consume(p);
        n->c = parse_if(p);
        return n->c ? n : NULL;
    }
    if (peek_reserved(p, "else")) {
        consume(p);
        n->c = parse_list(p);
        if (!n->c) return NULL;
    }
    return expect_word(p, "fi") ? n : NULL;
}

static struct node *parse_do_group(struct parser *p)
{
    if (!expect_word(p, "do")) return NULL;
    struct node *body = parse_list(p);
    if (!body || !expect_word(p, "done")) return NULL;
    return body;
}

static struct node *parse_for(struct parser *p)
{
    struct node *n = new_node(N_FOR);
    if (peek(p) != T_WORD || !var_valid_name(p->word, strlen(p->word))) { unexpected(p); return NULL; }
    n->name = take_word(p);
    skip_newlines(p);
    if (peek_reserved(p, "in")) {
        consume(p);
        n->has_in = 1;
        while (!p->err && peek(p) == T_WORD) push(&n->words, &n->nwords, take_word(p));
        if (p->err) return NULL;
        if (peek(p) == T_SEMI || peek(p) == T_NEWLINE) consume(p);
        else { unexpected(p); return NULL; }
    } else if (peek(p) == T_SEMI) consume(p);
    skip_newlines(p);
    n->a = parse_do_group(p);
    return n->a ? n : NULL;
}

static struct node *parse_case(struct parser *p)
{
    struct node *n = new_node(N_CASE);
    if (peek(p) != T_WORD) { unexpected(p); return NULL; }
    n->name = take_word(p);
    skip_newlines(p);
    if (!expect_word(p, "in")) return NULL;
    struct case_item **tail = &n->cases;
    for (;;) {
        skip_newlines(p);
        if (p->err) return NULL;
        if (peek_reserved(p, "esac")) { consume(p); break; }
        struct case_item *ci = xmalloc(sizeof *ci);
        memset(ci, 0, sizeof *ci);
        if (peek(p) == T_LPAREN) consume(p);
        for (;;) {
            if (peek(p) != T_WORD) { unexpected(p); return NULL; }
            push(&ci->pats, &ci->npats, take_word(p));
            if (peek(p) == T_PIPE) { consume(p); continue; }
            break;
        }
        if (peek(p) != T_RPAREN) { unexpected(p); return NULL; }
        consume(p);
        skip_newlines(p);
        if (p->err) return NULL;
        if (peek(p) != T_DSEMI && !peek_reserved(p, "esac")) {
            ci->body = parse_list(p);
            if (!ci->body) return NULL;
        }
        *tail = ci;
        tail = &ci->next;
        if (peek(p) == T_DSEMI) { consume(p); continue; }
        skip_newlines(p);
        if (peek_reserved(p, "esac")) { consume(p); break; }
        unexpected(p);
        return NULL;
    }
    return n;
}

static struct node *parse_command(struct parser *p)
{
    enum tok t = peek(p);
    if (p->err) return NULL;
    struct node *n = NULL;
    if (t == T_WORD) {
        const char *w = p->word;
        if (!strcmp(w, "if")) { consume(p); n = parse_if(p); }
        else if (!strcmp(w, "while") || !strcmp(w, "until")) {
            int until = w[0] == 'u';
            consume(p);
            n = new_node(until ? N_UNTIL : N_WHILE);
            n->a = parse_list(p);
            if (!n->a) return NULL;
            n->b = parse_do_group(p);
            if (!n->b) return NULL;
        } else if (!strcmp(w, "for")) { consume(p); n = parse_for(p); }
        else if (!strcmp(w, "case")) { consume(p); n = parse_case(p); }
        else if (!strcmp(w, "{")) {
            consume(p);
            n = new_node(N_GROUP);
            n->a = parse_list(p);
            if (!n->a || !expect_word(p, "}")) return NULL;
        } else {
            for (int i = 0; terminators[i]; i++)
                if (!strcmp(w, terminators[i])) { syntax(p, tok_name(p)); return NULL; }
        }
        if (n) {
            parse_trailing_redirs(p, n);
            return p->err ? NULL : n;
        }
        if (p->err) return NULL;
    } else if (t == T_LPAREN) {
        consume(p);
        n = new_node(N_SUBSHELL);
        n->a = parse_list(p);
        if (!n->a) return NULL;
        if (peek(p) != T_RPAREN) { unexpected(p); return NULL; }
        consume(p);
        parse_trailing_redirs(p, n);
        return p->err ? NULL : n;
    }
    /* simple command (or a function definition) */
    n = new_node(N_SIMPLE);
    struct redir **tail = &n->redirs;
    for (;;) {
        t = peek(p);
        if (p->err) return NULL;
        if (t == T_REDIR) {
            if (!parse_redir(p, &tail)) return NULL;
        } else if (t == T_WORD) {
            if (n->nwords == 0 && is_assignment(p->word)) {
                push(&n->assigns, &n->nassigns, take_word(p));
            } else {
                push(&n->words, &n->nwords, take_word(p));
                if (n->nwords == 1 && n->nassigns == 0 && !n->redirs && peek(p) == T_LPAREN) {
                    consume(p);
                    if (peek(p) != T_RPAREN) { unexpected(p); return NULL; }
                    consume(p);
                    skip_newlines(p);
                    struct node *f = new_node(N_FUNC);
                    f->name = n->words[0];
                    f->a = parse_command(p);
                    return f->a ? f : NULL;
                }
            }
        } else break;
    }
    if (!n->nwords && !n->nassigns && !n->redirs) { unexpected(p); return NULL; }
    return n;
}

int parser_next(struct parser *p, struct node **out)
{
    *out = NULL;
    for (;;) {
        enum tok t = peek(p);
        if (p->err) return p->err;
        if (t == T_EOF) return PARSE_EOF;
        if (t == T_NEWLINE || t == T_SEMI) {
            if (t == T_SEMI) { syntax(p, "\";\""); return p->err; }
            consume(p);
            continue;
        }
        break;
    }
    struct node *n = parse_and_or(p);
    while (n && !p->err) {
        enum tok t = peek(p);
        if (t == T_NEWLINE) { consume(p); break; }
        if (t == T_EOF) break;
        if (t == T_SEMI || t == T_AMP) {
            consume(p);
            t = peek(p);
            if (t == T_NEWLINE) { consume(p); break; }
            if (t == T_EOF) break;
            struct node *m = parse_and_or(p);
            if (!m) break;
            n = bin(N_SEQ, n, m);
            continue;
        }
        syntax(p, tok_name(p));
        break;
    }
    if (p->err) return p->err;
    if (p->npending) { incomplete(p); return p->err; }
    *out = n;
    return PARSE_OK;
}
