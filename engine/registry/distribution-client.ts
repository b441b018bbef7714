import { EngineError } from '../errors.ts';
import { DigestVerifier, isDigest, sha256 } from '../oci/digest.ts';
import { INDEX_MEDIA_TYPES, MANIFEST_MEDIA_TYPES } from '../oci/media-types.ts';
import { MAX_DOCUMENT_SIZE } from '../oci/validate.ts';
import type { BlobClaim, Digest, FetchedManifest, RegistryAuth, RegistryClient } from '../ports.ts';
import { nextLink } from './link-header.ts';
import { parseChallenge } from './www-authenticate.ts';

export interface DistributionClientOptions {
  /** The fetch to use (the platform's by default; tests pass a fake registry). */
  fetch?: typeof fetch;
  /** http for loopback registries (localhost, 127.0.0.1, [::1]), https otherwise, unless this says. */
  scheme?: (registry: string) => 'http' | 'https';
  /** What to answer a registry's challenge with; per pull or push through `withAuth`. */
  auth?: RegistryAuth;
  /** Blobs larger than this are uploaded in PATCH chunks of this size; smaller ones in one request. */
  chunkSize?: number;
}

const ACCEPT = [...MANIFEST_MEDIA_TYPES, ...INDEX_MEDIA_TYPES].join(', ');

/** Pages of one tag list a registry may send (at its usual 100 a page, 100 000 tags). */
const MAX_TAG_PAGES = 1000;

function isLoopback(registry: string): boolean {
  const host = registry.replace(/:\d+$/, '');
  return host === 'localhost' || host === '127.0.0.1' || host === '[::1]';
}

/**
 * An OCI distribution client over fetch: the /v2/ API, the bearer token flow on a 401 (and Basic
 * when the challenge asks for it), monolithic and chunked blob uploads. Every manifest and blob is
 * checked against the digest it was asked by - our hash, never the Docker-Content-Digest header -
 * and a blob body is cut off once it runs past its declared size.
 */
export class DistributionClient implements RegistryClient {
  readonly #fetch: typeof fetch;
  readonly #scheme: (registry: string) => 'http' | 'https';
  readonly #options: DistributionClientOptions;
  readonly #chunkSize: number;
  readonly #tokens = new Map<string, string>();

  constructor(options: DistributionClientOptions = {}) {
    this.#options = options;
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#scheme = options.scheme ?? ((r) => (isLoopback(r) ? 'http' : 'https'));
    this.#chunkSize = options.chunkSize ?? 8 * 1024 * 1024;
  }

