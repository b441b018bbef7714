/**
 * An OCI distribution registry as a fetch function, for the client's tests: manifests and blobs
 * in memory, monolithic and chunked uploads (416 on a chunk out of order, digest checked on PUT),
 * tags/list, and optionally the bearer token flow (a 401 with a challenge, a token service that
 * checks Basic credentials). `log` records "METHOD path" of every request.
 */
import { createHash } from 'node:crypto';

export interface FakeRegistryOptions {
  auth?: { username: string; password: string };
  /** Serve these bytes instead of the stored blob (a lying registry). */
  tamper?: (digest: string, bytes: Uint8Array) => Uint8Array;
}

const hex = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

export class FakeRegistry {
  readonly blobs = new Map<string, Uint8Array>();
  readonly manifests = new Map<string, { bytes: Uint8Array; type: string }>(); // "repo@ref"
  readonly log: string[] = [];
  readonly #uploads = new Map<string, Uint8Array>();
  #next = 0;
  readonly #token = 'tok-' + Math.random().toString(16).slice(2);

  constructor(private readonly options: FakeRegistryOptions = {}) {}

  fetch = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.toString() : input.url);
    const method = (init.method ?? 'GET').toUpperCase();
    const headers = new Headers(init.headers);
    this.log.push(`${method} ${url.pathname}${url.search}`);
    if (url.hostname === 'auth.test') return this.#tokenService(headers);
    const body = init.body ? new Uint8Array(init.body as ArrayBuffer) : new Uint8Array(0);
    const m = /^\/v2\/(.+?)\/(manifests|blobs|tags)\/(.*)$/.exec(url.pathname);
    if (url.pathname === '/v2/') return new Response('{}', { status: 200 });
    if (!m) return json(404, { errors: [{ code: 'NAME_UNKNOWN', message: 'repository name not known to registry' }] });
    const [, repo, kind, rest] = m;
    if (this.options.auth && headers.get('Authorization') !== `Bearer ${this.#token}`) {
      return new Response('', {
        status: 401,
        headers: { 'WWW-Authenticate': `Bearer realm="http://auth.test/token",service="fake",scope="repository:${repo}:${method === 'GET' || method === 'HEAD' ? 'pull' : 'pull,push'}"` },
      });
    }
    if (kind === 'manifests') return this.#manifest(method, repo, rest, body, headers);
    if (kind === 'tags') {
      const tags = [...this.manifests.keys()].filter((k) => k.startsWith(repo + '@') && !k.includes('@sha256:')).map((k) => k.slice(repo.length + 1));
      return json(200, { name: repo, tags: tags.sort() });
    }
    if (rest.startsWith('uploads/')) return this.#upload(method, repo, rest.slice('uploads/'.length), url, body, headers);
    const blob = this.blobs.get(rest);
    if (!blob) return json(404, { errors: [{ code: 'BLOB_UNKNOWN', message: 'blob unknown to registry' }] });
    const served = this.options.tamper ? this.options.tamper(rest, blob) : blob;
    return new Response(method === 'HEAD' ? null : new Uint8Array(served), { status: 200, headers: { 'Content-Length': String(served.length), 'Docker-Content-Digest': rest } });
  };

  #tokenService(headers: Headers): Response {
    const want = `Basic ${btoa(`${this.options.auth!.username}:${this.options.auth!.password}`)}`;
    if (headers.get('Authorization') !== want) return json(401, { errors: [{ code: 'UNAUTHORIZED' }] });
    return json(200, { token: this.#token });
  }

  #manifest(method: string, repo: string, ref: string, body: Uint8Array, headers: Headers): Response {
    if (method === 'PUT') {
      const type = headers.get('Content-Type') ?? '';
      const digest = `sha256:${hex(body)}`;
      this.manifests.set(`${repo}@${ref}`, { bytes: body, type });
      this.manifests.set(`${repo}@${digest}`, { bytes: body, type });
      return new Response(null, { status: 201, headers: { 'Docker-Content-Digest': digest, Location: `/v2/${repo}/manifests/${digest}` } });
    }
    const found = this.manifests.get(`${repo}@${ref}`);
    if (!found) return json(404, { errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }] });
    return new Response(method === 'HEAD' ? null : new Uint8Array(found.bytes), { status: 200, headers: { 'Content-Type': found.type, 'Docker-Content-Digest': `sha256:${hex(found.bytes)}` } });
  }

  #upload(method: string, repo: string, id: string, url: URL, body: Uint8Array, headers: Headers): Response {
    const digest = url.searchParams.get('digest');
    if (method === 'POST') {
      if (digest) return this.#finish(digest, body);
      const uuid = `u${++this.#next}`;
      this.#uploads.set(uuid, new Uint8Array(0));
      return new Response(null, { status: 202, headers: { Location: `/v2/${repo}/blobs/uploads/${uuid}?state=1`, Range: '0-0' } });
    }
    const current = this.#uploads.get(id);
    if (!current) return json(404, { errors: [{ code: 'BLOB_UPLOAD_UNKNOWN' }] });
    if (method === 'PATCH') {
      const range = /^(\d+)-(\d+)$/.exec(headers.get('Content-Range') ?? '');
      if (range && Number(range[1]) !== current.length) return new Response(null, { status: 416 });
      const next = new Uint8Array(current.length + body.length);
      next.set(current);
      next.set(body, current.length);
      this.#uploads.set(id, next);
      return new Response(null, { status: 202, headers: { Location: `/v2/${repo}/blobs/uploads/${id}?state=${next.length}`, Range: `0-${next.length - 1}` } });
    }
    if (method === 'PUT' && digest) {
      const all = new Uint8Array(current.length + body.length);
      all.set(current);
      all.set(body, current.length);
      this.#uploads.delete(id);
      return this.#finish(digest, all);
    }
    return json(405, { errors: [{ code: 'UNSUPPORTED' }] });
  }

  #finish(digest: string, bytes: Uint8Array): Response {
    if (`sha256:${hex(bytes)}` !== digest) return json(400, { errors: [{ code: 'DIGEST_INVALID', message: 'provided digest did not match uploaded content' }] });
    this.blobs.set(digest, bytes);
    return new Response(null, { status: 201, headers: { 'Docker-Content-Digest': digest } });
  }
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}
