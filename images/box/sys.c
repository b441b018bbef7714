/* System and environment applets: true, false, pwd, env, printenv, hostname, sleep, date, uname,
 * id, whoami, clear, basename, dirname.
 * uname tells the truth: the kernel a WASI program sees is the WASI runtime, so -s prints "WASI"
 * on every host (the browser and the kernel service alike), -m "wasm32", -r "preview1". */
#include "box.h"
#include <ctype.h>
#include <netinet/in.h>
#include <time.h>

extern char **environ;

APPLET(true) { (void)argc; (void)argv; return 0; }
APPLET(false) { (void)argc; (void)argv; return 1; }

APPLET(pwd)
{
    (void)argc; (void)argv;
    char buf[4096];
    if (!getcwd(buf, sizeof buf)) { box_warn_errno("getcwd"); return 1; }
    printf("%s\n", buf);
    return 0;
}

int box_exec_command(int argc, char **argv); /* sh_exec.c */

APPLET(env)
{
    int i = 1, clear = 0;
    char **unsets = xmalloc(sizeof(char *) * (size_t)argc);
    int nunsets = 0;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "-i") || !strcmp(argv[i], "-")) clear = 1;
        else if (!strcmp(argv[i], "-u") && i + 1 < argc) unsets[nunsets++] = argv[++i];
        else if (!strcmp(argv[i], "--")) { i++; break; }
        else { free(unsets); box_warn("invalid option '%s'", argv[i]); return box_usage_error("env"); }
    }
    /* save the environment: env changes it only for the command it runs */
    int n = 0;
    for (char **e = environ; e && *e; e++) n++;
    char **saved = xmalloc(sizeof(char *) * (size_t)(n + 1));
    for (int k = 0; k < n; k++) saved[k] = xstrdup(environ[k]);
    saved[n] = NULL;
    if (clear) {
        for (int k = 0; k < n; k++) {
            char *name = xstrdup(saved[k]);
            char *eq = strchr(name, '=');
            if (eq) *eq = 0;
            unsetenv(name);
            free(name);
        }
    }
    for (int k = 0; k < nunsets; k++) unsetenv(unsets[k]);
    for (; i < argc && strchr(argv[i], '='); i++) {
        char *name = xstrdup(argv[i]);
        char *eq = strchr(name, '=');
        *eq = 0;
        setenv(name, eq + 1, 1);
        free(name);
    }
    int st = 0;
    if (i >= argc) {
        for (char **e = environ; e && *e; e++) printf("%s\n", *e);
    } else {
        st = box_exec_command(argc - i, argv + i);
    }
    /* restore */
    for (;;) {
        if (!environ || !environ[0]) break;
        char *name = xstrdup(environ[0]);
        char *eq = strchr(name, '=');
        if (eq) *eq = 0;
        unsetenv(name);
        free(name);
    }
    for (int k = 0; k < n; k++) {
        char *eq = strchr(saved[k], '=');
        if (eq) { *eq = 0; setenv(saved[k], eq + 1, 1); }
        free(saved[k]);
    }
    free(saved);
    free(unsets);
    return st;
}

APPLET(printenv)
{
    if (argc < 2) {
        for (char **e = environ; e && *e; e++) printf("%s\n", *e);
        return 0;
    }
    int st = 0;
    for (int i = 1; i < argc; i++) {
        const char *v = getenv(argv[i]);
        if (v) printf("%s\n", v);
        else st = 1;
    }
    return st;
}

static void read_hostname(char *out, size_t n)
{
    FILE *f = fopen("/etc/hostname", "r");
    out[0] = 0;
    if (f) {
        if (!fgets(out, (int)n, f)) out[0] = 0;
        fclose(f);
        out[strcspn(out, "\r\n")] = 0;
    }
    if (!out[0]) {
        const char *h = getenv("HOSTNAME");
        snprintf(out, n, "%s", h && *h ? h : "localhost");
    }
}

APPLET(hostname)
{
    char h[256];
    if (argc > 1 && argv[1][0] != '-') {
        FILE *f = fopen("/etc/hostname", "w");
        if (!f) { box_warn_errno("/etc/hostname"); return 1; }
        fprintf(f, "%s\n", argv[1]);
        fclose(f);
        return 0;
    }
    read_hostname(h, sizeof h);
    if (argc > 1 && !strcmp(argv[1], "-i")) {
        /* the addresses /etc/hosts gives the hostname: the container's, one per network */
        struct in_addr a[16];
        int n = box_hosts_lookup(h, a, 16);
        if (!n) { box_warn("%s: Host name lookup failure", h); return 1; } /* busybox's words (herror) */
        for (int i = 0; i < n; i++) {
            const unsigned char *b = (const unsigned char *)&a[i];
            printf("%s%u.%u.%u.%u", i ? " " : "", b[0], b[1], b[2], b[3]);
        }
        printf("\n");
        return 0;
    }
    if (argc > 1 && !strcmp(argv[1], "-s")) h[strcspn(h, ".")] = 0;
    printf("%s\n", h);
    return 0;
}

