import { describe, it, expect, afterEach, beforeAll } from 'vitest';
import type { ProgressEvent } from '../../../engine/engine.ts';
import { isEngineError } from '../../../engine/errors.ts';
import { sha256 } from '../../../engine/oci/digest.ts';
import { DistributionClient } from '../../../engine/registry/distribution-client.ts';
import { parseChallenge } from '../../../engine/registry/www-authenticate.ts';
import { FakeRegistry } from './support/fake-registry.ts';
import { layoutWithBox } from './support/shipped.ts';
import { makeHost, type TestHost } from './support/test-host.ts';
import { run } from './support/run.ts';
import type { Layout } from './support/oci-fixtures.ts';

const hosts: TestHost[] = [];
let layout: Layout;
beforeAll(async () => {
  layout = await layoutWithBox();
});
afterEach(() => hosts.splice(0).forEach((h) => h.dispose()));

async function collect(it: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const p of it) parts.push(p);
  return new Uint8Array(parts.flatMap((p) => [...p]));
}

async function rejection(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error('expected a rejection');
}

describe('WWW-Authenticate', () => {
  it('parses a bearer challenge with quoted and bare params', () => {
    expect(parseChallenge('Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push"')).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://auth.example/token', service: 'registry.example', scope: 'repository:a/b:pull,push' },
    });
    expect(parseChallenge('Basic realm=x')).toEqual({ scheme: 'basic', params: { realm: 'x' } });
    expect(parseChallenge(null)).toBeUndefined();
  });
});

describe('DistributionClient', () => {
  it('uploads chunked and monolithic, and reads back verified', async () => {
    const reg = new FakeRegistry();
    const client = new DistributionClient({ fetch: reg.fetch, chunkSize: 1000 });
    const big = new Uint8Array(2500).map((_, i) => i & 0xff);
    const small = new TextEncoder().encode('small');
    await client.putBlob('localhost:5000', 'team/app', { digest: sha256(big), size: big.length }, big);
    await client.putBlob('localhost:5000', 'team/app', { digest: sha256(small), size: small.length }, small);
    expect(reg.log.filter((l) => l.startsWith('PATCH'))).toHaveLength(3);
    expect(reg.log.filter((l) => l.startsWith('POST') && l.includes('digest='))).toHaveLength(1);
    expect(await client.hasBlob('localhost:5000', 'team/app', sha256(big))).toBe(true);
    expect(await client.hasBlob('localhost:5000', 'team/app', sha256(new Uint8Array(1)))).toBe(false);
    expect(await collect(await client.getBlob('localhost:5000', 'team/app', { digest: sha256(big), size: big.length }))).toEqual(big);
    expect(reg.log[0]).toMatch(/^POST \/v2\/team\/app\/blobs\/uploads\/$/);
  });

  it('rejects a blob whose bytes do not match, whatever the Docker-Content-Digest header says', async () => {
    const reg = new FakeRegistry({ tamper: (_d, b) => new Uint8Array([...b, 0]) });
    const client = new DistributionClient({ fetch: reg.fetch });
    const bytes = new TextEncoder().encode('layer bytes');
    reg.blobs.set(sha256(bytes), bytes);
    const e = await rejection(collect(await client.getBlob('localhost:5000', 'x', { digest: sha256(bytes), size: bytes.length })));
    expect(isEngineError(e, 'invalid-content')).toBe(true);
    const noSize = await rejection(collect(await client.getBlob('localhost:5000', 'x', { digest: sha256(bytes) })));
    expect(isEngineError(noSize, 'invalid-content')).toBe(true);
  });

  it('follows the bearer token flow with credentials and fails clearly without them', async () => {
    const reg = new FakeRegistry({ auth: { username: 'me', password: 'secret' } });
    const client = new DistributionClient({ fetch: reg.fetch }).withAuth({ username: 'me', password: 'secret' });
    const bytes = new TextEncoder().encode('private');
    await client.putBlob('localhost:5000', 'priv', { digest: sha256(bytes) }, bytes);
    expect(reg.blobs.has(sha256(bytes))).toBe(true);
    expect(reg.log.some((l) => l.startsWith('GET /token?service=fake&scope=repository%3Apriv%3Apull%2Cpush'))).toBe(true);
    const anonymous = new DistributionClient({ fetch: reg.fetch });
    expect(isEngineError(await rejection(anonymous.hasBlob('localhost:5000', 'priv', sha256(bytes))), 'unauthorized')).toBe(true);
    // The token given for other credentials is not reused: a wrong login is refused.
    const wrong = client.withAuth({ username: 'me', password: 'guess' });
    expect(isEngineError(await rejection(wrong.hasBlob('localhost:5000', 'priv', sha256(bytes))), 'unauthorized')).toBe(true);
    expect(await client.hasBlob('localhost:5000', 'priv', sha256(bytes))).toBe(true);
  });

  it("maps a missing manifest to not-found with the registry's message", async () => {
    const client = new DistributionClient({ fetch: new FakeRegistry().fetch });
    const e = await rejection(client.getManifest('localhost:5000', 'x', 'v1'));
    expect(e.code).toBe('not-found');
    expect(e.message).toBe('manifest for x:v1: not found: manifest unknown');
  });

  it('reports an unreachable registry as unavailable', async () => {
    const client = new DistributionClient({ fetch: async () => Promise.reject(new TypeError('fetch failed')) });
    expect(isEngineError(await rejection(client.listTags('localhost:5000', 'x')), 'unavailable')).toBe(true);
  });
});

