/**
 * Symbolic links for WASI guests, resolved by the host as if the guest's root were `/` - one rule
 * for both hosts, wrapped around their WASI runtime's `path_*` imports:
 * - the browser's @wasmer/wasi MemFS has no links at all: the table of links lives beside it
 *   (worker/process/memfs-links.ts), each link a placeholder file so directory listings carry it;
 * - the kernel's node:wasi (uvwasi) follows only a path's last component itself, refuses to make a
 *   link to an absolute target (EPERM), and leaves every other component to the OS - which would
 *   follow a guest's `up -> /` to the container's real root, where the runtime lives.
 *
 * So every path a guest hands to a `path_*` call is resolved here first, every component, with
 * absolute targets restarting at the guest root and `..` stopping there (engine/layers/path-rules.ts,
 * the layers' rule), at most MAX_SYMLINK_HOPS links (ELOOP). The runtime then gets a path relative
 * to the root preopen that holds no link, except a last component the call must not follow
 * (unlink, rename, lstat, readlink, mkdir). The rewritten path is written into a borrowed stretch of
 * the guest's memory, whose bytes are put back before the call returns: the guest is blocked in
 * the call, and the stretch never overlaps the call's own outputs.
 */
import { resolveInRootSync } from '../layers/path-rules.ts';

/** WASI preview1 errno values used here. */
export const ERRNO = {
  SUCCESS: 0,
  ACCES: 2,
  BADF: 8,
  EXIST: 20,
  INVAL: 28,
  IO: 29,
  LOOP: 32,
  NAMETOOLONG: 37,
  NOENT: 44,
  NOSPC: 51,
  NOTDIR: 54,
  PERM: 63,
  ROFS: 69,
} as const;

export const FILETYPE_SYMBOLIC_LINK = 7;
const LOOKUP_SYMLINK_FOLLOW = 1;
const OFLAGS_CREAT = 1;
const OFLAGS_EXCL = 4;
const FILESTAT_BYTES = 64;
const PATH_MAX = 4096;
const DIRENT_HEADER = 24;

/** A link's own attributes, for hosts whose file system cannot stat a link itself. */
export interface LinkStat {
  ino: bigint;
  /** Nanoseconds since the epoch. */
  mtime: bigint;
}

/**
 * The host's side: the links of one guest root. Paths are absolute guest paths ("/tmp/l") whose
 * parent holds no link (already resolved).
 */
export interface GuestLinks {
  /** The target of the link at `path` as written; undefined when `path` is not a link or does not exist. */
  readlink(path: string): string | undefined;
  /** Make a link at `path` (not followed); a WASI errno (EEXIST when something is there). */
  symlink(target: string, path: string): number;
  /** The browser only: its file system cannot lstat a link, so the wrapper answers with this. */
  lstat?(path: string): LinkStat;
  /** The browser only: directory entries carry no link type, the wrapper patches fd_readdir. */
  patchDirents?: boolean;
  /** After a successful unlink of `path`. */
  removed?(path: string): void;
  /** After a successful rename (links at or under `from` now live under `to`). */
  moved?(from: string, to: string): void;
}

type Fn = (...args: never[]) => unknown;
type Imports = Record<string, Fn>;

