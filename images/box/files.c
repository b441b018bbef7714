/* File applets: mkdir, rm, rmdir, cp, mv, touch, ln, readlink. */
#include "box.h"
#include <dirent.h>
#include <fcntl.h>
#include <time.h>
#include <sys/time.h>

static int mkdir_p(const char *path)
{
    char *p = xstrdup(path);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/') continue;
        *s = 0;
        if (mkdir(p, 0777) && errno != EEXIST) { free(p); return -1; }
        *s = '/';
    }
    int r = mkdir(p, 0777);
    if (r && errno == EEXIST && box_is_dir(p)) r = 0;
    else if (r && errno == EEXIST) errno = EEXIST;
    free(p);
    return r;
}

APPLET(mkdir)
{
    int parents = 0, c, st_ret = 0;
    while ((c = box_getopt(argc, argv, "pm:v")) != -1) {
        if (c == 'p') parents = 1;
        else if (c == 'm' || c == 'v') {}
        else return box_usage_error("mkdir");
    }
    if (optind >= argc) return box_usage_error("mkdir");
    for (int i = optind; i < argc; i++) {
        struct stat st;
        /* checked here: some WASI file systems (wasmer's MemFS) accept mkdir of an existing dir */
        if (!parents && lstat(argv[i], &st) == 0) {
            box_warn("can't create directory '%s': %s", argv[i], strerror(EEXIST));
            st_ret = 1;
            continue;
        }
        if ((parents ? mkdir_p(argv[i]) : mkdir(argv[i], 0777)) != 0) {
            box_warn("can't create directory '%s': %s", argv[i], strerror(errno));
            st_ret = 1;
        }
    }
    return st_ret;
}

static int remove_tree(const char *path, int recursive, int force)
{
    struct stat st;
    if (lstat(path, &st) != 0) {
        if (force && errno == ENOENT) return 0;
        box_warn("can't stat '%s': %s", path, strerror(errno));
        return 1;
    }
    if (S_ISDIR(st.st_mode)) {
        if (!recursive) {
            box_warn("'%s' is a directory", path);
            return 1;
        }
        DIR *d = opendir(path);
        if (!d) { box_warn_errno("%s", path); return 1; }
        int r = 0;
        struct dirent *e;
        char **names = NULL;
        int n = 0;
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
            names = xrealloc(names, sizeof(char *) * (size_t)(n + 1));
            names[n++] = xasprintf("%s/%s", path, e->d_name);
        }
        closedir(d);
        for (int i = 0; i < n; i++) { r |= remove_tree(names[i], 1, force); free(names[i]); }
        free(names);
        if (rmdir(path) != 0) { box_warn("can't remove '%s': %s", path, strerror(errno)); r = 1; }
        return r;
    }
    if (unlink(path) != 0) {
        box_warn("can't remove '%s': %s", path, strerror(errno));
        return 1;
    }
    return 0;
}

APPLET(rm)
{
    int rec = 0, force = 0, c, st = 0;
    while ((c = box_getopt(argc, argv, "rRfiv")) != -1) {
        if (c == 'r' || c == 'R') rec = 1;
        else if (c == 'f') force = 1;
        else if (c == 'i' || c == 'v') {}
        else return box_usage_error("rm");
    }
    if (optind >= argc) return force ? 0 : box_usage_error("rm");
    for (int i = optind; i < argc; i++) {
        const char *b = box_basename(argv[i]);
        if (!strcmp(b, ".") || !strcmp(b, "..")) {
            box_warn("refusing to remove '.' or '..' directory: skipping '%s'", argv[i]);
            st = 1;
            continue;
        }
        st |= remove_tree(argv[i], rec, force);
    }
    return st;
}

APPLET(rmdir)
{
    int parents = 0, c, st = 0;
    while ((c = box_getopt(argc, argv, "p")) != -1) {
        if (c == 'p') parents = 1;
        else return box_usage_error("rmdir");
    }
    if (optind >= argc) return box_usage_error("rmdir");
    for (int i = optind; i < argc; i++) {
        char *p = xstrdup(argv[i]);
        for (;;) {
            if (rmdir(p) != 0) {
                box_warn("'%s': %s", p, strerror(errno));
                st = 1;
                break;
            }
            if (!parents) break;
            char *slash = strrchr(p, '/');
            if (!slash || slash == p) break;
            *slash = 0;
        }
        free(p);
    }
    return st;
}

static int copy_file(const char *src, const char *dst)
{
    FILE *in = fopen(src, "rb");
    if (!in) { box_warn("can't open '%s': %s", src, strerror(errno)); return 1; }
    FILE *out = fopen(dst, "wb");
    if (!out) {
        box_warn("can't create '%s': %s", dst, strerror(errno));
        fclose(in);
        return 1;
    }
    int r = box_copy(in, out);
    fclose(in);
    if (fclose(out) != 0 || r != 0) { box_warn("error writing '%s'", dst); return 1; }
    return 0;
}

