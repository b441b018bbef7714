// `docker load` of Docker's own archive format (manifest.json): good and malformed manifests.
import { afterEach, describe, expect, it } from 'vitest';
import { readTar } from '../../../engine/tar/tar-reader.ts';
import type { TarEntry } from '../../../engine/tar/tar-entry.ts';
import { writeTar } from '../../../engine/tar/tar-writer.ts';
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
async function dockerArchive(manifest: (saved: { Config: string; Layers: string[] }) => unknown): Promise<Uint8Array> {
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
    const archive = await dockerArchive((m) => [{ ...m, RepoTags: ['base:latest', 'other:1'] }]);
    expect(await host().engine.loadImages(archive)).toEqual(['base:latest', 'other:1']);
  });

  it('RepoTags null or absent loads the image by ID, as Docker does', async () => {
    const archive = await dockerArchive((m) => [{ Config: m.Config, Layers: m.Layers, RepoTags: null }]);
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
    const e = await loadError(await dockerArchive(manifest as (m: { Config: string; Layers: string[] }) => unknown));
    expect(e.code).toBe('invalid-content');
    expect(e.message).toContain(`invalid image archive: ${message}`);
    expect(e.message).not.toMatch(/TypeError|undefined|Cannot read/);
  });

  it('an entry without Layers is checked against the config: a layer count mismatch', async () => {
    const e = await loadError(await dockerArchive((m) => [{ Config: m.Config, RepoTags: ['base:latest'] }]));
    expect(e).toEqual({ code: 'invalid-content', message: 'invalid image: config has 1 diff_ids but the archive has 0 layers' });
  });

  it('a Config path missing from the archive names it', async () => {
    const e = await loadError(await dockerArchive((m) => [{ Config: 'nowhere.json', Layers: m.Layers }]));
    expect(e).toEqual({ code: 'invalid-content', message: 'invalid image archive: nowhere.json is missing' });
  });
});
