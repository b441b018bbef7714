import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** C compilers tried in order: Debian's gcc (cc) or clang, whichever the host has. */
const COMPILERS = ['cc', 'clang'];

/**
 * console-relay.c compiled for this host into `outFile` (it runs on the host, next to runc, never
 * in a container). Returns undefined with the reason when no compiler works: the service then
 * runs without `-t`, and says so when a container asks for a terminal.
 */
export async function buildConsoleRelay(outFile: string): Promise<{ path?: string; problem?: string }> {
  const source = join(dirname(fileURLToPath(import.meta.url)), 'console-relay.c');
  const problems: string[] = [];
  for (const cc of COMPILERS) {
    try {
      await run(cc, ['-O2', '-o', outFile, source]);
      return { path: outFile };
    } catch (e) {
      problems.push(`${cc}: ${((e as { stderr?: string }).stderr || (e as Error).message).trim().split('\n')[0]}`);
    }
  }
  return { problem: `cannot compile kernel-node/console-relay.c (${problems.join('; ')})` };
}
