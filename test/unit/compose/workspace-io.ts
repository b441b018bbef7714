/**
 * A terminal's files for compose tests: a folder of files in memory read as the playground's
 * terminal reads its workspace (readFile and buildContext relative to the terminal's directory).
 */
import type { CliIO } from '../../../engine/cli/index.ts';
import type { Engine } from '../../../engine/engine.ts';
import { docker, type Result } from '../cli/fake-engine.ts';

export function workspace(files: Record<string, string | Uint8Array>, workingDir = '/home/learner/hits'): Partial<CliIO> {
  const bytes = (v: string | Uint8Array) => (typeof v === 'string' ? new TextEncoder().encode(v) : v);
  const clean = (p: string) => p.replace(/^\.\//, '').replace(/\/\.$/, '').replace(/^\.$/, '');
  return {
    workingDir,
    async readFile(path) {
      const value = files[clean(path)];
      if (value === undefined) throw new Error(`no such file: ${path}`);
      return bytes(value);
    },
    async buildContext(dir) {
      const prefix = clean(dir) ? `${clean(dir)}/` : '';
      const out: Record<string, Uint8Array> = {};
      for (const [p, v] of Object.entries(files)) if (p.startsWith(prefix)) out[p.slice(prefix.length)] = bytes(v);
      if (!Object.keys(out).length) throw new Error(`no such directory: ${dir}`);
      return out;
    },
  };
}

/** `docker compose ...` in that folder. */
export function compose(engine: Engine, files: Record<string, string | Uint8Array>, line: string, io: Partial<CliIO> = {}): Promise<Result> {
  return docker(engine, `compose ${line}`, { ...workspace(files), now: () => Date.now(), ...io });
}
