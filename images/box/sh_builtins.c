/* Builtins that change the shell itself (they cannot be applets: they touch shell state). */
#include "sh.h"
#include <ctype.h>

/* cd -L, as POSIX shells do by default: the new directory is worked out on the text of $PWD and
 * the operand - `.` dropped, `..` taking back one component and never going above / - before
 * chdir, so `cd ..` at / stays at / and $PWD never shows `..` (wasi-libc's own cwd would). */
static void logical_path(char *out, size_t size, const char *base, const char *dir)
{
    char buf[8192];
    snprintf(buf, sizeof buf, "%s/%s", dir[0] == '/' ? "" : base, dir);
    size_t n = 0;
    for (char *part = strtok(buf, "/"); part; part = strtok(NULL, "/")) {
        if (!strcmp(part, ".")) continue;
        if (!strcmp(part, "..")) {
            while (n > 0 && out[n - 1] != '/') n--;
            if (n > 0) n--;
            continue;
        }
        size_t len = strlen(part);
        if (n + 1 + len + 1 > size) break;
        out[n++] = '/';
        memcpy(out + n, part, len);
        n += len;
    }
    if (n == 0) out[n++] = '/';
    out[n] = 0;
}

static int bi_cd(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : var_get("HOME");
    if (!dir || !*dir) dir = "/";
    if (!strcmp(dir, "-")) {
        dir = var_get("OLDPWD");
        if (!dir) dir = "/";
        printf("%s\n", dir);
    }
    char old[4096];
    if (!getcwd(old, sizeof old)) strcpy(old, "/");
    const char *pwd = var_get("PWD");
    char target[4096];
    logical_path(target, sizeof target, pwd && pwd[0] == '/' ? pwd : old, dir);
    if (chdir(target) != 0) {
        fprintf(stderr, "sh: cd: can't cd to %s: %s\n", dir, strerror(errno));
        return 1;
    }
    var_set("OLDPWD", pwd && pwd[0] == '/' ? pwd : old, 0);
    var_set("PWD", target, 0);
    return 0;
}

static int assign_or_name(const char *arg, int export_flag)
{
    const char *eq = strchr(arg, '=');
    size_t n = eq ? (size_t)(eq - arg) : strlen(arg);
    if (!var_valid_name(arg, n)) {
        fprintf(stderr, "sh: %s: bad variable name\n", arg);
        return 1;
    }
    char *name = xstrdup(arg);
    name[n] = 0;
    if (eq) var_set(name, eq + 1, export_flag);
    else if (export_flag) {
        if (!var_get(name)) var_set(name, "", 1);
        else var_export(name);
    }
    free(name);
    return 0;
}

static int bi_export(int argc, char **argv)
{
    int st = 0, i = 1;
    if (i < argc && !strcmp(argv[i], "-p")) i++;
    if (i >= argc) { vars_print_exports(); return 0; }
    for (; i < argc; i++) st |= assign_or_name(argv[i], 1);
    return st;
}

static int bi_local(int argc, char **argv)
{
    /* no dynamic scoping: local assigns in the current scope (documented simplification) */
    int st = 0;
    for (int i = 1; i < argc; i++) {
        if (!strchr(argv[i], '=') && var_valid_name(argv[i], strlen(argv[i]))) {
            if (!var_get(argv[i])) var_set(argv[i], "", 0);
            continue;
        }
        st |= assign_or_name(argv[i], 0);
    }
    return st;
}

static int bi_unset(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "-f")) continue;
        var_unset(argv[i]);
    }
    return 0;
}

static int parse_status(const char *who, const char *s, int *out)
{
    long v;
    if (box_parse_long(s, &v)) {
        fprintf(stderr, "sh: %s: Illegal number: %s\n", who, s);
        return 2;
    }
    *out = (int)(v & 255);
    return 0;
}

static int bi_exit(int argc, char **argv)
{
    int st = sh_status;
    if (argc > 1 && parse_status("exit", argv[1], &st)) st = 2;
    sh_ctl = CTL_EXIT;
    sh_status = st;
    return st;
}

static int bi_return(int argc, char **argv)
{
    int st = sh_status;
    if (argc > 1 && parse_status("return", argv[1], &st)) st = 2;
    sh_ctl = sh_func_depth ? CTL_RETURN : CTL_EXIT; /* return in a sourced/top-level script ends it */
    sh_status = st;
    return st;
}

