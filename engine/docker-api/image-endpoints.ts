/** Image endpoints: pull, push, build, list, inspect, history, tag, remove, save, load, layers. */
import type { ImageSummary } from '../engine.ts';
import { referenceMatches } from '../core/reference-match.ts';
import { EngineError } from '../errors.ts';
import { namesTagOrDigest } from '../oci/reference.ts';
import { buildContext, MAX_CONTEXT_BYTES } from './build-context.ts';
import { boolParam, filtersParam, stringMapParam } from './query.ts';
import { decodeRegistryAuth } from './registry-auth.ts';
import { ProgressStream } from './replies.ts';
import type { RouteContext } from './route-context.ts';

/** What `docker load` may send. */
export const MAX_ARCHIVE_BYTES = 1024 * 1024 * 1024;

/** `fromImage` + `tag` as one reference; a tag that is a digest joins with `@`. */
export function pullReference(fromImage: string, tag: string | null): string {
  if (!tag) return fromImage;
  return tag.startsWith('sha256:') ? `${fromImage}@${tag}` : `${fromImage}:${tag}`;
}

/** Docker's rule for pull and push: no tag in the name nor in `tag` means every tag of the repository. */
function meansAllTags(name: string, tag: string | null): boolean {
  return !tag && !namesTagOrDigest(name);
}

/**
 * `POST /images/create?fromImage=&tag=` -> progress lines, with X-Registry-Auth's credentials for
 * the registry; with `fromSrc=-` it is `docker import` of the body (importImage).
 */
export async function pull(cx: RouteContext): Promise<void> {
  const { engine, reply, request } = cx;
  const q = request.query;
  if (q.get('fromSrc')) return importImage(cx);
  const fromImage = q.get('fromImage');
  if (!fromImage) throw new EngineError('invalid-argument', 'fromImage is required');
  const allTags = meansAllTags(fromImage, q.get('tag'));
  const progress = new ProgressStream(reply);
  try {
    await engine.pull(pullReference(fromImage, q.get('tag')), { onProgress: progress.send, allTags, auth: decodeRegistryAuth(request.headers['x-registry-auth']) });
  } catch (e) {
    return progress.fail(e);
  }
  await progress.finish();
}

/**
 * `POST /images/create?fromSrc=-&repo=&tag=&message=&changes=` with a tar body -> `{"status":"sha256:..."}`,
 * which the docker CLI prints. A URL to fetch the archive from is refused: an engine fetches nothing
 * a user names.
 */
async function importImage({ engine, reply, request }: RouteContext): Promise<void> {
  const q = request.query;
  if (q.get('fromSrc') !== '-') throw new EngineError('invalid-argument', 'importing from a URL is not supported by this engine: send the archive (docker import FILE or -)');
  const repo = q.get('repo');
  const reference = repo ? pullReference(repo, q.get('tag')) : undefined;
  const archive = await request.body(MAX_ARCHIVE_BYTES);
  const progress = new ProgressStream(reply);
  try {
    const id = await engine.importImage(archive, { reference, changes: q.getAll('changes').filter((c) => c !== ''), message: q.get('message') ?? '' });
    progress.send({ status: id });
  } catch (e) {
    return progress.fail(e);
  }
  await progress.finish();
}

/** `POST /images/{name}/push?tag=` -> progress lines ending with the aux {Tag, Digest, Size}. */
export async function push({ engine, reply, request, params }: RouteContext): Promise<void> {
  const allTags = meansAllTags(params[0], request.query.get('tag'));
  const progress = new ProgressStream(reply);
  try {
    const auth = decodeRegistryAuth(request.headers['x-registry-auth']);
    await engine.push(pullReference(params[0], request.query.get('tag')), { onProgress: progress.send, allTags, auth });
  } catch (e) {
    return progress.fail(e);
  }
  await progress.finish();
}

/**
 * `POST /build?t=&dockerfile=&buildargs=&labels=&nocache=&q=` with a tar context -> the legacy
 * builder's stream as the engine writes it (Step lines, `{"aux":{"ID":...}}`, "Successfully ...").
 */
