import { chmod, link, lstat, lutimes, mkdir, open, readdir, readlink, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { EngineError } from '../../engine/errors.ts';
import type { LayerTarget, NodeKind } from '../../engine/layers/layer-ops.ts';

/**
 * A directory on disk as the engine's LayerTarget. The engine resolves every path inside the root
 * first and checks names and lengths (engine/layers/path-rules.ts), so this only does plain
 * operations on `root/path` and never follows a final symlink: files are created exclusively,
 * symlinks replace nothing. Used on an overlay mount of the lower layers, so removals become
 * overlay whiteouts by the kernel.
 *
 * The browser's tree is the reference (test/unit/layers/layer-differential.test.ts): a path under
 * a file, or one too long to look up, is simply absent there, so it is here. An error the disk
 * still raises names the path inside the layer, never the host directory.
 */
export function diskLayerTarget(root: string): LayerTarget {
  const at = (p: string) => (p === '' ? root : join(root, p));
  const op =
    <A extends unknown[], R>(name: string, fn: (p: string, ...rest: A) => Promise<R>) =>
    async (p: string, ...rest: A): Promise<R> => {
      try {
        return await fn(p, ...rest);
      } catch (e) {
        throw diskError(e, name, p);
      }
    };
  return {
    lstat: op('lstat', async (p): Promise<NodeKind | undefined> => {
      try {
        const st = await lstat(at(p));
        return st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : 'file';
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ENAMETOOLONG') return undefined;
        throw e;
      }
    }),
    readlink: op('readlink', (p) => readlink(at(p))),
    list: op('readdir', (p) => readdir(at(p))),
    remove: op('remove', (p) => rm(at(p), { recursive: true, force: true })),
    mkdir: op('mkdir', async (p, mode: number) => {
      try {
        await mkdir(at(p));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      await chmod(at(p), mode & 0o1777);
    }),
    writeFile: op('open', async (p, content: Uint8Array, mode: number) => {
      const fh = await open(at(p), 'wx', mode & 0o777);
      try {
        await fh.writeFile(content);
        // The umask narrowed the mode open() set; the layer's own bits (never setuid/setgid) stay.
        await fh.chmod(mode & 0o777);
      } finally {
        await fh.close();
      }
    }),
    symlink: op('symlink', (p, target: string) => symlink(target, at(p))),
    link: op('link', (p, existing: string) => link(at(existing), at(p))),
    // The layer's own times (the epoch for ours), as Docker keeps them: `ls -l` and `stat` in a
    // container show the same on both hosts. lutimes: a symlink's own time, never its target's.
    setTime: op('lutimes', (p, mtime: number) => lutimes(at(p), mtime, mtime)),
  };
}

/** What the layer asked for that the disk refused, versus a fault of the host (space, I/O). */
const LAYER_FAULTS = new Set(['ENOTDIR', 'EISDIR', 'EEXIST', 'ENAMETOOLONG', 'ELOOP', 'EMLINK', 'EINVAL']);

/** An errno as an EngineError whose message names the path inside the layer only. */
function diskError(e: unknown, syscall: string, path: string): unknown {
  if (e instanceof EngineError) return e;
  const err = e as NodeJS.ErrnoException;
  if (typeof err?.code !== 'string') return e;
  const where = `${syscall} ${JSON.stringify('/' + path)}`;
  const why = errnoText(err.code);
  if (LAYER_FAULTS.has(err.code)) return new EngineError('invalid-content', `invalid layer: ${where}: ${why}`);
  if (err.code === 'ENOSPC' || err.code === 'EDQUOT') return new EngineError('resource-exhausted', `${where}: ${why}`);
  return new EngineError('internal', `${where}: ${why}`);
}

const ERRNO_TEXT: Record<string, string> = {
  ENOTDIR: 'not a directory',
  EISDIR: 'is a directory',
  EEXIST: 'file exists',
  ENAMETOOLONG: 'file name too long',
  ELOOP: 'too many levels of symbolic links',
  EMLINK: 'too many links',
  EINVAL: 'invalid argument',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EIO: 'input/output error',
  ENOENT: 'no such file or directory',
};

/** strerror's words, as Docker prints them ("open /x: not a directory"), not Node's "ENOTDIR: ...". */
function errnoText(code: string): string {
  return ERRNO_TEXT[code] ?? code;
}
