/* Shell variables, functions and the snapshot/restore that stands in for fork(). Exported
 * variables are mirrored into the libc environment so applets (env, printenv) see them. */
#include "sh.h"
#include <ctype.h>

struct var { char *name, *val; int exported; };
struct func { char *name; struct node *body; };

static struct var *vars;
static int nvars;
static struct func *funcs;
static int nfuncs;

extern char **environ;

int var_valid_name(const char *s, size_t n)
{
    if (!n || !(isalpha((unsigned char)s[0]) || s[0] == '_')) return 0;
    for (size_t i = 1; i < n; i++)
        if (!(isalnum((unsigned char)s[i]) || s[i] == '_')) return 0;
    return 1;
}

static struct var *find(const char *name)
{
    for (int i = 0; i < nvars; i++)
        if (!strcmp(vars[i].name, name)) return &vars[i];
    return NULL;
}

const char *var_get(const char *name)
{
    struct var *v = find(name);
    return v ? v->val : NULL;
}

void var_set(const char *name, const char *val, int export_flag)
{
    struct var *v = find(name);
    if (!v) {
        vars = xrealloc(vars, sizeof *vars * (size_t)(nvars + 1));
        v = &vars[nvars++];
        v->name = xstrdup(name);
        v->val = NULL;
        v->exported = 0;
    }
    char *nv = xstrdup(val);
    free(v->val);
    v->val = nv;
    if (export_flag) v->exported = 1;
    if (v->exported) setenv(name, val, 1);
}

void var_export(const char *name)
{
    struct var *v = find(name);
    if (!v) {
        /* POSIX: exporting an unset name marks it; we create it empty only when assigned */
        return;
    }
    v->exported = 1;
    setenv(name, v->val, 1);
}

void var_unset(const char *name)
{
    for (int i = 0; i < nvars; i++) {
        if (strcmp(vars[i].name, name)) continue;
        if (vars[i].exported) unsetenv(name);
        free(vars[i].name);
        free(vars[i].val);
        vars[i] = vars[--nvars];
        return;
    }
}

/* Once per process: by sh, or by the first script an applet runs (env, timeout) without one. */
void vars_init(void)
{
    static int done;
    if (done) return;
    done = 1;
    for (char **e = environ; e && *e; e++) {
        const char *eq = strchr(*e, '=');
        if (!eq) continue;
        char *name = xstrdup(*e);
        name[eq - *e] = 0;
        if (var_valid_name(name, strlen(name))) var_set(name, eq + 1, 1);
        free(name);
    }
    if (!var_get("PATH")) var_set("PATH", "/bin:/usr/bin:/usr/local/bin", 0);
    if (!var_get("IFS")) var_set("IFS", " \t\n", 0);
    if (!var_get("HOME")) var_set("HOME", "/root", 0);
}

static int cmp_var(const void *a, const void *b)
{
    return strcmp(((const struct var *)a)->name, ((const struct var *)b)->name);
}

static void print_quoted(const char *s)
{
    putchar('\'');
    for (; *s; s++) {
        if (*s == '\'') fputs("'\\''", stdout);
        else putchar(*s);
    }
    putchar('\'');
}

static void print_vars(int only_exported)
{
    struct var *copy = xmalloc(sizeof *copy * (size_t)(nvars + 1));
    memcpy(copy, vars, sizeof *copy * (size_t)nvars);
    qsort(copy, (size_t)nvars, sizeof *copy, cmp_var);
    for (int i = 0; i < nvars; i++) {
        if (only_exported && !copy[i].exported) continue;
        if (only_exported) printf("export ");
        printf("%s=", copy[i].name);
        print_quoted(copy[i].val);
        putchar('\n');
    }
    free(copy);
}

void vars_print_exports(void) { print_vars(1); }
void vars_print_all(void) { print_vars(0); }

struct node *func_get(const char *name)
{
    for (int i = 0; i < nfuncs; i++)
        if (!strcmp(funcs[i].name, name)) return funcs[i].body;
    return NULL;
}

