import { mkdirSync, readdirSync, readFileSync, lstatSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect } from 'vitest';
import { applyInherent } from './inherent-differences.ts';
import { oracleIt } from './open-differences.ts';
import { Oracle } from './oracle.ts';

const o = new Oracle();
beforeEach(() => o.reset());
afterAll(() => o.reset());

let round = 0;

/** A host tree as `path=content`, `path/`, `path->target` lines. */
function hostTree(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const st = lstatSync(p);
    if (st.isSymbolicLink()) out.push(`${prefix}${name}->${readlinkSync(p)}`);
    else if (st.isDirectory()) out.push(`${prefix}${name}/`, ...hostTree(p, `${prefix}${name}/`));
    else out.push(`${prefix}${name}=${readFileSync(p, 'utf8')}`);
  }
  return out;
}

/**
 * `docker cp` with a host side: each engine gets a host directory of its own, made by `prepare`
 * the same way; the command's exit, output (the directory named HOST) and the host directory after
 * it must agree.
 */
async function cpSame(argv: (host: string) => string[], prepare: (host: string) => void = () => {}): Promise<void> {
  const seen: Record<string, unknown> = {};
  round++;
  for (const engine of ['reference', 'ours'] as const) {
    const host = join(o.dir, `cp-${round}-${engine}`);
    mkdirSync(host, { recursive: true });
    prepare(host);
    const r = await o.raw(engine, argv(host));
    // The docker CLI logs its tar writer's broken pipe when the copy fails early, or not, by timing.
    const clean = (s: string) => s.replaceAll(host, 'HOST').replace(/^time="[^"]*" level=error msg="Can't (add file|close tar writer)[^\n]*\n/gm, '');
    seen[engine] = { ...applyInherent({ code: r.code, stdout: clean(r.stdout), stderr: clean(r.stderr) }, argv(host)), files: hostTree(host) };
  }
  expect(seen.ours, `docker ${argv('HOST').join(' ')}`).toEqual(seen.reference);
}

const files = (host: string) => {
  mkdirSync(join(host, 'in/sub'), { recursive: true });
  writeFileSync(join(host, 'in/one.txt'), 'one\n');
  writeFileSync(join(host, 'in/sub/two.txt'), 'two\n');
  writeFileSync(join(host, 'plain'), 'plain\n');
};

describe('docker cp', () => {
  oracleIt('from a container: a file, a directory, its contents (dir/.), through a link, onto existing paths', async () => {
    await o.same(['run', '--name', 'src', 'box', 'sh', '-c', 'mkdir -p /srv/d/e && echo a > /srv/d/a && echo b > /srv/d/e/b && ln -s d /srv/link && echo top > /srv/top']);
    await cpSame((h) => ['cp', 'src:/srv/top', h]);
    await cpSame((h) => ['cp', 'src:/srv/top', join(h, 'renamed')]);
    await cpSame((h) => ['cp', 'src:srv/d', h]);
    await cpSame((h) => ['cp', 'src:/srv/d', join(h, 'newdir')]);
    await cpSame((h) => ['cp', 'src:/srv/d/.', h]);
    await cpSame((h) => ['cp', 'src:/srv/link/a', h]);
    await cpSame((h) => ['cp', 'src:/srv/link', h]);
    await cpSame((h) => ['cp', '-L', 'src:/srv/link', join(h, 'followed')]);
    await cpSame((h) => ['cp', 'src:/srv/top', join(h, 'plain')], files);
    await cpSame((h) => ['cp', 'src:/srv/d', join(h, 'plain')], files);
    await cpSame((h) => ['cp', 'src:/srv/top', join(h, 'no/such/dir')]);
    await cpSame((h) => ['cp', 'src:/nosuch', h]);
    await cpSame((h) => ['cp', 'nosuch:/srv', h]);
    await cpSame((h) => ['cp', 'src:/srv/top/', h]);
  });

  oracleIt('into a stopped container: a file, a directory, renamed, onto a file, then back out', async () => {
    await o.same(['create', '--name', 'dst', 'box']);
    await cpSame((h) => ['cp', join(h, 'plain'), 'dst:/tmp/'], files);
    await cpSame((h) => ['cp', join(h, 'plain'), 'dst:/tmp/renamed'], files);
    await cpSame((h) => ['cp', join(h, 'in'), 'dst:/srv'], files);
    await cpSame((h) => ['cp', join(h, 'in'), 'dst:/'], files);
    await cpSame((h) => ['cp', join(h, 'in/.'), 'dst:/tmp'], files);
    await cpSame((h) => ['cp', join(h, 'in/one.txt'), 'dst:/etc/hostname'], files);
    await o.same(['diff', 'dst'], { unordered: true });
    await cpSame((h) => ['cp', 'dst:/srv', h]);
    await cpSame((h) => ['cp', 'dst:/in', h]);
    await cpSame((h) => ['cp', 'dst:/tmp', h]);
  });

  oracleIt("into a container: Docker's errors", async () => {
    await o.same(['create', '--name', 'dst', 'box']);
    await cpSame((h) => ['cp', join(h, 'in'), 'dst:/etc/passwd'], files);
    await cpSame((h) => ['cp', join(h, 'plain'), 'dst:/nosuch/dir/'], files);
    await cpSame((h) => ['cp', join(h, 'plain'), 'dst:/nosuch/file'], files);
    await cpSame((h) => ['cp', join(h, 'missing'), 'dst:/tmp'], files);
    await cpSame((h) => ['cp', join(h, 'plain'), 'nosuch:/tmp'], files);
    await cpSame((h) => ['cp', join(h, 'plain'), join(h, 'other')], files);
    await cpSame(() => ['cp', 'dst:/a', 'dst:/b']);
    await o.same(['diff', 'dst'], { unordered: true });
  });

  oracleIt('into a running container', async () => {
    await o.same(['run', '-d', '--name', 'live', 'box', 'sleep', '60']);
    await cpSame((h) => ['cp', join(h, 'plain'), 'live:/tmp/'], files);
    await o.same(['exec', 'live', 'cat', '/tmp/plain']);
    await o.same(['rm', '-f', 'live']);
  });
});
