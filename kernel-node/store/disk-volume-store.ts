import { chmod, lstat, mkdir, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkVolumeEntryPath } from '../../engine/core/volume-copy.ts';
import { EngineError } from '../../engine/errors.ts';
import type { VolumeEntries, VolumeStore } from '../../engine/ports.ts';

/** Docker's rule for volume names; anything else never becomes a path. */
const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** Named volumes as directories: `volumes/<name>/_data`, as Docker's local driver lays them out. */
export class DiskVolumeStore implements VolumeStore {
  constructor(private readonly dir: string) {}

  path(name: string): string {
    if (!NAME.test(name) || name.length > 255) throw new EngineError('invalid-argument', `create ${name}: "${name}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed`);
    return join(this.dir, name, '_data');
  }

  async create(name: string): Promise<void> {
    await mkdir(this.path(name), { recursive: true, mode: 0o755 });
  }

  async remove(name: string): Promise<void> {
    this.path(name);
    await rm(join(this.dir, name), { recursive: true, force: true });
  }

  async usage(name: string): Promise<number> {
    return du(this.path(name));
  }

  async isEmpty(name: string): Promise<boolean> {
    try {
      return (await readdir(this.path(name))).length === 0;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return true;
      throw e;
    }
  }

  /**
   * Entries come parents first and are checked before use; files are created exclusively and
   * nothing is followed, so a symlink written earlier cannot carry a later entry out of the volume.
   */
  async populate(name: string, entries: VolumeEntries): Promise<void> {
    const root = this.path(name);
    await mkdir(root, { recursive: true, mode: 0o755 });
    for (const [path, node] of entries) {
      const parts = checkVolumeEntryPath(path);
      const at = join(root, ...parts);
      for (let i = 1; i < parts.length; i++) {
        const st = await lstat(join(root, ...parts.slice(0, i))).catch(() => undefined);
        if (!st?.isDirectory()) throw new EngineError('invalid-argument', `invalid path in a volume: ${JSON.stringify(path)} (${parts.slice(0, i).join('/')} is not a directory)`);
      }
      if (node.type === 'dir') {
        if (path !== '') await mkdir(at);
        await chmod(at, node.mode & 0o777);
      } else if (node.type === 'file') {
        // No setuid or setgid from an image into a volume (the layer unpacker drops them too).
        await writeFile(at, node.content, { flag: 'wx', mode: node.mode & 0o777 });
        await chmod(at, node.mode & 0o777);
      } else if (path !== '') {
        await symlink(node.target, at);
      }
    }
  }
}

async function du(path: string): Promise<number> {
  let st;
  try {
    st = await lstat(path);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.size;
  let total = 0;
  for (const name of await readdir(path)) total += await du(join(path, name));
  return total;
}
