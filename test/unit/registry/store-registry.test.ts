import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../../engine/engine.ts';
import { EngineError } from '../../../engine/errors.ts';
import { MemoryBlobStore, MemoryMetadataStore } from '../../../engine/memory/index.ts';
import { encodeCanonical } from '../../../engine/oci/canonical-json.ts';
import { sha256 } from '../../../engine/oci/digest.ts';
import { MediaType } from '../../../engine/oci/media-types.ts';
import type { Descriptor } from '../../../engine/oci/types.ts';
import type { Digest, FetchedManifest } from '../../../engine/ports.ts';
import { StoreRegistry } from '../../../engine/registry/store-registry.ts';
import type { Layout } from '../core/support/oci-fixtures.ts';
import { run } from '../core/support/run.ts';
import { layoutWithBox } from '../core/support/shipped.ts';
import { makeHost, type TestHost } from '../core/support/test-host.ts';

const R = 'localhost:5000';
const enc = (s: string) => new TextEncoder().encode(s);

function stores() {
  const blobs = new MemoryBlobStore();
  const metadata = new MemoryMetadataStore();
  return { blobs, metadata, registry: new StoreRegistry({ blobs, metadata }) };
}

async function collect(it: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const p of it) parts.push(p);
  return new Uint8Array(parts.flatMap((p) => [...p]));
}

async function rejection(p: Promise<unknown>): Promise<EngineError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof EngineError) return e;
    throw e;
  }
  throw new Error('expected a rejection');
}

function blob(text: string, mediaType: string = MediaType.ociLayer): { bytes: Uint8Array; desc: Descriptor } {
  const bytes = enc(text);
  return { bytes, desc: { mediaType, digest: sha256(bytes), size: bytes.length } };
}

function manifestOf(config: Descriptor, layers: Descriptor[]): FetchedManifest {
  const bytes = encodeCanonical({ schemaVersion: 2, mediaType: MediaType.ociManifest, config, layers });
  return { bytes, mediaType: MediaType.ociManifest, digest: sha256(bytes) };
}

/** One config and one layer pushed to `repo`, and a manifest naming them (not yet pushed). */
async function pushedBlobs(registry: StoreRegistry, repo: string, text = 'layer one') {
  const layer = blob(text);
  const config = blob(JSON.stringify({ architecture: 'wasm', os: 'wasi', rootfs: { type: 'layers', diff_ids: [layer.desc.digest] } }), MediaType.ociConfig);
  await registry.putBlob(R, repo, { digest: layer.desc.digest, size: layer.desc.size }, layer.bytes);
  await registry.putBlob(R, repo, { digest: config.desc.digest, size: config.desc.size }, config.bytes);
  return { layer, config, manifest: manifestOf(config.desc, [layer.desc]) };
}

