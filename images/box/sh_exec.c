/* Shell execution: lists, pipelines, compound commands, redirections and command lookup.
 * Everything runs in this one process: a pipeline runs its stages one after another, each
 * stage's output collected in a capped memory pipe (see box.h) that becomes the next stage's
 * input; subshells, pipeline stages and command substitutions snapshot and restore the shell
 * state instead of forking. */
#include "sh.h"
#include <ctype.h>

int sh_ctl, sh_ctl_count;
int sh_subst_ran;
int sh_status;
char *sh_arg0;
char **sh_params;
int sh_nparams;
int sh_loop_depth, sh_func_depth, sh_errexit, sh_xtrace, sh_depth;
static int cond_depth; /* inside an if/while condition or an && || left side: set -e ignores */

/* ---- special files: WASI file systems have no /dev, so the shell provides the usual ones ---- */

static ssize_t null_write(void *c, const char *b, size_t n) { (void)c; (void)b; return (ssize_t)n; }
static ssize_t null_read(void *c, char *b, size_t n) { (void)c; (void)b; (void)n; return 0; }
static int null_close(void *c) { (void)c; return 0; }

FILE *box_null_stream(const char *mode)
{
    cookie_io_functions_t io = { .read = null_read, .write = null_write, .seek = NULL, .close = null_close };
    return fopencookie(NULL, mode, io);
}

struct redir_save {
    FILE *in, *out, *err;
    FILE *opened[16];
    int nopened;
    struct membuf *bufs[8];
    int nbufs;
};

static FILE **stream_for(int fd)
{
    return fd == 0 ? &box_in : fd == 1 ? &box_out : fd == 2 ? &box_err : NULL;
}

static void undo_redirs(struct redir_save *s)
{
    fflush(box_out);
    fflush(box_err);
    box_in = s->in;
    box_out = s->out;
    box_err = s->err;
    for (int i = 0; i < s->nopened; i++) fclose(s->opened[i]);
    for (int i = 0; i < s->nbufs; i++) { membuf_free(s->bufs[i]); free(s->bufs[i]); }
    s->nopened = s->nbufs = 0;
}

static int apply_redirs(struct redir *r, struct redir_save *s)
{
    s->in = box_in;
    s->out = box_out;
    s->err = box_err;
    s->nopened = s->nbufs = 0;
    for (; r; r = r->next) {
        FILE **slot = stream_for(r->fd);
        if (!slot) {
            fprintf(box_err, "sh: %d: file descriptors above 2 are not supported\n", r->fd);
            undo_redirs(s);
            return 1;
        }
        FILE *f = NULL;
        if (r->op == R_HEREDOC) {
            char *text = r->quoted ? xstrdup(r->word ? r->word : "") : expand_heredoc(r->word ? r->word : "");
            struct membuf *m = xmalloc(sizeof *m);
            memset(m, 0, sizeof *m);
            m->data = text;
            m->len = strlen(text);
            m->cap = m->len;
            f = membuf_reader(m);
            if (s->nbufs < 8) s->bufs[s->nbufs++] = m;
            s->opened[s->nopened++] = f;
            *slot = f;
            continue;
        }
        char *target = expand_string(r->word);
        if (r->op == R_DUPOUT || r->op == R_DUPIN) {
            if (!strcmp(target, "-")) {
                f = box_null_stream(r->op == R_DUPIN ? "r" : "w");
                s->opened[s->nopened++] = f;
            } else if (strlen(target) == 1 && target[0] >= '0' && target[0] <= '2') {
                f = *stream_for(target[0] - '0');
            } else if (r->op == R_DUPOUT && r->fd == 1 && !isdigit((unsigned char)target[0])) {
                /* >&file is bash's &>file */
                f = fopen(target, "w");
                if (!f) goto fail_create;
                s->opened[s->nopened++] = f;
                box_err = f;
            } else {
                fprintf(box_err, "sh: %s: bad file descriptor\n", target);
                free(target);
                undo_redirs(s);
                return 1;
            }
            *slot = f;
            free(target);
            continue;
        }
        const char *mode = r->op == R_IN ? "r" : r->op == R_APPEND ? "a" : r->op == R_RDWR ? "r+" : "w";
        if (!strcmp(target, "/dev/null")) {
            f = box_null_stream(r->op == R_IN ? "r" : "w");
            s->opened[s->nopened++] = f;
        } else if (!strcmp(target, "/dev/stdout")) f = s->out;
        else if (!strcmp(target, "/dev/stderr")) f = s->err;
        else if (!strcmp(target, "/dev/stdin")) f = s->in;
        else {
            if (box_is_dir(target)) { errno = EISDIR; f = NULL; }
            else f = fopen(target, mode);
            if (!f) {
                if (r->op == R_IN) {
                    fprintf(box_err, "sh: can't open '%s': %s\n", target, strerror(errno));
                    free(target);
                    undo_redirs(s);
                    return 1;
                }
                goto fail_create;
            }
            s->opened[s->nopened++] = f;
        }
        *slot = f;
        free(target);
        if (s->nopened >= 15) { fprintf(box_err, "sh: too many redirections\n"); undo_redirs(s); return 1; }
        continue;
    fail_create:
        fprintf(box_err, "sh: can't create %s: %s\n", target, strerror(errno));
        free(target);
        undo_redirs(s);
        return 1;
    }
    return 0;
}

