import { isEngineError } from '../errors.ts';
import { isDigest, sha256 } from '../oci/digest.ts';
import { isRepositoryPath, isTag } from '../oci/reference.ts';
import { MAX_DOCUMENT_SIZE } from '../oci/validate.ts';
import type { Digest } from '../ports.ts';
import type { ApiRequest, ApiResponse } from '../docker-api/transport.ts';
import type { StoreRegistry } from './store-registry.ts';

export interface RegistryApiOptions {
  /** Where manifests, tags and blobs are kept and verified. */
  registry: StoreRegistry;
  /** The registry's name in messages (`127.0.0.1:2377`). */
  name: string;
  /** Largest blob one upload may carry (uploads are held in memory until their PUT). Default 512 MiB. */
  maxBlobBytes?: number;
  /** Uploads open at once; the oldest is dropped past this. Default 32. */
  maxUploads?: number;
}

/** Error codes of the distribution spec that this registry answers with. */
export type RegistryErrorCode =
  | 'BLOB_UNKNOWN'
  | 'BLOB_UPLOAD_INVALID'
  | 'BLOB_UPLOAD_UNKNOWN'
  | 'DIGEST_INVALID'
  | 'MANIFEST_BLOB_UNKNOWN'
  | 'MANIFEST_INVALID'
  | 'MANIFEST_UNKNOWN'
  | 'NAME_INVALID'
  | 'NAME_UNKNOWN'
  | 'PAGINATION_NUMBER_INVALID'
  | 'SIZE_INVALID'
  | 'TAG_INVALID'
  | 'UNSUPPORTED';

class RegistryError extends Error {
  constructor(
    readonly status: number,
    readonly code: RegistryErrorCode,
    message: string,
  ) {
    super(message);
  }
}

interface Upload {
  repository: string;
  chunks: Uint8Array[];
  size: number;
}

const API_VERSION = { 'Docker-Distribution-API-Version': 'registry/2.0' };

/**
 * The OCI distribution API (`/v2/...`) over a StoreRegistry, on the same transport-neutral
 * request/response as the Docker API handler: any host that can route `/v2/` to it serves a registry.
 *
 * Contract: names, tags and digests are checked against engine/oci's rules before anything is
 * looked up (they are keys, never paths); manifests are stored byte for byte and every blob a
 * manifest names must already be in the repository; blob bytes are hashed against the digest of
 * the final PUT before anything is stored. Authentication is the host's business: it calls this
 * only for requests it has let through. The handler never rejects; every failure is an answer with
 * the spec's `{"errors":[{"code","message"}]}` body.
 */
