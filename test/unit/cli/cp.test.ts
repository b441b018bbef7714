/** `docker cp` as a learner types it, over the real engine core and an in-memory host directory tree. */
import { describe, expect, it } from 'vitest';
import type { CliIO } from '../../../engine/cli/io.ts';
import { boxHosts } from '../core/support/box-hosts.ts';
import { docker } from './fake-engine.ts';

const hosts = boxHosts();
const enc = new TextEncoder();
const dec = new TextDecoder();

/** A host file tree: paths as typed (relative to the shell's directory), '.' is that directory. */
function hostTree(files: Record<string, string> = {}) {
  const dirs = new Set<string>(['.']);
  const stored = new Map<string, Uint8Array>();
  const norm = (p: string) => p.replace(/\/+\.?$/, '').replace(/^\.\//, '') || '.';
  const put = (p: string, text: string) => {
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
    stored.set(p, enc.encode(text));
  };
  for (const [p, text] of Object.entries(files)) put(p, text);
  const io: Partial<CliIO> = {
    readFile: async (p) => stored.get(norm(p)) ?? Promise.reject(new Error('no such file or directory')),
    writeFile: async (p, data) => void stored.set(norm(p), data),
    pathKind: async (p) => (dirs.has(norm(p)) ? 'dir' : stored.has(norm(p)) ? 'file' : undefined),
    makeDir: async (p) => void dirs.add(norm(p)),
    buildContext: async (dir) => {
      const base = norm(dir);
      const out: Record<string, Uint8Array> = {};
      for (const [p, data] of stored) if (base === '.' || p.startsWith(base + '/')) out[base === '.' ? p : p.slice(base.length + 1)] = data;
      return out;
    },
  };
  const listing = () => [...[...dirs].filter((d) => d !== '.').map((d) => `${d}/`), ...[...stored].map(([p, d]) => `${p}=${dec.decode(d)}`)].sort();
  return { io, listing };
}

async function made() {
  const h = await hosts.host({ pulled: true });
  const r = await docker(h.engine, "docker run --name src box sh -c 'mkdir -p /srv/d/e && echo a > /srv/d/a && echo b > /srv/d/e/b && echo top > /srv/top && ln -s d /srv/link'");
  expect(r.status).toBe(0);
  return h;
}

describe('docker cp from a container', () => {
  it('a file into a directory or to a new name, a directory, its contents, through a link', async () => {
    const h = await made();
    const host = hostTree({ 'work/keep': 'k' });
    expect(await docker(h.engine, 'docker cp src:/srv/top work', host.io)).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(await docker(h.engine, 'docker cp src:/srv/top work/renamed', host.io)).toEqual({ status: 0, stdout: '', stderr: '' });
    expect((await docker(h.engine, 'docker cp src:/srv/d work', host.io)).status).toBe(0);
    expect((await docker(h.engine, 'docker container cp src:/srv/d/. out', host.io)).status).toBe(0);
    expect((await docker(h.engine, 'docker cp -L src:/srv/link linked', host.io)).status).toBe(0);
    expect(host.listing()).toEqual([
      'linked/', 'linked/a=a\n', 'linked/e/', 'linked/e/b=b\n',
      'out/', 'out/a=a\n', 'out/e/', 'out/e/b=b\n',
      'work/', 'work/d/', 'work/d/a=a\n', 'work/d/e/', 'work/d/e/b=b\n', 'work/keep=k', 'work/renamed=top\n', 'work/top=top\n',
    ]);
  });

  it("Docker's errors, and the progress line only at a terminal", async () => {
    const h = await made();
    const host = hostTree({ plain: 'p' });
    expect((await docker(h.engine, 'docker cp src:/srv/top no/such/dir', host.io)).stderr).toBe('invalid output path: directory "no/such" does not exist\n');
    expect((await docker(h.engine, 'docker cp src:/srv/top newdir/', host.io)).stderr).toBe('no such directory\n');
    expect((await docker(h.engine, 'docker cp src:/srv/d plain', host.io)).stderr).toBe('cannot copy directory\n');
    expect((await docker(h.engine, 'docker cp src:/nosuch .', host.io)).stderr).toBe('Error response from daemon: Could not find the file /nosuch in container src\n');
    expect((await docker(h.engine, 'docker cp nosuch:/srv .', host.io)).stderr).toBe('Error response from daemon: No such container: nosuch\n');
    expect((await docker(h.engine, 'docker cp src:/a src:/b', host.io)).stderr).toBe('copying between containers is not supported\n');
    expect((await docker(h.engine, 'docker cp plain other', host.io)).stderr).toBe('must specify at least one container source\n');
    expect((await docker(h.engine, 'docker cp src: .', host.io)).stderr).toBe('Error response from daemon: bad parameter: pathcannot be empty\n');
    expect((await docker(h.engine, 'docker cp src:/srv/top', host.io)).stderr).toMatch(/^docker: 'docker cp' requires 2 arguments\n/);
    expect(host.listing()).toEqual(['plain=p']);
    const tty = await docker(h.engine, 'docker cp src:/srv/top .', { ...host.io, isTTY: true });
    expect(tty).toEqual({ status: 0, stdout: '', stderr: expect.stringMatching(/^Successfully copied \d+(\.\d+)?kB to \.\n$/) });
    expect((await docker(h.engine, 'docker cp -q src:/srv/top .', { ...host.io, isTTY: true })).stderr).toBe('');
  });
});

describe('docker cp into a container', () => {
  it('a file, a directory, renamed, over a file - then diff and a run see them', async () => {
    const h = await hosts.host({ pulled: true });
    const host = hostTree({ plain: 'plain\n', 'in/one.txt': 'one\n', 'in/sub/two.txt': 'two\n' });
    expect((await docker(h.engine, 'docker create --name dst box cat /tmp/plain /srv/one.txt /srv/sub/two.txt /tmp/renamed /etc/hostname', host.io)).status).toBe(0);
    expect(await docker(h.engine, 'docker cp plain dst:/tmp/', host.io)).toEqual({ status: 0, stdout: '', stderr: '' });
    expect((await docker(h.engine, 'docker cp plain dst:/tmp/renamed', host.io)).status).toBe(0);
    expect((await docker(h.engine, 'docker cp in dst:/srv', host.io)).status).toBe(0);
    expect((await docker(h.engine, 'docker cp in/one.txt dst:/etc/hostname', host.io)).status).toBe(0);
    const diff = (await docker(h.engine, 'docker diff dst')).stdout.split('\n');
    expect(diff).toEqual(expect.arrayContaining(['A /srv', 'A /srv/one.txt', 'A /srv/sub/two.txt', 'A /tmp/plain', 'A /tmp/renamed']));
    // /etc/hostname is the runtime's at run time, as with Docker: the copy is in the layer, under it.
    expect(await docker(h.engine, 'docker start -a dst')).toMatchObject({ status: 0, stdout: expect.stringMatching(/^plain\none\ntwo\nplain\n/) });
  });

  it("Docker's errors, and a running container refused in words", async () => {
    const h = await hosts.host({ pulled: true });
    const host = hostTree({ plain: 'p', 'in/x': 'x' });
    await docker(h.engine, 'docker create --name dst box', host.io);
    expect((await docker(h.engine, 'docker cp in dst:/etc/passwd', host.io)).stderr).toBe('cannot copy directory\n');
    expect((await docker(h.engine, 'docker cp plain dst:/nosuch/dir/', host.io)).stderr).toBe('no such directory\n');
    expect((await docker(h.engine, 'docker cp plain dst:/nosuch/file', host.io)).stderr).toBe('Error response from daemon: Could not find the file /nosuch in container dst\n');
    expect((await docker(h.engine, 'docker cp missing dst:/tmp', host.io)).stderr).toBe('lstat missing: no such file or directory\n');
    expect((await docker(h.engine, 'docker cp plain nosuch:/tmp', host.io)).stderr).toBe('Error response from daemon: No such container: nosuch\n');
    expect((await docker(h.engine, 'docker cp - dst:/etc/passwd', host.io)).stderr).toBe('destination "dst:/etc/passwd" must be a directory\n');
    expect((await docker(h.engine, 'docker diff dst')).stdout).toBe('');
    await docker(h.engine, 'docker run -d --name live box sleep 30');
    const live = await docker(h.engine, 'docker cp plain live:/tmp', host.io);
    expect(live.stderr).toMatch(/^Error response from daemon: copying into a running container is not supported by this engine yet: stop live first/);
    await docker(h.engine, 'docker rm -f live');
  });
});
