import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../engine/errors.ts';
import type { ApiRequest, ApiResponse } from '../../../engine/docker-api/transport.ts';
import { MemoryBlobStore, MemoryMetadataStore } from '../../../engine/memory/index.ts';
import { sha256 } from '../../../engine/oci/digest.ts';
import { MediaType } from '../../../engine/oci/media-types.ts';
import { DistributionClient } from '../../../engine/registry/distribution-client.ts';
import { nextLink } from '../../../engine/registry/link-header.ts';
import { createRegistryApiHandler } from '../../../engine/registry/registry-api.ts';
import { StoreRegistry } from '../../../engine/registry/store-registry.ts';

const enc = (s: string) => new TextEncoder().encode(s);

interface Reply {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
  text: string;
  json: () => { errors?: { code: string; message: string }[] } & Record<string, unknown>;
}

function registry() {
  const blobs = new MemoryBlobStore();
  const store = new StoreRegistry({ blobs, metadata: new MemoryMetadataStore() });
  const handle = createRegistryApiHandler({ registry: store, name: '127.0.0.1:5000' });
  async function call(method: string, url: string, body: Uint8Array = new Uint8Array(0), headers: Record<string, string> = {}): Promise<Reply> {
    // The path as sent (no dot-segment resolution), as a host hands it over.
    const [path, query = ''] = url.split('?') as [string, string?];
    const req: ApiRequest = {
      method,
      path,
      query: new URLSearchParams(query),
      headers,
      body: async (max) => {
        if (body.length > max) throw new EngineError('resource-exhausted', `request body larger than ${max} bytes`);
        return body;
      },
    };
    let status = 0;
    let head: Record<string, string> = {};
    const parts: number[] = [];
    const res: ApiResponse = {
      status(code, h) {
        status = code;
        head = h;
      },
      write: async (chunk) => void parts.push(...chunk),
      end() {},
      hijack: () => Promise.reject(new Error('no')),
    };
    await handle(req, res);
    const bytes = new Uint8Array(parts);
    const text = new TextDecoder().decode(bytes);
    return { status, headers: head, body: bytes, text, json: () => JSON.parse(text) };
  }
  return { call, store, blobs };
}

function image(layerText = 'layer bytes') {
  const layer = enc(layerText);
  const config = enc(JSON.stringify({ architecture: 'wasm', os: 'wasi', rootfs: { type: 'layers', diff_ids: [sha256(layer)] }, config: {} }));
  const manifest = enc(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config: { mediaType: MediaType.ociConfig, digest: sha256(config), size: config.length },
      layers: [{ mediaType: MediaType.ociLayer, digest: sha256(layer), size: layer.length }],
    }),
  );
  return { layer, config, manifest };
}

const code = (r: Reply) => r.json().errors?.[0]?.code;