describe('StoreRegistry: blobs', () => {
  it('stores a verified blob, scoped to the repository it was pushed to', async () => {
    const { registry, blobs } = stores();
    const { bytes, desc } = blob('hello layer');
    await registry.putBlob(R, 'team/app', { digest: desc.digest, size: desc.size }, bytes);
    expect(await registry.hasBlob(R, 'team/app', desc.digest)).toBe(true);
    expect(await collect(await registry.getBlob(R, 'team/app', { digest: desc.digest, size: desc.size }))).toEqual(bytes);
    // Another repository does not hold it, though the storage does.
    expect(await registry.hasBlob(R, 'other', desc.digest)).toBe(false);
    expect((await rejection(registry.getBlob(R, 'other', { digest: desc.digest }))).message).toBe(`blob ${desc.digest} not found in ${R}/other: blob unknown to registry`);
    expect(await blobs.list()).toEqual([desc.digest]);
  });

  it('refuses bytes that do not match the claimed digest or size, and stores nothing', async () => {
    const { registry, blobs, metadata } = stores();
    const { desc } = blob('the real layer');
    const wrong = await rejection(registry.putBlob(R, 'app', { digest: desc.digest }, enc('a forged layer')));
    expect(wrong.code).toBe('invalid-content');
    expect(wrong.message).toMatch(/^digest mismatch: expected sha256:/);
    const short = await rejection(registry.putBlob(R, 'app', { digest: desc.digest, size: desc.size + 1 }, enc('the real layer')));
    expect(short.code).toBe('invalid-content');
    expect(short.message).toMatch(/^size mismatch/);
    expect(await registry.hasBlob(R, 'app', desc.digest)).toBe(false);
    expect(await blobs.list()).toEqual([]);
    expect(await metadata.list('registry')).toEqual([]);
  });

  it('verifies the bytes even when the storage already holds that digest', async () => {
    const { registry } = stores();
    const { bytes, desc } = blob('shared base');
    await registry.putBlob(R, 'a', { digest: desc.digest }, bytes);
    // A no-op in the BlobStore must not let forged bytes link the blob into another repository.
    expect((await rejection(registry.putBlob(R, 'b', { digest: desc.digest }, enc('forged')))).code).toBe('invalid-content');
    expect(await registry.hasBlob(R, 'b', desc.digest)).toBe(false);
  });

  it('re-verifies on every read: corrupted storage is reported, never served', async () => {
    const { registry, blobs } = stores();
    const { bytes, desc } = blob('will rot');
    await registry.putBlob(R, 'app', { digest: desc.digest }, bytes);
    blobs.corruptForTest(desc.digest);
    expect((await rejection(registry.getBlob(R, 'app', { digest: desc.digest }))).code).toBe('invalid-content');
  });

  it('refuses hostile repository names and digests', async () => {
    const { registry } = stores();
    const { bytes, desc } = blob('x');
    for (const repo of ['../etc', 'App', 'a//b', '', 'a:b', 'a@b', '/abs', 'x'.repeat(256)]) {
      expect((await rejection(registry.putBlob(R, repo, { digest: desc.digest }, bytes))).code, repo).toBe('invalid-argument');
      expect((await rejection(registry.getManifest(R, repo, 'latest'))).code, repo).toBe('invalid-argument');
    }
    for (const digest of ['sha256:abc', 'md5:' + 'a'.repeat(32), 'sha256:' + 'A'.repeat(64), '../../x']) {
      expect((await rejection(registry.putBlob(R, 'app', { digest: digest as Digest }, bytes))).code, digest).toBe('invalid-argument');
      expect((await rejection(registry.hasBlob(R, 'app', digest as Digest))).code, digest).toBe('invalid-argument');
    }
  });
});