static int copy_tree(const char *src, const char *dst, int recursive)
{
    struct stat st;
    if (lstat(src, &st) != 0) { box_warn("can't stat '%s': %s", src, strerror(errno)); return 1; }
    if (S_ISLNK(st.st_mode) && recursive) {
        char target[4096];
        ssize_t n = readlink(src, target, sizeof target - 1);
        if (n >= 0) {
            target[n] = 0;
            unlink(dst);
            if (symlink(target, dst) == 0) return 0;
        }
    }
    if (stat(src, &st) != 0) { box_warn("can't stat '%s': %s", src, strerror(errno)); return 1; }
    if (S_ISDIR(st.st_mode)) {
        if (!recursive) { box_warn("omitting directory '%s'", src); return 1; }
        if (mkdir(dst, 0777) != 0 && !(errno == EEXIST && box_is_dir(dst))) {
            box_warn("can't create directory '%s': %s", dst, strerror(errno));
            return 1;
        }
        DIR *d = opendir(src);
        if (!d) { box_warn_errno("%s", src); return 1; }
        int r = 0;
        struct dirent *e;
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
            char *s = xasprintf("%s/%s", src, e->d_name);
            char *t = xasprintf("%s/%s", dst, e->d_name);
            r |= copy_tree(s, t, 1);
            free(s);
            free(t);
        }
        closedir(d);
        return r;
    }
    return copy_file(src, dst);
}

static char *target_path(const char *src, const char *dst, int dst_is_dir)
{
    if (!dst_is_dir) return xstrdup(dst);
    char *s = xstrdup(src);
    size_t n = strlen(s);
    while (n > 1 && s[n - 1] == '/') s[--n] = 0;
    char *r = xasprintf("%s/%s", dst, box_basename(s));
    free(s);
    return r;
}

APPLET(cp)
{
    int rec = 0, c, st = 0;
    while ((c = box_getopt(argc, argv, "rRapfidPLv")) != -1) {
        if (c == 'r' || c == 'R' || c == 'a') rec = 1;
        else if (c == '?') return box_usage_error("cp");
    }
    int n = argc - optind;
    if (n < 2) return box_usage_error("cp");
    const char *dst = argv[argc - 1];
    int dir = box_is_dir(dst);
    if (n > 2 && !dir) { box_warn("'%s' is not a directory", dst); return 1; }
    for (int i = optind; i < argc - 1; i++) {
        char *t = target_path(argv[i], dst, dir);
        st |= copy_tree(argv[i], t, rec);
        free(t);
    }
    return st;
}

APPLET(mv)
{
    int c, st = 0;
    while ((c = box_getopt(argc, argv, "finv")) != -1)
        if (c == '?') return box_usage_error("mv");
    int n = argc - optind;
    if (n < 2) return box_usage_error("mv");
    const char *dst = argv[argc - 1];
    int dir = box_is_dir(dst);
    if (n > 2 && !dir) { box_warn("'%s' is not a directory", dst); return 1; }
    for (int i = optind; i < argc - 1; i++) {
        char *t = target_path(argv[i], dst, dir);
        if (rename(argv[i], t) != 0) {
            if (errno == EXDEV && copy_tree(argv[i], t, 1) == 0) {
                const char *saved = box_applet_name;
                (void)saved;
                remove_tree(argv[i], 1, 1);
            } else {
                box_warn("can't rename '%s': %s", argv[i], strerror(errno));
                st = 1;
            }
        }
        free(t);
    }
    return st;
}

APPLET(touch)
{
    int nocreate = 0, c, st = 0, have_time = 0;
    struct timespec ts[2];
    while ((c = box_getopt(argc, argv, "cd:t:r:am")) != -1) {
        switch (c) {
        case 'c': nocreate = 1; break;
        case 'a': case 'm': break;
        case 'd': case 't': {
            struct tm tm;
            memset(&tm, 0, sizeof tm);
            const char *s = optarg;
            const char *end = NULL;
            if (c == 'd') {
                if (s[0] == '@') { ts[0].tv_sec = (time_t)strtoll(s + 1, NULL, 10); goto have; }
                end = strptime(s, "%Y-%m-%d %H:%M:%S", &tm);
                if (!end) { memset(&tm, 0, sizeof tm); end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm); }
                if (!end) { memset(&tm, 0, sizeof tm); end = strptime(s, "%Y-%m-%d", &tm); }
            } else {
                end = strptime(s, "%Y%m%d%H%M", &tm);
                if (end && *end == '.') end = strptime(end + 1, "%S", &tm);
            }
            if (!end || *end) { box_warn("invalid date '%s'", s); return 1; }
            ts[0].tv_sec = timegm(&tm);
        have:
            ts[0].tv_nsec = 0;
            ts[1] = ts[0];
            have_time = 1;
            break;
        }
        case 'r': {
            struct stat sb;
            if (stat(optarg, &sb)) { box_warn_errno("%s", optarg); return 1; }
            ts[0] = sb.st_atim;
            ts[1] = sb.st_mtim;
            have_time = 1;
            break;
        }
        default: return box_usage_error("touch");
        }
    }
    if (optind >= argc) return box_usage_error("touch");
    for (int i = optind; i < argc; i++) {
        if (access(argv[i], F_OK) != 0) {
            if (nocreate) continue;
            FILE *f = fopen(argv[i], "a");
            if (!f) { box_warn("%s: %s", argv[i], strerror(errno)); st = 1; continue; }
            fclose(f);
        }
        if (utimensat(AT_FDCWD, argv[i], have_time ? ts : NULL, 0) != 0) {
            box_warn("%s: %s", argv[i], strerror(errno));
            st = 1;
        }
    }
    return st;
}

