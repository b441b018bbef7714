// A layer that only fails on top of the layers below it is refused at pull and load (as Docker
// refuses to register it), not later at run, where each host would meet it at a different step.
import { afterEach, describe, expect, it } from 'vitest';
import { dockerArchive, fileEntry } from './support/docker-archive.ts';
import { files, Layout } from './support/oci-fixtures.ts';
import { makeHost, type TestHost } from './support/test-host.ts';

const hosts: TestHost[] = [];
afterEach(() => hosts.splice(0).forEach((h) => h.dispose()));

function host(layout = new Layout()): TestHost {
  const h = makeHost({ layout });
  hosts.push(h);
  return h;
}

const BASE = { entries: files({ a: 'a regular file\n' }) };
const UNDER = 'invalid layer: cannot create "a/b": "a" is not a directory';

function layout(): Layout {
  const l = new Layout();
  l.add('base', { tag: 'latest', layers: [BASE] });
  l.add('under', { tag: 'latest', layers: [BASE, { entries: files({ 'a/b': 'beneath a file\n' }) }] });
  l.add('whiteout', { tag: 'latest', layers: [BASE, { entries: files({ 'a/.wh.b': '' }) }] });
  l.add('fine', { tag: 'latest', layers: [BASE, { entries: files({ 'c/': '', 'c/d': 'ok\n', '.wh.a': '' }) }] });
  return l;
}

describe('the stack of an image is checked as it comes in', () => {
  it.each([
    ['under', UNDER],
    ['whiteout', UNDER],
  ])('pull of %s is refused in the layer rules\' words, and records no image', async (name, message) => {
    const h = host(layout());
    await expect(h.engine.pull(name)).rejects.toMatchObject({ code: 'invalid-content', message });
    expect(await h.engine.listImages()).toEqual([]);
  });

  it('a lower layer already in the store is read back to check the new one above it', async () => {
    const h = host(layout());
    await h.engine.pull('base');
    await expect(h.engine.pull('under')).rejects.toMatchObject({ code: 'invalid-content', message: UNDER });
    expect((await h.engine.listImages()).map((i) => i.RepoTags)).toEqual([['base:latest']]);
  });

  it('a valid stack (a whiteout of a lower file, new directories) pulls, and saves and loads back', async () => {
    const h = host(layout());
    await h.engine.pull('base');
    await h.engine.pull('fine');
    const other = host();
    expect(await other.engine.loadImages(await h.engine.saveImages(['fine']))).toEqual(['fine:latest']);
  });

  it('docker load of the hostile stack is refused the same way, a valid one loads', async () => {
    const h = host();
    const lower = [fileEntry('a', 'x')];
    await expect(h.engine.loadImages(dockerArchive('under:1', [lower, [fileEntry('a/b', 'y')]]))).rejects.toMatchObject({ code: 'invalid-content', message: UNDER });
    await expect(h.engine.loadImages(dockerArchive('under:2', [lower, [fileEntry('a/.wh.b')]]))).rejects.toMatchObject({ code: 'invalid-content', message: UNDER });
    expect(await h.engine.listImages()).toEqual([]);
    expect(await h.engine.loadImages(dockerArchive('ok:1', [lower, [fileEntry('.wh.a'), fileEntry('a/b', 'y')]]))).toEqual(['ok:1']);
  });
});