export async function build({ engine, reply, request }: RouteContext): Promise<void> {
  const q = request.query;
  if (q.get('remote')) throw new EngineError('invalid-argument', 'remote build contexts are not supported by this engine');
  const tags = q.getAll('t').filter((t) => t !== '');
  const quiet = boolParam(q, 'q');
  const buildArgs = stringMapParam(q, 'buildargs');
  const labels = stringMapParam(q, 'labels');
  const { files: context, links } = await buildContext(await request.body(MAX_CONTEXT_BYTES));
  const progress = new ProgressStream(reply);
  try {
    const result = await engine.build({
      context,
      ...(Object.keys(links).length ? { links } : {}),
      ...(q.get('dockerfile') ? { dockerfile: q.get('dockerfile')! } : {}),
      ...(tags.length ? { tags } : {}),
      ...(buildArgs ? { buildArgs } : {}),
      ...(labels ? { labels } : {}),
      ...(q.get('target') ? { target: q.get('target')! } : {}),
      noCache: boolParam(q, 'nocache'),
      quiet,
      onProgress: quiet ? (e) => e.aux && progress.send({ aux: e.aux }) : progress.send,
    });
    // The engine's stream already ends as docker's classic builder does (aux ID, Successfully ...);
    // quiet leaves only the ID, which docker build -q prints.
    if (quiet) progress.send({ stream: `${result.ImageId}\n` });
  } catch (e) {
    return progress.fail(e);
  }
  await progress.finish();
}

function imageFilter(filters: Map<string, string[]>): (i: ImageSummary) => boolean {
  const dangling = filters.get('dangling')?.[0];
  const labels = filters.get('label') ?? [];
  const references = filters.get('reference') ?? [];
  return (i) =>
    (dangling === undefined || (dangling === 'true' || dangling === '1') === (i.RepoTags.length === 0)) &&
    labels.every((l) => {
      const eq = l.indexOf('=');
      return eq < 0 ? l in i.Labels : i.Labels[l.slice(0, eq)] === l.slice(eq + 1);
    }) &&
    (references.length === 0 || i.RepoTags.length + i.RepoDigests.length > 0);
}

/** Docker's `reference=` filter keeps an image with the tags and digests that match, and only those. */
function matchingReferences(filters: Map<string, string[]>): (i: ImageSummary) => ImageSummary {
  const patterns = filters.get('reference') ?? [];
  if (patterns.length === 0) return (i) => i;
  const keep = (ref: string) => patterns.some((p) => referenceMatches(p, ref));
  return (i) => ({ ...i, RepoTags: i.RepoTags.filter(keep), RepoDigests: i.RepoDigests.filter(keep) });
}

export async function list({ engine, reply, request }: RouteContext): Promise<void> {
  const filters = filtersParam(request.query);
  const images = await engine.listImages({ all: boolParam(request.query, 'all') });
  await reply.json(200, images.map(matchingReferences(filters)).filter(imageFilter(filters)));
}

export async function inspect({ engine, reply, params }: RouteContext): Promise<void> {
  await reply.json(200, await engine.inspectImage(params[0]));
}

export async function history({ engine, reply, params }: RouteContext): Promise<void> {
  await reply.json(200, await engine.history(params[0]));
}

/** The playground's layer view (not a Docker endpoint). */
export async function layers({ engine, reply, params }: RouteContext): Promise<void> {
  await reply.json(200, await engine.imageLayers(params[0]));
}

/** `POST /images/{name}/tag?repo=&tag=` -> 201. */
export async function tag({ engine, reply, request, params }: RouteContext): Promise<void> {
  const repo = request.query.get('repo');
  if (!repo) throw new EngineError('invalid-argument', 'repository name must have at least one component');
  await engine.tag(params[0], pullReference(repo, request.query.get('tag')));
  reply.empty(201);
}

export async function remove({ engine, reply, request, params }: RouteContext): Promise<void> {
  await reply.json(200, await engine.removeImage(params[0], { force: boolParam(request.query, 'force'), noprune: boolParam(request.query, 'noprune') }));
}

/** `GET /images/get?names=a&names=b` and `GET /images/{name}/get`: a tar docker load reads. */
export async function save({ engine, reply, request, params }: RouteContext): Promise<void> {
  const names = params.length ? [params[0]] : request.query.getAll('names').filter((n) => n !== '');
  if (names.length === 0) throw new EngineError('invalid-argument', 'no image names given');
  await reply.bytes(200, 'application/x-tar', await engine.saveImages(names));
}

/** `POST /images/load?quiet=` with a tar body -> `{"stream":"Loaded image: x:latest\n"}` lines. */
export async function load({ engine, reply, request }: RouteContext): Promise<void> {
  const archive = await request.body(MAX_ARCHIVE_BYTES);
  const progress = new ProgressStream(reply);
  try {
    await engine.loadImages(archive, { onProgress: progress.send });
  } catch (e) {
    return progress.fail(e);
  }
  await progress.finish();
}
