/** `docker cp`'s routes: HEAD (stat), GET (archive) and PUT (extract) of /containers/{id}/archive?path=. */
import type { PathStat } from '../engine.ts';
import { EngineError } from '../errors.ts';
import { MAX_ARCHIVE_BYTES } from './image-endpoints.ts';
import { boolParam } from './query.ts';
import type { RouteContext } from './route-context.ts';

export const PATH_STAT_HEADER = 'X-Docker-Container-Path-Stat';

/** The header's value: standard base64 of the stat's JSON, as Docker's daemon writes it. */
export function encodePathStat(stat: PathStat): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(JSON.stringify(stat))) binary += String.fromCharCode(byte);
  return btoa(binary);
}

export function decodePathStat(header: string | null | undefined): PathStat {
  if (!header) throw new EngineError('internal', `the answer has no ${PATH_STAT_HEADER} header`);
  const binary = atob(header);
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)))) as PathStat;
}

/** An empty path is the engine's to refuse, in Docker's words. */
function pathParam(query: URLSearchParams): string {
  const path = query.get('path');
  return path ?? '';
}

export async function stat({ engine, reply, request, params }: RouteContext): Promise<void> {
  const s = await engine.statPath(params[0], pathParam(request.query));
  reply.begin(200, { [PATH_STAT_HEADER]: encodePathStat(s), 'Content-Length': '0' });
  reply.end();
}

export async function get({ engine, reply, request, params }: RouteContext): Promise<void> {
  const { stat: s, archive } = await engine.getArchive(params[0], pathParam(request.query));
  reply.begin(200, { [PATH_STAT_HEADER]: encodePathStat(s), 'Content-Type': 'application/x-tar', 'Content-Length': String(archive.length) });
  await reply.write(archive);
  reply.end();
}

/** `copyUIDGID` asks for the archive's owners: every file of this engine is root's, so there is nothing else to keep. */
export async function put({ engine, reply, request, params }: RouteContext): Promise<void> {
  const path = pathParam(request.query);
  const archive = await request.body(MAX_ARCHIVE_BYTES);
  await engine.putArchive(params[0], path, archive, { noOverwriteDirNonDir: boolParam(request.query, 'noOverwriteDirNonDir') });
  reply.empty(200);
}
