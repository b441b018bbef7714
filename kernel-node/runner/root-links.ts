/**
 * The symbolic links of a guest root on disk, for engine/wasi/guest-links.ts inside the container
 * (the WASI runner). Paths handed here are guest paths whose parents hold no link any more (the
 * wrapper resolved them inside the root), so the OS never follows a guest's link itself: a link to
 * `/` or `../..` cannot lead to the runtime's files beside /rootfs.
 */
import { lstatSync, readlinkSync, symlinkSync } from 'node:fs';
import { ERRNO, type GuestLinks } from '../../engine/wasi/guest-links.ts';

const ERRNO_OF: Record<string, number> = {
  EACCES: ERRNO.ACCES,
  EEXIST: ERRNO.EXIST,
  ENAMETOOLONG: ERRNO.NAMETOOLONG,
  ENOENT: ERRNO.NOENT,
  ENOSPC: ERRNO.NOSPC,
  ENOTDIR: ERRNO.NOTDIR,
  EPERM: ERRNO.PERM,
  EROFS: ERRNO.ROFS,
};

/** The links under `root` (the host directory that is the guest's `/`). */
export function diskLinks(root: string): GuestLinks {
  const host = (path: string) => (path === '/' ? root : `${root}${path}`);
  return {
    readlink(path) {
      try {
        return lstatSync(host(path)).isSymbolicLink() ? readlinkSync(host(path)) : undefined;
      } catch {
        return undefined;
      }
    },
    symlink(target, path) {
      try {
        // Kept as written, absolute or not: it is resolved inside the root whenever it is followed.
        symlinkSync(target, host(path));
        return ERRNO.SUCCESS;
      } catch (e) {
        return ERRNO_OF[(e as NodeJS.ErrnoException).code ?? ''] ?? ERRNO.IO;
      }
    },
  };
}
