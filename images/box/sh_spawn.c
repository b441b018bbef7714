/* Running a WASI module that is not box: the one host import, dockyard.spawn.
 *
 * The request is a byte string of NUL-terminated fields (engine/wasi/spawn-abi.ts is the
 * authoritative description and holds the host-side decoder):
 *   "dockyard-spawn-1", path, cwd, stdin, stdout, stderr, argc, argv[0..argc), envc, env[0..envc)
 * stdin/stdout/stderr are paths in the shared file system, "" to inherit this process's stream,
 * or (stderr only) "&1" for "wherever the child's stdout goes". The host appends to stdout and
 * stderr files; the shell creates or truncates them first.
 * The result carries a tag in its top 16 bits, so a runtime that stubs unknown imports (returning
 * 0 or -1) is recognised as "no spawn support": see SPAWN_TAG in box.h.
 */
#include "sh.h"
#include <stdint.h>

enum { SPAWN_E_NOENT = 1, SPAWN_E_NOEXEC = 2, SPAWN_E_INVAL = 3, SPAWN_E_LIMIT = 4, SPAWN_E_UNSUPPORTED = 5 };

__attribute__((import_module("dockyard"), import_name("spawn")))
extern int32_t dockyard_spawn(const char *req, uint32_t len);

extern char **environ;

static void field(struct sbuf *b, const char *s)
{
    sb_adds(b, s);
    sb_addc(b, 0);
}

int32_t box_spawn(const char *path, const char *cwd, const char *in, const char *out, const char *err, int argc, char **argv, char **env)
{
    struct sbuf req = {0};
    char num[16];
    field(&req, "dockyard-spawn-1");
    field(&req, path);
    field(&req, cwd);
    field(&req, in);
    field(&req, out);
    field(&req, err);
    snprintf(num, sizeof num, "%d", argc);
    field(&req, num);
    for (int i = 0; i < argc; i++) field(&req, argv[i]);
    int envc = 0;
    for (char **e = env; e && *e; e++) envc++;
    snprintf(num, sizeof num, "%d", envc);
    field(&req, num);
    for (char **e = env; e && *e; e++) field(&req, *e);
    int32_t r = dockyard_spawn(req.s, (uint32_t)req.len);
    free(req.s);
    return r;
}

static int temp_counter;

static char *temp_path(const char *what)
{
    mkdir("/tmp", 0777);
    return xasprintf("/tmp/.box-spawn-%d-%d.%s", sh_depth, ++temp_counter, what);
}

static int copy_file_to(const char *path, FILE *out)
{
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    int r = box_copy(f, out);
    fclose(f);
    return r;
}

int sh_spawn(const char *path, int argc, char **argv)
{
    fflush(box_out);
    fflush(box_err);
    char *in_tmp = NULL, *out_tmp = NULL, *err_tmp = NULL;
    const char *in_f = "", *out_f = "", *err_f = "";
    int st = 126;

    if (box_in != box_real_stdin()) {
        in_tmp = temp_path("in");
        FILE *f = fopen(in_tmp, "wb");
        if (!f) goto tmp_fail;
        box_copy(box_in, f);
        fclose(f);
        in_f = in_tmp;
    }
    if (box_out != box_real_stdout()) {
        out_tmp = temp_path("out");
        FILE *f = fopen(out_tmp, "wb");
        if (!f) goto tmp_fail;
        fclose(f);
        out_f = out_tmp;
    }
    if (box_err == box_out) err_f = "&1";
    else if (box_err != box_real_stderr()) {
        err_tmp = temp_path("err");
        FILE *f = fopen(err_tmp, "wb");
        if (!f) goto tmp_fail;
        fclose(f);
        err_f = err_tmp;
    }

    char cwd[4096];
    if (!getcwd(cwd, sizeof cwd)) strcpy(cwd, "/");
    int32_t r = box_spawn(path, cwd, in_f, out_f, err_f, argc, argv, environ);
    if (((uint32_t)r & SPAWN_TAG_MASK) != SPAWN_TAG) {
        fprintf(box_err, "sh: %s: cannot run: this WASI runtime does not provide dockyard.spawn, "
                         "so box can only run its own applets\n", argv[0]);
        st = 126;
    } else if (SPAWN_KIND(r) == SPAWN_EXITED) {
        st = SPAWN_VALUE(r);
    } else if (SPAWN_KIND(r) == SPAWN_SIGNALED) {
        st = 128 + SPAWN_VALUE(r);
    } else {
        switch (SPAWN_VALUE(r)) {
        case SPAWN_E_NOENT: fprintf(box_err, "sh: %s: not found\n", argv[0]); st = 127; break;
        case SPAWN_E_NOEXEC: fprintf(box_err, "sh: %s: cannot run: not a WASI program\n", argv[0]); break;
        case SPAWN_E_LIMIT: fprintf(box_err, "sh: %s: cannot run: too many nested programs\n", argv[0]); break;
        default: fprintf(box_err, "sh: %s: cannot run (host error %d)\n", argv[0], SPAWN_VALUE(r)); break;
        }
    }
    if (out_tmp) copy_file_to(out_tmp, box_out);
    if (err_tmp) copy_file_to(err_tmp, box_err);
    goto cleanup;
tmp_fail:
    fprintf(box_err, "sh: %s: cannot run: can't create a temporary file in /tmp: %s\n", argv[0], strerror(errno));
    st = 126;
cleanup:
    if (in_tmp) { unlink(in_tmp); free(in_tmp); }
    if (out_tmp) { unlink(out_tmp); free(out_tmp); }
    if (err_tmp) { unlink(err_tmp); free(err_tmp); }
    fflush(box_out);
    fflush(box_err);
    return st;
}