/* ---- errexit ---- */

static int checked(int status)
{
    sh_status = status;
    if (sh_errexit && status != 0 && cond_depth == 0 && !sh_ctl) sh_ctl = CTL_EXIT;
    return status;
}

/* ---- command lookup ---- */

int sh_find_in_path(const char *name, char *out, size_t outsz)
{
    const char *path = var_get("PATH");
    if (!path) path = "/bin:/usr/bin:/usr/local/bin";
    const char *p = path;
    while (1) {
        const char *colon = strchr(p, ':');
        size_t n = colon ? (size_t)(colon - p) : strlen(p);
        snprintf(out, outsz, "%.*s%s%s", (int)n, p, n ? "/" : "", name);
        struct stat st;
        if (stat(out, &st) == 0 && S_ISREG(st.st_mode)) return 1;
        if (!colon) break;
        p = colon + 1;
    }
    return 0;
}

static int run_function(struct node *body, int argc, char **argv)
{
    char **saved = sh_params;
    int nsaved = sh_nparams;
    sh_params = xmalloc(sizeof(char *) * (size_t)argc);
    for (int i = 1; i < argc; i++) sh_params[i - 1] = xstrdup(argv[i]);
    sh_params[argc - 1] = NULL;
    sh_nparams = argc - 1;
    sh_func_depth++;
    int st = sh_exec(body);
    sh_func_depth--;
    if (sh_ctl == CTL_RETURN) { sh_ctl = CTL_NONE; st = sh_status; }
    free_argv(sh_params, sh_nparams);
    sh_params = saved;
    sh_nparams = nsaved;
    return st;
}