describe('registry API (/v2/)', () => {
  it('GET /v2/ answers with the API version header', async () => {
    const { call } = registry();
    const r = await call('GET', '/v2/');
    expect(r.status).toBe(200);
    expect(r.headers['Docker-Distribution-API-Version']).toBe('registry/2.0');
  });

  it('push (monolithic and chunked uploads, manifest by tag) then pull it back byte for byte', async () => {
    const { call } = registry();
    const img = image();
    // Monolithic: POST with ?digest=.
    const mono = await call('POST', `/v2/team/app/blobs/uploads/?digest=${sha256(img.config)}`, img.config);
    expect(mono.status).toBe(201);
    expect(mono.headers['Docker-Content-Digest']).toBe(sha256(img.config));
    // Chunked: POST, PATCH, PATCH, PUT ?digest=.
    const start = await call('POST', '/v2/team/app/blobs/uploads/');
    expect(start.status).toBe(202);
    const loc = start.headers.Location!;
    expect(loc).toMatch(/^\/v2\/team\/app\/blobs\/uploads\/[0-9a-f]{32}$/);
    expect(start.headers['Docker-Upload-UUID']).toBe(loc.split('/').pop());
    const p1 = await call('PATCH', loc, img.layer.slice(0, 5), { 'content-range': '0-4' });
    expect(p1.status).toBe(202);
    expect(p1.headers.Range).toBe('0-4');
    expect((await call('PATCH', loc, img.layer.slice(5), { 'content-range': `5-${img.layer.length - 1}` })).status).toBe(202);
    const done = await call('PUT', `${loc}?digest=${sha256(img.layer)}`);
    expect(done.status).toBe(201);
    expect(done.headers.Location).toBe(`/v2/team/app/blobs/${sha256(img.layer)}`);

    const put = await call('PUT', '/v2/team/app/manifests/1.0', img.manifest, { 'content-type': MediaType.ociManifest });
    expect(put.status).toBe(201);
    expect(put.headers['Docker-Content-Digest']).toBe(sha256(img.manifest));

    for (const ref of ['1.0', sha256(img.manifest)]) {
      const got = await call('GET', `/v2/team/app/manifests/${ref}`);
      expect(got.status).toBe(200);
      expect(got.headers['Content-Type']).toBe(MediaType.ociManifest);
      expect(got.headers['Docker-Content-Digest']).toBe(sha256(img.manifest));
      expect(got.headers['Content-Length']).toBe(String(img.manifest.length));
      expect(got.body).toEqual(img.manifest);
    }
    const head = await call('HEAD', '/v2/team/app/manifests/1.0');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(head.headers['Content-Length']).toBe(String(img.manifest.length));
    const blob = await call('GET', `/v2/team/app/blobs/${encodeURIComponent(sha256(img.layer))}`);
    expect(blob.status).toBe(200);
    expect(blob.body).toEqual(img.layer);
    expect((await call('HEAD', `/v2/team/app/blobs/${sha256(img.config)}`)).headers['Content-Length']).toBe(String(img.config.length));
    expect((await call('GET', '/v2/team/app/tags/list')).json()).toEqual({ name: 'team/app', tags: ['1.0'] });
  });

  it('a chunk out of order is 416; an unknown upload is BLOB_UPLOAD_UNKNOWN', async () => {
    const { call } = registry();
    const loc = (await call('POST', '/v2/app/blobs/uploads/')).headers.Location!;
    await call('PATCH', loc, enc('abc'), { 'content-range': '0-2' });
    const skip = await call('PATCH', loc, enc('xyz'), { 'content-range': '10-12' });
    expect(skip.status).toBe(416);
    expect((await call('PATCH', '/v2/app/blobs/uploads/0123456789abcdef0123456789abcdef', enc('a'))).status).toBe(404);
    expect(code(await call('PUT', '/v2/app/blobs/uploads/nope?digest=' + sha256(enc('a'))))).toBe('BLOB_UPLOAD_UNKNOWN');
    // Another repository cannot finish this upload.
    expect(code(await call('PUT', `${loc.replace('/v2/app/', '/v2/other/')}?digest=${sha256(enc('abc'))}`))).toBe('BLOB_UPLOAD_UNKNOWN');
  });

  it('a blob whose bytes do not match its digest is refused and nothing is stored (HOSTILE 13)', async () => {
    const { call, blobs } = registry();
    const claimed = sha256(enc('what was promised'));
    const mono = await call('POST', `/v2/app/blobs/uploads/?digest=${claimed}`, enc('something else'));
    expect(mono.status).toBe(400);
    expect(code(mono)).toBe('DIGEST_INVALID');
    const loc = (await call('POST', '/v2/app/blobs/uploads/')).headers.Location!;
    expect(code(await call('PUT', `${loc}?digest=${claimed}`, enc('something else')))).toBe('DIGEST_INVALID');
    expect(await blobs.has(sha256(enc('something else')))).toBe(false);
    const get = await call('GET', `/v2/app/blobs/${claimed}`);
    expect(get.status).toBe(404);
    expect(code(get)).toBe('BLOB_UNKNOWN');
  });

  it('a manifest naming a blob the repository lacks is refused; unknown manifests are MANIFEST_UNKNOWN', async () => {
    const { call } = registry();
    const img = image();
    await call('POST', `/v2/app/blobs/uploads/?digest=${sha256(img.config)}`, img.config);
    const r = await call('PUT', '/v2/app/manifests/1.0', img.manifest, { 'content-type': MediaType.ociManifest });
    expect(r.status).toBe(400);
    expect(code(r)).toBe('MANIFEST_BLOB_UNKNOWN');
    const missing = await call('GET', '/v2/app/manifests/1.0');
    expect(missing.status).toBe(404);
    expect(code(missing)).toBe('MANIFEST_UNKNOWN');
    expect(code(await call('GET', '/v2/app/tags/list'))).toBe('NAME_UNKNOWN');
  });

  it('refuses a manifest whose Content-Type is not its media type (HOSTILE 16), and one over 4 MiB with 413', async () => {
    const { call } = registry();
    const img = image();
    await call('POST', `/v2/app/blobs/uploads/?digest=${sha256(img.config)}`, img.config);
    await call('POST', `/v2/app/blobs/uploads/?digest=${sha256(img.layer)}`, img.layer);
    const wrongType = await call('PUT', '/v2/app/manifests/1.0', img.manifest, { 'content-type': MediaType.ociIndex });
    expect(wrongType.status).toBe(400);
    expect(code(wrongType)).toBe('MANIFEST_INVALID');
    const huge = await call('PUT', '/v2/app/manifests/big', new Uint8Array(4 * 1024 * 1024 + 1), { 'content-type': MediaType.ociManifest });
    expect(huge.status).toBe(413);
    expect((await call('GET', '/v2/app/tags/list')).status).toBe(404);
  });

  it('hostile names, digests and tags are refused before any lookup (HOSTILE 17)', async () => {
    const { call } = registry();
    for (const name of ['..%2Fetc', 'A/b', 'a//b', '../etc']) {
      expect(code(await call('GET', `/v2/${name}/tags/list`))).toBe('NAME_INVALID');
    }
    for (const d of ['sha256:..%2F..%2Fx', `sha256:${'A'.repeat(64)}`, `md5:${'a'.repeat(32)}`]) {
      expect(code(await call('GET', `/v2/app/blobs/${d}`))).toBe('DIGEST_INVALID');
      expect(code(await call('GET', `/v2/app/manifests/${d}`))).toBe('DIGEST_INVALID');
    }
    for (const tag of ['.x', 'a'.repeat(129)]) {
      const r = await call('PUT', `/v2/app/manifests/${tag}`, enc('{}'));
      expect(r.status).toBe(400);
      expect(code(r)).toBe('TAG_INVALID');
    }
  });
});

