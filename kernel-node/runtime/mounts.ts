import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { EngineError } from '../../engine/errors.ts';

const run = promisify(execFile);

/**
 * The largest overlay option string the kernel takes (one page). Layer directories are named by
 * 64-hex chain IDs, so deep images can reach it: we fail with a clear message rather than mount
 * something else.
 */
const MAX_MOUNT_OPTIONS = 4000;

export interface OverlayDirs {
  /** Bottom first, as the image lists its layers. */
  lower: string[];
  upper?: string;
  work?: string;
}

/**
 * The overlay options for these directories. redirect_dir, index and metacopy stay off so an
 * upper directory says everything by itself (whiteouts and opaque markers only), which is what
 * `changes` reads; a directory rename then copies, as on most distributions' defaults.
 */
export function overlayOptions(dirs: OverlayDirs): string {
  const lower = [...dirs.lower].reverse().join(':');
  const parts = [`lowerdir=${lower}`];
  if (dirs.upper) parts.push(`upperdir=${dirs.upper}`, `workdir=${dirs.work}`);
  parts.push('redirect_dir=off', 'index=off', 'metacopy=off');
  const options = parts.join(',');
  for (const d of [...dirs.lower, dirs.upper ?? '', dirs.work ?? '']) {
    if (/[,:]/.test(d)) throw new EngineError('internal', `overlay directory ${d} contains "," or ":"`);
  }
  if (options.length > MAX_MOUNT_OPTIONS) throw new EngineError('resource-exhausted', `image has too many layers for one overlay mount (${dirs.lower.length})`);
  return options;
}

export async function mountOverlay(target: string, dirs: OverlayDirs): Promise<void> {
  const options = overlayOptions(dirs);
  try {
    await run('mount', ['-t', 'overlay', 'overlay', '-o', options, target]);
  } catch (e) {
    throw new EngineError('internal', `overlay mount failed: ${(e as { stderr?: string }).stderr?.trim() || (e as Error).message}`);
  }
}

export async function unmount(target: string): Promise<void> {
  try {
    await run('umount', [target]);
  } catch {
    // Busy (a reader still has a file open): detach it now, the kernel frees it when unused.
    await run('umount', ['-l', target]).catch(() => undefined);
  }
}

/** Mount points at or under `prefix`, deepest first (for start-up cleanup). */
export async function mountsUnder(prefix: string): Promise<string[]> {
  const text = await readFile('/proc/self/mountinfo', 'utf8');
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const mountPoint = line.split(' ')[4];
    if (!mountPoint) continue;
    // mountinfo escapes space, tab, newline and backslash as octal.
    const path = mountPoint.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
    if (path === prefix || path.startsWith(prefix.endsWith('/') ? prefix : prefix + '/')) out.push(path);
  }
  return out.sort((a, b) => b.length - a.length);
}
