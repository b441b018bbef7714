// What pull and load take in: Docker's manifest.json archives, good and malformed, and the stack
// check - a layer that only fails on top of the layers below it is refused at pull and load (as
// Docker refuses to register it), not later at run, where each host would meet it at a different step.
import { afterEach, describe, expect, it } from 'vitest';
import { readTar } from '../../../engine/tar/tar-reader.ts';
import type { TarEntry } from '../../../engine/tar/tar-entry.ts';
import { writeTar } from '../../../engine/tar/tar-writer.ts';
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

/** A Docker-format archive of the image `base`: its saved blobs, no index.json, our manifest.json. */
async function savedWithManifest(manifest: (saved: { Config: string; Layers: string[] }) => unknown): Promise<Uint8Array> {
  const layout = new Layout();
  layout.add('base', { tag: 'latest', layers: [{ entries: files({ 'etc/': '', 'etc/os-release': 'base 1\n' }) }] });
  const h = host(layout);
  await h.engine.pull('base');
  const entries: TarEntry[] = [];
  let saved: { Config: string; Layers: string[] } | undefined;
  for await (const e of readTar(await h.engine.saveImages(['base']))) {
    if (e.type !== 'file') continue;
    if (e.path === 'manifest.json') [saved] = JSON.parse(new TextDecoder().decode(e.content));
    else if (e.path.startsWith('blobs/')) entries.push(e);
  }
  const doc = manifest(saved!);
  entries.push({ type: 'file', path: 'manifest.json', content: new TextEncoder().encode(typeof doc === 'string' ? doc : JSON.stringify(doc)) });
  return writeTar(entries);
}

async function loadError(archive: Uint8Array): Promise<{ code: string; message: string }> {
  const h = host();
  const e = await h.engine.loadImages(archive).then(
    () => undefined,
    (err: { code: string; message: string }) => err,
  );
  expect(e, 'the load should fail').toBeDefined();
  // Nothing half-loaded stays behind.
  expect(await h.engine.listImages()).toEqual([]);
  return { code: e!.code, message: e!.message };
}

describe('docker load of a manifest.json archive', () => {
  it('loads a well-formed one with its tags', async () => {
    const archive = await savedWithManifest((m) => [{ ...m, RepoTags: ['base:latest', 'other:1'] }]);
    expect(await host().engine.loadImages(archive)).toEqual(['base:latest', 'other:1']);
  });

  it('RepoTags null or absent loads the image by ID, as Docker does', async () => {
    const archive = await savedWithManifest((m) => [{ Config: m.Config, Layers: m.Layers, RepoTags: null }]);
    const loaded = await host().engine.loadImages(archive);
    expect(loaded).toHaveLength(1);
    expect(loaded[0]).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it.each([
    ['not a list', () => ({ Config: 'x' }), 'manifest.json: expected a list of images, got an object'],
    ['a string', () => '"manifest"', 'manifest.json: expected a list of images, got a string'],
    ['not JSON', () => '[{', 'manifest.json: '],
    ['an entry that is not an object', () => [42], 'manifest.json: image 0 is a number, not an object'],
    ['an entry without Config', (m: { Layers: string[] }) => [{ Layers: m.Layers, RepoTags: ['base:latest'] }], 'manifest.json: image 0 has no Config'],
    ['a Config that is not a string', (m: { Layers: string[] }) => [{ Config: 7, Layers: m.Layers }], 'manifest.json: image 0 has no Config'],
    ['Layers that is a string', (m: { Config: string; Layers: string[] }) => [{ Config: m.Config, Layers: m.Layers[0] }], 'manifest.json: image 0: Layers is a string, not a list'],
    ['Layers holding a number', (m: { Config: string }) => [{ Config: m.Config, Layers: [1] }], 'manifest.json: image 0: Layers holds a number, not a name'],
    ['RepoTags that is an object', (m: { Config: string; Layers: string[] }) => [{ ...m, RepoTags: { a: 1 } }], 'manifest.json: image 0: RepoTags is an object, not a list'],
  ])('%s is a clear invalid-content error', async (_, manifest, message) => {
    const e = await loadError(await savedWithManifest(manifest as (m: { Config: string; Layers: string[] }) => unknown));
    expect(e.code).toBe('invalid-content');
    expect(e.message).toContain(`invalid image archive: ${message}`);
    expect(e.message).not.toMatch(/TypeError|undefined|Cannot read/);
  });

  it('an entry without Layers is checked against the config: a layer count mismatch', async () => {
    const e = await loadError(await savedWithManifest((m) => [{ Config: m.Config, RepoTags: ['base:latest'] }]));
    expect(e).toEqual({ code: 'invalid-content', message: 'invalid image: config has 1 diff_ids but the archive has 0 layers' });
  });

  it('a Config path missing from the archive names it', async () => {
    const e = await loadError(await savedWithManifest((m) => [{ Config: 'nowhere.json', Layers: m.Layers }]));
    expect(e).toEqual({ code: 'invalid-content', message: 'invalid image archive: nowhere.json is missing' });
  });
});

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
