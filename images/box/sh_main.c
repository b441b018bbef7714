/* The sh applet: option parsing, -c, script files, and the line-by-line reader for stdin.
 * Prompt: "PWD # " on stderr when stdin is a terminal (or with -i), like busybox for root;
 * nothing when stdin is a pipe or file, as `docker run -i image sh` with piped input shows.
 * "A terminal" is box_isatty(): TERM set (docker run -t does that) and isatty(). */
#include "sh.h"

static void set_positional(int argc, char **argv)
{
    free_argv(sh_params, sh_nparams);
    sh_nparams = argc > 0 ? argc : 0;
    sh_params = xmalloc(sizeof(char *) * (size_t)(sh_nparams + 1));
    for (int i = 0; i < sh_nparams; i++) sh_params[i] = xstrdup(argv[i]);
    sh_params[sh_nparams] = NULL;
}

static void prompt(const char *ps)
{
    fputs(ps, box_err);
    fflush(box_err);
}

static void primary_prompt(void)
{
    char cwd[4096];
    const char *ps1 = var_get("PS1");
    if (ps1) { prompt(ps1); return; }
    if (!getcwd(cwd, sizeof cwd)) strcpy(cwd, "?");
    fprintf(box_err, "%s # ", cwd);
    fflush(box_err);
}

/* Reads commands from a stream, running each complete command as soon as it has been read. */
static int run_stream(FILE *in, int interactive)
{
    struct sbuf buf = {0};
    char *line = NULL;
    size_t cap = 0;
    int status = 0;
    for (;;) {
        if (interactive) {
            if (buf.len) prompt(var_get("PS2") ? var_get("PS2") : "> ");
            else primary_prompt();
        }
        /* On a terminal, end of file is one read's answer (Ctrl-D): a program before us (cat) may
         * have seen it on this same stream, and the next command line is still to come. */
        if (interactive) clearerr(in);
        ssize_t n = getline(&line, &cap, in);
        if (n < 0 && ferror(in) && (errno == EINTR || box_signals() || box_traps_pending)) {
            /* a signal woke the read: act on it, then read on (a fresh prompt) */
            clearerr(in);
            sh_poll_signals();
            if (sh_ctl == CTL_EXIT) break;
            sh_ctl = CTL_NONE;
            buf.len = 0;
            if (buf.s) buf.s[0] = 0;
            continue;
        }
        if (n < 0) {
            if (interactive) fputc('\n', box_err);
            if (buf.len) {
                /* end of input inside a construct */
                struct parser *p = parser_new(buf.s);
                struct node *node;
                int r;
                while ((r = parser_next(p, &node)) == PARSE_OK) {}
                if (r == PARSE_INCOMPLETE) {
                    fprintf(box_err, "sh: syntax error: unexpected end of file\n");
                    sh_status = 2;
                }
                parser_free(p);
            }
            break;
        }
        sb_addn(&buf, line, (size_t)n);
        if (line[n - 1] != '\n') sb_addc(&buf, '\n');
        struct parser *p = parser_new(buf.s);
        struct node *node;
        int r;
        size_t done = 0;
        int interrupted = 0;
        while ((r = parser_next(p, &node)) == PARSE_OK) {
            done = parser_offset(p);
            sh_exec(node);
            fflush(box_out);
            fflush(box_err);
            if (sh_ctl == CTL_EXIT) break;
            interrupted = sh_ctl == CTL_INTR;
            sh_ctl = CTL_NONE;
            if (interrupted) break;
        }
        if (sh_ctl == CTL_EXIT) { parser_free(p); break; }
        if (interrupted) {
            /* the rest of the line is dropped, as a shell does on Ctrl-C (the terminal has echoed
             * ^C and a new line: the playground's does, a pseudo-terminal's echo ends the line) */
            r = PARSE_EOF;
        }
        if (r == PARSE_INCOMPLETE) {
            /* keep the unparsed tail and read more lines */
            size_t rest = buf.len - done;
            memmove(buf.s, buf.s + done, rest + 1);
            buf.len = rest;
        } else {
            if (r == PARSE_ERROR) sh_status = 2;
            buf.len = 0;
            buf.s[0] = 0;
        }
        parser_free(p);
    }
    free(line);
    free(buf.s);
    status = sh_status;
    return status;
}

static int usage(void)
{
    fprintf(box_err, "Usage: sh [-eix] [-c 'SCRIPT' [ARG0 [ARGS]] | FILE [ARGS] | -s [ARGS]]\n");
    return 2;
}

int sh_main(int argc, char **argv)
{
    static int initialised;
    struct sh_state *outer = NULL;
    if (!initialised) {
        initialised = 1;
        vars_init();
        sh_arg0 = xstrdup("sh");
        set_positional(0, NULL);
    } else {
        /* a nested sh is a new process: snapshot our state and show it only exported variables */
        outer = sh_state_save();
        vars_only_exported();
    }
    sh_depth++;
    sh_ctl_clear();
    int interactive = -1, i = 1, st = 0;
    const char *cmd = NULL;
    int from_stdin = 0;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        if (!strcmp(argv[i], "--")) { i++; break; }
        for (const char *c = argv[i] + 1; *c; c++) {
            switch (*c) {
            case 'c':
                if (i + 1 >= argc) { fprintf(box_err, "sh: -c requires an argument\n"); st = 2; goto out; }
                cmd = argv[++i];
                break;
            case 'i': interactive = 1; break;
            case 'e': sh_errexit = 1; break;
            case 'x': sh_xtrace = 1; break;
            case 's': from_stdin = 1; break;
            case 'l': break;
            default:
                fprintf(box_err, "sh: -%c: invalid option\n", *c);
                st = usage();
                goto out;
            }
        }
    }
    if (cmd) {
        free(sh_arg0);
        sh_arg0 = xstrdup(i < argc ? argv[i] : "sh");
        if (i < argc) i++;
        set_positional(argc - i, argv + i);
        st = sh_run_string(cmd, "-c");
    } else if (i < argc && !from_stdin) {
        free(sh_arg0);
        sh_arg0 = xstrdup(argv[i]);
        set_positional(argc - i - 1, argv + i + 1);
        size_t len;
        char *src = box_read_file(argv[i], &len);
        if (!src) {
            fprintf(box_err, "sh: can't open '%s': %s\n", argv[i], strerror(errno));
            st = 127;
        } else {
            st = sh_run_string(src, argv[i]);
            free(src);
        }
    } else {
        set_positional(argc - i, argv + i);
        if (interactive < 0) interactive = box_in == box_real_stdin() && box_isatty(0);
        if (interactive) box_interactive = 1;
        st = run_stream(box_in, interactive);
    }
    if (sh_ctl == CTL_EXIT || sh_ctl == CTL_RETURN) st = sh_status;
    if (sh_depth == 1 && sh_traps[0]) {
        /* the outermost shell ends: its EXIT trap runs (its `exit N` decides the status) */
        sh_status = st;
        sh_run_exit_trap();
        st = sh_status;
    }
out:
    sh_ctl_clear();
    sh_depth--;
    fflush(box_out);
    fflush(box_err);
    if (outer) sh_state_restore(outer);
    sh_status = st;
    return st;
}
