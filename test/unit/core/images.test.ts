import { describe, it, expect, afterEach } from 'vitest';
import type { ProgressEvent } from '../../../engine/engine.ts';
import { isEngineError } from '../../../engine/errors.ts';
import { files, Layout } from './support/oci-fixtures.ts';
import { makeHost, type TestHost } from './support/test-host.ts';

const hosts: TestHost[] = [];
afterEach(() => hosts.splice(0).forEach((h) => h.dispose()));

function host(layout: Layout): TestHost {
  const h = makeHost({ layout });
  hosts.push(h);
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

const te = new TextEncoder();
const td = new TextDecoder();

/** Rename a tar member in place (same length), fixing the header checksum. */
function renameEntry(tar: Uint8Array, from: string, to: string): void {
  const needle = te.encode(from);
  for (let at = 0; at + 512 <= tar.length; at += 512) {
    if (!needle.every((b, i) => tar[at + i] === b) || tar[at + needle.length] !== 0) continue;
    tar.set(te.encode(to), at);
    tar.fill(0x20, at + 148, at + 156);
    const sum = tar.subarray(at, at + 512).reduce((n, b) => n + b, 0);
    tar.set(te.encode(sum.toString(8).padStart(6, '0') + '\0 '), at + 148);
    return;
  }
  throw new Error(`no member ${from}`);
}

/** Replace layer `oldDiffId` of a one-image layout dir by `tar`: new blob, config, manifest, index. */
function rebuild(layout: Layout, dir: string, oldDiffId: string, tar: Uint8Array): void {
  const index = JSON.parse(td.decode(layout.files.get(`${dir}/index.json`)!));
  const manifest = JSON.parse(td.decode(layout.files.get(`${dir}/blobs/sha256/${index.manifests[0].digest.slice(7)}`)!));
  const config = JSON.parse(td.decode(layout.files.get(`${dir}/blobs/sha256/${manifest.config.digest.slice(7)}`)!));
  const layer = layout.blob(dir, tar, manifest.layers[0].mediaType);
  config.rootfs.diff_ids = config.rootfs.diff_ids.map((d: string) => (d === oldDiffId ? layer.digest : d));
  manifest.layers = manifest.layers.map((l: { digest: string }) => (l.digest === oldDiffId ? layer : l));
  manifest.config = layout.blob(dir, te.encode(JSON.stringify(config)), manifest.config.mediaType);
  const m = layout.blob(dir, te.encode(JSON.stringify(manifest)), index.manifests[0].mediaType);
  index.manifests[0] = { ...index.manifests[0], digest: m.digest, size: m.size };
  layout.files.set(`${dir}/index.json`, te.encode(JSON.stringify(index)));
}

function twoImages() {
  const layout = new Layout();
  const base = layout.add('base', { tag: 'latest', layers: [{ entries: files({ 'etc/': '', 'etc/os-release': 'base 1\n' }), createdBy: 'ADD rootfs /' }], config: { Env: ['PATH=/bin'], Cmd: ['sh'] }, emptySteps: ['CMD ["sh"]'] });
  const app = layout.add('app', {
    tag: 'v1',
    layers: [
      { entries: files({ 'etc/': '', 'etc/os-release': 'base 1\n' }), createdBy: 'ADD rootfs /' },
      { entries: files({ 'app/': '', 'app/main.txt': 'hello app\n' }), createdBy: 'COPY main.txt /app/', gzip: true },
    ],
    index: true,
  });
  return { layout, base, app };
}

describe('pull', () => {
  it('pulls from the built-in registry with Docker progress lines and stores layers uncompressed', async () => {
    const { layout, app } = twoImages();
    const h = host(layout);
    const events: ProgressEvent[] = [];
    const image = await h.engine.pull('app:v1', { onProgress: (e) => events.push(e) });
    expect(image.Id).toBe(app.id);
    expect(image.RepoTags).toEqual(['app:v1']);
    expect(image.RepoDigests).toEqual([`app@${app.manifest}`]);
    expect(image.Os).toBe('wasi');
    expect(image.RootFS.Layers).toEqual(app.diffIds);
    const statuses = events.map((e) => (e.id ? `${e.id}: ${e.status}` : e.status));
    expect(statuses[0]).toBe('v1: Pulling from library/app');
    expect(statuses).toContain(`Digest: ${app.manifest}`);
    expect(statuses.at(-1)).toBe('Status: Downloaded newer image for app:v1');
    expect(statuses.filter((s) => s?.endsWith(': Pull complete'))).toHaveLength(2);
    // stored uncompressed: the blob under each diff_id is the tar itself
    for (const d of app.diffIds) expect(await h.blobs.has(d)).toBe(true);
  });

  it('says a layer already exists, and that an image is up to date on the second pull', async () => {
    const { layout, base } = twoImages();
    const h = host(layout);
    await h.engine.pull('base');
    const events: ProgressEvent[] = [];
    await h.engine.pull('app:v1', { onProgress: (e) => events.push(e) });
    expect(events.filter((e) => e.status === 'Already exists')).toHaveLength(1);
    const again: ProgressEvent[] = [];
    await h.engine.pull('docker.io/library/base:latest', { onProgress: (e) => again.push(e) });
    expect(again.at(-1)?.status).toBe('Status: Image is up to date for base:latest');
    expect((await h.engine.inspectImage('base')).Id).toBe(base.id);
  });

  it('refuses a layer whose bytes do not match the manifest digest and leaves no tag and no blob', async () => {
    const { layout, app } = twoImages();
    const appBlobs = [...layout.files.keys()].filter((k) => k.startsWith('app/blobs/'));
    // corrupt every blob that is a layer: flip a byte in the largest ones
    const largest = appBlobs.sort((a, b) => layout.files.get(b)!.length - layout.files.get(a)!.length)[0];
    layout.files.get(largest)![100] ^= 1;
    const h = host(layout);
    const e = await rejection(h.engine.pull('app:v1'));
    expect(isEngineError(e, 'invalid-content')).toBe(true);
    expect(await h.engine.listImages()).toEqual([]);
    expect(await h.ports.metadata.list('tags')).toEqual([]);
    for (const d of app.diffIds.slice(1)) expect(await h.blobs.has(d)).toBe(false);
  });

  it('refuses an image whose config diff_ids do not match its layers', async () => {
    const layout = new Layout();
    const good = layout.add('evil', { tag: 'latest', layers: [{ entries: files({ a: '1' }) }] });
    void good;
    // Rewrite the config to name a different diff_id, and the manifest to point at the new config.
    const h0 = new Layout();
    const other = h0.add('x', { tag: 'latest', layers: [{ entries: files({ b: '2' }) }] });
    const idx = JSON.parse(new TextDecoder().decode(layout.files.get('evil/index.json')!));
    const manifestPath = `evil/blobs/sha256/${idx.manifests[0].digest.slice(7)}`;
    const manifest = JSON.parse(new TextDecoder().decode(layout.files.get(manifestPath)!));
    const config = JSON.parse(new TextDecoder().decode(layout.files.get(`evil/blobs/sha256/${manifest.config.digest.slice(7)}`)!));
    config.rootfs.diff_ids = other.diffIds;
    const cdesc = layout.blob('evil', new TextEncoder().encode(JSON.stringify(config)), manifest.config.mediaType);
    manifest.config = cdesc;
    const mdesc = layout.blob('evil', new TextEncoder().encode(JSON.stringify(manifest)), idx.manifests[0].mediaType);
    idx.manifests[0] = { ...idx.manifests[0], digest: mdesc.digest, size: mdesc.size };
    layout.files.set('evil/index.json', new TextEncoder().encode(JSON.stringify(idx)));
    const h = host(layout);
    const e = await rejection(h.engine.pull('evil'));
    expect(isEngineError(e, 'invalid-content')).toBe(true);
    expect(e.message).toMatch(/diff_id/);
    expect(await h.engine.listImages()).toEqual([]);
  });

  it('refuses a layer with an entry outside the root (../) or a malformed whiteout, storing nothing', async () => {
    for (const bad of ['../escape', 'd/.wh..']) {
      const layout = new Layout();
      const safe = bad.replace(/[.]/g, 'x');
      const image = layout.add('evil', { tag: 'latest', layers: [{ entries: files({ 'ok.txt': 'fine', [safe]: 'x' }) }] });
      // rewrite the member's name in the stored layer, then re-address the image around it
      const blobPath = [...layout.files.keys()].find((k) => k.endsWith(image.diffIds[0].slice(7)))!;
      const tar = layout.files.get(blobPath)!;
      renameEntry(tar, safe, bad);
      rebuild(layout, 'evil', image.diffIds[0], tar);
      const h = host(layout);
      const e = await rejection(h.engine.pull('evil'));
      expect(isEngineError(e, 'invalid-content')).toBe(true);
      expect(await h.blobs.list()).toEqual([]);
      expect(await h.ports.metadata.list('tags')).toEqual([]);
    }
  });

  it('answers a missing repository or tag with not-found', async () => {
    const { layout } = twoImages();
    const h = host(layout);
    expect(isEngineError(await rejection(h.engine.pull('nope')), 'not-found')).toBe(true);
    const e = await rejection(h.engine.pull('app:v9'));
    expect(isEngineError(e, 'not-found')).toBe(true);
    expect(e.message).toBe('manifest for app:v9 not found: manifest unknown: manifest unknown');
    expect(isEngineError(await rejection(h.engine.pull('Bad/Name')), 'invalid-argument')).toBe(true);
  });
});

describe('images, inspect, history, tag', () => {
  it('lists images with sizes, shared sizes and container counts', async () => {
    const { layout, base, app } = twoImages();
    const h = host(layout);
    await h.engine.pull('base');
    await h.engine.pull('app:v1');
    const list = await h.engine.listImages();
    const byId = new Map(list.map((i) => [i.Id, i]));
    expect(byId.get(base.id)!.RepoTags).toEqual(['base:latest']);
    expect(byId.get(base.id)!.Size).toBe('base 1\n'.length);
    expect(byId.get(app.id)!.Size).toBe('base 1\n'.length + 'hello app\n'.length);
    expect(byId.get(app.id)!.SharedSize).toBe('base 1\n'.length);
    expect(byId.get(base.id)!.Containers).toBe(0);
  });

  it('finds an image by name, full ID, short ID prefix and repo digest', async () => {
    const { layout, app } = twoImages();
    const h = host(layout);
    await h.engine.pull('app:v1');
    for (const name of ['app:v1', app.id, app.id.slice(7), app.id.slice(7, 19), `app@${app.manifest}`]) {
      expect((await h.engine.inspectImage(name)).Id).toBe(app.id);
    }
    const e = await rejection(h.engine.inspectImage('app'));
    expect(e.message).toBe('No such image: app:latest');
  });

  it('shows history newest first, with <missing> below the image and its base image ID where it ends', async () => {
    const { layout, base, app } = twoImages();
    const h = host(layout);
    await h.engine.pull('app:v1');
    const before = await h.engine.history('app:v1');
    expect(before.map((e) => e.Id)).toEqual([app.id, '<missing>']);
    expect(before.map((e) => e.CreatedBy)).toEqual(['COPY main.txt /app/', 'ADD rootfs /']);
    expect(before.map((e) => e.Size)).toEqual(['hello app\n'.length, 'base 1\n'.length]);
    expect(before[0].Tags).toEqual(['app:v1']);
    const baseHistory = await (await h.engine.pull('base')).Id;
    expect(baseHistory).toBe(base.id);
    const own = await h.engine.history('base');
    expect(own.map((e) => [e.Id, e.CreatedBy, e.Size])).toEqual([
      [base.id, 'CMD ["sh"]', 0],
      ['<missing>', 'ADD rootfs /', 'base 1\n'.length],
    ]);
  });

  it('tags an image; a tag with a digest or a bad name is refused', async () => {
    const { layout, base } = twoImages();
    const h = host(layout);
    await h.engine.pull('base');
    await h.engine.tag('base', 'localhost:5000/team/base:v2');
    await h.engine.tag(base.id, 'mine');
    expect((await h.engine.inspectImage('base')).RepoTags).toEqual(['base:latest', 'localhost:5000/team/base:v2', 'mine:latest']);
    expect(isEngineError(await rejection(h.engine.tag('base', `x@${base.id}`)), 'invalid-argument')).toBe(true);
    expect(isEngineError(await rejection(h.engine.tag('base', 'UPPER')), 'invalid-argument')).toBe(true);
    expect(isEngineError(await rejection(h.engine.tag('ghost', 'x')), 'not-found')).toBe(true);
  });
});

describe('rmi', () => {
  it("a pushed tag's last removal takes its repository's digest along: no <none> row is left", async () => {
    const { layout } = twoImages();
    const h = host(layout);
    await h.engine.pull('app:v1');
    const image = await h.engine.inspectImage('app:v1');
    // What a push leaves: the new repository's tag and its digest.
    await h.engine.tag('app:v1', 'localhost:5000/app:1');
    await h.metadata.batch([{ op: 'put', bucket: 'images', key: image.Id, value: { ...(await h.metadata.get<Record<string, unknown>>('images', image.Id))!, repoDigests: [...image.RepoDigests, 'localhost:5000/app@sha256:' + 'a'.repeat(64)] } }]);
    expect(await h.engine.removeImage('localhost:5000/app:1')).toEqual([{ Untagged: 'localhost:5000/app:1' }, { Untagged: 'localhost:5000/app@sha256:' + 'a'.repeat(64) }]);
    const after = (await h.engine.listImages()).find((i) => i.Id === image.Id)!;
    expect(after.RepoTags).toEqual(['app:v1']);
    expect(after.RepoDigests).toEqual(image.RepoDigests);
  });

  it('untags first and deletes the image and its own layers with the last tag', async () => {
    const { layout, base, app } = twoImages();
    const h = host(layout);
    await h.engine.pull('base');
    await h.engine.pull('app:v1');
    await h.engine.tag('app:v1', 'app:v2');
    expect(await h.engine.removeImage('app:v1')).toEqual([{ Untagged: 'app:v1' }]);
    const removed = await h.engine.removeImage('app:v2');
    // As Docker's: with the repository's last tag goes the digest the pull recorded for it.
    expect(removed).toEqual([{ Untagged: 'app:v2' }, { Untagged: expect.stringMatching(/^app@sha256:[0-9a-f]{64}$/) }, { Deleted: app.id }, { Deleted: app.diffIds[1] }]);
    // the shared base layer stays for base
    expect(await h.blobs.has(app.diffIds[0])).toBe(true);
    expect(await h.blobs.has(app.diffIds[1])).toBe(false);
    expect(await h.blobs.has(app.id)).toBe(false);
    expect((await h.engine.listImages()).map((i) => i.Id)).toEqual([base.id]);
  });

  it('refuses to delete by ID an image named in two repositories unless forced', async () => {
    const { layout, base } = twoImages();
    const h = host(layout);
    await h.engine.pull('base');
    await h.engine.tag('base', 'other');
    const e = await rejection(h.engine.removeImage(base.id.slice(7, 19)));
    expect(e.code).toBe('conflict');
    expect(e.message).toBe(`conflict: unable to delete ${base.id.slice(7, 19)} (must be forced) - image is referenced in multiple repositories`);
    const removed = await h.engine.removeImage(base.id.slice(7, 19), { force: true });
    expect(removed.filter((r) => r.Untagged).map((r) => r.Untagged).sort()).toEqual(['base:latest', 'other:latest']);
    expect(removed).toContainEqual({ Deleted: base.id });
  });

  it("answers an unknown image with 'No such image'", async () => {
    const h = host(new Layout());
    const e = await rejection(h.engine.removeImage('ghost'));
    expect(e.code).toBe('not-found');
    expect(e.message).toBe('No such image: ghost:latest');
  });
});

describe('save and load', () => {
  it('round-trips images through an OCI layout tar with manifest.json, into an empty engine', async () => {
    const { layout, base, app } = twoImages();
    const h = host(layout);
    await h.engine.pull('base');
    await h.engine.pull('app:v1');
    const archive = await h.engine.saveImages(['base', 'app:v1']);
    expect(await h.engine.saveImages(['base', 'app:v1'])).toEqual(archive);
    const other = host(new Layout());
    const stream: string[] = [];
    const loaded = await other.engine.loadImages(archive, { onProgress: (e) => stream.push(e.stream ?? '') });
    expect(loaded).toEqual(['base:latest', 'app:v1']);
    expect(stream).toEqual(['Loaded image: base:latest\n', 'Loaded image: app:v1\n']);
    expect((await other.engine.inspectImage('app:v1')).Id).toBe(app.id);
    expect((await other.engine.inspectImage('base')).Id).toBe(base.id);
    expect(await other.engine.history('app:v1')).toEqual(await h.engine.history('app:v1'));
  });

  it('refuses an archive with a corrupted blob and records nothing', async () => {
    const { layout } = twoImages();
    const h = host(layout);
    await h.engine.pull('base');
    const archive = await h.engine.saveImages(['base']);
    // flip a byte inside the contents of the file "etc/os-release" (inside the layer blob)
    const text = new TextDecoder('latin1').decode(archive);
    const at = text.indexOf('base 1');
    archive[at] ^= 0x20;
    const other = host(new Layout());
    const e = await rejection(other.engine.loadImages(archive));
    expect(isEngineError(e, 'invalid-content')).toBe(true);
    expect(await other.engine.listImages()).toEqual([]);
  });
});
