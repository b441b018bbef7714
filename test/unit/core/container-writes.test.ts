/**
 * What the store holds while and after a container runs (engine/core/container-store.ts): the
 * states after `create` are written behind, so these are what another tab - another engine on
 * the same stores - sees: the record as soon as create returns, running and exited shortly after
 * they happen, and nothing of a --rm container once it is gone.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../../engine/core/index.ts';
import type { ContainerRecord } from '../../../engine/core/records.ts';
import type { MetadataOp } from '../../../engine/ports.ts';
import { layoutWithBox } from './support/shipped.ts';
import { makeHost, type TestHost } from './support/test-host.ts';
import { eventually, run } from './support/run.ts';
import type { Layout } from './support/oci-fixtures.ts';

const hosts: TestHost[] = [];
let layout: Layout;
beforeAll(async () => {
  layout = await layoutWithBox();
});
afterEach(() => hosts.splice(0).forEach((h) => h.dispose()));

async function boxHost(): Promise<TestHost> {
  const h = makeHost({ layout });
  hosts.push(h);
  await h.engine.pull('box');
  return h;
}

const stored = (h: TestHost, id: string) => h.metadata.get<ContainerRecord>('containers', id);

/**
 * Two engines on one store as two tabs are, with the browser's cross-tab writer lock as the hosts'
 * `exclusive` hooks see it: a tenure number while held. Tab "a" holds it first.
 */
async function twoTabs() {
  const lock = { holder: 'a' as 'a' | 'b' | undefined, tenure: 1 };
  const exclusiveFor = (who: 'a' | 'b') => () => (lock.holder === who ? lock.tenure : undefined);
  const h = makeHost({ layout, engine: { exclusive: exclusiveFor('a') } });
  hosts.push(h);
  await h.engine.pull('box');
  const other = createEngine({ ...h.ports }, { exclusive: exclusiveFor('b') });
  return { lock, h, other };
}

/**
 * One engine whose host commits its written-behind records before each tenure ends, as the
 * browser's writer lease does (worker/writer-lease.ts beforeEnd); `endTenure` is that moment.
 */
async function leasedHost() {
  const lock = { tenure: 1 as number | undefined };
  const commits: Array<() => Promise<void>> = [];
  const h = makeHost({ layout, engine: { exclusive: () => lock.tenure, beforeTenureEnds: (commit) => commits.push(commit) } });
  hosts.push(h);
  await h.engine.pull('box');
  const containerWrites: MetadataOp[] = [];
  const batch = h.metadata.batch.bind(h.metadata);
  h.metadata.batch = async (ops) => {
    containerWrites.push(...ops.filter((o) => o.bucket === 'containers'));
    return batch(ops);
  };
  const endTenure = async () => {
    for (const commit of commits) await commit();
    lock.tenure = undefined;
  };
  return { h, containerWrites, endTenure };
}