APPLET(ln)
{
    int sym = 0, force = 0, c, st = 0;
    while ((c = box_getopt(argc, argv, "sfnv")) != -1) {
        if (c == 's') sym = 1;
        else if (c == 'f') force = 1;
        else if (c == '?') return box_usage_error("ln");
    }
    int n = argc - optind;
    if (n < 1) return box_usage_error("ln");
    const char *dst = n == 1 ? "." : argv[argc - 1];
    int dir = box_is_dir(dst);
    int last = n == 1 ? argc : argc - 1;
    if (n > 2 && !dir) { box_warn("'%s' is not a directory", dst); return 1; }
    for (int i = optind; i < last; i++) {
        char *t = target_path(argv[i], dst, dir);
        if (force) unlink(t);
        if ((sym ? symlink(argv[i], t) : link(argv[i], t)) != 0) {
            box_warn("%s: %s", t, strerror(errno));
            st = 1;
        } else if (sym) {
            /* some WASI file systems (wasmer's MemFS) report success and keep nothing: say so */
            char buf[4096];
            if (readlink(t, buf, sizeof buf) < 0) {
                box_warn("%s: symbolic links are not supported by this file system", t);
                st = 1;
            }
        }
        free(t);
    }
    return st;
}

/* `path` with every symbolic link followed and . and .. removed, as realpath(3) but done here: WASI
 * libcs differ in whether they have one. Every component but the last must exist (GNU readlink -f). */
static int canonical(const char *path, char *out, size_t outsz)
{
    char pending[8192], resolved[4096] = "";
    int hops = 0;
    if (path[0] == '/') snprintf(pending, sizeof pending, "%s", path);
    else {
        char cwd[4096];
        if (!getcwd(cwd, sizeof cwd)) return -1;
        snprintf(pending, sizeof pending, "%s/%s", cwd, path);
    }
    char *rest = pending;
    while (*rest) {
        while (*rest == '/') rest++;
        if (!*rest) break;
        char *end = strchr(rest, '/');
        size_t len = end ? (size_t)(end - rest) : strlen(rest);
        char part[4096];
        snprintf(part, sizeof part, "%.*s", (int)len, rest);
        rest += len;
        if (strcmp(part, ".") == 0) continue;
        if (strcmp(part, "..") == 0) {
            char *slash = strrchr(resolved, '/');
            if (slash) *slash = 0;
            continue;
        }
        size_t at = strlen(resolved);
        snprintf(resolved + at, sizeof resolved - at, "/%s", part);
        char target[4096];
        ssize_t n = readlink(resolved, target, sizeof target - 1);
        if (n < 0) {
            struct stat st;
            if (lstat(resolved, &st) == 0 || (errno == ENOENT && !*rest)) continue;
            return -1;
        }
        if (++hops > 40) { errno = ELOOP; return -1; }
        target[n] = 0;
        if (target[0] == '/') resolved[0] = 0;
        else resolved[at] = 0;
        char next[8192];
        snprintf(next, sizeof next, "%s%s", target, rest);
        snprintf(pending, sizeof pending, "%s", next);
        rest = pending;
    }
    snprintf(out, outsz, "%s", resolved[0] ? resolved : "/");
    return 0;
}

APPLET(readlink)
{
    int canon = 0, c, st = 0;
    while ((c = box_getopt(argc, argv, "f")) != -1) {
        if (c == 'f') canon = 1;
        else return box_usage_error("readlink");
    }
    if (optind >= argc) return box_usage_error("readlink");
    for (int i = optind; i < argc; i++) {
        char buf[4096];
        if (canon) {
            if (canonical(argv[i], buf, sizeof buf) != 0) { st = 1; continue; }
        } else {
            /* not a link: nothing printed, status 1 (as busybox and GNU without -v) */
            ssize_t n = readlink(argv[i], buf, sizeof buf - 1);
            if (n < 0) { st = 1; continue; }
            buf[n] = 0;
        }
        printf("%s\n", buf);
    }
    return st;
}