export function createRegistryApiHandler(o: RegistryApiOptions): (request: ApiRequest, response: ApiResponse) => Promise<void> {
  const maxBlob = o.maxBlobBytes ?? 512 * 1024 * 1024;
  const maxUploads = o.maxUploads ?? 32;
  const uploads = new Map<string, Upload>();
  const reg = o.registry;

  function openUpload(repository: string): string {
    const id = randomId();
    uploads.set(id, { repository, chunks: [], size: 0 });
    // Map keeps insertion order: the first key is the oldest upload.
    while (uploads.size > maxUploads) uploads.delete(uploads.keys().next().value!);
    return id;
  }

  function upload(repository: string, id: string): Upload {
    const u = uploads.get(id);
    if (!u || u.repository !== repository) throw new RegistryError(404, 'BLOB_UPLOAD_UNKNOWN', `blob upload ${JSON.stringify(id.slice(0, 80))} unknown to registry`);
    return u;
  }

  async function append(req: ApiRequest, u: Upload): Promise<void> {
    const range = req.headers['content-range'];
    if (range !== undefined) {
      const m = /^(?:bytes[ =])?(\d+)-(\d+)$/.exec(range.trim());
      if (!m || Number(m[1]) !== u.size || Number(m[2]) < Number(m[1])) {
        throw new RegistryError(416, 'BLOB_UPLOAD_INVALID', `chunk ${JSON.stringify(range.slice(0, 60))} is out of order: the upload has ${u.size} bytes`);
      }
    }
    const chunk = await bodyOf(req, maxBlob - u.size, 'SIZE_INVALID', 'blob');
    if (range !== undefined && chunk.length !== Number(/(\d+)$/.exec(range.trim())![1]) - u.size + 1) {
      throw new RegistryError(416, 'BLOB_UPLOAD_INVALID', `chunk of ${chunk.length} bytes does not match Content-Range ${JSON.stringify(range.slice(0, 60))}`);
    }
    if (chunk.length) {
      u.chunks.push(chunk);
      u.size += chunk.length;
    }
  }

  async function finish(repository: string, digestParam: string | null, data: Uint8Array): Promise<Digest> {
    const digest = checkDigest(digestParam ?? '');
    const actual = sha256(data);
    if (actual !== digest) throw new RegistryError(400, 'DIGEST_INVALID', `provided digest ${digest} did not match uploaded content (${actual}, ${data.length} bytes): nothing stored`);
    await reg.putBlob(o.name, repository, { digest, size: data.length }, data);
    return digest;
  }

  function created(res: ApiResponse, repository: string, digest: Digest): void {
    res.status(201, { ...API_VERSION, Location: `/v2/${repository}/blobs/${digest}`, 'Docker-Content-Digest': digest, 'Content-Length': '0' });
    res.end();
  }

  function accepted(res: ApiResponse, repository: string, id: string, u: Upload, status = 202): void {
    res.status(status, {
      ...API_VERSION,
      Location: `/v2/${repository}/blobs/uploads/${id}`,
      'Docker-Upload-UUID': id,
      Range: `0-${Math.max(u.size - 1, 0)}`,
      'Content-Length': '0',
    });
    res.end();
  }

  async function route(req: ApiRequest, res: ApiResponse): Promise<void> {
    const method = req.method.toUpperCase();
    const head = method === 'HEAD';
    const path = req.path;
    if (path === '/v2' || path === '/v2/') {
      if (method !== 'GET' && !head) throw unsupported(method, path);
      return send(res, 200, {}, head ? undefined : new TextEncoder().encode('{}'), 'application/json');
    }
    let m: RegExpExecArray | null;
    if ((m = /^\/v2\/(.+)\/blobs\/uploads\/?$/.exec(path))) {
      const repository = checkName(m[1]!);
      if (method !== 'POST') throw unsupported(method, path);
      const digest = req.query.get('digest');
      if (digest !== null) return created(res, repository, await finish(repository, digest, await bodyOf(req, maxBlob, 'SIZE_INVALID', 'blob')));
      const id = openUpload(repository);
      return accepted(res, repository, id, uploads.get(id)!);
    }
    if ((m = /^\/v2\/(.+)\/blobs\/uploads\/([^/]+)$/.exec(path))) {
      const repository = checkName(m[1]!);
      const id = segment(m[2]!);
      const u = upload(repository, id);
      if (method === 'GET') return accepted(res, repository, id, u, 204);
      if (method === 'DELETE') {
        uploads.delete(id);
        res.status(204, API_VERSION);
        return res.end();
      }
      if (method === 'PATCH') {
        await append(req, u);
        return accepted(res, repository, id, u);
      }
      if (method === 'PUT') {
        try {
          await append(req, u);
          const data = join(u.chunks, u.size);
          return created(res, repository, await finish(repository, req.query.get('digest'), data));
        } finally {
          // Finished or failed, an upload is over: a client starts a new one after an error.
          uploads.delete(id);
        }
      }
      throw unsupported(method, path);
    }
    if ((m = /^\/v2\/(.+)\/blobs\/([^/]+)$/.exec(path))) {
      const repository = checkName(m[1]!);
      const digest = checkDigest(segment(m[2]!));
      if (method !== 'GET' && !head) throw unsupported(method, path);
      const data = await collect(await reg.getBlob(o.name, repository, { digest }));
      return send(res, 200, { 'Docker-Content-Digest': digest }, head ? undefined : data, 'application/octet-stream', data.length);
    }
    if ((m = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(path))) {
      const repository = checkName(m[1]!);
      const reference = checkReference(segment(m[2]!));
      if (method === 'PUT') {
        const bytes = await bodyOf(req, MAX_DOCUMENT_SIZE, 'MANIFEST_INVALID', 'manifest');
        const digest = sha256(bytes);
        const mediaType = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
        await reg.putManifest(o.name, repository, reference, { bytes, mediaType, digest });
        res.status(201, { ...API_VERSION, Location: `/v2/${repository}/manifests/${digest}`, 'Docker-Content-Digest': digest, 'Content-Length': '0' });
        return res.end();
      }
      if (method !== 'GET' && !head) throw unsupported(method, path);
      const manifest = await reg.getManifest(o.name, repository, reference);
      return send(res, 200, { 'Docker-Content-Digest': manifest.digest }, head ? undefined : manifest.bytes, manifest.mediaType, manifest.bytes.length);
    }
    if ((m = /^\/v2\/(.+)\/tags\/list$/.exec(path))) {
      const repository = checkName(m[1]!);
      if (method !== 'GET') throw unsupported(method, path);
      const page = tagsPage(await reg.listTags(o.name, repository), req.query.get('n'), req.query.get('last'));
      // A next page exists: its URL in an RFC 8288 Link header, the one signal that more follow.
      const link: Record<string, string> = page.next ? { Link: `</v2/${repository}/tags/list?n=${page.n}&last=${encodeURIComponent(page.next)}>; rel="next"` } : {};
      return send(res, 200, link, new TextEncoder().encode(JSON.stringify({ name: repository, tags: page.tags })), 'application/json');
    }
    throw new RegistryError(404, 'UNSUPPORTED', `no registry route ${method} ${path.slice(0, 200)}`);
  }

  return async (req, res) => {
    try {
      await route(req, res);
    } catch (e) {
      const err = asRegistryError(e);
      const body = new TextEncoder().encode(JSON.stringify({ errors: [{ code: err.code, message: err.message, detail: null }] }));
      try {
        res.status(err.status, { ...API_VERSION, 'Content-Type': 'application/json', 'Content-Length': String(body.length) });
        if (req.method.toUpperCase() !== 'HEAD') await res.write(body);
        res.end();
      } catch {
        // The head had gone out already: nothing more can be said on this response.
        res.end();
      }
    }
  };
}