describe('container records in the store', () => {
  it('holds a created container when create returns, then its running and exited states', async () => {
    const h = await boxHost();
    const { Id } = await h.engine.createContainer({ Image: 'box', name: 'reader', Cmd: ['cat'], OpenStdin: true });
    expect((await stored(h, Id))?.State.Status).toBe('created');
    const stream = await h.engine.attachContainer(Id, { stdin: true, onOutput: () => {} });
    const exited = h.engine.waitContainer(Id, 'next-exit');
    await h.engine.startContainer(Id);
    await eventually(async () => (await stored(h, Id))?.State.Status === 'running');
    await stream.closeStdin();
    expect(await exited).toEqual({ StatusCode: 0, Error: null });
    await eventually(async () => (await stored(h, Id))?.State.Status === 'exited');
    // Another engine on the same stores (a second tab, a reload) lists it as this one does.
    const other = createEngine({ ...h.ports });
    const seen = (await other.listContainers({ all: true })).find((c) => c.Id === Id);
    expect(seen?.Status).toMatch(/^Exited \(0\)/);
    expect((await other.inspectContainer('reader')).State).toMatchObject({ Running: false, ExitCode: 0 });
  });

  it('another engine on the store leaves a container it does not run alone: stop, kill and rm -f are refused, not faked', async () => {
    const h = await boxHost();
    const { Id } = await h.engine.createContainer({ Image: 'box', name: 'elsewhere', Cmd: ['cat'], OpenStdin: true });
    const stream = await h.engine.attachContainer(Id, { stdin: true, onOutput: () => {} });
    const exited = h.engine.waitContainer(Id, 'next-exit');
    await h.engine.startContainer(Id);
    await eventually(async () => (await stored(h, Id))?.State.Status === 'running');
    // A second tab: its runtime says which containers another tab runs (Web Locks in the browser).
    const other = createEngine({ ...h.ports, runtime: { start: h.ports.runtime.start.bind(h.ports.runtime), runningElsewhere: async () => new Set([Id]) } });
    expect((await other.inspectContainer('elsewhere')).State).toMatchObject({ Running: true });
    for (const attempt of [other.stopContainer('elsewhere'), other.killContainer('elsewhere'), other.removeContainer('elsewhere', { force: true })]) {
      await expect(attempt).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('is running in another engine on this store') });
    }
    expect((await h.engine.inspectContainer('elsewhere')).State).toMatchObject({ Running: true });
    await stream.closeStdin();
    expect(await exited).toEqual({ StatusCode: 0, Error: null });
    await eventually(async () => (await stored(h, Id))?.State.Status === 'exited');
    await other.removeContainer('elsewhere');
    await expect(h.metadata.get('containers', Id)).resolves.toBeUndefined();
  });

  it('keeps nothing of a --rm container once it is removed: no record, no logs, no writable layer', async () => {
    const h = await boxHost();
    const removed: string[] = [];
    await h.engine.events((e) => e.Action === 'destroy' && removed.push(e.Actor.ID));
    const r = await run(h.engine, { Image: 'box', Cmd: ['sh', '-c', 'echo made > /made; cat /made'], HostConfig: { AutoRemove: true } });
    expect(r).toMatchObject({ code: 0, stdout: 'made\n' });
    await eventually(async () => removed.includes(r.id));
    await eventually(async () => (await stored(h, r.id)) === undefined);
    expect(await h.metadata.list('containers')).toEqual([]);
    expect(await h.ports.logs.read(r.id)).toEqual([]);
    await expect(h.engine.inspectContainer(r.id)).rejects.toMatchObject({ code: 'not-found' });
  });

  it('writes a --rm container created in a tenure behind: gone before it was written, it costs no write; still there, it is stored before the tenure ends', async () => {
    const { h, containerWrites, endTenure } = await leasedHost();
    const gone = await h.engine.createContainer({ Image: 'box', name: 'gone', Cmd: ['true'], HostConfig: { AutoRemove: true } });
    expect((await h.engine.inspectContainer('gone')).Id).toBe(gone.Id);
    expect(await stored(h, gone.Id)).toBeUndefined();
    await h.engine.removeContainer('gone');
    await new Promise((r) => setTimeout(r, 30));
    expect(containerWrites).toEqual([]);
    // Without --rm, create still commits before it returns.
    const kept = await h.engine.createContainer({ Image: 'box', Cmd: ['true'] });
    expect((await stored(h, kept.Id))?.State.Status).toBe('created');
    // A --rm container that lives on: not stored at create, stored (running) once the tenure ends.
    const { Id } = await h.engine.createContainer({ Image: 'box', Cmd: ['cat'], OpenStdin: true, HostConfig: { AutoRemove: true } });
    expect(await stored(h, Id)).toBeUndefined();
    const stream = await h.engine.attachContainer(Id, { stdin: true, onOutput: () => {} });
    const removed = h.engine.waitContainer(Id, 'removed');
    await h.engine.startContainer(Id);
    await endTenure();
    expect((await stored(h, Id))?.State.Status).toBe('running');
    await stream.closeStdin();
    expect(await removed).toEqual({ StatusCode: 0, Error: null });
    await eventually(async () => (await stored(h, Id)) === undefined);
  });

  it('shows a container this engine changed at once, even before the store has it', async () => {
    const h = await boxHost();
    const r = await run(h.engine, { Image: 'box', name: 'quick', Cmd: ['sh', '-c', 'exit 3'] });
    // Straight after the exit, before any macrotask: this engine already answers with the exit.
    expect((await h.engine.inspectContainer('quick')).State).toMatchObject({ Status: 'exited', ExitCode: 3 });
    expect((await h.engine.listContainers({ all: true })).map((c) => c.Status)).toEqual([expect.stringMatching(/^Exited \(3\)/)]);
    await eventually(async () => (await stored(h, r.id))?.State.ExitCode === 3);
  });

  it('reads a container it created from memory only while no other engine could write: once another took the writer lock, it sees that one\'s changes', async () => {
    const { lock, h, other } = await twoTabs();
    const { Id } = await h.engine.createContainer({ Image: 'box', name: 'first', Cmd: ['echo', 'first'] });
    // While this tab keeps the lock, its run of what it created goes through as ever.
    expect((await run(h.engine, { Image: 'box', Cmd: ['echo', 'kept'] })).stdout).toBe('kept\n');
    // The lock goes to the other tab, which removes the container and makes another of that name.
    lock.holder = 'b';
    lock.tenure = 2;
    await other.removeContainer(Id);
    const second = await other.createContainer({ Image: 'box', name: 'first', Cmd: ['echo', 'second'] });
    // Back to this tab: a new tenure, so every read goes to the store again.
    lock.holder = 'a';
    lock.tenure = 3;
    await expect(h.engine.startContainer(Id)).rejects.toThrow(`No such container: ${Id}`);
    await expect(h.engine.attachContainer(Id, { onOutput: () => {} })).rejects.toThrow(`No such container: ${Id}`);
    expect((await h.engine.inspectContainer('first')).Id).toBe(second.Id);
    expect((await run(h.engine, { Image: 'box', Cmd: ['echo', 'third'] })).stdout).toBe('third\n');
  });

  it('checks names against what it read in its tenure, and asks the store again before refusing one', async () => {
    const { lock, h, other } = await twoTabs();
    // The other tab had made "web" before this tab's tenure began; this tab reads the names once.
    lock.holder = 'b';
    const web = await other.createContainer({ Image: 'box', name: 'web', Cmd: ['true'] });
    lock.holder = 'a';
    await h.engine.createContainer({ Image: 'box', name: 'one', Cmd: ['true'] });
    // Names this engine made in the tenure are known without a read, and so is the other's.
    await expect(h.engine.createContainer({ Image: 'box', name: 'one', Cmd: ['true'] })).rejects.toThrow('The container name "/one" is already in use');
    await expect(h.engine.createContainer({ Image: 'box', name: 'web', Cmd: ['true'] })).rejects.toThrow(`is already in use by container "${web.Id}"`);
    // The other tab's container goes (as its --rm removal would, without the writer lock): the name is free again.
    await h.metadata.batch([{ op: 'delete', bucket: 'containers', key: web.Id }]);
    const again = await h.engine.createContainer({ Image: 'box', name: 'web', Cmd: ['true'] });
    expect((await h.engine.inspectContainer('web')).Id).toBe(again.Id);
  });
});