/* Runs a file that is not a WASI module: a script, through its #! interpreter. */
static int run_script_path(const char *path, int argc, char **argv)
{
    char head[256] = {0};
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(box_err, "sh: %s: %s\n", argv[0], strerror(errno));
        return 126;
    }
    if (!fgets(head, sizeof head, f)) head[0] = 0;
    fclose(f);
    if (head[0] == '#' && head[1] == '!') {
        char *s = head + 2;
        while (*s == ' ' || *s == '\t') s++;
        char *interp = s;
        while (*s && !isspace((unsigned char)*s)) s++;
        char *arg = NULL;
        if (*s && *s != '\n') {
            *s++ = 0;
            while (*s == ' ' || *s == '\t') s++;
            if (*s && *s != '\n') {
                arg = s;
                s[strcspn(s, "\r\n")] = 0;
                char *end = arg + strlen(arg);
                while (end > arg && isspace((unsigned char)end[-1])) *--end = 0;
            }
        } else *s = 0;
        const char *ib = box_basename(interp);
        /* "#!/usr/bin/env NAME" runs NAME */
        if (!strcmp(ib, "env") && arg) { ib = arg; interp = arg; arg = NULL; }
        if (!strcmp(ib, "sh") || !strcmp(ib, "ash") || !strcmp(ib, "bash") || !strcmp(ib, "box"))
            return sh_run_script_file(path, argc, argv);
        int nargc = argc + 1 + (arg ? 1 : 0);
        char **nargv = xmalloc(sizeof(char *) * (size_t)(nargc + 1));
        int k = 0;
        nargv[k++] = interp;
        if (arg) nargv[k++] = arg;
        nargv[k++] = (char *)path;
        for (int i = 1; i < argc; i++) nargv[k++] = argv[i];
        nargv[k] = NULL;
        const struct applet *a = box_find_applet(ib);
        int st;
        char ipath[4096];
        if (a) st = box_run_applet(a, nargc, nargv);
        else if (strchr(interp, '/') ? (snprintf(ipath, sizeof ipath, "%s", interp), access(ipath, F_OK) == 0)
                                      : sh_find_in_path(interp, ipath, sizeof ipath)) {
            st = box_is_wasm_file(ipath) ? sh_spawn(ipath, nargc, nargv)
                                         : (fprintf(box_err, "sh: %s: bad interpreter\n", argv[0]), 126);
        } else {
            fprintf(box_err, "sh: %s: not found\n", interp);
            st = 127;
        }
        free(nargv);
        return st;
    }
    return sh_run_script_file(path, argc, argv);
}

static int run_external(int argc, char **argv);

static int run_command(int argc, char **argv)
{
    struct node *fn = func_get(argv[0]);
    if (fn) return run_function(fn, argc, argv);
    int handled = 0;
    int st = sh_run_builtin(argc, argv, &handled);
    if (handled) return st;
    return run_external(argc, argv);
}

/* What env, nice-style applets run: an applet or a program file, never a shell builtin. */
int box_exec_command(int argc, char **argv) { return run_external(argc, argv); }

static int run_external(int argc, char **argv)
{
    const char *name = argv[0];
    if (!strchr(name, '/')) {
        const struct applet *a = box_find_applet(name);
        if (a) return box_run_applet(a, argc, argv);
    }
    char path[4096];
    int found;
    if (strchr(name, '/')) {
        snprintf(path, sizeof path, "%s", name);
        found = access(path, F_OK) == 0;
    } else found = sh_find_in_path(name, path, sizeof path);
    if (!found) {
        fprintf(box_err, "sh: %s: not found\n", name);
        return 127;
    }
    if (box_is_dir(path)) {
        fprintf(box_err, "sh: %s: Permission denied\n", name);
        return 126;
    }
    if (box_is_wasm_file(path)) {
        /* /bin/ls and friends are box itself under another name: run the applet in-process */
        const struct applet *a = box_find_applet(box_basename(path));
        if (a) return box_run_applet(a, argc, argv);
        return sh_spawn(path, argc, argv);
    }
    return run_script_path(path, argc, argv);
}

static void xtrace(int argc, char **argv)
{
    fputs("+", box_err);
    for (int i = 0; i < argc; i++) fprintf(box_err, " %s", argv[i]);
    fputc('\n', box_err);
}