int sh_spawn(const char *path, int argc, char **argv); /* sh_spawn.c */

/* timeout: the command runs under box_deadline_ms, and the shell and the waiting applets end the
 * process with 124 once it passes. So it must be a process of its own: run from a shell or another
 * applet, timeout starts /bin/box again through dockyard.spawn, and only that process ends. -s is
 * accepted for busybox's command lines; the end is the same for every signal. */
APPLET(timeout)
{
    if (box_applet_depth > 1) return sh_spawn("/bin/box", argc, argv);
    int opt;
    while ((opt = box_getopt(argc, argv, "+s:k:")) != -1) {
        if (opt == 's' && box_signal_number(optarg) > 0) continue;
        if (opt == 's') { box_warn("unknown signal '%s'", optarg); return 1; }
        if (opt != 'k') return box_usage_error("timeout");
    }
    if (argc - optind < 2) return box_usage_error("timeout");
    char *end;
    double secs = strtod(argv[optind], &end);
    if (end == argv[optind] || *end || secs < 0 || secs > 1e9) { box_warn("invalid number '%s'", argv[optind]); return 1; }
    long long saved = box_deadline_ms;
    long long deadline = box_now_ms() + (long long)(secs * 1000);
    if (secs > 0 && (!saved || deadline < saved)) box_deadline_ms = deadline;
    int st = box_exec_command(argc - optind - 1, argv + optind + 1);
    box_deadline_ms = saved;
    return st;
}

APPLET(sleep)
{
    if (argc < 2) return box_usage_error("sleep");
    double total = 0;
    for (int i = 1; i < argc; i++) {
        char *end;
        double v = strtod(argv[i], &end);
        if (end == argv[i] || v < 0) { box_warn("invalid number '%s'", argv[i]); return 1; }
        switch (*end) {
        case 0: case 's': break;
        case 'm': v *= 60; break;
        case 'h': v *= 3600; break;
        case 'd': v *= 86400; break;
        default: box_warn("invalid number '%s'", argv[i]); return 1;
        }
        total += v;
    }
    fflush(stdout);
    /* A signal wakes it: one that stops the command ends the sleep, any other is taken and the
     * sleep goes on for the time that is left. (wasi-libc's nanosleep reports every failure of
     * poll_oneoff as ENOTSUP, so whether a signal woke it is asked of box_signals.) */
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double end = (double)now.tv_sec + (double)now.tv_nsec / 1e9 + total;
    for (;;) {
        clock_gettime(CLOCK_MONOTONIC, &now);
        double left = end - ((double)now.tv_sec + (double)now.tv_nsec / 1e9);
        if (left <= 0) break;
        long long limit = box_wait_ms(-1);
        if (limit >= 0 && left > (double)limit / 1000) left = (double)limit / 1000;
        struct timespec ts;
        ts.tv_sec = (time_t)left;
        ts.tv_nsec = (long)((left - (double)ts.tv_sec) * 1e9);
        unsigned taken = box_signals_taken;
        if (nanosleep(&ts, NULL) == 0) {
            box_signals(); /* the deadline, if it cut this sleep short */
            continue;
        }
        if (box_signals()) return 128 + box_interrupted;
        if (box_signals_taken == taken) break; /* it failed for another reason */
    }
    return 0;
}

/* WASI has no time zones: every time is UTC. */
static int parse_date(const char *s, time_t *out)
{
    if (s[0] == '@') {
        char *end;
        long long v = strtoll(s + 1, &end, 10);
        if (end == s + 1 || *end) return -1;
        *out = (time_t)v;
        return 0;
    }
    struct tm tm;
    static const char *const formats[] = { "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d", NULL };
    for (int i = 0; formats[i]; i++) {
        memset(&tm, 0, sizeof tm);
        const char *end = strptime(s, formats[i], &tm);
        if (end && (!*end || !strcmp(end, "Z") || !strcmp(end, " UTC"))) {
            *out = timegm(&tm);
            return 0;
        }
    }
    return -1;
}