describe('StoreRegistry: manifests and tags', () => {
  it('answers by tag and by digest with the bytes that were pushed', async () => {
    const { registry } = stores();
    const { manifest } = await pushedBlobs(registry, 'team/app');
    await registry.putManifest(R, 'team/app', '1', manifest);
    for (const ref of ['1', manifest.digest]) {
      const got = await registry.getManifest(R, 'team/app', ref);
      expect(got).toEqual({ bytes: manifest.bytes, mediaType: MediaType.ociManifest, digest: manifest.digest });
    }
    expect(await registry.listTags(R, 'team/app')).toEqual(['1']);
    expect((await rejection(registry.getManifest(R, 'team/app', '2'))).message).toBe(`manifest for ${R}/team/app:2 not found: manifest unknown`);
    expect((await rejection(registry.getManifest(R, 'team/other', '1'))).code).toBe('not-found');
    expect((await rejection(registry.listTags(R, 'nobody'))).message).toBe(`repository ${R}/nobody not found: name unknown`);
  });

  it('moves a tag to a new manifest while the old digest keeps naming the old bytes', async () => {
    const { registry } = stores();
    const v1 = (await pushedBlobs(registry, 'app', 'version one')).manifest;
    const v2 = (await pushedBlobs(registry, 'app', 'version two')).manifest;
    await registry.putManifest(R, 'app', 'latest', v1);
    await registry.putManifest(R, 'app', 'latest', v2);
    await registry.putManifest(R, 'app', 'stable', v1);
    expect((await registry.getManifest(R, 'app', 'latest')).digest).toBe(v2.digest);
    expect((await registry.getManifest(R, 'app', v1.digest)).bytes).toEqual(v1.bytes);
    expect(await registry.listTags(R, 'app')).toEqual(['latest', 'stable']);
  });

  it('refuses a manifest whose bytes do not match its digest, and leaves the tag alone', async () => {
    const { registry } = stores();
    const { manifest } = await pushedBlobs(registry, 'app');
    await registry.putManifest(R, 'app', '1', manifest);
    const other = (await pushedBlobs(registry, 'app', 'other layer')).manifest;
    const forged = { ...other, digest: manifest.digest };
    expect((await rejection(registry.putManifest(R, 'app', '1', { ...other, digest: sha256(enc('unrelated')) }))).code).toBe('invalid-content');
    expect((await rejection(registry.putManifest(R, 'app', '1', forged))).code).toBe('invalid-content');
    // Pushed by digest: the reference must be the content's own digest.
    const byWrongDigest = await rejection(registry.putManifest(R, 'app', manifest.digest, other));
    expect(byWrongDigest.message).toBe(`manifest invalid: pushed by digest ${manifest.digest} but its content has digest ${other.digest}`);
    expect((await registry.getManifest(R, 'app', '1')).digest).toBe(manifest.digest);
    expect((await rejection(registry.getManifest(R, 'app', other.digest))).code).toBe('not-found');
  });

  it('refuses a manifest naming blobs the repository does not hold, or with wrong sizes', async () => {
    const { registry } = stores();
    const { layer, config } = await pushedBlobs(registry, 'app');
    const missing = blob('never pushed');
    const e = await rejection(registry.putManifest(R, 'app', '1', manifestOf(config.desc, [layer.desc, missing.desc])));
    expect(e.message).toBe(`manifest blob unknown: blob ${missing.desc.digest} is not in ${R}/app; push it before the manifest`);
    // Held by another repository only: still unknown here.
    expect((await rejection(registry.putManifest(R, 'elsewhere', '1', manifestOf(config.desc, [layer.desc])))).message).toMatch(/^manifest blob unknown/);
    const lying = await rejection(registry.putManifest(R, 'app', '1', manifestOf(config.desc, [{ ...layer.desc, size: layer.desc.size + 10 }])));
    expect(lying.message).toMatch(/^manifest invalid: sha256:[0-9a-f]{64} is 9 bytes in localhost:5000\/app, the manifest says 19$/);
    expect((await rejection(registry.listTags(R, 'app'))).code).toBe('not-found');
  });

  it('refuses what is not an image manifest, bad tags, and an index of unknown manifests', async () => {
    const { registry } = stores();
    const { manifest } = await pushedBlobs(registry, 'app');
    const junk = enc('{"hello": "world"');
    expect((await rejection(registry.putManifest(R, 'app', '1', { bytes: junk, mediaType: MediaType.ociManifest, digest: sha256(junk) }))).code).toBe('invalid-content');
    for (const tag of ['bad tag', '-dash', 'a'.repeat(129), 'x/y']) {
      expect((await rejection(registry.putManifest(R, 'app', tag, manifest))).code, tag).toBe('invalid-argument');
    }
    const index = encodeCanonical({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [{ mediaType: MediaType.ociManifest, digest: manifest.digest, size: manifest.bytes.length, platform: { os: 'wasi', architecture: 'wasm' } }] });
    const fetched = { bytes: index, mediaType: MediaType.ociIndex, digest: sha256(index) };
    expect((await rejection(registry.putManifest(R, 'app', 'multi', fetched))).message).toBe(`manifest blob unknown: manifest ${manifest.digest} is not in ${R}/app; push it before the index`);
    await registry.putManifest(R, 'app', manifest.digest, manifest);
    await registry.putManifest(R, 'app', 'multi', fetched);
    expect(await registry.getManifest(R, 'app', 'multi')).toEqual(fetched);
  });

  it('keeps everything for the next registry opened over the same stores (a reload)', async () => {
    const { registry, blobs, metadata } = stores();
    const { manifest, layer } = await pushedBlobs(registry, 'app');
    await registry.putManifest(R, 'app', '1', manifest);
    const reopened = new StoreRegistry({ blobs, metadata });
    expect((await reopened.getManifest(R, 'app', '1')).digest).toBe(manifest.digest);
    expect(await reopened.hasBlob(R, 'app', layer.desc.digest)).toBe(true);
  });
});

