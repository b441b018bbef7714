import { describe, it, expect, afterEach, beforeAll } from 'vitest';
import { createEngine } from '../../../engine/core/index.ts';
import { layoutWithBox } from './support/shipped.ts';
import { files, type Layout } from './support/oci-fixtures.ts';
import { makeHost, type TestHost } from './support/test-host.ts';

const hosts: TestHost[] = [];
let layout: Layout;
beforeAll(async () => {
  layout = await layoutWithBox();
  layout.add('stack', {
    tag: 'latest',
    layers: [
      { entries: files({ 'data/': '', 'data/big.bin': 'x'.repeat(1000), 'data/keep.txt': 'keep' }), createdBy: 'ADD data /data' },
      { entries: [...files({ 'data/': '', 'data/big.bin': 'y'.repeat(10) }), { type: 'file', path: 'data/.wh.keep.txt', content: new Uint8Array(0) }], createdBy: 'RUN shrink' },
    ],
    emptySteps: ['CMD ["sh"]'],
  });
  layout.add('withvol', { tag: 'latest', layers: [{ entries: files({ 'data/': '' }) }], config: { Cmd: ['sh'], Volumes: { '/data': {} } } });
});
afterEach(() => hosts.splice(0).forEach((h) => h.dispose()));

describe('image layers view', () => {
  it('shows what each layer changes, its size, wasted bytes and who shares it', async () => {
    const h = makeHost({ layout });
    hosts.push(h);
    await h.engine.pull('stack');
    await h.engine.tag('stack', 'alias');
    const views = await h.engine.imageLayers('stack');
    expect(views.map((v) => [v.createdBy, v.emptyLayer, v.size])).toEqual([
      ['ADD data /data', false, 1004],
      ['RUN shrink', false, 10],
      ['CMD ["sh"]', true, 0],
    ]);
    expect(views[0].changes).toEqual([
      { path: '/data', kind: 'A', size: 0, type: 'dir' },
      { path: '/data/big.bin', kind: 'A', size: 1000, type: 'file' },
      { path: '/data/keep.txt', kind: 'A', size: 4, type: 'file' },
    ]);
    expect(views[1].changes).toEqual([
      { path: '/data/big.bin', kind: 'C', size: 10, type: 'file' },
      { path: '/data/keep.txt', kind: 'D', size: 4, type: 'file' },
    ]);
    expect(views[0].wastedBytes).toBe(1004);
    expect(views[1].wastedBytes).toBe(0);
    expect(views[0].sharedWith).toEqual([]);
  });
});

describe('anonymous volumes', () => {
  it("turn the image's VOLUME entries into 64-hex volumes, kept by rm and removed by rm -v", async () => {
    const h = makeHost({ layout });
    hosts.push(h);
    await h.engine.pull('withvol');
    const a = await h.engine.createContainer({ Image: 'withvol' });
    const mount = (await h.engine.inspectContainer(a.Id)).Mounts[0];
    expect(mount).toMatchObject({ Type: 'volume', Destination: '/data', RW: true, Driver: 'local' });
    expect(mount.Name).toMatch(/^[0-9a-f]{64}$/);
    await h.engine.removeContainer(a.Id);
    expect((await h.engine.listVolumes()).Volumes.map((v) => v.Name)).toEqual([mount.Name]);
    const b = await h.engine.createContainer({ Image: 'withvol', HostConfig: { Binds: ['named:/data'] } });
    expect((await h.engine.inspectContainer(b.Id)).Mounts.map((m) => m.Name)).toEqual(['named']);
    const c = await h.engine.createContainer({ Image: 'withvol' });
    const anon = (await h.engine.inspectContainer(c.Id)).Mounts[0].Name;
    await h.engine.removeContainer(c.Id, { volumes: true });
    expect((await h.engine.listVolumes()).Volumes.map((v) => v.Name).sort()).toEqual([mount.Name, 'named'].sort());
    expect(anon).not.toBe(mount.Name);
    const pruned = await h.engine.prune({ volumes: true });
    expect(pruned.VolumesDeleted).toEqual([mount.Name]);
  });
});

describe('an engine starting over stores an earlier one left', () => {
  it('marks containers that were running as exited (137), keeps the rest', async () => {
    const h = makeHost({ layout });
    hosts.push(h);
    await h.engine.pull('box');
    const { Id } = await h.engine.createContainer({ Image: 'box', Cmd: ['cat'], OpenStdin: true });
    await h.engine.startContainer(Id);
    const created = await h.engine.createContainer({ Image: 'box', name: 'later' });
    const second = createEngine(h.ports);
    const state = (await second.inspectContainer(Id)).State;
    expect(state).toMatchObject({ Status: 'exited', Running: false, ExitCode: 137 });
    expect((await second.inspectContainer(created.Id)).State.Status).toBe('created');
    expect((await second.listContainers()).length).toBe(0);
    await h.engine.killContainer(Id);
  });
});