void func_set(const char *name, struct node *body)
{
    for (int i = 0; i < nfuncs; i++)
        if (!strcmp(funcs[i].name, name)) { funcs[i].body = body; return; }
    funcs = xrealloc(funcs, sizeof *funcs * (size_t)(nfuncs + 1));
    funcs[nfuncs].name = xstrdup(name);
    funcs[nfuncs].body = body;
    nfuncs++;
}

/* ---- state snapshots ---- */

struct sh_state {
    struct var *vars;
    int nvars;
    struct func *funcs;
    int nfuncs;
    char *cwd;
    char *arg0;
    char **params;
    int nparams;
    int status;
    int loop_depth, func_depth, errexit, xtrace;
};

struct sh_state *sh_state_save(void)
{
    struct sh_state *s = xmalloc(sizeof *s);
    s->nvars = nvars;
    s->vars = xmalloc(sizeof *vars * (size_t)(nvars + 1));
    for (int i = 0; i < nvars; i++) {
        s->vars[i].name = xstrdup(vars[i].name);
        s->vars[i].val = xstrdup(vars[i].val);
        s->vars[i].exported = vars[i].exported;
    }
    s->nfuncs = nfuncs;
    s->funcs = xmalloc(sizeof *funcs * (size_t)(nfuncs + 1));
    for (int i = 0; i < nfuncs; i++) {
        s->funcs[i].name = xstrdup(funcs[i].name);
        s->funcs[i].body = funcs[i].body;
    }
    char buf[4096];
    s->cwd = xstrdup(getcwd(buf, sizeof buf) ? buf : "/");
    s->arg0 = xstrdup(sh_arg0 ? sh_arg0 : "sh");
    s->nparams = sh_nparams;
    s->params = xmalloc(sizeof(char *) * (size_t)(sh_nparams + 1));
    for (int i = 0; i < sh_nparams; i++) s->params[i] = xstrdup(sh_params[i]);
    s->params[sh_nparams] = NULL;
    s->status = sh_status;
    s->loop_depth = sh_loop_depth;
    s->func_depth = sh_func_depth;
    s->errexit = sh_errexit;
    s->xtrace = sh_xtrace;
    return s;
}

void sh_state_restore(struct sh_state *s)
{
    for (int i = 0; i < nvars; i++) {
        if (vars[i].exported) unsetenv(vars[i].name);
        free(vars[i].name);
        free(vars[i].val);
    }
    free(vars);
    vars = s->vars;
    nvars = s->nvars;
    for (int i = 0; i < nvars; i++)
        if (vars[i].exported) setenv(vars[i].name, vars[i].val, 1);
    for (int i = 0; i < nfuncs; i++) free(funcs[i].name);
    free(funcs);
    funcs = s->funcs;
    nfuncs = s->nfuncs;
    if (chdir(s->cwd) != 0) { /* the directory may have been removed meanwhile; stay put */ }
    free(s->cwd);
    free(sh_arg0);
    sh_arg0 = s->arg0;
    free_argv(sh_params, sh_nparams);
    sh_params = s->params;
    sh_nparams = s->nparams;
    sh_loop_depth = s->loop_depth;
    sh_func_depth = s->func_depth;
    sh_errexit = s->errexit;
    sh_xtrace = s->xtrace;
    free(s);
}

/* A script or nested sh is a new process: it sees only exported variables. */
void vars_only_exported(void)
{
    for (int i = 0; i < nvars;) {
        if (!vars[i].exported && strcmp(vars[i].name, "PATH") && strcmp(vars[i].name, "IFS") &&
            strcmp(vars[i].name, "HOME")) {
            free(vars[i].name);
            free(vars[i].val);
            vars[i] = vars[--nvars];
        } else i++;
    }
    for (int i = 0; i < nfuncs; i++) free(funcs[i].name);
    nfuncs = 0;
}