/** A registry holding one image under each of these tags of `app`. */
async function tagged(tags: string[]) {
  const r = registry();
  const img = image();
  await r.call('POST', `/v2/app/blobs/uploads/?digest=${sha256(img.config)}`, img.config);
  await r.call('POST', `/v2/app/blobs/uploads/?digest=${sha256(img.layer)}`, img.layer);
  for (const t of tags) expect((await r.call('PUT', `/v2/app/manifests/${t}`, img.manifest, { 'content-type': MediaType.ociManifest })).status).toBe(201);
  return r;
}

describe('tags/list pagination (distribution spec: n, last, Link rel="next")', () => {
  const TAGS = ['v3', '1.0', 'latest', 'v1', 'v2'];
  const SORTED = ['1.0', 'latest', 'v1', 'v2', 'v3'];

  it('pages of n in lexical order, each with a Link to the next, the last page without one', async () => {
    const { call } = await tagged(TAGS);
    const pages: string[][] = [];
    const links: (string | undefined)[] = [];
    let url: string | undefined = '/v2/app/tags/list?n=2';
    while (url) {
      const r = await call('GET', url);
      expect(r.status).toBe(200);
      pages.push((r.json() as { tags: string[] }).tags);
      links.push(r.headers.Link);
      url = nextLink(r.headers.Link ?? null);
    }
    expect(pages).toEqual([['1.0', 'latest'], ['v1', 'v2'], ['v3']]);
    expect(links).toEqual(['</v2/app/tags/list?n=2&last=latest>; rel="next"', '</v2/app/tags/list?n=2&last=v2>; rel="next"', undefined]);
  });

  it('without n every tag comes at once, after last if given; n=0 is an empty page; n equal to the rest has no next', async () => {
    const { call } = await tagged(TAGS);
    const all = await call('GET', '/v2/app/tags/list');
    expect(all.json()).toEqual({ name: 'app', tags: SORTED });
    expect(all.headers.Link).toBeUndefined();
    expect((await call('GET', '/v2/app/tags/list?last=v1')).json()).toEqual({ name: 'app', tags: ['v2', 'v3'] });
    const none = await call('GET', '/v2/app/tags/list?n=0');
    expect([none.json().tags, none.headers.Link]).toEqual([[], undefined]);
    const rest = await call('GET', '/v2/app/tags/list?n=3&last=latest');
    expect([rest.json().tags, rest.headers.Link]).toEqual([['v1', 'v2', 'v3'], undefined]);
  });

  it.each(['-1', 'ten', '1.5'])('n=%s is 400 PAGINATION_NUMBER_INVALID', async (n) => {
    const { call } = await tagged(['1']);
    const r = await call('GET', `/v2/app/tags/list?n=${n}`);
    expect([r.status, code(r)]).toEqual([400, 'PAGINATION_NUMBER_INVALID']);
  });
});