static int bi_loopctl(int argc, char **argv, int ctl)
{
    int n = 1;
    if (argc > 1) {
        long v;
        if (box_parse_long(argv[1], &v) || v < 1) {
            fprintf(stderr, "sh: %s: Illegal number: %s\n", argv[0], argv[1]);
            return 1;
        }
        n = (int)v;
    }
    if (!sh_loop_depth) return 0;
    if (n > sh_loop_depth) n = sh_loop_depth;
    sh_ctl = ctl;
    sh_ctl_count = n;
    return 0;
}

static void set_params(int argc, char **argv)
{
    free_argv(sh_params, sh_nparams);
    sh_nparams = argc;
    sh_params = xmalloc(sizeof(char *) * (size_t)(argc + 1));
    for (int i = 0; i < argc; i++) sh_params[i] = xstrdup(argv[i]);
    sh_params[argc] = NULL;
}

static int bi_set(int argc, char **argv)
{
    if (argc == 1) { vars_print_all(); return 0; }
    int i = 1;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--")) { i++; set_params(argc - i, argv + i); return 0; }
        if ((a[0] == '-' || a[0] == '+') && a[1]) {
            int on = a[0] == '-';
            if (!strcmp(a + 1, "o") && i + 1 < argc) {
                const char *opt = argv[++i];
                if (!strcmp(opt, "errexit")) sh_errexit = on;
                else if (!strcmp(opt, "xtrace")) sh_xtrace = on;
                else { fprintf(stderr, "sh: set: -o %s: unsupported option\n", opt); return 1; }
                continue;
            }
            for (const char *c = a + 1; *c; c++) {
                if (*c == 'e') sh_errexit = on;
                else if (*c == 'x') sh_xtrace = on;
                else if (*c == 'u' || *c == 'f' || *c == 'm' || *c == 'h') { /* accepted, no effect */ }
                else { fprintf(stderr, "sh: set: illegal option -%c\n", *c); return 1; }
            }
            continue;
        }
        break;
    }
    if (i < argc) set_params(argc - i, argv + i);
    return 0;
}

static int bi_shift(int argc, char **argv)
{
    long n = 1;
    if (argc > 1 && (box_parse_long(argv[1], &n) || n < 0)) {
        fprintf(stderr, "sh: shift: Illegal number: %s\n", argv[1]);
        return 1;
    }
    if (n > sh_nparams) return 1;
    for (int i = 0; i < n; i++) free(sh_params[i]);
    memmove(sh_params, sh_params + n, sizeof(char *) * (size_t)(sh_nparams - n + 1));
    sh_nparams -= (int)n;
    return 0;
}

static int bi_read(int argc, char **argv)
{
    int raw = 0, i = 1;
    const char *prompt = NULL;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        if (!strcmp(argv[i], "-r")) raw = 1;
        else if (!strcmp(argv[i], "-p") && i + 1 < argc) prompt = argv[++i];
        else if (!strcmp(argv[i], "--")) { i++; break; }
        else { fprintf(stderr, "sh: read: illegal option %s\n", argv[i]); return 2; }
    }
    if (prompt) { fputs(prompt, stderr); fflush(stderr); }
    fflush(stdout);
    struct sbuf line = {0};
    int c, got = 0, eof = 0;
    for (;;) {
        c = fgetc(stdin);
        if (c == EOF) { eof = 1; break; }
        got = 1;
        if (c == '\n') break;
        if (c == '\\' && !raw) {
            int d = fgetc(stdin);
            if (d == '\n') continue;
            if (d == EOF) break;
            sb_addc(&line, (char)d);
            continue;
        }
        sb_addc(&line, (char)c);
    }
    char *s = sb_take(&line);
    const char *ifs = var_get("IFS");
    if (!ifs) ifs = " \t\n";
    int nvars = argc - i;
    if (nvars == 0) { var_set("REPLY", s, 0); free(s); return eof && !got ? 1 : 0; }
    char *p = s;
    for (int v = 0; v < nvars; v++) {
        while (*p && strchr(ifs, *p) && isspace((unsigned char)*p)) p++;
        char *start = p;
        if (v == nvars - 1) {
            char *end = p + strlen(p);
            while (end > p && strchr(ifs, end[-1]) && isspace((unsigned char)end[-1])) end--;
            *end = 0;
            p = end;
        } else {
            while (*p && !strchr(ifs, *p)) p++;
            if (*p) *p++ = 0;
        }
        var_set(argv[i + v], start, 0);
    }
    free(s);
    return eof && !got ? 1 : 0;
}