describe('push and pull through a registry', () => {
  it("pushes a local image with Docker's progress and pulls it into another engine, with the caller's login", async () => {
    const reg = new FakeRegistry({ auth: { username: 'u', password: 'p' } });
    const auth = { username: 'u', password: 'p' };
    const client = new DistributionClient({ fetch: reg.fetch, chunkSize: 64 * 1024 });
    const a = makeHost({ layout, registry: client });
    hosts.push(a);
    await a.engine.pull('box', { auth: { username: 'not', password: 'for the built-in registry' } });
    await a.engine.tag('box', 'localhost:5000/team/box:v1');
    // The engine keeps no credentials: each call brings its own, as X-Registry-Auth does.
    expect(isEngineError(await rejection(a.engine.push('localhost:5000/team/box:v1')), 'unauthorized')).toBe(true);
    const events: ProgressEvent[] = [];
    const pushed = await a.engine.push('localhost:5000/team/box:v1', { onProgress: (e) => events.push(e), auth });
    const lines = events.filter((e) => e.status).map((e) => (e.id ? `${e.id}: ${e.status}` : e.status));
    expect(lines[0]).toBe('The push refers to repository [localhost:5000/team/box]');
    expect(lines).toContain(`v1: digest: ${pushed.Digest} size: ${pushed.Size}`);
    expect(lines.filter((l) => l?.endsWith(': Pushed'))).toHaveLength(1);
    expect(reg.log.some((l) => l.startsWith('PATCH'))).toBe(true);
    expect((await a.engine.inspectImage('localhost:5000/team/box:v1')).RepoDigests).toContain(`localhost:5000/team/box@${pushed.Digest}`);
    const again: ProgressEvent[] = [];
    await a.engine.push('localhost:5000/team/box:v1', { onProgress: (e) => again.push(e), auth });
    expect(again.filter((e) => e.status === 'Layer already exists')).toHaveLength(1);

    const b = makeHost({ registry: client });
    hosts.push(b);
    expect(isEngineError(await rejection(b.engine.pull('localhost:5000/team/box:v1')), 'unauthorized')).toBe(true);
    const pulled = await b.engine.pull('localhost:5000/team/box:v1', { auth });
    expect(pulled.Id).toBe((await a.engine.inspectImage('box')).Id);
    expect(pulled.RepoDigests).toEqual([`localhost:5000/team/box@${pushed.Digest}`]);
    expect((await run(b.engine, { Image: 'localhost:5000/team/box:v1', Cmd: ['echo', 'pulled'] })).stdout).toBe('pulled\n');
  });

  it('push -a sends every local tag of the repository and pull -a brings every tag back', async () => {
    const reg = new FakeRegistry();
    const client = new DistributionClient({ fetch: reg.fetch });
    const a = makeHost({ layout, registry: client });
    hosts.push(a);
    await a.engine.pull('box');
    const made = await run(a.engine, { Image: 'box', Cmd: ['sh', '-c', 'echo two > /version'] });
    await a.engine.commit(made.id, { repo: 'localhost:5000/team/app', tag: '2' });
    await a.engine.tag('box', 'localhost:5000/team/app:1');
    await a.engine.tag('box', 'localhost:5000/team/other:1');
    const pushed: ProgressEvent[] = [];
    await a.engine.push('localhost:5000/team/app', { allTags: true, onProgress: (e) => pushed.push(e) });
    const pushLines = pushed.filter((e) => e.status).map((e) => e.status!);
    expect(pushLines.filter((l) => l.startsWith('The push refers to'))).toEqual(['The push refers to repository [localhost:5000/team/app]']);
    expect(pushLines.filter((l) => /^\d: digest: /.test(l)).map((l) => l[0])).toEqual(['1', '2']);
    expect(reg.manifests.has('team/other@1')).toBe(false);
    expect((await rejection(a.engine.push('localhost:5000/team/app:1', { allTags: true }))).message).toBe("tag can't be used with --all-tags/-a");

    const b = makeHost({ registry: client });
    hosts.push(b);
    const pulled: ProgressEvent[] = [];
    await b.engine.pull('localhost:5000/team/app', { allTags: true, onProgress: (e) => pulled.push(e) });
    const tags = (await b.engine.listImages()).flatMap((i) => i.RepoTags).sort();
    expect(tags).toEqual(['localhost:5000/team/app:1', 'localhost:5000/team/app:2']);
    expect(pulled.filter((e) => e.status?.startsWith('Status:')).map((e) => e.status)).toEqual(['Status: Downloaded newer image for localhost:5000/team/app']);
    expect((await run(b.engine, { Image: 'localhost:5000/team/app:2', Cmd: ['cat', '/version'] })).stdout).toBe('two\n');
    expect((await rejection(b.engine.pull('localhost:5000/team/app:1', { allTags: true }))).message).toBe("tag can't be used with --all-tags/-a");
  });

  it('refuses to push to the built-in registry', async () => {
    const a = makeHost({ layout });
    hosts.push(a);
    await a.engine.pull('box');
    expect((await rejection(a.engine.push('box'))).code).toBe('forbidden');
  });
});