static int exec_simple(struct node *n)
{
    int argc;
    sh_subst_ran = 0;
    char **argv = expand_words(n->words, n->nwords, &argc);
    if (argc == 0) {
        /* a bare assignment's status is that of its last command substitution, else 0 */
        int subst_status = sh_subst_ran ? sh_status : 0;
        for (int i = 0; i < n->nassigns; i++) {
            char *eq = strchr(n->assigns[i], '=');
            char *name = xstrdup(n->assigns[i]);
            name[eq - n->assigns[i]] = 0;
            sh_subst_ran = 0;
            char *val = expand_string(eq + 1);
            if (sh_subst_ran) subst_status = sh_status;
            var_set(name, val, 0);
            free(name);
            free(val);
        }
        struct redir_save rs;
        int st = apply_redirs(n->redirs, &rs);
        if (!st) undo_redirs(&rs);
        free_argv(argv, argc);
        return st ? st : subst_status;
    }
    /* prefix assignments are exported to this command only */
    int na = n->nassigns;
    char **names = NULL, **olds = NULL;
    int *oldexp = NULL;
    if (na) {
        names = xmalloc(sizeof(char *) * (size_t)na);
        olds = xmalloc(sizeof(char *) * (size_t)na);
        oldexp = xmalloc(sizeof(int) * (size_t)na);
        for (int i = 0; i < na; i++) {
            char *eq = strchr(n->assigns[i], '=');
            names[i] = xstrdup(n->assigns[i]);
            names[i][eq - n->assigns[i]] = 0;
            const char *old = var_get(names[i]);
            olds[i] = old ? xstrdup(old) : NULL;
            oldexp[i] = old && getenv(names[i]) != NULL;
            char *val = expand_string(eq + 1);
            var_set(names[i], val, 1);
            free(val);
        }
    }
    if (sh_xtrace) xtrace(argc, argv);
    struct redir_save rs;
    int st = apply_redirs(n->redirs, &rs);
    int keep_redirs = 0;
    if (!st) {
        if (!strcmp(argv[0], "exec") && argc == 1) keep_redirs = 1; /* exec >file: permanent */
        else st = run_command(argc, argv);
        fflush(box_out);
        fflush(box_err);
        if (!keep_redirs) undo_redirs(&rs);
    }
    for (int i = 0; i < na; i++) {
        if (olds[i]) {
            var_set(names[i], olds[i], 0);
            if (!oldexp[i]) unsetenv(names[i]);
        } else var_unset(names[i]);
        free(names[i]);
        free(olds[i]);
    }
    free(names);
    free(olds);
    free(oldexp);
    free_argv(argv, argc);
    return st;
}

static int exec_pipeline(struct node *n)
{
    /* flatten the left-leaning N_PIPE tree */
    int count = 0;
    for (struct node *m = n; m->type == N_PIPE; m = m->a) count++;
    count++;
    struct node **stages = xmalloc(sizeof *stages * (size_t)count);
    struct node *m = n;
    for (int i = count - 1; i > 0; i--) { stages[i] = m->b; m = m->a; }
    stages[0] = m;

    FILE *in0 = box_in, *out0 = box_out;
    struct membuf *prev = NULL;
    FILE *prev_reader = NULL;
    int st = 0;
    for (int i = 0; i < count; i++) {
        struct membuf *cur = NULL;
        FILE *writer = NULL;
        if (i < count - 1) {
            cur = xmalloc(sizeof *cur);
            writer = membuf_writer(cur, BOX_PIPE_CAP);
        }
        box_in = prev_reader ? prev_reader : in0;
        box_out = writer ? writer : out0;
        struct sh_state *saved = sh_state_save();
        int saved_errexit = sh_errexit;
        sh_errexit = 0;
        st = sh_exec(stages[i]);
        sh_errexit = saved_errexit;
        fflush(box_out);
        if (sh_ctl == CTL_EXIT || sh_ctl == CTL_BREAK || sh_ctl == CTL_CONTINUE || sh_ctl == CTL_RETURN) sh_ctl = CTL_NONE;
        sh_state_restore(saved);
        if (prev_reader) fclose(prev_reader);
        if (prev) { membuf_free(prev); free(prev); }
        prev = NULL;
        prev_reader = NULL;
        if (writer) {
            fclose(writer);
            prev = cur;
            prev_reader = membuf_reader(cur);
        }
    }
    box_in = in0;
    box_out = out0;
    free(stages);
    return st;
}