static void format_time(const char *fmt, time_t t)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    /* expand %Z ourselves: wasi-libc has no zone names */
    struct sbuf f = {0};
    for (const char *p = fmt; *p; p++) {
        if (p[0] == '%' && p[1] == 'Z') { sb_adds(&f, "UTC"); p++; }
        else if (p[0] == '%' && p[1] == 'z') { sb_adds(&f, "+0000"); p++; }
        else if (p[0] == '%' && p[1] == '%') { sb_adds(&f, "%%"); p++; }
        else sb_addc(&f, *p);
    }
    char buf[512];
    size_t n = strftime(buf, sizeof buf, f.s ? f.s : "", &tm);
    buf[n] = 0;
    printf("%s\n", buf);
    free(f.s);
}

APPLET(date)
{
    time_t t = time(NULL);
    const char *fmt = "%a %b %e %H:%M:%S %Z %Y";
    int c;
    while ((c = box_getopt(argc, argv, "ud:RIr:")) != -1) {
        switch (c) {
        case 'u': break;
        case 'd':
            if (parse_date(optarg, &t)) { box_warn("invalid date '%s'", optarg); return 1; }
            break;
        case 'r': {
            struct stat st;
            if (stat(optarg, &st)) { box_warn_errno("%s", optarg); return 1; }
            t = st.st_mtime;
            break;
        }
        case 'R': fmt = "%a, %d %b %Y %H:%M:%S %z"; break;
        case 'I': fmt = "%Y-%m-%d"; break;
        default: return box_usage_error("date");
        }
    }
    if (optind < argc) {
        if (argv[optind][0] != '+') {
            box_warn("setting the date is not possible in a container");
            return 1;
        }
        fmt = argv[optind] + 1;
    }
    format_time(fmt, t);
    return 0;
}

APPLET(uname)
{
    int s = 0, n = 0, r = 0, v = 0, m = 0, o = 0, c;
    while ((c = box_getopt(argc, argv, "asnrvmpio")) != -1) {
        switch (c) {
        case 'a': s = n = r = v = m = o = 1; break;
        case 's': s = 1; break;
        case 'n': n = 1; break;
        case 'r': r = 1; break;
        case 'v': v = 1; break;
        case 'm': case 'p': case 'i': m = 1; break;
        case 'o': o = 1; break;
        default: return box_usage_error("uname");
        }
    }
    if (!(s | n | r | v | m | o)) s = 1;
    char host[256];
    read_hostname(host, sizeof host);
    const char *sep = "";
    if (s) { printf("%sWASI", sep); sep = " "; }
    if (n) { printf("%s%s", sep, host); sep = " "; }
    if (r) { printf("%spreview1", sep); sep = " "; }
    if (v) { printf("%sbox-1.0", sep); sep = " "; }
    if (m) { printf("%swasm32", sep); sep = " "; }
    if (o) { printf("%sWASI", sep); }
    putchar('\n');
    return 0;
}

/* WASI has no users: everything runs as root, uid 0, which is also what a container shows. */
APPLET(id)
{
    int u = 0, g = 0, nm = 0, c;
    while ((c = box_getopt(argc, argv, "ugGnr")) != -1) {
        if (c == 'u') u = 1;
        else if (c == 'g' || c == 'G') g = 1;
        else if (c == 'n') nm = 1;
        else if (c == 'r') {}
        else return box_usage_error("id");
    }
    if (u || g) printf("%s\n", nm ? "root" : "0");
    else printf("uid=0(root) gid=0(root) groups=0(root)\n");
    return 0;
}

APPLET(whoami) { (void)argc; (void)argv; printf("root\n"); return 0; }

APPLET(clear) { (void)argc; (void)argv; fputs("\033[H\033[J", stdout); return 0; }

APPLET(basename)
{
    if (argc < 2 || argc > 3) return box_usage_error("basename");
    char *s = xstrdup(argv[1]);
    size_t n = strlen(s);
    while (n > 1 && s[n - 1] == '/') s[--n] = 0;
    const char *b = n == 1 && s[0] == '/' ? s : box_basename(s);
    char *r = xstrdup(b);
    if (argc == 3) {
        size_t rl = strlen(r), sl = strlen(argv[2]);
        if (sl < rl && !strcmp(r + rl - sl, argv[2])) r[rl - sl] = 0;
    }
    printf("%s\n", r);
    free(r);
    free(s);
    return 0;
}

APPLET(dirname)
{
    if (argc != 2) return box_usage_error("dirname");
    char *s = xstrdup(argv[1]);
    size_t n = strlen(s);
    while (n > 1 && s[n - 1] == '/') s[--n] = 0;
    char *slash = strrchr(s, '/');
    if (!slash) printf(".\n");
    else {
        while (slash > s && slash[-1] == '/') slash--;
        if (slash == s) printf("/\n");
        else { *slash = 0; printf("%s\n", s); }
    }
    free(s);
    return 0;
}
