/**
 * Two engines on one store, as two tabs of the playground are, each with the engine worker's
 * metadata layers (worker/store/tab-metadata.ts) under a writer tenure the test moves as the
 * cross-tab writer lease would: what one tab reads from memory, what the other sees in the store.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../../engine/core/index.ts';
import type { ContainerRecord } from '../../../engine/core/records.ts';
import type { MetadataOp } from '../../../engine/ports.ts';
import { tabMetadata } from '../../../worker/store/tab-metadata.ts';
import { layoutWithBox } from '../core/support/shipped.ts';
import { makeHost, type TestHost } from '../core/support/test-host.ts';
import { eventually, run } from '../core/support/run.ts';
import type { Layout } from '../core/support/oci-fixtures.ts';

const hosts: TestHost[] = [];
let layout: Layout;
beforeAll(async () => {
  layout = await layoutWithBox();
});
afterEach(() => hosts.splice(0).forEach((h) => h.dispose()));

const stored = (h: TestHost, id: string) => h.metadata.get<ContainerRecord>('containers', id);

/** Tabs "a" and "b" on one store, and the writer lock between them: a tenure number while held. "a" holds it first. */
async function twoTabs() {
  const h = makeHost({ layout });
  hosts.push(h);
  await h.engine.pull('box');
  const lock = { holder: 'a' as 'a' | 'b', tenure: 1 };
  const tab = (who: 'a' | 'b') => createEngine({ ...h.ports, metadata: tabMetadata(h.metadata, { current: () => (lock.holder === who ? lock.tenure : undefined), beforeEnd: () => {} }) });
  return { lock, h, mine: tab('a'), other: tab('b') };
}

/** One tab whose tenure `endTenure` ends as the lease does: its commits first. Records the store's container writes. */
async function leasedTab() {
  const h = makeHost({ layout });
  hosts.push(h);
  await h.engine.pull('box');
  const lock = { tenure: 1 as number | undefined };
  const commits: Array<() => Promise<void>> = [];
  const containerWrites: MetadataOp[] = [];
  const batch = h.metadata.batch.bind(h.metadata);
  h.metadata.batch = async (ops) => {
    containerWrites.push(...ops.filter((o) => o.bucket === 'containers'));
    return batch(ops);
  };
  const engine = createEngine({ ...h.ports, metadata: tabMetadata(h.metadata, { current: () => lock.tenure, beforeEnd: (commit) => void commits.push(commit) }) });
  const endTenure = async () => {
    for (const commit of commits) await commit();
    lock.tenure = undefined;
  };
  return { h, engine, containerWrites, endTenure };
}

describe('tabs sharing one store', () => {
  it('writes a --rm container created in a tenure behind: gone before it was written, it costs no write; still there, it is stored before the tenure ends', async () => {
    const { h, engine, containerWrites, endTenure } = await leasedTab();
    const gone = await engine.createContainer({ Image: 'box', name: 'gone', Cmd: ['true'], HostConfig: { AutoRemove: true } });
    expect((await engine.inspectContainer('gone')).Id).toBe(gone.Id);
    expect(await stored(h, gone.Id)).toBeUndefined();
    await engine.removeContainer('gone');
    await new Promise((r) => setTimeout(r, 30));
    expect(containerWrites).toEqual([]);
    // Without --rm, create still commits before it returns.
    const kept = await engine.createContainer({ Image: 'box', Cmd: ['true'] });
    expect((await stored(h, kept.Id))?.State.Status).toBe('created');
    // A --rm container that lives on: not stored at create, stored (running) once the tenure ends.
    const { Id } = await engine.createContainer({ Image: 'box', Cmd: ['cat'], OpenStdin: true, HostConfig: { AutoRemove: true } });
    expect(await stored(h, Id)).toBeUndefined();
    const stream = await engine.attachContainer(Id, { stdin: true, onOutput: () => {} });
    const removed = engine.waitContainer(Id, 'removed');
    await engine.startContainer(Id);
    await endTenure();
    expect((await stored(h, Id))?.State.Status).toBe('running');
    await stream.closeStdin();
    expect(await removed).toEqual({ StatusCode: 0, Error: null });
    await eventually(async () => (await stored(h, Id)) === undefined);
  });

  it("reads a container it created from memory only while no other engine could write: once another took the writer lock, it sees that one's changes", async () => {
    const { lock, mine, other } = await twoTabs();
    const { Id } = await mine.createContainer({ Image: 'box', name: 'first', Cmd: ['echo', 'first'] });
    // While this tab keeps the lock, its run of what it created goes through as ever.
    expect((await run(mine, { Image: 'box', Cmd: ['echo', 'kept'] })).stdout).toBe('kept\n');
    // The lock goes to the other tab, which removes the container and makes another of that name.
    lock.holder = 'b';
    lock.tenure = 2;
    await other.removeContainer(Id);
    const second = await other.createContainer({ Image: 'box', name: 'first', Cmd: ['echo', 'second'] });
    // Back to this tab: a new tenure, so every read goes to the store again.
    lock.holder = 'a';
    lock.tenure = 3;
    await expect(mine.startContainer(Id)).rejects.toThrow(`No such container: ${Id}`);
    await expect(mine.attachContainer(Id, { onOutput: () => {} })).rejects.toThrow(`No such container: ${Id}`);
    expect((await mine.inspectContainer('first')).Id).toBe(second.Id);
    expect((await run(mine, { Image: 'box', Cmd: ['echo', 'third'] })).stdout).toBe('third\n');
  });

  it('checks names against what it read in its tenure, and asks the store again before refusing one', async () => {
    const { lock, h, mine, other } = await twoTabs();
    // The other tab had made "web" before this tab's tenure began; this tab reads the names once.
    lock.holder = 'b';
    const web = await other.createContainer({ Image: 'box', name: 'web', Cmd: ['true'] });
    lock.holder = 'a';
    await mine.createContainer({ Image: 'box', name: 'one', Cmd: ['true'] });
    // Names this engine made in the tenure are known without a read, and so is the other's.
    await expect(mine.createContainer({ Image: 'box', name: 'one', Cmd: ['true'] })).rejects.toThrow('The container name "/one" is already in use');
    await expect(mine.createContainer({ Image: 'box', name: 'web', Cmd: ['true'] })).rejects.toThrow(`is already in use by container "${web.Id}"`);
    // The other tab's container goes (as its --rm removal would, without the writer lock): the name is free again.
    await h.metadata.batch([{ op: 'delete', bucket: 'containers', key: web.Id }]);
    const again = await mine.createContainer({ Image: 'box', name: 'web', Cmd: ['true'] });
    expect((await mine.inspectContainer('web')).Id).toBe(again.Id);
  });
});