describe('StoreRegistry under the engine: docker push and pull', () => {
  const hosts: TestHost[] = [];
  let layout: Layout;
  beforeAll(async () => {
    layout = await layoutWithBox();
  });
  afterEach(() => hosts.splice(0).forEach((h) => h.dispose()));

  it('pushes an image, says which layers it already has, and another engine pulls the same image back', async () => {
    const { registry } = stores();
    const a = makeHost({ layout, registry });
    hosts.push(a);
    await a.engine.pull('box');
    await a.engine.tag('box', 'localhost:5000/team/box:1');
    const events: ProgressEvent[] = [];
    const pushed = await a.engine.push('localhost:5000/team/box:1', { onProgress: (e) => events.push(e) });
    const lines = events.filter((e) => e.status).map((e) => (e.id ? `${e.id}: ${e.status}` : e.status));
    expect(lines[0]).toBe('The push refers to repository [localhost:5000/team/box]');
    expect(lines.filter((l) => l?.endsWith(': Pushed'))).toHaveLength(1);
    expect(lines).toContain(`1: digest: ${pushed.Digest} size: ${pushed.Size}`);
    await a.engine.tag('box', 'localhost:5000/team/box:2');
    const again: ProgressEvent[] = [];
    expect((await a.engine.push('localhost:5000/team/box:2', { onProgress: (e) => again.push(e) })).Digest).toBe(pushed.Digest);
    expect(again.filter((e) => e.status === 'Layer already exists')).toHaveLength(1);
    expect(await registry.listTags(R, 'team/box')).toEqual(['1', '2']);

    const b = makeHost({ registry });
    hosts.push(b);
    const pulled = await b.engine.pull('localhost:5000/team/box:1');
    expect(pulled.Id).toBe((await a.engine.inspectImage('box')).Id);
    expect(pulled.RepoDigests).toEqual([`localhost:5000/team/box@${pushed.Digest}`]);
    expect((await b.engine.pull(`localhost:5000/team/box@${pushed.Digest}`)).Id).toBe(pulled.Id);
    expect((await run(b.engine, { Image: 'localhost:5000/team/box:1', Cmd: ['echo', 'pulled back'] })).stdout).toBe('pulled back\n');
    expect((await rejection(b.engine.pull('localhost:5000/team/box:3'))).message).toBe('manifest for localhost:5000/team/box:3 not found: manifest unknown');
  });

  it("removing the engine's image leaves the registry's copy whole", async () => {
    const { registry } = stores();
    const a = makeHost({ layout, registry });
    hosts.push(a);
    await a.engine.pull('box');
    await a.engine.tag('box', 'localhost:5000/box:1');
    await a.engine.push('localhost:5000/box:1');
    await a.engine.removeImage('localhost:5000/box:1');
    await a.engine.removeImage('box');
    await a.engine.prune({ all: true });
    expect(await a.engine.listImages()).toEqual([]);
    expect((await a.engine.pull('localhost:5000/box:1')).RepoTags).toEqual(['localhost:5000/box:1']);
  });
});
