import { lstat } from 'node:fs/promises';

/** Whether something is at `path` (a link counts as itself: never followed). */
export async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}
