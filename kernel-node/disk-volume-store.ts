import { lstat, mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { EngineError } from '../engine/errors.ts';
import type { VolumeStore } from '../engine/ports.ts';

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
