// What the differential layer tests compare: everything a user could tell apart in a root file
// system (paths, kinds, modes, sizes, contents, link targets), one sorted line per node. Times
// are left out: the browser's tree keeps none.
import { chmod, lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { isEngineError } from '../../../engine/errors.ts';
import type { FileTree } from '../../../engine/layers/file-tree.ts';

export type Listing = string[];

export function listTree(tree: FileTree): Listing {
  const out = [`/ dir ${tree.root.mode.toString(8)}`];
  for (const [p, n] of tree.walk()) {
    if (n.type === 'file') out.push(`/${p} file ${n.mode.toString(8)} ${n.content.length} ${Buffer.from(n.content).toString('hex')}`);
    else if (n.type === 'symlink') out.push(`/${p} symlink -> ${n.target}`);
    else out.push(`/${p} dir ${n.mode.toString(8)}`);
  }
  return out.sort();
}

export async function listDisk(root: string): Promise<Listing> {
  const out = [`/ dir ${((await lstat(root)).mode & 0o7777).toString(8)}`];
  const visit = async (dir: string, prefix: string) => {
    for (const name of await readdir(dir)) {
      const full = join(dir, name);
      const p = `${prefix}/${name}`;
      const st = await lstat(full);
      if (st.isSymbolicLink()) out.push(`${p} symlink -> ${await readlink(full)}`);
      else if (st.isDirectory()) {
        out.push(`${p} dir ${(st.mode & 0o7777).toString(8)}`);
        await visit(full, p);
      } else if (st.isFile()) out.push(`${p} file ${(st.mode & 0o7777).toString(8)} ${st.size} ${(await readAnyway(full, st.mode)).toString('hex')}`);
      else out.push(`${p} other`);
    }
  };
  await visit(root, '');
  return out.sort();
}

/** A layer may give a file no read permission (0000): only root reads it as it is. */
async function readAnyway(path: string, mode: number): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EACCES') throw e;
    await chmod(path, (mode & 0o7777) | 0o400);
    try {
      return await readFile(path);
    } finally {
      await chmod(path, mode & 0o7777);
    }
  }
}

export type Outcome = { ok: true } | { ok: false; code: string; message: string };

export function outcomeOf(e: unknown): Outcome {
  // Anything but an EngineError is a bug of ours reaching the user as `internal`: keep it visible.
  if (!isEngineError(e)) return { ok: false, code: 'not an EngineError', message: String((e as Error)?.stack ?? e) };
  return { ok: false, code: e.code, message: e.message };
}
