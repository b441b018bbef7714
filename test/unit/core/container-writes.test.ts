/**
 * What the store holds while and after a container runs (engine/core/container-store.ts): the
 * states after `create` are sent behind, so these are what another engine on the same stores
 * sees: the record as soon as create returns, running and exited shortly after they happen, and
 * nothing of a --rm container once it is gone. (With the browser's write-behind and tenures:
 * test/unit/worker/tab-store.test.ts.)
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../../engine/core/index.ts';
import type { ContainerRecord } from '../../../engine/core/records.ts';
import { ContainerRecords } from '../../../engine/core/container-store.ts';
import { EngineError } from '../../../engine/errors.ts';
import { MemoryMetadataStore } from '../../../engine/memory/memory-metadata-store.ts';
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

/** `cat` with an open stdin, running, and the store says so (what another engine on it sees). */
async function runningCat(h: TestHost, name: string): Promise<string> {
  const { Id } = await h.engine.createContainer({ Image: 'box', name, Cmd: ['cat'], OpenStdin: true });
  await h.engine.attachContainer(Id, { stdin: true, onOutput: () => {} });
  await h.engine.startContainer(Id);
  await eventually(async () => (await stored(h, Id))?.State.Status === 'running');
  return Id;
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

  it('any engine on the store stops, kills or removes a container another runs: the one that runs it does the work', async () => {
    const h = await boxHost();
    const ids = [await runningCat(h, 'one'), await runningCat(h, 'two'), await runningCat(h, 'three')];
    const asked: string[] = [];
    // A second tab: the first still runs these (its run locks are held); a signal goes to it, as
    // worker/runtime/remote-signals.ts carries it between tabs, and it kills its own process.
    const other = createEngine({
      ...h.ports,
      runtime: {
        start: h.ports.runtime.start.bind(h.ports.runtime),
        runningElsewhere: async () => new Set(ids),
        signalElsewhere: async (key, signal) => {
          asked.push(`${key.slice(0, 4)} ${signal}`);
          await h.engine.killContainer(key, { signal });
          return true;
        },
      },
    });
    await other.stopContainer('one', { timeout: 5 });
    // Stopped by the engine that runs it, with the stop signal first (asked, below); its exit recorded there.
    expect((await h.engine.inspectContainer('one')).State).toMatchObject({ Running: false, Status: 'exited', ExitCode: 143 });
    expect((await other.inspectContainer('one')).State).toMatchObject({ Running: false, Status: 'exited' });
    await other.killContainer('two');
    expect((await other.inspectContainer('two')).State).toMatchObject({ Running: false, ExitCode: 137 });
    await expect(other.removeContainer('three')).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('container is running: stop the container before removing or force remove') });
    await other.removeContainer('three', { force: true });
    await expect(h.metadata.get('containers', ids[2])).resolves.toBeUndefined();
    expect(asked).toEqual([`${ids[0].slice(0, 4)} SIGTERM`, `${ids[1].slice(0, 4)} SIGKILL`, `${ids[2].slice(0, 4)} SIGKILL`]);
  });

  it('a container whose tab has gone (no run lock held) is exited and can be removed from another', async () => {
    const h = await boxHost();
    const Id = await runningCat(h, 'orphan');
    const signals: string[] = [];
    // No engine holds its lock: the tab that ran it was closed before it could record the exit.
    const other = createEngine({
      ...h.ports,
      runtime: { start: h.ports.runtime.start.bind(h.ports.runtime), runningElsewhere: async () => new Set(), signalElsewhere: async (_k, s) => (signals.push(s), false) },
    });
    // Removed without -f: it is not running any more.
    await other.removeContainer('orphan');
    await expect(h.metadata.get('containers', Id)).resolves.toBeUndefined();
    expect(signals).toEqual([]);
  });

  it('a gone tab\'s container reads as exited (137) once another engine acts on it; kill then says it is not running', async () => {
    const h = await boxHost();
    await runningCat(h, 'left');
    const other = createEngine({ ...h.ports, runtime: { start: h.ports.runtime.start.bind(h.ports.runtime), runningElsewhere: async () => new Set() } });
    await expect(other.killContainer('left')).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('is not running') });
    expect((await other.inspectContainer('left')).State).toMatchObject({ Running: false, Status: 'exited', ExitCode: 137 });
  });

  it('another engine that cannot reach the one running a container refuses stop, kill and rm -f, not faked', async () => {
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

  it('shows a container this engine changed at once, even before the store has it', async () => {
    const h = await boxHost();
    const r = await run(h.engine, { Image: 'box', name: 'quick', Cmd: ['sh', '-c', 'exit 3'] });
    // Straight after the exit, before any macrotask: this engine already answers with the exit.
    expect((await h.engine.inspectContainer('quick')).State).toMatchObject({ Status: 'exited', ExitCode: 3 });
    expect((await h.engine.listContainers({ all: true })).map((c) => c.Status)).toEqual([expect.stringMatching(/^Exited \(3\)/)]);
    await eventually(async () => (await stored(h, r.id))?.State.ExitCode === 3);
  });
});

describe('ContainerRecords against a store that refuses a write', () => {
  const record = (id: string, name: string) => ({ Id: id, Name: name, HostConfig: { AutoRemove: false } }) as unknown as ContainerRecord;

  it('keeps showing a change the store refused, sends it again with the next one, and tells a durable caller', async () => {
    const inner = new MemoryMetadataStore();
    let refuse = true;
    const store = {
      get: inner.get.bind(inner),
      list: inner.list.bind(inner),
      async batch(ops: MetadataOp[]) {
        if (refuse) throw new EngineError('resource-exhausted', 'the disk is full');
        return inner.batch(ops);
      },
    };
    const records = new ContainerRecords(store);
    records.putLater(record('a', '/first'));
    await expect(records.flush()).rejects.toThrow('the disk is full');
    expect((await records.get('a'))?.Name).toBe('/first');
    expect([...(await records.names()).keys()]).toEqual(['/first']);
    refuse = false;
    records.putLater(record('b', '/second'));
    await records.flush();
    expect((await inner.list<ContainerRecord>('containers')).map(([, r]) => r.Name)).toEqual(['/first', '/second']);
  });
});