describe('DistributionClient.listTags follows Link pages', () => {
  /** fetch onto the registry handler; `page` makes it page every answer, as registries may. */
  async function client(tags: string[], rewrite: (url: URL, link?: string) => string | undefined = (_, l) => l, page = 2) {
    const { call } = await tagged(tags);
    const seen: string[] = [];
    const fetch = (async (input: RequestInfo | URL) => {
      const url = new URL(String(input));
      if (url.pathname.endsWith('/tags/list') && !url.searchParams.has('n')) url.searchParams.set('n', String(page));
      seen.push(url.pathname + url.search);
      const r = await call('GET', url.pathname + url.search);
      const headers = new Headers({ 'Content-Type': 'application/json' });
      const link = rewrite(url, r.headers.Link);
      if (link) headers.set('Link', link);
      return new Response(r.text, { status: r.status, headers });
    }) as typeof globalThis.fetch;
    return { client: new DistributionClient({ fetch }), seen };
  }

  it('gathers every page (relative links resolved against the registry)', async () => {
    const { client: c, seen } = await client(['v3', '1.0', 'latest', 'v1', 'v2']);
    expect(await c.listTags('127.0.0.1:5000', 'app')).toEqual(['1.0', 'latest', 'v1', 'v2', 'v3']);
    expect(seen).toEqual(['/v2/app/tags/list?n=2', '/v2/app/tags/list?n=2&last=latest', '/v2/app/tags/list?n=2&last=v2']);
  });

  it('an absolute link on the same registry is followed; one among other links too', async () => {
    const { client: c } = await client(['a', 'b', 'c'], (_, l) => l && `<http://127.0.0.1:5000/x>; rel="prev", ${l.replace('</v2', '<http://127.0.0.1:5000/v2')}`);
    expect(await c.listTags('127.0.0.1:5000', 'app')).toEqual(['a', 'b', 'c']);
  });

  it('a link to another host is refused: the token never leaves the registry', async () => {
    const { client: c, seen } = await client(['a', 'b', 'c'], (_, l) => l && l.replace('</v2', '<http://evil.example/v2'));
    await expect(c.listTags('127.0.0.1:5000', 'app')).rejects.toMatchObject({ code: 'invalid-content', message: 'registry 127.0.0.1:5000 linked the next page of tags to another host' });
    expect(seen).toHaveLength(1);
  });

  it('a registry linking back to a page it sent is not followed forever', async () => {
    const { client: c } = await client(['a', 'b', 'c'], (url) => `<${url.pathname}${url.search}>; rel="next"`);
    await expect(c.listTags('127.0.0.1:5000', 'app')).rejects.toMatchObject({ code: 'invalid-content', message: 'registry 127.0.0.1:5000 pages the tags of app without end' });
  });
});

describe('nextLink (RFC 8288)', () => {
  it.each([
    ['</v2/a/tags/list?n=2&last=b>; rel="next"', '/v2/a/tags/list?n=2&last=b'],
    ['<https://r.example/v2/a/tags/list?n=2&last=b>;rel=next', 'https://r.example/v2/a/tags/list?n=2&last=b'],
    ['</first>; rel="prev", </second>; rel="next"', '/second'],
    ['</x,y;z>; title="a"; rel="last next"', '/x,y;z'],
    ['</only>; rel="prev"', undefined],
    ['', undefined],
    ['garbage', undefined],
  ])('%s', (header, want) => {
    expect(nextLink(header)).toBe(want);
  });
});
