import { describe, expect, it } from 'vitest';
import type { TarEntry } from '../../../engine/tar/tar-entry.ts';
import { readTar } from '../../../engine/tar/tar-reader.ts';
import { writeTar } from '../../../engine/tar/tar-writer.ts';
import { boxHosts } from './support/box-hosts.ts';
import { run } from './support/run.ts';

const hosts = boxHosts();
const enc = new TextEncoder();
const dec = new TextDecoder();
const DIR = 2 ** 31;
const LINK = 2 ** 27;

async function names(tar: Uint8Array): Promise<string[]> {
  const out: string[] = [];
  for await (const e of readTar(tar)) out.push(e.type === 'file' ? `${e.path}=${dec.decode(e.content)}` : e.type === 'symlink' ? `${e.path}->${e.target}` : e.path.replace(/\/$/, ''));
  return out;
}

async function made() {
  const h = await hosts.host({ pulled: true });
  const r = await run(h.engine, { Image: 'box', name: 'files', Cmd: ['sh', '-c', 'mkdir -p /srv/d && echo a > /srv/d/a && ln -s d /srv/link'] });
  expect(r.code).toBe(0);
  return h;
}

describe("docker cp: the engine's half", () => {
  it('stats a path (links on the way followed, the last one not) as Docker heads it', async () => {
    const h = await made();
    expect(await h.engine.statPath('files', '/srv/d')).toEqual({ name: 'd', size: 4096, mode: DIR + 0o755, mtime: '1970-01-01T00:00:00Z', linkTarget: '' });
    expect(await h.engine.statPath('files', 'srv/link')).toMatchObject({ name: 'link', mode: LINK + 0o777, linkTarget: 'd' });
    expect(await h.engine.statPath('files', '/srv/link/a')).toMatchObject({ name: 'a', size: 2, mode: 0o644 });
    await expect(h.engine.statPath('files', '/nosuch')).rejects.toMatchObject({ code: 'not-found', message: 'Could not find the file /nosuch in container files' });
    await expect(h.engine.statPath('nosuch', '/')).rejects.toThrow('No such container: nosuch');
  });

  it('archives a file, a directory and a directory\'s contents (dir/.) rooted as the docker CLI expects', async () => {
    const h = await made();
    const file = await h.engine.getArchive('files', '/srv/d/a');
    expect(file.stat.name).toBe('a');
    expect(await names(file.archive)).toEqual(['a=a\n']);
    expect(await names((await h.engine.getArchive('files', '/srv/d')).archive)).toEqual(['d', 'd/a=a\n']);
    expect(await names((await h.engine.getArchive('files', '/srv/d/.')).archive)).toEqual(['.', './a=a\n']);
    expect(await names((await h.engine.getArchive('files', '/srv/link')).archive)).toEqual(['link->d']);
    await expect(h.engine.getArchive('files', '/srv/d/a/')).rejects.toMatchObject({ code: 'invalid-argument' });
  });

  it('extracts an archive into a directory of a stopped container: diff shows it, and it comes back out', async () => {
    const h = await made();
    const tar = writeTar([
      { type: 'dir', path: 'conf' },
      { type: 'file', path: 'conf/app.ini', content: enc.encode('port=80\n') },
      { type: 'file', path: 'run.sh', mode: 0o755, content: enc.encode('echo ran\n') },
    ]);
    await h.engine.putArchive('files', '/srv/d', tar, { noOverwriteDirNonDir: true });
    const changes = (await h.engine.changes('files')).map((c) => `${c.Kind} ${c.Path}`);
    expect(changes).toEqual(expect.arrayContaining(['1 /srv/d/conf', '1 /srv/d/conf/app.ini', '1 /srv/d/run.sh']));
    expect(await names((await h.engine.getArchive('files', '/srv/link/conf')).archive)).toEqual(['conf', 'conf/app.ini=port=80\n']);
    expect((await h.engine.statPath('files', '/srv/d/run.sh')).mode).toBe(0o755);
    await h.engine.startContainer('files');
    expect((await h.engine.waitContainer('files')).StatusCode).toBe(0);
  });

  it("refuses what Docker refuses and what it cannot do yet, and changes nothing then", async () => {
    const h = await made();
    const file = (path: string): TarEntry => ({ type: 'file', path, content: enc.encode('x') });
    const before = await h.engine.changes('files');
    await expect(h.engine.putArchive('files', '/srv', writeTar([file('d')]), { noOverwriteDirNonDir: true })).rejects.toThrow('cannot overwrite directory "/srv/d" with non-directory "/srv/d"');
    await expect(h.engine.putArchive('files', '/srv/d/a', writeTar([file('x')]))).rejects.toThrow('extraction point is not a directory');
    await expect(h.engine.putArchive('files', '/nosuch', writeTar([file('x')]))).rejects.toMatchObject({ code: 'not-found' });
    // An entry below a link in the container never goes where the link points.
    await expect(h.engine.putArchive('files', '/srv', writeTar([file('ok'), file('link/escaped')]), { noOverwriteDirNonDir: true })).rejects.toThrow('cannot overwrite non-directory "/srv/link" with directory "/srv/link"');
    await expect(h.engine.putArchive('files', '/srv', new TextEncoder().encode('not a tar'.repeat(100)))).rejects.toThrow(/^invalid archive/);
    expect(await h.engine.changes('files')).toEqual(before);

    const { Id } = await h.engine.createContainer({ Image: 'box', Cmd: ['sleep', '30'], HostConfig: { Binds: ['data:/data'] } });
    await expect(h.engine.getArchive(Id, '/data/x')).rejects.toThrow('copying to or from a volume (/data in');
    await h.engine.startContainer(Id);
    await expect(h.engine.putArchive(Id, '/tmp', writeTar([file('x')]))).rejects.toThrow(/^copying into a running container is not supported by this engine yet/);
    await h.engine.killContainer(Id);
  });
});
