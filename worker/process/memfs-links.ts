/**
 * The symbolic links of one container in the browser. @wasmer/wasi's MemFS has no link type, so
 * the links live in this table beside it, shared by the container's main process, its execs and
 * their dockyard.spawn children (they all run in one Worker on one MemFS). Each link also has a
 * placeholder in the MemFS - an empty regular file at its path - so that directory listings,
 * EEXIST, ENOTEMPTY and rename carry it; engine/wasi/guest-links.ts resolves every guest path
 * through the table and reports the placeholder as the link it stands for.
 */
import type { WASI } from '@wasmer/wasi';
import { ERRNO, type GuestLinks, type LinkStat } from '../../engine/wasi/guest-links.ts';
import { resolveInRootSync } from '../../engine/layers/path-rules.ts';

type MemFS = WASI['fs'];

function kind(fs: MemFS, path: string): 'file' | 'dir' | undefined {
  try {
    const meta = fs.metadata(path) as { filetype: { dir: boolean; file: boolean } };
    return meta.filetype.dir ? 'dir' : 'file';
  } catch {
    return undefined;
  }
}

function parentOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/')) || '/';
}

/** FNV-1a of the path: a stable inode number for a link (MemFS has none to give). */
function inodeOf(path: string): bigint {
  let h = 0xcbf29ce484222325n;
  for (const b of new TextEncoder().encode(path)) h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
  return h;
}

export class LinkTable implements GuestLinks {
  /** Absolute guest path -> target as written. */
  readonly targets = new Map<string, string>();
  readonly patchDirents = true;

  /** `fs` hands out a MemFS handle of the container (a fresh one per call: see memfs-root.ts). */
  constructor(private readonly fs: () => MemFS) {}

  readlink(path: string): string | undefined {
    return this.targets.get(path);
  }

  symlink(target: string, path: string): number {
    const fs = this.fs();
    if (kind(fs, path) !== undefined) return ERRNO.EXIST;
    const parent = kind(fs, parentOf(path));
    if (parent === undefined) return ERRNO.NOENT;
    if (parent !== 'dir') return ERRNO.NOTDIR;
    this.place(fs, path, target);
    return ERRNO.SUCCESS;
  }

  /** Record a link and its placeholder (the parent exists). */
  place(fs: MemFS, path: string, target: string): void {
    fs.open(path, { read: true, write: true, create: true, truncate: true }).free();
    this.targets.set(path, target);
  }

  lstat(path: string): LinkStat {
    // MemFS keeps no times: a link shows the epoch, as every other file of the container does.
    return { ino: inodeOf(path), mtime: 0n };
  }

  removed(path: string): void {
    this.targets.delete(path);
  }

  moved(from: string, to: string): void {
    this.targets.delete(to);
    const prefix = `${from}/`;
    for (const [path, target] of [...this.targets]) {
      if (path !== from && !path.startsWith(prefix)) continue;
      this.targets.delete(path);
      this.targets.set(to + path.slice(from.length), target);
    }
  }

  /** `path` with every link followed (the last one too when `follow`), inside the root; undefined for a loop. */
  resolve(path: string, follow = true): string | undefined {
    try {
      return `/${resolveInRootSync(path, follow, (p) => this.targets.get(`/${p}`))}`;
    } catch {
      return undefined;
    }
  }
}