int sh_exec(struct node *n)
{
    if (!n || sh_ctl) return sh_status;
    struct redir_save rs;
    int has_redirs = n->type != N_SIMPLE && n->redirs;
    if (has_redirs && apply_redirs(n->redirs, &rs)) return sh_status = 1;
    int st = 0;
    switch (n->type) {
    case N_SIMPLE:
        sh_poll_signals();
        if (sh_ctl) { st = sh_status; break; }
        st = checked(exec_simple(n));
        sh_poll_signals();
        break;
    case N_SEQ:
        sh_exec(n->a);
        st = sh_ctl ? sh_status : sh_exec(n->b);
        break;
    case N_AND:
    case N_OR:
        cond_depth++;
        st = sh_exec(n->a);
        cond_depth--;
        if (!sh_ctl && ((n->type == N_AND) == (st == 0))) st = sh_exec(n->b);
        break;
    case N_NOT:
        cond_depth++;
        st = !sh_exec(n->a);
        cond_depth--;
        break;
    case N_PIPE:
        st = checked(exec_pipeline(n));
        break;
    case N_IF:
        cond_depth++;
        st = sh_exec(n->a);
        cond_depth--;
        if (sh_ctl) break;
        if (st == 0) st = sh_exec(n->b);
        else if (n->c) st = sh_exec(n->c);
        else st = 0;
        break;
    case N_WHILE:
    case N_UNTIL:
        st = 0;
        sh_loop_depth++;
        for (;;) {
            cond_depth++;
            int c = sh_exec(n->a);
            cond_depth--;
            if (sh_ctl) {
                if (sh_ctl == CTL_BREAK || sh_ctl == CTL_CONTINUE) goto loop_ctl_while;
                break;
            }
            if ((c == 0) != (n->type == N_WHILE)) break;
            st = sh_exec(n->b);
        loop_ctl_while:
            if (sh_ctl == CTL_BREAK) {
                if (--sh_ctl_count <= 0) sh_ctl = CTL_NONE;
                break;
            }
            if (sh_ctl == CTL_CONTINUE) {
                if (--sh_ctl_count <= 0) sh_ctl = CTL_NONE;
                else break;
                continue;
            }
            if (sh_ctl) break;
        }
        sh_loop_depth--;
        break;
    case N_FOR: {
        int nitems;
        char **items;
        if (n->has_in) items = expand_words(n->words, n->nwords, &nitems);
        else {
            nitems = sh_nparams;
            items = xmalloc(sizeof(char *) * (size_t)(nitems + 1));
            for (int i = 0; i < nitems; i++) items[i] = xstrdup(sh_params[i]);
        }
        st = 0;
        sh_loop_depth++;
        for (int i = 0; i < nitems; i++) {
            var_set(n->name, items[i], 0);
            st = sh_exec(n->a);
            if (sh_ctl == CTL_BREAK) {
                if (--sh_ctl_count <= 0) sh_ctl = CTL_NONE;
                break;
            }
            if (sh_ctl == CTL_CONTINUE) {
                if (--sh_ctl_count <= 0) sh_ctl = CTL_NONE;
                else break;
                continue;
            }
            if (sh_ctl) break;
        }
        sh_loop_depth--;
        free_argv(items, nitems);
        break;
    }
    case N_CASE: {
        char *w = expand_string(n->name);
        st = 0;
        for (struct case_item *ci = n->cases; ci; ci = ci->next) {
            int hit = 0;
            for (int i = 0; i < ci->npats && !hit; i++) hit = expand_pattern_match(ci->pats[i], w);
            if (hit) {
                if (ci->body) st = sh_exec(ci->body);
                break;
            }
        }
        free(w);
        break;
    }
    case N_GROUP:
        st = sh_exec(n->a);
        break;
    case N_SUBSHELL: {
        struct sh_state *saved = sh_state_save();
        st = sh_exec(n->a);
        if (sh_ctl == CTL_EXIT) st = sh_status;
        sh_ctl_clear();
        sh_state_restore(saved);
        st = checked(st);
        break;
    }
    case N_FUNC:
        func_set(n->name, n->a);
        st = 0;
        break;
    }
    if (has_redirs) undo_redirs(&rs);
    if (sh_ctl == CTL_EXIT || sh_ctl == CTL_RETURN || sh_ctl == CTL_INTR) return sh_status;
    return sh_status = st;
}

