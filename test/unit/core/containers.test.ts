import { describe, it, expect, afterEach, beforeAll } from 'vitest';
import type { EngineEvent } from '../../../engine/engine.ts';
import type { ProcessIO, ProcessSpec, Runtime, RunningProcess } from '../../../engine/ports.ts';
import { layoutWithBox } from './support/shipped.ts';
import { makeHost, type TestHost } from './support/test-host.ts';
import { eventually, run } from './support/run.ts';
import type { Layout } from './support/oci-fixtures.ts';

const dec = new TextDecoder();
const hosts: TestHost[] = [];
let layout: Layout;
beforeAll(async () => {
  layout = await layoutWithBox();
});
afterEach(() => hosts.splice(0).forEach((h) => h.dispose()));

async function boxHost(runtime?: (inner: Runtime) => Runtime): Promise<TestHost> {
  const h = makeHost({ layout });
  if (runtime) h.ports.runtime = runtime(h.ports.runtime);
  hosts.push(h);
  await h.engine.pull('box');
  return h;
}

async function rejection(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error('expected a rejection');
}

describe('create and run', () => {
  it('runs a command, streams stdout and stderr apart, and records the exit', async () => {
    const h = await boxHost();
    const r = await run(h.engine, { Image: 'box', Cmd: ['sh', '-c', 'echo out; echo err >&2; exit 3'] });
    expect(r).toMatchObject({ code: 3, stdout: 'out\n', stderr: 'err\n' });
    const c = await h.engine.inspectContainer(r.id);
    expect(c.State).toMatchObject({ Status: 'exited', Running: false, ExitCode: 3, OOMKilled: false });
    expect(c.State.StartedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    expect(c.Path).toBe('sh');
    expect(c.Args).toEqual(['-c', 'echo out; echo err >&2; exit 3']);
  });

  it("merges Entrypoint and Cmd like Docker's", async () => {
    const h = await boxHost();
    const plain = await h.engine.createContainer({ Image: 'box' });
    expect(await h.engine.inspectContainer(plain.Id)).toMatchObject({ Path: 'sh', Args: [] });
    const cmd = await h.engine.createContainer({ Image: 'box', Cmd: ['echo', 'a'] });
    expect(await h.engine.inspectContainer(cmd.Id)).toMatchObject({ Path: 'echo', Args: ['a'] });
    // --entrypoint drops the image's CMD
    const ep = await h.engine.createContainer({ Image: 'box', Entrypoint: ['echo'] });
    expect(await h.engine.inspectContainer(ep.Id)).toMatchObject({ Path: 'echo', Args: [] });
    const both = await h.engine.createContainer({ Image: 'box', Entrypoint: ['echo', '-n'], Cmd: ['x'] });
    expect(await h.engine.inspectContainer(both.Id)).toMatchObject({ Path: 'echo', Args: ['-n', 'x'] });
    const e = await rejection(h.engine.createContainer({ Image: 'box', Entrypoint: [''] }));
    expect(e.code).toBe('invalid-argument');
    expect(e.message).toBe('no command specified');
  });

  it('gives the request Env first, overriding the image Env by key, and sets WorkingDir and Hostname', async () => {
    const h = await boxHost();
    const r = await run(h.engine, { Image: 'box', Cmd: ['sh', '-c', 'env; pwd; hostname'], Env: ['PATH=/bin', 'GREETING=hi'], WorkingDir: '/tmp' });
    const lines = r.stdout.trim().split('\n');
    expect(lines).toContain('GREETING=hi');
    expect(lines).toContain('PATH=/bin');
    expect(lines.filter((l) => l.startsWith('PATH='))).toEqual(['PATH=/bin']);
    const c = await h.engine.inspectContainer(r.id);
    expect(c.Config.Env).toEqual(['PATH=/bin', 'GREETING=hi']);
    expect(lines).toContain('/tmp');
    expect(c.Config.Hostname).toBe(r.id.slice(0, 12));
    expect(r.id).toMatch(/^[0-9a-f]{64}$/);
  });

  it('answers a missing command with 127 and says why: the start fails, as Docker\'s', async () => {
    const h = await boxHost();
    const { Id } = await h.engine.createContainer({ Image: 'box', Cmd: ['nosuchcmd'] });
    const e = await rejection(h.engine.startContainer(Id));
    expect(e.code).toBe('command-not-found');
    const c = await h.engine.inspectContainer(Id);
    expect(c.State.ExitCode).toBe(127);
    expect(c.State.Error).toContain('executable file not found in $PATH');
  });

  it('refuses an unknown image with No such image', async () => {
    const h = await boxHost();
    const e = await rejection(h.engine.createContainer({ Image: 'ghost' }));
    expect(e.code).toBe('not-found');
    expect(e.message).toBe('No such image: ghost:latest');
  });
});

describe('names and lookup', () => {
  it('generates adjective_surname names and refuses a name in use with Docker\'s message', async () => {
    const h = await boxHost();
    const a = await h.engine.createContainer({ Image: 'box' });
    expect((await h.engine.inspectContainer(a.Id)).Name).toMatch(/^\/[a-z]+_[a-z]+\d?$/);
    const web = await h.engine.createContainer({ Image: 'box', name: 'web' });
    const e = await rejection(h.engine.createContainer({ Image: 'box', name: 'web' }));
    expect(e.code).toBe('conflict');
    expect(e.message).toBe(`Conflict. The container name "/web" is already in use by container "${web.Id}". You have to remove (or rename) that container to be able to reuse that name.`);
    expect((await rejection(h.engine.createContainer({ Image: 'box', name: 'bad name' }))).code).toBe('invalid-argument');
  });

  it('finds a container by ID, unique prefix, name and /name', async () => {
    const h = await boxHost();
    const { Id } = await h.engine.createContainer({ Image: 'box', name: 'finder' });
    for (const n of [Id, Id.slice(0, 12), Id.slice(0, 3), 'finder', '/finder']) expect((await h.engine.inspectContainer(n)).Id).toBe(Id);
    const e = await rejection(h.engine.inspectContainer('nobody'));
    expect(e.message).toBe('No such container: nobody');
  });
});

describe('lifecycle', () => {
  it('keeps its writable layer across start after exit', async () => {
    const h = await boxHost();
    const r = await run(h.engine, { Image: 'box', Cmd: ['sh', '-c', 'echo x >> /count; cat /count'] });
    expect(r.stdout).toBe('x\n');
    const out: string[] = [];
    const stream = await h.engine.attachContainer(r.id, { onOutput: (_s, d) => out.push(dec.decode(d)) });
    const wait = h.engine.waitContainer(r.id, 'next-exit');
    await h.engine.startContainer(r.id);
    await wait;
    await stream.detach();
    expect(out.join('')).toBe('x\nx\n');
    const logs = await h.engine.logs(r.id);
    expect(logs.map((e) => dec.decode(e.data))).toEqual(['x\n', 'x\n', 'x\n']);
  });

  it("answers start of a running container with 'not-modified' and stop of a stopped one too", async () => {
    const h = await boxHost();
    const { Id } = await h.engine.createContainer({ Image: 'box', Cmd: ['cat'], OpenStdin: true });
    await h.engine.startContainer(Id);
    expect((await rejection(h.engine.startContainer(Id))).code).toBe('not-modified');
    await h.engine.killContainer(Id);
    expect((await h.engine.inspectContainer(Id)).State.ExitCode).toBe(137);
    expect((await rejection(h.engine.stopContainer(Id))).code).toBe('not-modified');
    const e = await rejection(h.engine.killContainer(Id));
    expect(e.code).toBe('conflict');
    expect(e.message).toBe(`cannot kill container: ${Id}: container ${Id} is not running`);
  });

  it('stop sends SIGTERM, then SIGKILL after the timeout: 137', async () => {
    const signals: string[] = [];
    const deaf = (inner: Runtime): Runtime => ({
      async start(key: string, spec: ProcessSpec, io: ProcessIO): Promise<RunningProcess> {
        const p = await inner.start(key, spec, io);
        return { ...p, exited: p.exited, writeStdin: p.writeStdin, closeStdin: p.closeStdin, kill: (s) => (signals.push(s), s === 'SIGKILL' ? p.kill(s) : undefined) };
      },
    });
    const h = await boxHost(deaf);
    const { Id } = await h.engine.createContainer({ Image: 'box', Cmd: ['sh', '-c', 'while true; do :; done'] });
    await h.engine.startContainer(Id);
    await h.engine.stopContainer(Id, { timeout: 0.05 });
    expect(signals).toEqual(['SIGTERM', 'SIGKILL']);
    const c = await h.engine.inspectContainer(Id);
    expect(c.State).toMatchObject({ Status: 'exited', ExitCode: 137, Running: false });
    expect((await h.engine.waitContainer(Id)).StatusCode).toBe(137);
  });

  it('refuses to remove a running container unless forced; rm -f kills it', async () => {
    const h = await boxHost();
    const { Id } = await h.engine.createContainer({ Image: 'box', name: 'busy', Cmd: ['sh', '-c', 'while true; do :; done'] });
    await h.engine.startContainer(Id);
    const e = await rejection(h.engine.removeContainer('busy'));
    expect(e.code).toBe('conflict');
    expect(e.message).toBe('cannot remove container "/busy": container is running: stop the container before removing or force remove');
    await h.engine.removeContainer('busy', { force: true });
    expect((await rejection(h.engine.inspectContainer(Id))).code).toBe('not-found');
    expect(h.snapshots.has(Id)).toBe(false);
    expect(h.runtime.live.size).toBe(0);
  });

  it('removes an AutoRemove container after it exits (wait removed)', async () => {
    const h = await boxHost();
    const { Id } = await h.engine.createContainer({ Image: 'box', Cmd: ['true'], HostConfig: { AutoRemove: true } });
    const removed = h.engine.waitContainer(Id, 'removed');
    await h.engine.startContainer(Id);
    expect(await removed).toEqual({ StatusCode: 0, Error: null });
    expect(await h.engine.listContainers({ all: true })).toEqual([]);
  });

  it('forwards stdin from an attachment made before start', async () => {
    const h = await boxHost();
    const r = await run(h.engine, { Image: 'box', Cmd: ['sh', '-c', 'while read line; do echo "got $line"; done'] }, { stdin: 'one\ntwo\n' });
    expect(r).toMatchObject({ code: 0, stdout: 'got one\ngot two\n' });
  });

  it('ends a container that exceeds its memory limit with 137 and OOMKilled', async () => {
    const h = await boxHost();
    const r = await run(h.engine, { Image: 'box', Cmd: ['sh', '-c', 'x=$(seq 1 3000000); echo survived'], HostConfig: { Memory: 16 * 1024 * 1024 } });
    expect(r.code).toBe(137);
    expect(r.stdout).toBe('');
    expect((await h.engine.inspectContainer(r.id)).State.OOMKilled).toBe(true);
    const small = await rejection(h.engine.createContainer({ Image: 'box', HostConfig: { Memory: 1024 } }));
    expect(small.message).toBe('Minimum memory limit allowed is 6MB');
  });
});

describe('ps and status', () => {
  it("shows Created, Up and Exited with Docker's durations, newest first", async () => {
    const h = await boxHost();
    const created = await h.engine.createContainer({ Image: 'box', name: 'idle' });
    h.clock.now += 1000;
    const r = await run(h.engine, { Image: 'box', name: 'done', Cmd: ['sh', '-c', 'exit 2'] });
    h.clock.now += 5 * 60_000;
    const ps = await h.engine.listContainers({ all: true });
    expect(ps.map((c) => [c.Names[0], c.State, c.Status])).toEqual([
      ['/done', 'exited', 'Exited (2) 5 minutes ago'],
      ['/idle', 'created', 'Created'],
    ]);
    expect(ps[0]).toMatchObject({ Id: r.id, Image: 'box', Command: "sh -c 'exit 2'" });
    expect(await h.engine.listContainers()).toEqual([]);
    const { Id } = await h.engine.createContainer({ Image: 'box', Cmd: ['cat'], OpenStdin: true });
    await h.engine.startContainer(Id);
    h.clock.now += 3000;
    expect((await h.engine.listContainers()).map((c) => c.Status)).toEqual(['Up 3 seconds']);
    await h.engine.killContainer(Id);
    void created;
  });
});

describe('logs', () => {
  it('keeps lines with their stream, and filters by stream and tail', async () => {
    const h = await boxHost();
    const r = await run(h.engine, { Image: 'box', Cmd: ['sh', '-c', 'echo 1; echo 2 >&2; echo 3; printf partial'] });
    const all = await h.engine.logs(r.id);
    expect(all.map((e) => [e.stream, dec.decode(e.data)])).toEqual([
      ['stdout', '1\n'],
      ['stderr', '2\n'],
      ['stdout', '3\n'],
      ['stdout', 'partial'],
    ]);
    expect((await h.engine.logs(r.id, { stderr: false })).map((e) => dec.decode(e.data))).toEqual(['1\n', '3\n', 'partial']);
    expect((await h.engine.logs(r.id, { tail: 2 })).map((e) => dec.decode(e.data))).toEqual(['3\n', 'partial']);
    expect(await h.engine.logs(r.id, { tail: 0 })).toEqual([]);
    expect(await h.engine.logs(r.id, { since: Math.floor(h.clock.now / 1000) + 1 })).toEqual([]);
  });

  it('follows a running container until it exits, without gaps or duplicates', async () => {
    const h = await boxHost();
    const { Id } = await h.engine.createContainer({ Image: 'box', Cmd: ['sh', '-c', 'echo before; while read l; do echo "$l"; done; echo after'], OpenStdin: true });
    const stream = await h.engine.attachContainer(Id, { stdin: true, onOutput: () => {} });
    await h.engine.startContainer(Id);
    await eventually(async () => (await h.engine.logs(Id)).length === 1);
    const seen: string[] = [];
    const followed = h.engine.logs(Id, { follow: true, onEntry: (e) => seen.push(dec.decode(e.data)) });
    await stream.write(new TextEncoder().encode('live\n'));
    await stream.closeStdin();
    const result = await followed;
    expect(seen).toEqual(['before\n', 'live\n', 'after\n']);
    expect(result.map((e) => dec.decode(e.data))).toEqual(seen);
  });
});

describe('diff and commit', () => {
  it("reports changes with Docker's kinds and commits them as an image", async () => {
    const h = await boxHost();
    const r = await run(h.engine, { Image: 'box', Cmd: ['sh', '-c', 'mkdir /data; echo v > /data/f; rm /etc/hostname; echo changed > /etc/os-release'] });
    expect(await h.engine.changes(r.id)).toEqual([
      { Path: '/data', Kind: 1 },
      { Path: '/data/f', Kind: 1 },
      { Path: '/etc', Kind: 0 },
      { Path: '/etc/hostname', Kind: 2 },
      { Path: '/etc/os-release', Kind: 0 },
    ]);
    const { Id } = await h.engine.commit(r.id, { repo: 'snap', tag: 'v1', comment: 'saved', changes: ['CMD ["cat", "/data/f"]', 'ENV MODE=prod'] });
    const image = await h.engine.inspectImage('snap:v1');
    expect(image.Id).toBe(Id);
    expect(image.Parent).toBe((await h.engine.inspectImage('box')).Id);
    expect(image.Config.Cmd).toEqual(['cat', '/data/f']);
    expect(image.Config.Env).toContain('MODE=prod');
    expect(image.Comment).toBe('saved');
    expect(image.RootFS.Layers).toHaveLength(2);
    const again = await run(h.engine, { Image: 'snap:v1' });
    expect(again.stdout).toBe('v\n');
    const gone = await run(h.engine, { Image: 'snap:v1', Cmd: ['cat', '/etc/hostname'] });
    expect(gone.code).not.toBe(0);
    const history = await h.engine.history('snap:v1');
    expect(history[0]).toMatchObject({ Id: Id, Comment: 'saved', CreatedBy: r.id ? 'sh -c mkdir /data; echo v > /data/f; rm /etc/hostname; echo changed > /etc/os-release' : '' });
    expect(history[1].Id).toBe((await h.engine.inspectImage('box')).Id);
  });

  it('commits an unchanged container as an empty_layer step', async () => {
    const h = await boxHost();
    const r = await run(h.engine, { Image: 'box', Cmd: ['true'] });
    expect(await h.engine.changes(r.id)).toEqual([]);
    const { Id } = await h.engine.commit(r.id, { repo: 'same' });
    expect((await h.engine.inspectImage(Id)).RootFS.Layers).toEqual((await h.engine.inspectImage('box')).RootFS.Layers);
    expect((await h.engine.history('same'))[0].Size).toBe(0);
  });

  it("refuses a commit change that is not a config instruction", async () => {
    const h = await boxHost();
    const r = await run(h.engine, { Image: 'box', Cmd: ['true'] });
    const e = await rejection(h.engine.commit(r.id, { repo: 'x', changes: ['RUN echo no'] }));
    expect(e.code).toBe('invalid-argument');
  });
});

describe('rmi with containers', () => {
  it("refuses to untag the last tag of an image a container uses, with Docker's message", async () => {
    const h = await boxHost();
    const boxId = (await h.engine.inspectImage('box:latest')).Id;
    await h.engine.removeImage('box:1.0').catch(() => {});
    const r = await run(h.engine, { Image: 'box', Cmd: ['true'] });
    const e = await rejection(h.engine.removeImage('box'));
    expect(e.code).toBe('conflict');
    expect(e.message).toBe(`conflict: unable to remove repository reference "box" (must force) - container ${r.id.slice(0, 12)} is using its referenced image ${boxId.slice(7, 19)}`);
    const byId = await rejection(h.engine.removeImage(boxId));
    expect(byId.message).toBe(`conflict: unable to delete ${boxId.slice(7, 19)} (must be forced) - image is being used by stopped container ${r.id.slice(0, 12)}`);
    // forced: untagged and deleted, but the layers stay for the container, which still runs
    const removed = await h.engine.removeImage('box', { force: true });
    // As Docker's: the pulled image's digest in that repository goes with its last tag.
    expect(removed).toEqual([{ Untagged: 'box:latest' }, { Untagged: expect.stringMatching(/^box@sha256:[0-9a-f]{64}$/) }, { Deleted: boxId }]);
    const out: string[] = [];
    await h.engine.attachContainer(r.id, { onOutput: (_s, d) => out.push(dec.decode(d)) });
    const w = h.engine.waitContainer(r.id, 'next-exit');
    await h.engine.startContainer(r.id);
    expect((await w).StatusCode).toBe(0);
    // removing the container now frees the layers nothing else needs
    await h.engine.removeContainer(r.id);
    expect(await h.blobs.list()).toEqual([]);
  });

  it('never deletes the image of a running container, even forced', async () => {
    const h = await boxHost();
    const { Id } = await h.engine.createContainer({ Image: 'box', Cmd: ['cat'], OpenStdin: true });
    await h.engine.startContainer(Id);
    const boxId = (await h.engine.inspectImage('box')).Id;
    const e = await rejection(h.engine.removeImage(boxId, { force: true }));
    expect(e.message).toBe(`conflict: unable to delete ${boxId.slice(7, 19)} (cannot be forced) - image is being used by running container ${Id.slice(0, 12)}`);
    await h.engine.killContainer(Id);
  });
});

describe('exec', () => {
  it('runs a second process in the running container, sharing its files', async () => {
    const h = await boxHost();
    const { Id } = await h.engine.createContainer({ Image: 'box', Cmd: ['sh', '-c', 'echo main > /tmp/m; cat'], OpenStdin: true });
    const main = await h.engine.attachContainer(Id, { stdin: true, onOutput: () => {} });
    await h.engine.startContainer(Id);
    await eventually(async () => (await h.engine.changes(Id)).some((c) => c.Path === '/tmp/m'));
    const exec = await h.engine.createExec(Id, { Cmd: ['sh', '-c', 'cat /tmp/m; echo $X; echo side > /tmp/e; exit 4'], Env: ['X=from-exec'], AttachStdout: true });
    const out: string[] = [];
    const died = new Promise<EngineEvent>((resolve) => void h.engine.events((e) => e.Action === 'exec_die' && resolve(e)));
    await h.engine.startExec(exec.Id, { onOutput: (_s, d) => out.push(dec.decode(d)) });
    const event = await died;
    expect(event.Actor.Attributes).toMatchObject({ execID: exec.Id, exitCode: '4' });
    expect(out.join('')).toBe('main\nfrom-exec\n');
    expect(await h.engine.inspectExec(exec.Id)).toMatchObject({ Running: false, ExitCode: 4, ContainerID: Id, ProcessConfig: { entrypoint: 'sh' } });
    expect((await h.engine.changes(Id)).map((c) => c.Path)).toContain('/tmp/e');
    await main.closeStdin();
    expect((await h.engine.waitContainer(Id)).StatusCode).toBe(0);
    const e = await rejection(h.engine.createExec(Id, { Cmd: ['true'] }));
    expect(e.message).toBe(`Container ${Id} is not running`);
  });

  it('resizeExec reaches a running exec\'s terminal; an ended exec ignores it; an unknown exec is not found', async () => {
    const sizes: Array<[string, number, number]> = [];
    const h = await boxHost((inner) => ({
      async start(key: string, spec: ProcessSpec, io: ProcessIO): Promise<RunningProcess> {
        const p = await inner.start(key, spec, io);
        const name = spec.args.join(' ');
        return { writeStdin: (d) => p.writeStdin(d), closeStdin: () => p.closeStdin(), kill: (s) => p.kill(s), exited: p.exited, resize: (rows, cols) => void sizes.push([name, rows, cols]) };
      },
    }));
    const { Id } = await h.engine.createContainer({ Image: 'box', Cmd: ['sleep', '30'] });
    await h.engine.startContainer(Id);
    const exec = await h.engine.createExec(Id, { Cmd: ['cat'], Tty: true, AttachStdin: true, AttachStdout: true });
    const died = new Promise<EngineEvent>((resolve) => void h.engine.events((e) => e.Action === 'exec_die' && resolve(e)));
    const stream = await h.engine.startExec(exec.Id, { stdin: true, onOutput: () => {} });
    await h.engine.resizeExec(exec.Id, 30, 90);
    expect(sizes).toEqual([['cat', 30, 90]]);
    await stream.closeStdin();
    await died;
    await h.engine.resizeExec(exec.Id, 40, 100);
    expect(sizes).toEqual([['cat', 30, 90]]);
    const e = await rejection(h.engine.resizeExec('nosuch', 1, 1));
    expect(e.message).toBe('No such exec instance: nosuch');
    await h.engine.killContainer(Id);
  });
});

describe('volumes', () => {
  it('shares a named volume between containers and refuses to remove it while used', async () => {
    const h = await boxHost();
    const w = await run(h.engine, { Image: 'box', Cmd: ['sh', '-c', 'echo kept > /data/note'], HostConfig: { Binds: ['shared:/data'] } });
    expect(w.code).toBe(0);
    expect(await h.engine.changes(w.id)).toEqual([]);
    const r = await run(h.engine, { Image: 'box', Cmd: ['cat', '/data/note'], HostConfig: { Binds: ['shared:/data:ro'] } });
    expect(r.stdout).toBe('kept\n');
    const v = await h.engine.inspectVolume('shared');
    expect(v).toMatchObject({ Name: 'shared', Driver: 'local', Scope: 'local', Mountpoint: '/var/lib/docker/volumes/shared/_data' });
    const e = await rejection(h.engine.removeVolume('shared'));
    expect(e.code).toBe('conflict');
    expect(e.message).toMatch(/^remove shared: volume is in use - \[[0-9a-f]{64}, [0-9a-f]{64}\]$/);
    await h.engine.removeContainer(w.id);
    await h.engine.removeContainer(r.id);
    await h.engine.removeVolume('shared');
    expect((await h.engine.listVolumes()).Volumes).toEqual([]);
    expect((await rejection(h.engine.inspectVolume('shared'))).message).toBe('get shared: no such volume');
  });

  it('a new volume starts with a copy of what the image has at the mount point; a volume with data is left alone', async () => {
    const h = await boxHost();
    const first = await run(h.engine, { Image: 'box', Cmd: ['ls', '/etc'], HostConfig: { Binds: ['etc-copy:/etc'] } });
    // The image's /etc, plus the runtime files' mount points (Docker's init layer).
    expect(first.stdout.split('\n').filter(Boolean)).toEqual(['group', 'hostname', 'hosts', 'os-release', 'passwd']);
    expect(await h.engine.changes(first.id)).toEqual([]);
    // Its own copy now: another container sees it wherever it mounts it, the placeholders empty.
    const elsewhere = await run(h.engine, { Image: 'box', Cmd: ['sh', '-c', 'cat /mnt/passwd; wc -c < /mnt/hostname'], HostConfig: { Binds: ['etc-copy:/mnt'] } });
    expect(elsewhere.stdout).toBe('root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n0\n');
    // Not empty any more: mounting it over another directory of the image copies nothing.
    await run(h.engine, { Image: 'box', Cmd: ['true'], HostConfig: { Binds: ['etc-copy:/bin'] } });
    expect((await run(h.engine, { Image: 'box', Cmd: ['ls', '/mnt'], HostConfig: { Binds: ['etc-copy:/mnt'] } })).stdout).not.toContain('box');
    // Where the image has nothing, a new volume stays empty.
    expect((await run(h.engine, { Image: 'box', Cmd: ['ls', '-A', '/data'], HostConfig: { Binds: ['fresh:/data'] } })).stdout).toBe('');
    expect(await h.volumes.isEmpty('fresh')).toBe(true);
  });

  it('refuses host paths and bad specs', async () => {
    const h = await boxHost();
    for (const bind of ['/etc:/data', './x:/data', 'v:relative', 'v', 'v:/d:rx']) {
      expect((await rejection(h.engine.createContainer({ Image: 'box', HostConfig: { Binds: [bind] } }))).code).toBe('invalid-argument');
    }
    expect(await h.engine.listContainers({ all: true })).toEqual([]);
  });
});

describe('system', () => {
  it('counts in info, reports disk usage, and prunes stopped containers and dangling images', async () => {
    const h = await boxHost();
    const r = await run(h.engine, { Image: 'box', Cmd: ['sh', '-c', 'echo 12345 > /f'] });
    const info = await h.engine.info();
    expect(info).toMatchObject({ Containers: 1, ContainersStopped: 1, ContainersRunning: 0, Images: 1, Swarm: { LocalNodeState: 'inactive' } });
    const df = await h.engine.diskUsage();
    expect(df.Images).toHaveLength(1);
    expect(df.Containers[0]).toMatchObject({ Id: r.id, SizeRw: 6 });
    expect(df.LayersSize).toBe(df.Images[0].Size);
    const report = await h.engine.prune();
    expect(report.ContainersDeleted).toEqual([r.id]);
    expect(report.ImagesDeleted).toEqual([]);
    expect(await h.engine.listContainers({ all: true })).toEqual([]);
    const all = await h.engine.prune({ all: true });
    expect(all.ImagesDeleted.some((d) => d.Deleted)).toBe(true);
    expect(all.SpaceReclaimed).toBeGreaterThan(0);
    expect(await h.blobs.list()).toEqual([]);
  });

  it('emits create, attach, start, die, destroy events', async () => {
    const h = await boxHost();
    const events: string[] = [];
    const stop = await h.engine.events((e) => e.Type === 'container' && events.push(e.Action));
    const r = await run(h.engine, { Image: 'box', Cmd: ['true'] });
    await h.engine.removeContainer(r.id);
    stop();
    // As Docker's: `run` attaches before it starts.
    expect(events).toEqual(['create', 'attach', 'start', 'die', 'destroy']);
  });
});
