import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../engine/engine.ts';
import { homeOf, replaceOrAppend } from '../../../engine/core/container-env.ts';
import { referenceMatches } from '../../../engine/core/reference-match.ts';
import { boxHosts } from './support/box-hosts.ts';
import { run } from './support/run.ts';

const hosts = boxHosts();
const boxHost = () => hosts.host({ pulled: true, clock: 'real' });

describe("a container's environment, as Docker's daemon and runc make it", () => {
  it('PATH, HOSTNAME, the container Env over them, HOME from /etc/passwd', async () => {
    const h = await boxHost();
    const plain = await run(h.engine, { Image: 'box', Cmd: ['env'] });
    const lines = plain.stdout.split('\n').filter((l) => !l.startsWith('PWD='));
    expect(lines).toEqual(['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', `HOSTNAME=${plain.id.slice(0, 12)}`, 'HOME=/root', '']);
    const own = await run(h.engine, { Image: 'box', Cmd: ['env'], Hostname: 'web', Env: ['HOME=/srv', 'A=1'] });
    expect(own.stdout).toContain('HOSTNAME=web\nHOME=/srv\nA=1\n');
    expect(own.stdout.match(/^HOME=/gm)).toHaveLength(1);
  });

  it('Go ReplaceOrAppendEnvValues and the passwd rule', () => {
    expect(replaceOrAppend(['PATH=/x', 'HOSTNAME=h'], ['A=1', 'PATH=/y'])).toEqual(['PATH=/y', 'HOSTNAME=h', 'A=1']);
    const passwd = 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n';
    expect(homeOf(passwd, '')).toBe('/root');
    expect(homeOf(passwd, 'nobody')).toBe('/home');
    expect(homeOf(passwd, '65534:65534')).toBe('/home');
    expect(homeOf(passwd, 'nosuch')).toBe('/');
    expect(homeOf(undefined, '')).toBe('/');
  });

  it('-w makes a missing working directory at create, following links inside the root', async () => {
    const h = await boxHost();
    const { Id } = await h.engine.createContainer({ Image: 'box', WorkingDir: '/new/dir', Cmd: ['pwd'] });
    expect(await h.engine.changes(Id)).toEqual([
      { Path: '/new', Kind: 1 },
      { Path: '/new/dir', Kind: 1 },
    ]);
    expect((await run(h.engine, { Image: 'box', WorkingDir: '/made/here', Cmd: ['pwd'] })).stdout).toBe('/made/here\n');
    expect((await run(h.engine, { Image: 'box', WorkingDir: '/tmp', Cmd: ['pwd'] })).stdout).toBe('/tmp\n');
    const through = await h.engine.createContainer({ Image: 'box', WorkingDir: '/etc/../var/x', Cmd: ['pwd'] });
    expect(await h.engine.changes(through.Id)).toEqual([
      { Path: '/var', Kind: 0 },
      { Path: '/var/x', Kind: 1 },
    ]);
  });

  it('a relative working directory is refused in Docker\'s words; -v /path is an anonymous volume', async () => {
    const h = await boxHost();
    await expect(h.engine.createContainer({ Image: 'box', WorkingDir: 'rel' })).rejects.toThrow("the working directory 'rel' is invalid, it needs to be an absolute path");
    const { Id } = await h.engine.createContainer({ Image: 'box', Volumes: { '/data': {} } });
    const c = await h.engine.inspectContainer(Id);
    expect(c.Mounts).toHaveLength(1);
    expect(c.Mounts[0]).toMatchObject({ Type: 'volume', Destination: '/data', RW: true });
    expect(c.Mounts[0].Name).toMatch(/^[0-9a-f]{64}$/);
    await expect(h.engine.createContainer({ Image: 'box', Volumes: { data: {} } })).rejects.toThrow(/mount path must be absolute/);
  });
});

describe('exec -u', () => {
  it('runs as root; another user is refused, never ignored', async () => {
    const h = await boxHost();
    const { Id } = await h.engine.createContainer({ Image: 'box', Cmd: ['sleep', '30'] });
    await h.engine.startContainer(Id);
    for (const user of ['root', '0', '0:0', 'root:root']) await expect(h.engine.createExec(Id, { Cmd: ['true'], User: user })).resolves.toHaveProperty('Id');
    await expect(h.engine.createExec(Id, { Cmd: ['id'], User: 'nobody' })).rejects.toThrow('exec -u nobody: this engine runs every process as root (WebAssembly programs have no users); leave -u out or use -u root');
    await expect(h.engine.createExec(Id, { Cmd: ['id'], User: '1000:1000' })).rejects.toThrow(/^exec -u 1000:1000: /);
    await h.engine.removeContainer(Id, { force: true });
  });
});

describe('rename', () => {
  it("takes the new name at once, frees the old one, and refuses Docker's cases", async () => {
    const h = await boxHost();
    const a = await h.engine.createContainer({ Image: 'box', name: 'first' });
    await h.engine.createContainer({ Image: 'box', name: 'second' });
    const seen: EngineEvent[] = [];
    const off = await h.engine.events((e) => seen.push(e));
    await h.engine.renameContainer('first', 'third');
    off();
    expect((await h.engine.inspectContainer(a.Id)).Name).toBe('/third');
    expect(seen.map((e) => [e.Action, e.Actor.Attributes.name, e.Actor.Attributes.oldName])).toEqual([['rename', 'third', '/first']]);
    await expect(h.engine.createContainer({ Image: 'box', name: 'first' })).resolves.toHaveProperty('Id');
    await expect(h.engine.renameContainer('third', 'third')).rejects.toThrow('Renaming a container with the same name as its current name');
    await expect(h.engine.renameContainer('third', 'second')).rejects.toThrow(/^Error when allocating new name: Conflict. The container name "\/second" is already in use by container/);
    await expect(h.engine.renameContainer('third', 'bad name')).rejects.toThrow('Error when allocating new name: Invalid container name (/bad name), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed');
    await expect(h.engine.renameContainer('third', '')).rejects.toThrow('Neither old nor new names may be empty');
  });
});

describe('events', () => {
  it('keeps the recent past for a subscriber that asks since a time, attach included', async () => {
    const h = await boxHost();
    const since = Date.now() / 1000 - 1;
    await run(h.engine, { Image: 'box', Cmd: ['true'], name: 'evented' });
    const seen: EngineEvent[] = [];
    const off = await h.engine.events((e) => seen.push(e), { since });
    off();
    expect(seen.filter((e) => e.Type === 'container').map((e) => e.Action)).toEqual(['create', 'attach', 'start', 'die']);
    const later: EngineEvent[] = [];
    (await h.engine.events((e) => later.push(e), { since: Date.now() / 1000 + 60 }))();
    expect(later).toEqual([]);
  });
});

describe('docker images PATTERN', () => {
  it("matches the familiar reference, then the name, with path.Match's globs", () => {
    expect(referenceMatches('box', 'box:latest')).toBe(true);
    expect(referenceMatches('box:1.0', 'box:latest')).toBe(false);
    expect(referenceMatches('b*', 'box:1.0')).toBe(true);
    expect(referenceMatches('*:1.0', 'box:1.0')).toBe(true);
    expect(referenceMatches('*', 'localhost:5000/box:1.0')).toBe(false);
    expect(referenceMatches('localhost:5000/*', 'localhost:5000/box:1.0')).toBe(true);
    expect(referenceMatches('bo[a-x]', 'box:1.0')).toBe(true);
    expect(referenceMatches('bo[^x]', 'box:1.0')).toBe(false);
    expect(referenceMatches('[', 'box:1.0')).toBe(false);
  });
});