int sh_run_string(const char *src, const char *name)
{
    (void)name;
    struct parser *p = parser_new(src);
    struct node *n;
    int r;
    while ((r = parser_next(p, &n)) == PARSE_OK) {
        sh_exec(n);
        fflush(box_out);
        fflush(box_err);
        if (sh_ctl == CTL_EXIT || sh_ctl == CTL_RETURN || sh_ctl == CTL_INTR) break;
        if (sh_ctl == CTL_BREAK || sh_ctl == CTL_CONTINUE) sh_ctl = CTL_NONE;
    }
    if (r == PARSE_INCOMPLETE) {
        fprintf(box_err, "sh: syntax error: unexpected end of file\n");
        sh_status = 2;
    } else if (r == PARSE_ERROR) sh_status = 2;
    parser_free(p);
    return sh_status;
}

char *sh_command_subst(const char *src)
{
    struct membuf m;
    FILE *w = membuf_writer(&m, BOX_PIPE_CAP);
    FILE *saved_out = box_out;
    box_out = w;
    struct sh_state *saved = sh_state_save();
    sh_depth++;
    sh_run_string(src, NULL);
    sh_depth--;
    int st = sh_status;
    sh_ctl_clear();
    fflush(w);
    fclose(w);
    box_out = saved_out;
    sh_state_restore(saved);
    sh_status = st;
    sh_subst_ran = 1;
    char *out = xmalloc(m.len + 1);
    if (m.len) memcpy(out, m.data, m.len);
    out[m.len] = 0;
    membuf_free(&m);
    return out;
}

int sh_run_script_file(const char *path, int argc, char **argv)
{
    size_t len;
    char *src = box_read_file(path, &len);
    if (!src) {
        fprintf(box_err, "sh: can't open '%s': %s\n", path, strerror(errno));
        return 127;
    }
    vars_init();
    struct sh_state *saved = sh_state_save();
    vars_only_exported();
    free(sh_arg0);
    sh_arg0 = xstrdup(path);
    free_argv(sh_params, sh_nparams);
    sh_nparams = argc > 1 ? argc - 1 : 0;
    sh_params = xmalloc(sizeof(char *) * (size_t)(sh_nparams + 1));
    for (int i = 0; i < sh_nparams; i++) sh_params[i] = xstrdup(argv[i + 1]);
    sh_params[sh_nparams] = NULL;
    sh_loop_depth = sh_func_depth = 0;
    sh_depth++;
    int st = sh_run_string(src, path);
    sh_depth--;
    sh_ctl_clear();
    sh_state_restore(saved);
    free(src);
    return st;
}

/* ---- signals ---- */

char *sh_traps[BOX_NSIG];
static int in_trap;

void sh_ctl_clear(void)
{
    if (sh_ctl != CTL_INTR) sh_ctl = CTL_NONE;
}

/* A trap's command runs as `eval` would, with $? kept for the command after it - unless it exits. */
static int run_trap(const char *cmd)
{
    int saved_status = sh_status, saved_ctl = sh_ctl;
    char *copy = xstrdup(cmd);
    in_trap = 1;
    sh_ctl = CTL_NONE;
    sh_run_string(copy, "trap");
    in_trap = 0;
    free(copy);
    if (sh_ctl == CTL_EXIT) return 1;
    sh_ctl = saved_ctl;
    sh_status = saved_status;
    return 0;
}

void sh_poll_signals(void)
{
    if (in_trap) return;
    box_signals();
    while (box_traps_pending) {
        int sig = __builtin_ctz(box_traps_pending);
        box_traps_pending &= ~(1u << sig);
        if (box_sigdisp[sig] == BOX_SIG_TRAP && sh_traps[sig] && run_trap(sh_traps[sig])) {
            box_interrupted = 0;
            return;
        }
    }
    if (box_interrupted) {
        if (box_sigdisp[box_interrupted] != BOX_SIG_TRAP && box_interactive) {
            sh_ctl = CTL_INTR;
            sh_status = 128 + box_interrupted;
        }
        box_interrupted = 0;
    }
}

void sh_run_exit_trap(void)
{
    char *cmd = sh_traps[0];
    if (!cmd) return;
    sh_traps[0] = NULL;
    int status = sh_status;
    sh_ctl = CTL_NONE;
    if (*cmd && !run_trap(cmd)) sh_status = status;
    free(cmd);
}