static int bi_source(int argc, char **argv)
{
    if (argc < 2) { fprintf(stderr, "sh: .: filename argument required\n"); return 2; }
    char path[4096];
    if (strchr(argv[1], '/')) snprintf(path, sizeof path, "%s", argv[1]);
    else if (access(argv[1], F_OK) == 0) snprintf(path, sizeof path, "%s", argv[1]);
    else if (!sh_find_in_path(argv[1], path, sizeof path)) {
        fprintf(stderr, "sh: .: can't open '%s'\n", argv[1]);
        return 2;
    }
    size_t len;
    char *src = box_read_file(path, &len);
    if (!src) { fprintf(stderr, "sh: .: can't open '%s'\n", argv[1]); return 2; }
    sh_func_depth++; /* "return" ends the sourced file only */
    int st = sh_run_string(src, path);
    sh_func_depth--;
    if (sh_ctl == CTL_RETURN) { sh_ctl = CTL_NONE; st = sh_status; }
    free(src);
    return st;
}

static int bi_eval(int argc, char **argv)
{
    struct sbuf b = {0};
    for (int i = 1; i < argc; i++) {
        if (i > 1) sb_addc(&b, ' ');
        sb_adds(&b, argv[i]);
    }
    char *s = sb_take(&b);
    int st = sh_run_string(s, "eval");
    free(s);
    return st;
}

static int describe(const char *name, int verbose)
{
    char path[4096];
    if (func_get(name)) { if (verbose) printf("%s is a function\n", name); else printf("%s\n", name); return 0; }
    if (sh_is_builtin(name)) { if (verbose) printf("%s is a shell builtin\n", name); else printf("%s\n", name); return 0; }
    if (!strchr(name, '/') && box_find_applet(name)) {
        /* an applet runs in-process; report the file a learner would find, like busybox does */
        if (sh_find_in_path(name, path, sizeof path)) {
            if (verbose) printf("%s is %s\n", name, path); else printf("%s\n", path);
        } else if (verbose) printf("%s is a box applet\n", name);
        else printf("%s\n", name);
        return 0;
    }
    if (strchr(name, '/') ? access(name, F_OK) == 0 && snprintf(path, sizeof path, "%s", name) > 0
                          : sh_find_in_path(name, path, sizeof path)) {
        if (verbose) printf("%s is %s\n", name, path); else printf("%s\n", path);
        return 0;
    }
    if (verbose) fprintf(stderr, "sh: type: %s: not found\n", name);
    return 1;
}

static int bi_type(int argc, char **argv)
{
    int st = 0;
    for (int i = 1; i < argc; i++) st |= describe(argv[i], 1);
    return st;
}

static int bi_command(int argc, char **argv)
{
    if (argc > 2 && (!strcmp(argv[1], "-v") || !strcmp(argv[1], "-V"))) {
        int st = 0;
        for (int i = 2; i < argc; i++) st |= describe(argv[i], argv[1][1] == 'V');
        return st;
    }
    if (argc < 2) return 0;
    /* command NAME: skip functions */
    const struct applet *a = box_find_applet(argv[1]);
    int handled = 0;
    int st = sh_run_builtin(argc - 1, argv + 1, &handled);
    if (handled) return st;
    if (a) return box_run_applet(a, argc - 1, argv + 1);
    char path[4096];
    if (sh_find_in_path(argv[1], path, sizeof path) && box_is_wasm_file(path)) return sh_spawn(path, argc - 1, argv + 1);
    fprintf(stderr, "sh: %s: not found\n", argv[1]);
    return 127;
}

static int bi_exec(int argc, char **argv)
{
    /* no exec() in WASI: run the command, then end the shell with its status */
    struct sbuf b = {0};
    (void)b;
    int handled = 0;
    int st;
    const struct applet *a = box_find_applet(argv[1]);
    st = sh_run_builtin(argc - 1, argv + 1, &handled);
    if (!handled) {
        if (a) st = box_run_applet(a, argc - 1, argv + 1);
        else {
            char path[4096];
            int found = strchr(argv[1], '/') ? (snprintf(path, sizeof path, "%s", argv[1]), access(path, F_OK) == 0)
                                             : sh_find_in_path(argv[1], path, sizeof path);
            if (!found) { fprintf(stderr, "sh: exec: %s: not found\n", argv[1]); st = 127; }
            else if (box_is_wasm_file(path)) st = sh_spawn(path, argc - 1, argv + 1);
            else st = sh_run_script_file(path, argc - 1, argv + 1);
        }
    }
    sh_ctl = CTL_EXIT;
    sh_status = st;
    return st;
}

