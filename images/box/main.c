/* box entry point: multi-call dispatch by argv[0] basename, `box APPLET ...`, `box --list`. */
#include "box.h"
#include <getopt.h>

int box_applet_depth;

const struct applet *box_find_applet(const char *name)
{
    for (int i = 0; i < box_applet_count; i++)
        if (!strcmp(box_applets[i].name, name)) return &box_applets[i];
    return NULL;
}

static void print_usage(const struct applet *a, FILE *f)
{
    fprintf(f, "Usage: %s %s\n\n%s\n", a->name, a->usage, a->help);
}

int box_usage_error(const char *applet)
{
    const struct applet *a = box_find_applet(applet);
    if (a) fprintf(box_err, "Usage: %s %s\n", a->name, a->usage);
    return 1;
}

int box_run_applet(const struct applet *a, int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[1], "--help") && strcmp(a->name, "echo") && strcmp(a->name, "[") &&
        strcmp(a->name, "test") && strcmp(a->name, "true") && strcmp(a->name, "false")) {
        print_usage(a, box_out);
        fflush(box_out);
        return 0;
    }
    const char *saved_name = box_applet_name;
    box_applet_name = a->name;
    box_applet_depth++;
    optind = 0; /* musl: 0 fully re-initialises getopt, including a half-read option cluster */
    opterr = 0;
    int st = a->fn(argc, argv);
    /* A signal stopped it (signals.c): it ends as a process killed by that signal would. */
    if (box_interrupted && a->fn != sh_main) st = 128 + box_interrupted;
    fflush(box_out);
    fflush(box_err);
    clearerr(box_out);
    box_applet_name = saved_name;
    box_applet_depth--;
    return st & 255;
}

static void list(void)
{
    for (int i = 0; i < box_applet_count; i++) printf("%s\n", box_applets[i].name);
}

static int box_usage(void)
{
    printf("box - a small multi-call userland for WASI containers (Dockyard)\n\n"
           "Usage: box APPLET [ARGS]...   or   APPLET [ARGS]... (when installed as /bin/APPLET)\n"
           "       box --list             lists the applets\n"
           "       APPLET --help          describes one\n\n"
           "Every applet runs inside this one WebAssembly module: WASI has no fork or exec.\n");
    return 0;
}

int main(int argc, char **argv)
{
    box_in = box_real_stdin();
    box_out = box_real_stdout();
    box_err = box_real_stderr();
    /* WASI preview1 has no working directory: hosts pass the container's (WORKDIR, or the cwd of
     * a dockyard.spawn request) as PWD, and every program starts by going there. */
    const char *pwd = getenv("PWD");
    if (pwd && pwd[0] == '/' && chdir(pwd) != 0) { /* a missing WORKDIR leaves us at "/" */ }
    const char *name = argc > 0 ? box_basename(argv[0]) : "box";
    const struct applet *a = box_find_applet(name);
    int st;
    if (a) {
        st = box_run_applet(a, argc, argv);
    } else if (argc < 2) {
        st = box_usage();
    } else if (!strcmp(argv[1], "--list") || !strcmp(argv[1], "-l")) {
        list();
        st = 0;
    } else if (!strcmp(argv[1], "--help")) {
        st = box_usage();
    } else if ((a = box_find_applet(argv[1]))) {
        st = box_run_applet(a, argc - 1, argv + 1);
    } else {
        fprintf(box_err, "box: applet not found: %s\n", argv[1]);
        st = 127;
    }
    fflush(box_out);
    fflush(box_err);
    return st;
}