/** The spec's answer for the engine's errors (StoreRegistry speaks EngineError). */
function asRegistryError(e: unknown): RegistryError {
  if (e instanceof RegistryError) return e;
  if (!isEngineError(e)) return new RegistryError(500, 'UNSUPPORTED', `internal error: ${e instanceof Error ? e.message : String(e)}`);
  const msg = e.message;
  switch (e.code) {
    case 'not-found':
      if (/name unknown/.test(msg)) return new RegistryError(404, 'NAME_UNKNOWN', msg);
      if (/^blob /.test(msg)) return new RegistryError(404, 'BLOB_UNKNOWN', msg);
      return new RegistryError(404, 'MANIFEST_UNKNOWN', msg);
    case 'invalid-content':
      // StoreRegistry's words for a manifest naming something the repository lacks.
      if (/^manifest blob unknown/.test(msg)) return new RegistryError(400, 'MANIFEST_BLOB_UNKNOWN', msg);
      return new RegistryError(400, 'MANIFEST_INVALID', msg);
    case 'invalid-argument':
      if (/^invalid tag/.test(msg)) return new RegistryError(400, 'TAG_INVALID', msg);
      if (/^invalid digest/.test(msg)) return new RegistryError(400, 'DIGEST_INVALID', msg);
      if (/^invalid repository/.test(msg)) return new RegistryError(400, 'NAME_INVALID', msg);
      return new RegistryError(400, 'MANIFEST_INVALID', msg);
    case 'resource-exhausted':
      return new RegistryError(413, 'SIZE_INVALID', msg);
    default:
      return new RegistryError(500, 'UNSUPPORTED', msg);
  }
}

function unsupported(method: string, path: string): RegistryError {
  return new RegistryError(405, 'UNSUPPORTED', `${method} is not supported on ${path.slice(0, 200)}`);
}

/** One path segment, percent-decoded (clients may send `sha256%3A...`). */
function segment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function checkName(raw: string): string {
  const name = segment(raw);
  if (!isRepositoryPath(name)) {
    throw new RegistryError(400, 'NAME_INVALID', `invalid repository name ${JSON.stringify(name.slice(0, 260))}: lowercase letters, digits and separators, components joined by "/"`);
  }
  return name;
}

function checkDigest(s: string): Digest {
  if (!isDigest(s)) throw new RegistryError(400, 'DIGEST_INVALID', `invalid digest ${JSON.stringify(s.slice(0, 100))}: expected "sha256:" followed by 64 lowercase hex digits`);
  return s;
}

/** A manifest reference: a digest when it has an algorithm, a tag otherwise. */
function checkReference(s: string): string {
  if (s.includes(':')) return checkDigest(s);
  if (!isTag(s)) throw new RegistryError(400, 'TAG_INVALID', `invalid tag ${JSON.stringify(s.slice(0, 130))}: letters, digits, "_", "." and "-", not starting with "." or "-", at most 128`);
  return s;
}

async function bodyOf(req: ApiRequest, max: number, code: RegistryErrorCode, what: string): Promise<Uint8Array> {
  try {
    return await req.body(Math.max(max, 0));
  } catch (e) {
    if (isEngineError(e, 'resource-exhausted')) throw new RegistryError(413, code, `${what} larger than ${max} bytes`);
    throw e;
  }
}

/**
 * One page of `tags/list`, as the distribution spec pages it: tags in lexical order, those after
 * `last`, at most `n` of them; `next` is the tag to continue after when more remain (with `n`
 * only: without it every tag is in the one answer). `n=0` is an empty page with nothing after.
 */
export function tagsPage(all: readonly string[], n: string | null, last: string | null): { tags: string[]; n?: number; next?: string } {
  let tags = [...all].sort();
  if (last !== null && last !== '') tags = tags.filter((t) => t > last);
  if (n === null || n === '') return { tags };
  if (!/^\d+$/.test(n)) throw new RegistryError(400, 'PAGINATION_NUMBER_INVALID', `invalid number of results requested: ${JSON.stringify(n.slice(0, 20))}`);
  const count = Number(n);
  const page = tags.slice(0, count);
  return { tags: page, n: count, ...(count > 0 && tags.length > count ? { next: page[page.length - 1] } : {}) };
}

async function send(res: ApiResponse, status: number, headers: Record<string, string>, body: Uint8Array | undefined, contentType: string, length = body?.length ?? 0): Promise<void> {
  res.status(status, { ...API_VERSION, ...headers, 'Content-Type': contentType, 'Content-Length': String(length) });
  if (body && body.length) await res.write(body);
  res.end();
}

async function collect(it: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let n = 0;
  for await (const p of it) {
    parts.push(p);
    n += p.length;
  }
  return join(parts, n);
}

function join(parts: Uint8Array[], size: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function randomId(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

