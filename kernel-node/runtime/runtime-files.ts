import { randomBytes } from 'node:crypto';
import { lstat, mkdir, rename, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RUNTIME_FILE_PATHS, RUNTIME_FILES_DIR, runtimeFiles } from '../../engine/core/runtime-files.ts';
import { EngineError } from '../../engine/errors.ts';
import type { Mount } from '../../engine/ports.ts';
import { LAYER_EPOCH } from '../../engine/tar/tar-writer.ts';
import { exists } from '../store/fs-exists.ts';

/** A host file bind-mounted at `target` inside the guest's root. */
export interface FileBind {
  source: string;
  target: string;
}

const rel = (guestPath: string) => guestPath.slice(1);

/**
 * The per-container files of engine/core/runtime-files.ts on Linux, the way Docker provides them:
 * the contents live in the container's own directory and the OCI spec bind-mounts them over the
 * root file system, so a write by the guest lands in that file and never in the overlay's upper
 * directory (`docker diff` and commits never see them).
 */
export async function writeRuntimeFiles(containerDir: string, spec: { hostname: string; mounts: readonly Mount[] }): Promise<FileBind[]> {
  const binds: FileBind[] = [];
  for (const f of runtimeFiles(spec)) {
    const source = join(containerDir, f.path.split('/').pop()!);
    await writeFile(source, f.content, { mode: f.mode });
    binds.push({ source, target: f.path });
  }
  return binds;
}

/**
 * Docker's init layer: the mount points of the runtime files (an empty /etc/hostname and
 * /etc/hosts in /etc), one read-only layer between the image and the container's writable
 * layer. The mount points then exist in every container without being created in its upper
 * directory (so never in its diff), and an image whose /etc is a symlink or a file cannot turn a
 * mount destination into a path outside the guest: the directory here hides it.
 * /etc keeps the time of the image's own /etc (the topmost layer that has one), as `stat /etc`
 * shows it on Docker's base images and in the browser. Made once per container.
 */
export async function ensureInitLayer(containerDir: string, imageLayers: readonly string[]): Promise<string> {
  const init = join(containerDir, 'init');
  if (await exists(init)) return init;
  // A staging directory of this call's own: a start and a `docker diff` of the same container may
  // both get here at once, and the second rename then finds the first's layer in place.
  const staging = `${init}.staging-${randomBytes(6).toString('hex')}`;
  try {
    await mkdir(join(staging, rel(RUNTIME_FILES_DIR)), { recursive: true, mode: 0o755 });
    for (const p of RUNTIME_FILE_PATHS) await writeFile(join(staging, rel(p)), '', { mode: 0o644 });
    const time = (await imageTime(imageLayers, rel(RUNTIME_FILES_DIR))) ?? LAYER_EPOCH;
    await utimes(join(staging, rel(RUNTIME_FILES_DIR)), time, time);
    await rename(staging, init);
  } catch (e) {
    if (!(await exists(init))) throw e;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return init;
}

/** The mtime (seconds) of a directory as the merged image shows it: the topmost layer with that name decides. */
async function imageTime(layers: readonly string[], path: string): Promise<number | undefined> {
  for (let i = layers.length - 1; i >= 0; i--) {
    try {
      const st = await lstat(join(layers[i], path));
      return st.isDirectory() ? st.mtimeMs / 1000 : undefined;
    } catch {
      continue;
    }
  }
  return undefined;
}

/**
 * Refuse to mount where the container's own writable layer put a symlink or a non-directory on
 * the way: runc resolves a destination inside the runtime root, not the guest's, so it would
 * land elsewhere. (Images cannot: the init layer's directory hides theirs.)
 */
export async function checkBindTargets(upper: string, binds: readonly FileBind[]): Promise<void> {
  for (const b of binds) {
    const parts = rel(b.target).split('/');
    for (let i = 1; i <= parts.length; i++) {
      const p = parts.slice(0, i).join('/');
      let st;
      try {
        st = await lstat(join(upper, p));
      } catch {
        break; // not in the writable layer: the init layer's node is what the guest sees
      }
      const last = i === parts.length;
      if (last && st.isCharacterDevice() && st.rdev === 0) break; // a whiteout: runc makes a new mount point
      if (st.isSymbolicLink() || (!last && !st.isDirectory()) || (last && !st.isFile())) {
        throw new EngineError('invalid-argument', `cannot mount ${b.target}: /${p} in the container is not a ${last ? 'regular file' : 'directory'}`);
      }
    }
  }
}
