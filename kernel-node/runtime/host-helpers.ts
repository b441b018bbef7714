import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** C compilers tried in order: Debian's gcc (cc) or clang, whichever the host has. */
const COMPILERS = ['cc', 'clang'];

/** A compiled host helper, or why there is none (the feature it serves is then unavailable). */
export interface HostHelper {
  path?: string;
  problem?: string;
}

/**
 * One of kernel-node's C helpers (`source` next to this file) compiled for this host into
 * `outFile`. They run on the host next to runc, never in a container; compiled at every start so
 * they always match the host.
 */
export async function compileHostHelper(source: string, outFile: string, flags: string[] = []): Promise<HostHelper> {
  const file = join(dirname(fileURLToPath(import.meta.url)), source);
  const problems: string[] = [];
  for (const cc of COMPILERS) {
    try {
      await run(cc, ['-O2', ...flags, '-o', outFile, file]);
      return { path: outFile };
    } catch (e) {
      problems.push(`${cc}: ${((e as { stderr?: string }).stderr || (e as Error).message).trim().split('\n')[0]}`);
    }
  }
  return { problem: `cannot compile kernel-node/runtime/${source} (${problems.join('; ')})` };
}
