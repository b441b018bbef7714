/* box - a multi-call userland for WASI, in one module.
 *
 * I/O contract: WASI has no fork, exec, dup or dup2, so every command runs inside this one process
 * and the shell cannot rewire file descriptors 0/1/2. Instead every applet and builtin writes
 * through three FILE pointers the shell owns: box_in, box_out, box_err. This header redefines
 * stdin/stdout/stderr (and printf, puts, putchar, getchar, perror) to those pointers, so applet
 * code reads like ordinary C. A redirection or a pipe is the shell swapping one pointer for the
 * duration of a command. Only io.c sees the process's real stdio.
 *
 * Exit contract: wasi-libc has no setjmp/longjmp, so no applet may call exit(): an applet returns
 * its status from `int applet_NAME(int argc, char **argv)`. getopt state is reset by box_getopt()
 * before each applet's own parse.
 */
#ifndef BOX_H
#define BOX_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <stddef.h>
#include <errno.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <stdint.h>

extern FILE *box_in, *box_out, *box_err;
FILE *box_real_stdin(void);
FILE *box_real_stdout(void);
FILE *box_real_stderr(void);

#undef stdin
#undef stdout
#undef stderr
#define stdin box_in
#define stdout box_out
#define stderr box_err
#define printf(...) fprintf(box_out, __VA_ARGS__)
#define vprintf(f, ap) vfprintf(box_out, f, ap)
#define puts(s) box_puts(s)
#define putchar(c) fputc((c), box_out)
#define getchar() fgetc(box_in)
#define perror(s) box_perror(s)
int box_puts(const char *s);
void box_perror(const char *s);

typedef int (*applet_fn)(int argc, char **argv);
struct applet {
    const char *name;
    applet_fn fn;
    const char *usage; /* "[-n] [STRING]..." */
    const char *help;  /* one or more lines describing the applet and its flags */
};
extern const struct applet box_applets[];
extern const int box_applet_count;
const struct applet *box_find_applet(const char *name);
/* Runs an applet in-process: handles --help, resets getopt, flushes box_out afterwards. */
int box_run_applet(const struct applet *a, int argc, char **argv);
/* How many applets are running now, nested: 1 for the one main() started. */
extern int box_applet_depth;

/* getopt without libc's own messages: prints a busybox-style one and returns '?'. State is reset by
 * box_run_applet before each applet runs. */
int box_getopt(int argc, char **argv, const char *opts);
int box_usage_error(const char *applet); /* prints usage to box_err, returns 1 */

/* Messages prefixed by the applet name, like busybox: "ls: x: No such file or directory". */
extern const char *box_applet_name;
void box_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void box_warn_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Dynamic string. */
struct sbuf { char *s; size_t len, cap; };
void sb_addc(struct sbuf *b, char c);
void sb_addn(struct sbuf *b, const char *s, size_t n);
void sb_adds(struct sbuf *b, const char *s);
char *sb_take(struct sbuf *b); /* returns a NUL-terminated heap string, resets b */

/* Memory pipes. A pipe buffer collects a producer's output up to BOX_PIPE_CAP bytes; past the
 * cap writes fail (EPIPE), which stops an endless producer the way SIGPIPE would. */
#define BOX_PIPE_CAP (8u << 20)
struct membuf { char *data; size_t len, cap, limit; size_t rpos; };
FILE *membuf_writer(struct membuf *m, size_t limit);
FILE *membuf_reader(struct membuf *m);
void membuf_free(struct membuf *m);
/* True once a write to box_out failed (e.g. a pipe's reader is gone): loops stop producing. */
int box_out_broken(void);
/* A stream that discards writes and reads as empty: /dev/null for a WASI file system. */
FILE *box_null_stream(const char *mode);

/* Reads a whole file into memory (NUL-terminated). Returns NULL and sets errno on failure. */
char *box_read_file(const char *path, size_t *len);
/* Opens a path for an applet's input: "-" means stdin. */
FILE *box_open_input(const char *path);
void box_close_input(FILE *f);
/* Copies a stream to box_out; returns 0 or -1. */
int box_copy(FILE *in, FILE *out);
/* Reads one line (without its '\n') into *line; returns length or -1 at EOF. */
ssize_t box_getline(char **line, size_t *cap, FILE *f);
int box_is_wasm_file(const char *path);
/* A terminal, as far as box can tell: isatty() and TERM set (docker run -t sets TERM; some WASI
 * runtimes report every stdio descriptor as a character device). */
int box_isatty(int fd);
int box_is_dir(const char *path);
const char *box_basename(const char *path);
/* Parses sizes like 64M, 10k, 1G. Returns -1 on a bad value. */
long long box_parse_size(const char *s);
void box_human_size(char *out, size_t outsz, unsigned long long bytes);
int box_parse_long(const char *s, long *out);

/* Signals (signals.c, over the dockyard.signal host import). */
#define BOX_NSIG 32
enum { BOX_SIG_DEFAULT = 0, BOX_SIG_IGNORE = 1, BOX_SIG_TRAP = 2 };
extern int box_sigdisp[BOX_NSIG];   /* set by sh's trap */
extern unsigned box_traps_pending;  /* bit n: signal n arrived and has a trap to run */
extern int box_interactive;         /* the shell reads commands from a terminal */
extern int box_interrupted;         /* a signal that stops the command running now; 0 none */
extern unsigned box_signals_taken;  /* how many signals box_signals has taken, ever */
/* Takes the pending signals and acts on each (see signals.c); may end the process. Returns the
 * signal that interrupts the running command (an applet then returns 128 + it), or 0. */
int box_signals(void);
int box_is_init(void);
int box_signal_number(const char *name); /* "TERM", "SIGTERM", "15"; 0 for EXIT; -1 unknown */
const char *box_signal_name(int sig);
/* A time limit on this process (the timeout applet; httpd's CGI runs under it): at the first
 * box_signals() past it the process ends with BOX_TIMED_OUT, as coreutils' timeout reports. WASI
 * has no alarm(), so blocking waits shorten themselves with box_wait_ms. 0: no limit. */
#define BOX_TIMED_OUT 124
extern long long box_deadline_ms;
long long box_now_ms(void); /* CLOCK_MONOTONIC */
/* How long a blocking wait of `ms` (-1: for ever) may last before the deadline. */
int box_wait_ms(int ms);

/* dockyard.spawn (sh_spawn.c; engine/wasi/spawn-abi.ts): runs the WASI module at `path` and waits
 * for it - this whole process waits. in/out/err: "" inherits, else a file path ("&1" for err: as
 * out). The result carries SPAWN_TAG unless the runtime lacks the import. */
#define SPAWN_TAG 0x44590000 /* "DY" */
#define SPAWN_TAG_MASK 0xffff0000
#define SPAWN_KIND(r) (((r) >> 8) & 0xff)
#define SPAWN_VALUE(r) ((r) & 0xff)
enum { SPAWN_EXITED = 0, SPAWN_FAILED = 1, SPAWN_SIGNALED = 2 };
int32_t box_spawn(const char *path, const char *cwd, const char *in, const char *out, const char *err, int argc, char **argv, char **env);

/* Names to addresses (lookup.c): /etc/hosts, then the engine's resolver. Up to `max` addresses
 * into `out` (struct in_addr); how many. */
struct in_addr;
int box_lookup(const char *name, struct in_addr *out, int max);
int box_hosts_lookup(const char *name, struct in_addr *out, int max);

/* The shell, entered by the sh applet. */
int sh_main(int argc, char **argv);

#define APPLET(n) int applet_##n(int argc, char **argv)

#endif