  withAuth(auth: RegistryAuth): DistributionClient {
    return new DistributionClient({ ...this.#options, auth });
  }

  #url(registry: string, path: string): string {
    return `${this.#scheme(registry)}://${registry}${path}`;
  }

  /** One request with the auth flow: on a 401 get a token for the challenge, then retry once. */
  async #request(registry: string, scope: string, url: string, init: RequestInit = {}): Promise<Response> {
    const send = (auth?: string) => {
      const headers = new Headers(init.headers);
      if (auth) headers.set('Authorization', auth);
      return this.#fetch(url, { ...init, headers }).catch((e: unknown) => {
        throw new EngineError('unavailable', `registry ${registry} is unreachable: ${e instanceof Error ? e.message : String(e)}`);
      });
    };
    const cached = this.#tokens.get(`${registry} ${scope}`);
    let response = await send(cached);
    if (response.status !== 401) return response;
    const challenge = parseChallenge(response.headers.get('WWW-Authenticate'));
    await response.body?.cancel();
    const creds = this.#options.auth;
    let auth: string | undefined;
    if (challenge?.scheme === 'bearer' && challenge.params.realm) auth = `Bearer ${await this.#token(registry, challenge.params, scope, creds)}`;
    else if (challenge?.scheme === 'basic' && creds) auth = `Basic ${btoa(`${creds.username}:${creds.password}`)}`;
    if (!auth) throw new EngineError('unauthorized', `authentication required by registry ${registry}`);
    this.#tokens.set(`${registry} ${scope}`, auth);
    response = await send(auth);
    if (response.status === 401) throw new EngineError('unauthorized', `registry ${registry} refused the credentials (unauthorized)`);
    return response;
  }

  async #token(registry: string, params: Record<string, string>, scope: string, creds?: RegistryAuth): Promise<string> {
    const url = new URL(params.realm);
    if (params.service) url.searchParams.set('service', params.service);
    url.searchParams.set('scope', params.scope ?? scope);
    const headers = new Headers();
    if (creds) headers.set('Authorization', `Basic ${btoa(`${creds.username}:${creds.password}`)}`);
    let response: Response;
    try {
      response = await this.#fetch(url.toString(), { headers });
    } catch (e) {
      throw new EngineError('unavailable', `token service of ${registry} is unreachable: ${(e as Error).message}`);
    }
    if (!response.ok) throw new EngineError('unauthorized', `token service of ${registry} answered ${response.status}`);
    const body = (await response.json().catch(() => ({}))) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw new EngineError('unauthorized', `token service of ${registry} gave no token`);
    return token;
  }

  async #fail(response: Response, what: string): Promise<never> {
    let detail = '';
    try {
      const body = (await response.json()) as { errors?: Array<{ code?: string; message?: string }> };
      const e = body.errors?.[0];
      if (e) detail = `: ${e.message ?? e.code ?? ''}`.replace(/: $/, '');
    } catch {
      // not a distribution error body
    }
    const status = response.status;
    const message = `${what}: ${status === 404 ? 'not found' : `registry answered ${status}`}${detail}`;
    if (status === 404) throw new EngineError('not-found', message);
    if (status === 401) throw new EngineError('unauthorized', message);
    if (status === 403) throw new EngineError('forbidden', message);
    if (status === 413) throw new EngineError('resource-exhausted', message);
    if (status >= 500) throw new EngineError('unavailable', message);
    throw new EngineError('invalid-argument', message);
  }

  async getManifest(registry: string, repository: string, reference: string): Promise<FetchedManifest> {
    const pull = `repository:${repository}:pull`;
    const response = await this.#request(registry, pull, this.#url(registry, `/v2/${repository}/manifests/${reference}`), { headers: { Accept: ACCEPT } });
    if (!response.ok) return this.#fail(response, `manifest for ${repository}:${reference}`);
    const bytes = await readLimited(response, MAX_DOCUMENT_SIZE, `manifest ${repository}:${reference}`);
    const mediaType = (response.headers.get('Content-Type') ?? '').split(';')[0].trim();
    // A web server that is not a registry (a site's fallback page): say so, not a JSON parse error later.
    if (mediaType === 'text/html' || new TextDecoder().decode(bytes.subarray(0, 64)).trimStart().startsWith('<')) {
      throw new EngineError('invalid-content', `manifest for ${registry}/${repository}:${reference}: ${registry} answered with a web page, not a manifest (it does not serve the registry API)`);
    }
    const digest = sha256(bytes);
    if (isDigest(reference) && digest !== reference) throw new EngineError('invalid-content', `manifest digest mismatch: expected ${reference}, got ${digest}`);
    return { bytes, mediaType, digest };
  }

  async getBlob(registry: string, repository: string, claim: BlobClaim): Promise<AsyncIterable<Uint8Array>> {
    const response = await this.#request(registry, `repository:${repository}:pull`, this.#url(registry, `/v2/${repository}/blobs/${claim.digest}`));
    if (!response.ok) return this.#fail(response, `blob ${claim.digest}`);
    const verifier = new DigestVerifier(claim.size === undefined ? claim.digest : { mediaType: '', digest: claim.digest, size: claim.size });
    const body = response.body;
    return (async function* () {
      if (!body) {
        verifier.verify();
        return;
      }
      const reader = body.getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          verifier.update(value);
          yield value;
        }
        verifier.verify();
      } finally {
        await reader.cancel().catch(() => {});
      }
    })();
  }

  async hasBlob(registry: string, repository: string, digest: Digest): Promise<boolean> {
    const response = await this.#request(registry, `repository:${repository}:pull`, this.#url(registry, `/v2/${repository}/blobs/${digest}`), { method: 'HEAD' });
    if (response.status === 404) return false;
    if (response.ok) return true;
    return this.#fail(response, `blob ${digest}`);
  }

  async putBlob(registry: string, repository: string, claim: BlobClaim, data: Uint8Array): Promise<void> {
    const scope = `repository:${repository}:pull,push`;
    const uploads = this.#url(registry, `/v2/${repository}/blobs/uploads/`);
    if (data.length <= this.#chunkSize) {
      const response = await this.#request(registry, scope, `${uploads}?digest=${claim.digest}`, { method: 'POST', body: asBody(data), headers: { 'Content-Type': 'application/octet-stream' } });
      if (response.status === 201) return;
      if (response.status !== 202) return this.#fail(response, `upload of ${claim.digest}`);
      // The registry opened a session instead of taking the blob in one POST: finish with a PUT.
      const location = this.#location(registry, response);
      const put = await this.#request(registry, scope, withDigest(location, claim.digest), { method: 'PUT', body: asBody(data), headers: { 'Content-Type': 'application/octet-stream' } });
      if (put.status !== 201) return this.#fail(put, `upload of ${claim.digest}`);
      return;
    }
    const start = await this.#request(registry, scope, uploads, { method: 'POST' });
    if (start.status !== 202) return this.#fail(start, `upload of ${claim.digest}`);
    let location = this.#location(registry, start);
    for (let offset = 0; offset < data.length; offset += this.#chunkSize) {
      const chunk = data.subarray(offset, Math.min(data.length, offset + this.#chunkSize));
      const patch = await this.#request(registry, scope, location, {
        method: 'PATCH',
        body: asBody(chunk),
        headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': `${offset}-${offset + chunk.length - 1}`, 'Content-Length': String(chunk.length) },
      });
      if (patch.status !== 202) return this.#fail(patch, `upload of ${claim.digest}`);
      location = this.#location(registry, patch);
    }
    const done = await this.#request(registry, scope, withDigest(location, claim.digest), { method: 'PUT' });
    if (done.status !== 201) return this.#fail(done, `upload of ${claim.digest}`);
  }

  #location(registry: string, response: Response): string {
    const location = response.headers.get('Location');
    if (!location) throw new EngineError('invalid-content', `registry ${registry} opened an upload without a Location`);
    return new URL(location, this.#url(registry, '/')).toString();
  }

  async putManifest(registry: string, repository: string, reference: string, manifest: FetchedManifest): Promise<void> {
    const response = await this.#request(registry, `repository:${repository}:pull,push`, this.#url(registry, `/v2/${repository}/manifests/${reference}`), {
      method: 'PUT',
      body: asBody(manifest.bytes),
      headers: { 'Content-Type': manifest.mediaType },
    });
    if (response.status !== 201) return this.#fail(response, `manifest ${repository}:${reference}`);
  }

  /** Every tag of a repository, following the registry's `Link: <...>; rel="next"` pages. */
  async listTags(registry: string, repository: string): Promise<string[]> {
    const tags: string[] = [];
    let url = this.#url(registry, `/v2/${repository}/tags/list`);
    const seen = new Set<string>();
    for (;;) {
      // A registry that links back to a page it sent, or pages without end, is not followed forever.
      if (seen.has(url) || seen.size >= MAX_TAG_PAGES) throw new EngineError('invalid-content', `registry ${registry} pages the tags of ${repository} without end`);
      seen.add(url);
      const response = await this.#request(registry, `repository:${repository}:pull`, url);
      if (!response.ok) return this.#fail(response, `tags of ${repository}`);
      const link = nextLink(response.headers.get('Link'));
      let body: { tags?: unknown };
      try {
        body = JSON.parse(new TextDecoder().decode(await readLimited(response, MAX_DOCUMENT_SIZE, `the tag list of ${repository}`))) as { tags?: unknown };
      } catch (e) {
        if (e instanceof EngineError) throw e;
        throw new EngineError('invalid-content', `registry ${registry} sent a tag list of ${repository} that is not JSON`);
      }
      if (Array.isArray(body?.tags)) tags.push(...body.tags.filter((t): t is string => typeof t === 'string'));
      if (link === undefined) return tags;
      const next = new URL(link, url);
      // The token for this registry goes with the request: never to another host.
      if (next.origin !== new URL(url).origin) throw new EngineError('invalid-content', `registry ${registry} linked the next page of tags to another host`);
      url = next.href;
    }
  }
}

/** fetch takes bytes backed by an ArrayBuffer (not a SharedArrayBuffer): copy only when needed. */
function asBody(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
}

function withDigest(location: string, digest: Digest): string {
  return `${location}${location.includes('?') ? '&' : '?'}digest=${encodeURIComponent(digest)}`;
}

async function readLimited(response: Response, max: number, what: string): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let n = 0;
  const reader = response.body?.getReader();
  if (!reader) return new Uint8Array(0);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    n += value.length;
    if (n > max) {
      await reader.cancel();
      throw new EngineError('resource-exhausted', `${what} is larger than ${max} bytes`);
    }
    parts.push(value);
  }
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
