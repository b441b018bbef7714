/** `_ping`, `version`, `info`, `system df`, `events`, and prune (our extension: one call, the engine's rule). */
import type { EngineEvent } from '../engine.ts';
import { EngineError } from '../errors.ts';
import { jsonLine } from './json-stream.ts';
import { boolParam, filtersParam } from './query.ts';
import type { RouteContext } from './route-context.ts';

const encoder = new TextEncoder();

/** The headers docker reads from a ping: API version, OS, and the legacy builder (not BuildKit). */
export async function ping({ engine, reply, request }: RouteContext): Promise<void> {
  const body = encoder.encode(await engine.ping());
  reply.begin(200, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': String(body.length),
    'Cache-Control': 'no-cache, no-store, must-revalidate',
    Pragma: 'no-cache',
    'Builder-Version': '1',
    Swarm: 'inactive',
  });
  if (request.method !== 'HEAD') await reply.write(body);
  reply.end();
}

/** The docker CLI prints the Engine component's Details (Go version, commit, OS/Arch): fill them from the top level. */
export async function version({ engine, reply }: RouteContext): Promise<void> {
  const v = await engine.version();
  const details = { GitCommit: v.GitCommit, GoVersion: v.GoVersion, Os: v.Os, Arch: v.Arch, KernelVersion: v.KernelVersion, BuildTime: v.BuildTime, Experimental: 'false' };
  const components = (v.Components ?? [{ Name: 'Engine', Version: v.Version }]).map((c) => (c.Name === 'Engine' ? { ...c, Details: { ...details, ...c.Details } } : c));
  await reply.json(200, { ...v, Components: components });
}

export async function info({ engine, reply }: RouteContext): Promise<void> {
  await reply.json(200, await engine.info());
}

export async function diskUsage({ engine, reply }: RouteContext): Promise<void> {
  await reply.json(200, await engine.diskUsage());
}

export async function prune({ engine, reply, request }: RouteContext): Promise<void> {
  await reply.json(200, await engine.prune({ all: boolParam(request.query, 'all'), volumes: boolParam(request.query, 'volumes') }));
}

function matches(event: EngineEvent, filters: Map<string, string[]>): boolean {
  const accepts = (name: string, ...values: Array<string | undefined>) => {
    const wanted = filters.get(name);
    return !wanted || wanted.length === 0 || values.some((v) => v !== undefined && wanted.includes(v));
  };
  const a = event.Actor;
  return (
    accepts('type', event.Type) &&
    accepts('event', event.Action, event.Action.split(':')[0]) &&
    (event.Type !== 'container' || accepts('container', a.ID, a.Attributes.name)) &&
    (event.Type !== 'image' || accepts('image', a.ID, a.Attributes.name)) &&
    (event.Type !== 'volume' || accepts('volume', a.ID))
  );
}

/**
 * `GET /events`: with `since` or `until` (unix seconds as the CLI sends them, `1700000000.5`), the
 * events the engine kept between them first, as Docker's daemon (all it kept, for `until` alone);
 * then live events from the moment of the call (the head goes out once the subscription is in
 * place, so a client that saw it misses nothing after), until `until` - at once if that has passed
 * - or until the client leaves.
 */
export async function events({ engine, reply, request }: RouteContext): Promise<void> {
  const filters = filtersParam(request.query);
  const since = timestampParam(request.query, 'since');
  const until = timestampParam(request.query, 'until');
  // Kept events are handed over while subscribing, before the head is out: they wait for it.
  let headSent = () => {};
  let chain = new Promise<void>((resolve) => (headSent = resolve));
  let finish = () => {};
  const done = new Promise<void>((resolve) => (finish = resolve));
  const history = since !== undefined || until !== undefined ? { since: since ?? 0 } : {};
  const off = await engine.events((event) => {
    if (!matches(event, filters) || (until !== undefined && event.timeNano / 1e9 > until)) return;
    const line = jsonLine({ ...event, scope: 'local' });
    chain = chain.then(() => reply.write(line)).catch(() => {});
  }, history);
  reply.begin(200, { 'Content-Type': 'application/json' });
  headSent();
  let timer: ReturnType<typeof setTimeout> | undefined;
  if (until !== undefined) timer = setTimeout(finish, Math.max(0, until * 1000 - Date.now()));
  if (request.signal?.aborted) finish();
  request.signal?.addEventListener('abort', () => finish(), { once: true });
  await done;
  if (timer) clearTimeout(timer);
  off();
  await chain;
  reply.end();
}

/** Docker's timestamp parameter: unix seconds with an optional fraction. */
function timestampParam(query: URLSearchParams, name: string): number | undefined {
  const v = query.get(name);
  if (v === null || v === '') return undefined;
  if (!/^-?\d+(\.\d{1,9})?$/.test(v)) throw new EngineError('invalid-argument', `invalid value for ${name}: ${JSON.stringify(v)} is not a unix timestamp`);
  return Number(v);
}
