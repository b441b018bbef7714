/*
 * spare-mounts: the host-side mounts of a warm spare container (kernel-node/runtime/spare-container.ts),
 * all of one step in one process (a spawn per mount would cost more than the spare saves).
 *
 * The spare's /rootfs is a bind of ROOT with slave propagation, ROOT being a shared mount on the
 * host, so what is mounted at ROOT here appears inside the running container.
 *
 *   spare-mounts share ROOT
 *       bind ROOT onto itself and make it shared (before `runc run` of the spare)
 *   spare-mounts fill ROOT OVERLAY_OPTIONS [ro|rw SOURCE TARGET]...
 *       the container's overlay at ROOT (nodev, nosuid), then each source bound at TARGET (a guest
 *       path, resolved inside the overlay: a symlink in the image cannot point the mount outside
 *       it) with nosuid, nodev, noexec and, for ro, read-only. A missing TARGET is made (a
 *       directory for a directory source, an empty file for a file), as runc does.
 *   spare-mounts clear ROOT
 *       detach everything mounted at ROOT, the shared bind too
 *
 * The bind flags are set on the detached copy (open_tree + mount_setattr) before it is attached:
 * a remount after attaching would change only the host's mount, not the copy propagated into the
 * container. Exit status 0, or 1 with the reason on stderr.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static void die(const char *what, const char *path) {
  fprintf(stderr, "spare-mounts: %s %s: %s\n", what, path, strerror(errno));
  exit(1);
}

static int resolve(int root, const char *path, int flags) {
  struct open_how how = { .flags = (unsigned long long)flags | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
  return (int)syscall(SYS_openat2, root, path, &how, sizeof how);
}

/* TARGET (absolute guest path) opened as O_PATH inside root, made when missing. */
static int mount_point(int root, const char *target, int is_dir) {
  char path[4096];
  if (strlen(target) >= sizeof path) { errno = ENAMETOOLONG; die("target", target); }
  int fd = resolve(root, target, O_PATH);
  if (fd >= 0 || errno != ENOENT) return fd;
  /* Make each missing component: directories, then the last as the source's kind. */
  strcpy(path, target);
  for (char *p = path + 1;; p++) {
    int last = *p == '\0';
    if (*p != '/' && !last) continue;
    *p = '\0';
    int here = resolve(root, path, O_PATH);
    if (here < 0 && errno == ENOENT) {
      char *slash = strrchr(path, '/');
      *slash = '\0';
      int parent = resolve(root, path[0] ? path : "/", O_PATH | O_DIRECTORY);
      *slash = '/';
      if (parent < 0) die("parent of", path);
      int made;
      if (!last || is_dir) made = mkdirat(parent, slash + 1, 0755);
      else {
        made = openat(parent, slash + 1, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (made >= 0) made = close(made);
      }
      if (made < 0 && errno != EEXIST) die("make", path);
      close(parent);
    } else if (here >= 0) close(here);
    if (last) break;
    *p = '/';
  }
  return resolve(root, target, O_PATH);
}

static void fill(const char *root_path, const char *options, int argc, char **argv) {
  if (mount("overlay", root_path, "overlay", MS_NODEV | MS_NOSUID, options)) die("overlay at", root_path);
  int root = open(root_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0) die("open", root_path);
  for (int i = 0; i + 2 < argc; i += 3) {
    int ro = strcmp(argv[i], "ro") == 0;
    const char *source = argv[i + 1], *target = argv[i + 2];
    struct stat st;
    if (stat(source, &st)) die("source", source);
    int tree = (int)syscall(SYS_open_tree, AT_FDCWD, source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
    if (tree < 0) die("clone", source);
    struct mount_attr attr = { .attr_set = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC | (ro ? MOUNT_ATTR_RDONLY : 0) };
    if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr)) die("flags of", source);
    int at = mount_point(root, target, S_ISDIR(st.st_mode));
    if (at < 0) die("mount point", target);
    if (syscall(SYS_move_mount, tree, "", at, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH)) die("bind at", target);
    close(at);
    close(tree);
  }
  close(root);
}

int main(int argc, char **argv) {
  if (argc >= 3 && strcmp(argv[1], "share") == 0) {
    if (mount(argv[2], argv[2], NULL, MS_BIND, NULL)) die("bind", argv[2]);
    if (mount(NULL, argv[2], NULL, MS_SHARED, NULL)) die("share", argv[2]);
    return 0;
  }
  if (argc >= 4 && strcmp(argv[1], "fill") == 0 && (argc - 4) % 3 == 0) {
    fill(argv[2], argv[3], argc - 4, argv + 4);
    return 0;
  }
  if (argc >= 3 && strcmp(argv[1], "clear") == 0) {
    while (umount2(argv[2], MNT_DETACH | UMOUNT_NOFOLLOW) == 0) continue;
    if (errno != EINVAL) die("clear", argv[2]);
    return 0;
  }
  fprintf(stderr, "usage: spare-mounts share ROOT | fill ROOT OPTIONS [ro|rw SOURCE TARGET]... | clear ROOT\n");
  return 2;
}
