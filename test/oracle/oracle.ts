/**
 * A scenario's view of the two engines the global setup started: `same(argv)` runs one docker
 * command line on the real Docker Engine and on the kernel service, normalizes both (normalize.ts,
 * then inherent-differences.ts) and fails unless exit code, stdout and stderr agree.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect, inject } from 'vitest';
import { dockerCli, type CliResult } from './docker-cli.ts';
import { applyInherent } from './inherent-differences.ts';
import { IdNumbering, normalizeColumns, normalizeText } from './normalize.ts';

export interface Pair {
  reference: CliResult;
  ours: CliResult;
}

export interface RunOptions {
  input?: string;
  cwd?: string;
  /**
   * Compare stdout's lines as a set: for lists whose order the docker CLI itself does not fix
   * (`docker images` prints an image's repositories in Go map order).
   */
  unordered?: boolean;
}

export class Oracle {
  readonly dir: string;
  readonly #sockets: { reference: string; ours: string };
  #ids = { reference: new IdNumbering(), ours: new IdNumbering() };

  constructor() {
    const o = inject('oracle');
    this.dir = o.dir;
    this.#sockets = { reference: o.referenceSocket, ours: o.kernelSocket };
  }

  /** Raw output of one engine, not normalized. */
  raw(engine: 'reference' | 'ours', argv: string[], options: RunOptions = {}): Promise<CliResult> {
    return dockerCli(this.#sockets[engine], this.dir, argv, options);
  }

  /** Both engines, one after the other (the reference first), normalized. */
  async both(argv: string[], options: RunOptions = {}): Promise<Pair> {
    const out = {} as Pair;
    for (const engine of ['reference', 'ours'] as const) {
      const r = await this.raw(engine, argv, options);
      const ids = this.#ids[engine];
      out[engine] = applyInherent({ code: r.code, stdout: normalizeColumns(normalizeText(r.stdout, ids)), stderr: normalizeColumns(normalizeText(r.stderr, ids)) }, argv);
      if (options.unordered) out[engine].stdout = out[engine].stdout.split('\n').sort().join('\n');
    }
    return out;
  }

  /** Both engines agree on `docker <argv>`; returns what they printed (normalized). */
  async same(argv: string[], options: RunOptions = {}): Promise<CliResult> {
    const { reference, ours } = await this.both(argv, options);
    expect(ours, `docker ${argv.join(' ')}`).toEqual(reference);
    return ours;
  }

  /** A build context under the oracle's directory: file contents, or `{ link }` for a symbolic link. */
  context(name: string, files: Record<string, string | { link: string }>): string {
    const root = join(this.dir, 'contexts', name);
    for (const [path, content] of Object.entries(files)) {
      const file = join(root, path);
      mkdirSync(dirname(file), { recursive: true });
      if (typeof content === 'string') writeFileSync(file, content);
      else symlinkSync(content.link, file);
    }
    return root;
  }

  /**
   * Remove every container (with its anonymous volumes), volume and image but box from both
   * engines, and start numbering IDs afresh: each scenario starts from the same state.
   */
  async reset(): Promise<void> {
    for (const engine of ['reference', 'ours'] as const) {
      const run = async (argv: string[]) => (await this.raw(engine, argv)).stdout.split('\n').filter(Boolean);
      const containers = await run(['ps', '-aq']);
      if (containers.length) await run(['rm', '-fv', ...containers]);
      const volumes = await run(['volume', 'ls', '-q']);
      if (volumes.length) await run(['volume', 'rm', '-f', ...volumes]);
      const images = (await run(['images', '-a', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}'])).filter((l) => !l.startsWith('box:latest '));
      const refs = images.map((l) => (l.startsWith('<none>') ? l.split(' ')[1] : l.split(' ')[0]));
      if (refs.length) await run(['rmi', '-f', ...refs]);
    }
    this.#ids = { reference: new IdNumbering(), ours: new IdNumbering() };
  }
}
