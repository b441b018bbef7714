import { chmod, link, lstat, lutimes, mkdir, open, readdir, readlink, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { LayerTarget, NodeKind } from '../engine/layers/layer-ops.ts';

/**
 * A directory on disk as the engine's LayerTarget. The engine resolves every path inside the root
 * first (engine/layers/path-rules.ts), so this only does plain operations on `root/path` and never
 * follows a final symlink: files are created exclusively, symlinks replace nothing.
 * Used on an overlay mount of the lower layers, so removals become overlay whiteouts by the kernel.
 */
export function diskLayerTarget(root: string): LayerTarget {
  const at = (p: string) => (p === '' ? root : join(root, p));
  return {
    async lstat(p): Promise<NodeKind | undefined> {
      try {
        const st = await lstat(at(p));
        return st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : 'file';
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw e;
      }
    },
    readlink: (p) => readlink(at(p)),
    list: (p) => readdir(at(p)),
    remove: (p) => rm(at(p), { recursive: true, force: true }),
    async mkdir(p, mode) {
      try {
        await mkdir(at(p));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      await chmod(at(p), mode & 0o1777);
    },
    async writeFile(p, content, mode) {
      const fh = await open(at(p), 'wx', mode & 0o777);
      try {
        await fh.writeFile(content);
        // No setuid or setgid on the host: nothing in a container may gain from them.
        await fh.chmod(mode & 0o777);
      } finally {
        await fh.close();
      }
    },
    symlink: (p, target) => symlink(target, at(p)),
    link: (p, existing) => link(at(existing), at(p)),
    // The layer's own times (the epoch for ours), as Docker keeps them: `ls -l` and `stat` in a
    // container show the same on both hosts. lutimes: a symlink's own time, never its target's.
    setTime: (p, mtime) => lutimes(at(p), mtime, mtime),
  };
}
