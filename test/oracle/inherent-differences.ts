/**
 * Differences between the real Docker Engine and the kernel service that come from what each is,
 * not from a bug: the ONE list of them, each with its reason. Each rewrites both engines' output the
 * same way before the comparison; whatever is still different fails the scenario. A disagreement
 * that is a bug goes in open-differences.ts instead, never here.
 */
import type { CliResult } from './docker-cli.ts';

export interface InherentDifference {
  id: string;
  reason: string;
  /** Applied to both engines' normalized output of `docker <argv>`. */
  rewrite(result: CliResult, argv: string[]): CliResult;
}

const mapOutput = (r: CliResult, f: (s: string) => string): CliResult => ({ ...r, stdout: f(r.stdout), stderr: f(r.stderr) });

export const INHERENT_DIFFERENCES: InherentDifference[] = [
  {
    id: 'sizes',
    reason:
      'The base images hold different programs (box.wasm and its applets vs Debian\'s busybox-static), so every size that includes the base differs: image sizes, container virtual sizes. Build contexts are the same files on both, but sizes are rewritten everywhere for one rule.',
    rewrite: (r) => mapOutput(r, (s) => s.replace(/\b\d+(?:\.\d+)?\s?(?:B|kB|KB|MB|GB|TB)\b/g, '<size>')),
  },
  {
    id: 'guest-pwd',
    reason:
      'WASI preview1 has no working directory: our hosts hand the program its directory as PWD (engine/wasi/spawn-abi.ts), so a wasm program\'s environment holds PWD where a native program\'s does not.',
    rewrite: (r, argv) => (argv.includes('env') ? { ...r, stdout: r.stdout.replace(/^PWD=.*\n/gm, '') } : r),
  },
];

export function applyInherent(result: CliResult, argv: string[]): CliResult {
  return INHERENT_DIFFERENCES.reduce((r, d) => d.rewrite(r, argv), result);
}
