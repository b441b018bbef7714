/** `docker export` and `docker import` as a learner types them, over the real engine core and host files. */
import { describe, expect, it } from 'vitest';
import { boxHosts } from '../core/support/box-hosts.ts';
import { docker } from './fake-engine.ts';

const hosts = boxHosts();

function files() {
  const stored = new Map<string, Uint8Array>();
  return {
    stored,
    io: {
      writeFile: async (path: string, data: Uint8Array) => void stored.set(path, data),
      readFile: async (path: string) => {
        const data = stored.get(path);
        if (!data) throw new Error('no such file or directory');
        return data;
      },
    },
  };
}

describe('docker export / import', () => {
  it('export -o then import FILE REPO:TAG --change prints the ID, and the image runs', async () => {
    const h = await hosts.host({ pulled: true });
    const f = files();
    expect((await docker(h.engine, "docker run --name src box sh -c 'echo from-src > /made'")).status).toBe(0);
    expect(await docker(h.engine, 'docker export -o fs.tar src', f.io)).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(f.stored.get('fs.tar')?.length).toBeGreaterThan(1024);
    const imported = await docker(h.engine, `docker import -c 'CMD ["cat","/made"]' -m first fs.tar mine:v1`, f.io);
    expect(imported).toMatchObject({ status: 0, stderr: '' });
    expect(imported.stdout).toMatch(/^sha256:[0-9a-f]{64}\n$/);
    expect(await docker(h.engine, 'docker run --rm mine:v1')).toEqual({ status: 0, stdout: 'from-src\n', stderr: '' });
    expect((await docker(h.engine, "docker history --format '{{.Comment}}' mine:v1")).stdout).toBe('first\n');
    expect((await docker(h.engine, 'docker image import fs.tar', f.io)).status).toBe(0);
    expect((await docker(h.engine, 'docker container export -o again.tar src', f.io)).status).toBe(0);
  });

  it("Docker's refusals: export to the terminal, a missing container, a missing file, a bad change", async () => {
    const h = await hosts.host({ pulled: true });
    const f = files();
    expect(await docker(h.engine, 'docker export nosuch', f.io)).toEqual({ status: 1, stdout: '', stderr: 'cowardly refusing to save to a terminal. Use the -o flag or redirect\n' });
    expect((await docker(h.engine, 'docker export -o x.tar nosuch', f.io)).stderr).toBe('Error response from daemon: No such container: nosuch\n');
    expect(f.stored.has('x.tar')).toBe(false);
    expect(await docker(h.engine, 'docker import missing.tar', f.io)).toEqual({ status: 1, stdout: '', stderr: 'open missing.tar: no such file or directory\n' });
    expect((await docker(h.engine, 'docker create --name cc box', f.io)).status).toBe(0);
    expect(await docker(h.engine, 'docker export -o c.tar cc', f.io)).toEqual({ status: 0, stdout: '', stderr: '' });
    const bad = await docker(h.engine, "docker import -c 'RUN true' c.tar", f.io);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toBe('Error response from daemon: run is not a valid change command\n');
    expect((await docker(h.engine, 'docker import', f.io)).stderr).toMatch(/^docker: 'docker import' requires at least 1 and at most 2 arguments\n/);
  });
});