interface Resolved {
  /** Absolute guest path, its parent free of links. */
  path: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** `..`/link-free absolute path -> the path the runtime gets relative to the root preopen. */
function relative(path: string): string {
  return path === '/' ? '.' : path.slice(1);
}

/**
 * Wrap `imports` (a wasi_snapshot_preview1 object, changed in place) so that the guest sees the
 * links of `links`. `rootPreopen` is the preopen of the guest's `/` until the guest asks for its
 * preopens' names; `memory` is the guest's memory once instantiated.
 */
export function wrapGuestLinks(imports: Imports, memory: () => WebAssembly.Memory, links: GuestLinks, rootPreopen = 3): void {
  let rootFd = rootPreopen;
  const original: Imports = { ...imports };
  const invoke = (name: string, ...args: unknown[]): number => (original[name] as unknown as (...a: unknown[]) => number)(...args);
  // The guest path each descriptor was opened at, to resolve paths relative to it.
  const opened = new Map<number, string>([[rootPreopen, '/']]);

  const bytes = () => new Uint8Array(memory().buffer);
  const readString = (ptr: number, len: number): string => decoder.decode(bytes().slice(ptr, ptr + len));

  /** Resolve a guest (fd, path) to an absolute path; a number is an errno. */
  const resolve = (fd: number, ptr: number, len: number, follow: boolean): Resolved | number => {
    const base = opened.get(fd);
    if (base === undefined) return ERRNO.BADF;
    const text = readString(ptr, len);
    if (text === '') return ERRNO.NOENT;
    if (text.includes('\0')) return ERRNO.INVAL;
    const joined = text.startsWith('/') ? text : `${base}/${text}`;
    try {
      const rel = resolveInRootSync(joined, follow || text.endsWith('/'), (p) => links.readlink(`/${p}`));
      return { path: `/${rel}` };
    } catch {
      return ERRNO.LOOP;
    }
  };

  /**
   * Run a runtime call with `paths` written into borrowed guest memory (`run` gets where each one
   * is). `avoid` are the call's output ranges; the borrowed bytes are restored afterwards.
   */
  const withPaths = (paths: string[], avoid: Array<[number, number]>, run: (at: Array<[number, number]>) => number): number => {
    // Each path is followed by a NUL inside the stretch: uvwasi writes a terminator after the
    // path it is given (at the very end of memory that write would be out of bounds).
    const encoded = paths.map((p) => encoder.encode(`${p}\0`));
    const total = encoded.reduce((n, e) => n + e.length, 0);
    const size = bytes().length;
    const overlaps = (at: number) => avoid.some(([p, n]) => at < p + n && p < at + total);
    const at = [0, size - total].find((a) => a >= 0 && !overlaps(a));
    if (at === undefined) return ERRNO.NAMETOOLONG;
    const saved = bytes().slice(at, at + total);
    const ptrs: Array<[number, number]> = [];
    let cursor = at;
    for (const e of encoded) {
      bytes().set(e, cursor);
      ptrs.push([cursor, e.length - 1]);
      cursor += e.length;
    }
    try {
      return run(ptrs);
    } finally {
      bytes().set(saved, at);
    }
  };

  const isLink = (path: string): boolean => links.readlink(path) !== undefined;

  imports.path_open = ((fd: number, dirflags: number, ptr: number, len: number, oflags: number, base: bigint, inheriting: bigint, fdflags: number, out: number): number => {
    const exclusive = (oflags & OFLAGS_CREAT) !== 0 && (oflags & OFLAGS_EXCL) !== 0;
    const follow = (dirflags & LOOKUP_SYMLINK_FOLLOW) !== 0 && !exclusive;
    const r = resolve(fd, ptr, len, follow);
    if (typeof r === 'number') return r;
    // O_CREAT|O_EXCL never follows the last link (EEXIST); O_NOFOLLOW on a link is ELOOP, as Linux.
    if (!follow && r.path !== '/' && isLink(r.path)) return exclusive ? ERRNO.EXIST : ERRNO.LOOP;
    const errno = withPaths([relative(r.path)], [[out, 4]], ([[p, n]]) => invoke('path_open', rootFd, dirflags, p, n, oflags, base, inheriting, fdflags, out));
    if (errno === ERRNO.SUCCESS) opened.set(new DataView(memory().buffer).getUint32(out, true), r.path);
    return errno;
  }) as Fn;

  imports.path_filestat_get = ((fd: number, flags: number, ptr: number, len: number, buf: number): number => {
    const follow = (flags & LOOKUP_SYMLINK_FOLLOW) !== 0;
    const r = resolve(fd, ptr, len, follow);
    if (typeof r === 'number') return r;
    if (!follow && links.lstat) {
      const target = links.readlink(r.path);
      if (target !== undefined) {
        const stat = links.lstat(r.path);
        const dv = new DataView(memory().buffer);
        for (let i = 0; i < FILESTAT_BYTES; i += 8) dv.setBigUint64(buf + i, 0n, true);
        dv.setBigUint64(buf + 8, stat.ino, true);
        dv.setUint8(buf + 16, FILETYPE_SYMBOLIC_LINK);
        dv.setBigUint64(buf + 24, 1n, true);
        dv.setBigUint64(buf + 32, BigInt(encoder.encode(target).length), true);
        for (const at of [40, 48, 56]) dv.setBigUint64(buf + at, stat.mtime, true);
        return ERRNO.SUCCESS;
      }
    }
    return withPaths([relative(r.path)], [[buf, FILESTAT_BYTES]], ([[p, n]]) => invoke('path_filestat_get', rootFd, flags, p, n, buf));
  }) as Fn;

  imports.path_filestat_set_times = ((fd: number, flags: number, ptr: number, len: number, atim: bigint, mtim: bigint, fst: number): number => {
    const r = resolve(fd, ptr, len, (flags & LOOKUP_SYMLINK_FOLLOW) !== 0);
    if (typeof r === 'number') return r;
    return withPaths([relative(r.path)], [], ([[p, n]]) => invoke('path_filestat_set_times', rootFd, flags, p, n, atim, mtim, fst));
  }) as Fn;

  // mkdir, rmdir and unlink never follow the last component.
  for (const name of ['path_create_directory', 'path_remove_directory', 'path_unlink_file'] as const) {
    imports[name] = ((fd: number, ptr: number, len: number): number => {
      const r = resolve(fd, ptr, len, false);
      if (typeof r === 'number') return r;
      if (name === 'path_remove_directory' && isLink(r.path)) return ERRNO.NOTDIR;
      const errno = withPaths([relative(r.path)], [], ([[p, n]]) => invoke(name, rootFd, p, n));
      if (errno === ERRNO.SUCCESS && name === 'path_unlink_file') links.removed?.(r.path);
      return errno;
    }) as Fn;
  }

  imports.path_rename = ((fd: number, ptr: number, len: number, newFd: number, newPtr: number, newLen: number): number => {
    const from = resolve(fd, ptr, len, false);
    if (typeof from === 'number') return from;
    const to = resolve(newFd, newPtr, newLen, false);
    if (typeof to === 'number') return to;
    const errno = withPaths([relative(from.path), relative(to.path)], [], ([[p, n], [q, m]]) => invoke('path_rename', rootFd, p, n, rootFd, q, m));
    if (errno === ERRNO.SUCCESS) links.moved?.(from.path, to.path);
    return errno;
  }) as Fn;

  imports.path_link = ((fd: number, flags: number, ptr: number, len: number, newFd: number, newPtr: number, newLen: number): number => {
    const from = resolve(fd, ptr, len, (flags & LOOKUP_SYMLINK_FOLLOW) !== 0);
    if (typeof from === 'number') return from;
    const to = resolve(newFd, newPtr, newLen, false);
    if (typeof to === 'number') return to;
    return withPaths([relative(from.path), relative(to.path)], [], ([[p, n], [q, m]]) => invoke('path_link', rootFd, flags, p, n, rootFd, q, m));
  }) as Fn;

  imports.path_readlink = ((fd: number, ptr: number, len: number, buf: number, bufLen: number, used: number): number => {
    const r = resolve(fd, ptr, len, false);
    if (typeof r === 'number') return r;
    const target = links.readlink(r.path);
    if (target === undefined) {
      // Not a link, or nothing there: the runtime's own answer (EINVAL, ENOENT).
      return withPaths([relative(r.path)], [[buf, bufLen], [used, 4]], ([[p, n]]) => invoke('path_readlink', rootFd, p, n, buf, bufLen, used));
    }
    // readlink(2) truncates to the buffer without a terminator.
    const data = encoder.encode(target).subarray(0, bufLen);
    bytes().set(data, buf);
    new DataView(memory().buffer).setUint32(used, data.length, true);
    return ERRNO.SUCCESS;
  }) as Fn;

  imports.path_symlink = ((targetPtr: number, targetLen: number, fd: number, ptr: number, len: number): number => {
    // Linux keeps at most PATH_MAX - 1 bytes of target (ENAMETOOLONG), on both hosts alike.
    if (targetLen >= PATH_MAX) return ERRNO.NAMETOOLONG;
    const target = readString(targetPtr, targetLen);
    if (target === '') return ERRNO.NOENT;
    if (target.includes('\0')) return ERRNO.INVAL;
    const r = resolve(fd, ptr, len, false);
    if (typeof r === 'number') return r;
    if (r.path === '/') return ERRNO.EXIST;
    return links.symlink(target, r.path);
  }) as Fn;

  // Preopens are learnt as the guest's libc asks for their names at start. @wasmer/wasi lists a
  // virtual root first (fd 3, "/", without the rights to create files) and the preopen itself
  // after it (fd 4, named ""): the last preopen of the root is the one calls are handed to.
  imports.fd_prestat_dir_name = ((fd: number, ptr: number, len: number): number => {
    const errno = invoke('fd_prestat_dir_name', fd, ptr, len);
    if (errno !== ERRNO.SUCCESS) return errno;
    const path = `/${resolveInRootSync(readString(ptr, len), false, () => undefined)}`;
    opened.set(fd, path);
    if (path === '/') rootFd = fd;
    return errno;
  }) as Fn;

  imports.fd_close = ((fd: number): number => {
    // The root preopen stays: every resolved path is handed to the runtime relative to it.
    if (fd === rootFd) return ERRNO.SUCCESS;
    const errno = invoke('fd_close', fd);
    if (errno === ERRNO.SUCCESS) opened.delete(fd);
    return errno;
  }) as Fn;

  imports.fd_renumber = ((from: number, to: number): number => {
    if (from === rootFd || to === rootFd) return ERRNO.BADF;
    const errno = invoke('fd_renumber', from, to);
    if (errno === ERRNO.SUCCESS) {
      const path = opened.get(from);
      opened.delete(from);
      if (path === undefined) opened.delete(to);
      else opened.set(to, path);
    }
    return errno;
  }) as Fn;

  if (links.patchDirents) {
    imports.fd_readdir = ((fd: number, buf: number, bufLen: number, cookie: bigint, used: number): number => {
      const errno = invoke('fd_readdir', fd, buf, bufLen, cookie, used);
      const dir = opened.get(fd);
      if (errno !== ERRNO.SUCCESS || dir === undefined) return errno;
      const dv = new DataView(memory().buffer);
      const end = buf + dv.getUint32(used, true);
      for (let at = buf; at + DIRENT_HEADER <= end; ) {
        const nameLen = dv.getUint32(at + 16, true);
        if (at + DIRENT_HEADER + nameLen > end) break; // cut short: libc asks again for this one
        const name = readString(at + DIRENT_HEADER, nameLen);
        if (name !== '.' && name !== '..' && isLink(dir === '/' ? `/${name}` : `${dir}/${name}`)) dv.setUint8(at + 20, FILETYPE_SYMBOLIC_LINK);
        at += DIRENT_HEADER + nameLen;
      }
      return errno;
    }) as Fn;
  }
}