static int bi_colon(int argc, char **argv) { (void)argc; (void)argv; return 0; }

static int bi_wait(int argc, char **argv) { (void)argc; (void)argv; return 0; }

static int bi_umask(int argc, char **argv)
{
    (void)argv;
    if (argc == 1) printf("0022\n"); /* WASI has no permission bits: report the usual default */
    return 0;
}

/* trap [ACTION SIGNAL...]: ACTION runs when the signal arrives (signals.c), '' ignores it, - (or a
 * number first, as POSIX allows) restores the default; EXIT (0) runs when the shell ends. No
 * operands: the traps set, as `trap -- 'CMD' NAME` lines. */
static void print_quoted(const char *s)
{
    fputc('\'', stdout);
    for (; *s; s++) {
        if (*s == '\'') fputs("'\\''", stdout);
        else fputc(*s, stdout);
    }
    fputc('\'', stdout);
}

static int bi_trap(int argc, char **argv)
{
    int i = 1;
    if (i < argc && !strcmp(argv[i], "--")) i++;
    if (i >= argc) {
        for (int n = 0; n < BOX_NSIG; n++) {
            if (!sh_traps[n]) continue;
            fputs("trap -- ", stdout);
            print_quoted(sh_traps[n]);
            printf(" %s\n", n ? box_signal_name(n) : "EXIT");
        }
        return 0;
    }
    const char *action = argv[i];
    int reset = !strcmp(action, "-");
    if (action[0] >= '0' && action[0] <= '9' && box_signal_number(action) >= 0) reset = 1;
    else i++;
    if (i >= argc) {
        fprintf(stderr, "sh: trap: usage: trap [ACTION SIGNAL...]\n");
        return 2;
    }
    int st = 0;
    for (; i < argc; i++) {
        int n = box_signal_number(argv[i]);
        if (n < 0 || n == 9 || n == 19) {
            fprintf(stderr, "sh: trap: %s: invalid signal specification\n", argv[i]);
            st = 1;
            continue;
        }
        free(sh_traps[n]);
        sh_traps[n] = reset ? NULL : xstrdup(action);
        box_sigdisp[n] = reset ? BOX_SIG_DEFAULT : *action ? BOX_SIG_TRAP : BOX_SIG_IGNORE;
    }
    return st;
}

struct builtin { const char *name; int (*fn)(int, char **); };
static int bi_break(int argc, char **argv) { return bi_loopctl(argc, argv, CTL_BREAK); }
static int bi_continue(int argc, char **argv) { return bi_loopctl(argc, argv, CTL_CONTINUE); }

static const struct builtin builtins[] = {
    {".", bi_source}, {":", bi_colon}, {"break", bi_break}, {"cd", bi_cd}, {"command", bi_command},
    {"continue", bi_continue}, {"eval", bi_eval}, {"exec", bi_exec}, {"exit", bi_exit},
    {"export", bi_export}, {"local", bi_local}, {"read", bi_read}, {"readonly", bi_local},
    {"return", bi_return}, {"set", bi_set}, {"shift", bi_shift}, {"source", bi_source},
    {"trap", bi_trap}, {"type", bi_type}, {"umask", bi_umask}, {"unset", bi_unset}, {"wait", bi_wait},
    {NULL, NULL}
};

int sh_is_builtin(const char *name)
{
    for (int i = 0; builtins[i].name; i++)
        if (!strcmp(builtins[i].name, name)) return 1;
    return 0;
}

int sh_run_builtin(int argc, char **argv, int *handled)
{
    for (int i = 0; builtins[i].name; i++) {
        if (strcmp(builtins[i].name, argv[0])) continue;
        *handled = 1;
        if (argc == 1 && !strcmp(argv[0], "exec")) return 0;
        int st = builtins[i].fn(argc, argv);
        fflush(stdout);
        return st;
    }
    *handled = 0;
    return 0;
}
