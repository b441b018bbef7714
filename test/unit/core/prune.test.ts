import { describe, expect, it } from 'vitest';
import { boxHosts } from './support/box-hosts.ts';
import { run } from './support/run.ts';

const hosts = boxHosts();

describe("the prunes' rules and reclaimed space", () => {
  it('container prune: every container not running; the space is their writable layers', async () => {
    const h = await hosts.host({ pulled: true });
    const wrote = await run(h.engine, { Image: 'box', Cmd: ['sh', '-c', 'echo 123456789 > /ten'] });
    const plain = await run(h.engine, { Image: 'box', Cmd: ['true'] });
    const { Id: live } = await h.engine.createContainer({ Image: 'box', Cmd: ['sleep', '30'] });
    await h.engine.startContainer(live);
    const report = await h.engine.pruneContainers();
    expect(report.ContainersDeleted.sort()).toEqual([wrote.id, plain.id].sort());
    expect(report.SpaceReclaimed).toBe(10);
    expect((await h.engine.listContainers({ all: true })).map((c) => c.Id)).toEqual([live]);
    expect(await h.engine.pruneContainers()).toEqual({ ContainersDeleted: [], SpaceReclaimed: 0 });
    await h.engine.killContainer(live);
  });

  it('image prune: dangling ones, with all every image no container uses; the space is the blobs freed', async () => {
    const h = await hosts.host({ pulled: true });
    const enc = new TextEncoder();
    const built = async (text: string, tag?: string) =>
      (await h.engine.build({ context: { Dockerfile: enc.encode(`FROM box\nRUN echo ${text} > /f\n`) }, ...(tag ? { tags: [tag] } : {}) })).ImageId;
    const dangling = await built('dangling');
    const tagged = await built('tagged', 'kept:1');
    const first = (await h.engine.pruneImages()).ImagesDeleted;
    expect(first).toContainEqual({ Deleted: dangling });
    expect(first.some((r) => r.Deleted === tagged || r.Untagged)).toBe(false);
    expect((await h.engine.listImages()).map((i) => i.RepoTags).sort()).toEqual([['box:latest'], ['kept:1']]);
    await h.engine.createContainer({ Image: 'kept:1' });
    const unused = await built('unused', 'unused:1');
    const all = await h.engine.pruneImages({ all: true });
    expect(all.ImagesDeleted).toEqual(expect.arrayContaining([{ Untagged: 'unused:1' }, { Deleted: unused }]));
    expect(all.ImagesDeleted.some((r) => r.Deleted === tagged || r.Untagged === 'kept:1')).toBe(false);
    expect(all.SpaceReclaimed).toBeGreaterThan(0);
    expect((await h.engine.listImages()).flatMap((i) => i.RepoTags)).toContain('kept:1');
  });

  it('a dangling image gives back its layer: SpaceReclaimed counts the bytes', async () => {
    const h = await hosts.host({ pulled: true });
    const enc = new TextEncoder();
    await h.engine.build({ context: { Dockerfile: enc.encode('FROM box\nRUN head -c 5000 /bin/box > /big\n') } });
    const report = await h.engine.pruneImages();
    expect(report.ImagesDeleted.length).toBeGreaterThan(0);
    expect(report.SpaceReclaimed).toBeGreaterThan(5000);
    expect(await h.engine.pruneImages()).toEqual({ ImagesDeleted: [], SpaceReclaimed: 0 });
  });

  it('volume prune: unused anonymous volumes, with all named ones too; the space is their contents', async () => {
    const h = await hosts.host({ pulled: true });
    await h.engine.createVolume({ Name: 'named' });
    const anon = await run(h.engine, { Image: 'box', Cmd: ['sh', '-c', 'echo 1234 > /data/x'], Volumes: { '/data': {} } });
    await h.engine.removeContainer(anon.id);
    const { Id: user } = await h.engine.createContainer({ Image: 'box', HostConfig: { Binds: ['used:/u'] } });
    const first = await h.engine.pruneVolumes();
    expect(first.VolumesDeleted).toHaveLength(1);
    expect(first.VolumesDeleted[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(first.SpaceReclaimed).toBe(5);
    expect(await h.engine.pruneVolumes({ all: true })).toEqual({ VolumesDeleted: ['named'], SpaceReclaimed: 0 });
    expect((await h.engine.listVolumes()).Volumes.map((v) => v.Name)).toEqual(['used']);
    await h.engine.removeContainer(user);
  });
});
