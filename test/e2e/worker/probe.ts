/** Builds the probe WASI program (probe.c) into a temp dir with Debian's clang; the tests' own userland. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: number[] | undefined;

export function probeWasm(): number[] {
  if (cached) return cached;
  const dir = mkdtempSync(join(tmpdir(), 'dockyard-probe-'));
  const out = join(dir, 'probe.wasm');
  const src = fileURLToPath(new URL('./probe.c', import.meta.url));
  execFileSync('clang', ['--target=wasm32-wasi', '-O2', '-Wl,--allow-undefined', '-o', out, src]);
  cached = [...readFileSync(out)];
  return cached;
}
