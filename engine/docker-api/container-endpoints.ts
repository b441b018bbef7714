/** Container endpoints other than the attached streams (attach-endpoints.ts). */
import type { ContainerSummary, WaitResult } from '../engine.ts';
import { EngineError } from '../errors.ts';
import { containerCreate, jsonBody } from './bodies.ts';
import { encodeFrame } from './frames.ts';
import { asEngineError } from './error-status.ts';
import { boolParam, filtersParam, intParam, optionalBool } from './query.ts';
import type { RouteContext } from './route-context.ts';
import { portFilter } from '../core/port-bindings.ts';
import { healthFilterMatches } from '../core/health-config.ts';
import { labelsMatch } from '../core/label-filter.ts';

export const MULTIPLEXED_STREAM = 'application/vnd.docker.multiplexed-stream';
export const RAW_STREAM = 'application/vnd.docker.raw-stream';

export async function create({ engine, reply, request }: RouteContext): Promise<void> {
  const name = request.query.get('name') || undefined;
  const options = containerCreate(await jsonBody(request), name);
  await reply.json(201, await engine.createContainer(options));
}

/** Docker's `ps` filter keys: any other is Docker's "Invalid filter"; those we cannot answer yet are refused, never ignored. */
const PS_FILTERS = new Set(['ancestor', 'before', 'expose', 'exited', 'health', 'id', 'isolation', 'is-task', 'label', 'name', 'network', 'publish', 'since', 'status', 'volume']);
const PS_FILTERS_NOT_HERE = new Set(['before', 'since', 'isolation', 'is-task', 'volume']);

function containerFilter(filters: Map<string, string[]>): (c: ContainerSummary) => boolean {
  for (const key of filters.keys()) {
    if (!PS_FILTERS.has(key)) throw new EngineError('invalid-argument', `Invalid filter '${key}'`);
    if (PS_FILTERS_NOT_HERE.has(key)) throw new EngineError('invalid-argument', `the filter '${key}' is not supported by this engine yet`);
  }
  const accepts = (name: string, test: (value: string) => boolean) => {
    const wanted = filters.get(name);
    return !wanted || wanted.length === 0 || wanted.some(test);
  };
  // A bad health value is refused even when no container is listed.
  for (const v of filters.get('health') ?? []) healthFilterMatches(v, undefined);
  return (c) =>
    accepts('id', (v) => c.Id.startsWith(v)) &&
    accepts('name', (v) => c.Names.some((n) => n.slice(1).includes(v.replace(/^\//, '')))) &&
    accepts('status', (v) => c.State === v) &&
    accepts('exited', (v) => c.State === 'exited' && c.Status.startsWith(`Exited (${v})`)) &&
    accepts('ancestor', (v) => c.Image === v || c.ImageID === v || c.ImageID === `sha256:${v}`) &&
    labelsMatch(c.Labels, filters.get('label')) &&
    accepts('network', (v) => Object.entries(c.NetworkSettings?.Networks ?? {}).some(([name, e]) => name === v || (v !== '' && e.NetworkID.startsWith(v)))) &&
    accepts('publish', (v) => portFilter('publish', v)(c.Ports ?? [])) &&
    accepts('expose', (v) => portFilter('expose', v)(c.Ports ?? [])) &&
    accepts('health', (v) => healthFilterMatches(v, c.Health));
}

export async function list({ engine, reply, request }: RouteContext): Promise<void> {
  const filters = filtersParam(request.query);
  let all = boolParam(request.query, 'all');
  const limit = intParam(request.query, 'limit');
  // A status filter other than running implies all, as Docker's; so does a limit (`ps -n N`, `-l`: "includes all states").
  if ((filters.get('status') ?? []).some((s) => s !== 'running') || filters.has('exited') || (limit ?? 0) > 0) all = true;
  let out = (await engine.listContainers({ all, size: boolParam(request.query, 'size') })).filter(containerFilter(filters));
  if (limit !== undefined && limit > 0) out = out.slice(0, limit);
  await reply.json(200, out);
}

/** `POST /containers/{id}/rename?name=new` -> 204. */
export async function rename({ engine, reply, request, params }: RouteContext): Promise<void> {
  await engine.renameContainer(params[0], request.query.get('name') ?? '');
  reply.empty(204);
}

/** A field of Docker's update body that is set: a non-zero number, a non-empty string, list or object with anything set. */
function isSet(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.values(v as Record<string, unknown>).some(isSet);
  return true;
}

/**
 * `POST /containers/{id}/update` with Docker's UpdateConfig -> {Warnings}. Memory and MemorySwap
 * are taken; any other field set (CPU, restart policy, ...) is refused by name, never ignored.
 */
export async function update({ engine, reply, request, params }: RouteContext): Promise<void> {
  const body = (await jsonBody(request)) as Record<string, unknown> | null;
  const fields = body && typeof body === 'object' ? body : {};
  const others = Object.keys(fields).filter((k) => k !== 'Memory' && k !== 'MemorySwap' && isSet(fields[k]));
  if (others.length) throw new EngineError('invalid-argument', `this engine can update only the memory limit (--memory, --memory-swap), not ${others.join(', ')}`);
  const num = (k: string) => (typeof fields[k] === 'number' ? (fields[k] as number) : undefined);
  await reply.json(200, await engine.updateContainer(params[0], { Memory: num('Memory'), MemorySwap: num('MemorySwap') }));
}

/** `GET /containers/{id}/stats?stream=false` -> one StatsJSON; a stream (the CLI's live view) is refused in words. */
export async function stats({ engine, reply, request, params }: RouteContext): Promise<void> {
  if (optionalBool(request.query, 'stream') !== false && !boolParam(request.query, 'one-shot')) {
    throw new EngineError('invalid-argument', 'streaming stats is not supported by this engine yet: use docker stats --no-stream');
  }
  await reply.json(200, await engine.stats(params[0]));
}

/** `GET /containers/{id}/top?ps_args=` -> {Titles, Processes}. */
export async function top({ engine, reply, request, params }: RouteContext): Promise<void> {
  await reply.json(200, await engine.top(params[0], request.query.get('ps_args') ?? ''));
}

/** `GET /containers/{id}/export` -> the root file system as a tar. */
export async function exportTar({ engine, reply, params }: RouteContext): Promise<void> {
  await reply.bytes(200, 'application/x-tar', await engine.exportContainer(params[0]));
}

export async function inspect({ engine, reply, params }: RouteContext): Promise<void> {
  await reply.json(200, await engine.inspectContainer(params[0]));
}

export async function start({ engine, reply, params }: RouteContext): Promise<void> {
  await engine.startContainer(params[0]);
  reply.empty(204);
}

export async function stop({ engine, reply, params, request }: RouteContext): Promise<void> {
  const timeout = intParam(request.query, 't');
  await engine.stopContainer(params[0], timeout === undefined ? {} : { timeout });
  reply.empty(204);
}

export async function restart({ engine, reply, params, request }: RouteContext): Promise<void> {
  const timeout = intParam(request.query, 't');
  try {
    await engine.stopContainer(params[0], timeout === undefined ? {} : { timeout });
  } catch (e) {
    if (asEngineError(e).code !== 'not-modified') throw e;
  }
  await engine.startContainer(params[0]);
  reply.empty(204);
}

export async function kill({ engine, reply, params, request }: RouteContext): Promise<void> {
  const signal = request.query.get('signal') || undefined;
  await engine.killContainer(params[0], signal ? { signal } : {});
  reply.empty(204);
}

export async function remove({ engine, reply, params, request }: RouteContext): Promise<void> {
  if (boolParam(request.query, 'link')) throw new EngineError('invalid-argument', 'links are not supported by this engine');
  await engine.removeContainer(params[0], { force: boolParam(request.query, 'force'), volumes: boolParam(request.query, 'v') });
  reply.empty(204);
}

/**
 * `wait`: the 200 head goes out at once (the docker CLI waits for it before it sends `start`), the
 * body when the condition is met. A missing container is a plain 404 before the head.
 */
export async function wait({ engine, reply, params, request }: RouteContext): Promise<void> {
  const condition = request.query.get('condition') || 'not-running';
  if (condition !== 'not-running' && condition !== 'next-exit' && condition !== 'removed') {
    throw new EngineError('invalid-argument', `invalid condition: "${condition}"`);
  }
  const waiting = engine.waitContainer(params[0], condition);
  waiting.catch(() => {});
  // The inspect both answers 404 before the head and lets the wait register first.
  await engine.inspectContainer(params[0]);
  reply.begin(200, { 'Content-Type': 'application/json' });
  let result: WaitResult;
  try {
    result = await waiting;
  } catch (e) {
    result = { StatusCode: -1, Error: { Message: asEngineError(e).message } };
  }
  await reply.write(new TextEncoder().encode(JSON.stringify(result) + '\n'));
  reply.end();
}

/**
 * `logs`: frames (Tty=false) or raw bytes (Tty=true), `timestamps` prefixing each line with its
 * RFC 3339 time; with `follow` the stream stays open until the container exits.
 */
export async function logs({ engine, reply, params, request }: RouteContext): Promise<void> {
  const q = request.query;
  const stdout = boolParam(q, 'stdout');
  const stderr = boolParam(q, 'stderr');
  if (!stdout && !stderr) throw new EngineError('invalid-argument', 'Bad parameters: you must choose at least one stream');
  const container = await engine.inspectContainer(params[0]);
  const tty = container.Config.Tty;
  const tailText = q.get('tail');
  const tail = tailText === null || tailText === '' || tailText === 'all' ? 'all' : intParam(q, 'tail');
  const since = intParam(q, 'since');
  const timestamps = boolParam(q, 'timestamps');
  // `details`: the line's log attributes and a space; no container here has attributes (no --log-opt).
  const details = boolParam(q, 'details') ? ' ' : '';
  const follow = boolParam(q, 'follow');
  const encoder = new TextEncoder();
  reply.begin(200, { 'Content-Type': tty ? RAW_STREAM : MULTIPLEXED_STREAM });
  let chain = Promise.resolve();
  const send = (stream: 'stdout' | 'stderr', time: string, data: Uint8Array) => {
    let payload = data;
    if (timestamps || details) {
      const prefix = encoder.encode((timestamps ? time + ' ' : '') + details);
      payload = new Uint8Array(prefix.length + data.length);
      payload.set(prefix);
      payload.set(data, prefix.length);
    }
    const chunk = tty ? payload : encodeFrame(stream === 'stdout' ? 1 : 2, payload);
    chain = chain.then(() => reply.write(chunk)).catch(() => {});
  };
  const options = { stdout, stderr, follow, tail: tail ?? 'all', ...(since ? { since } : {}) } as const;
  try {
    if (follow) {
      await engine.logs(container.Id, { ...options, onEntry: (e) => send(e.stream, e.time, e.data) });
    } else {
      for (const e of await engine.logs(container.Id, options)) send(e.stream, e.time, e.data);
    }
  } finally {
    await chain;
    reply.end();
  }
}

export async function changes({ engine, reply, params }: RouteContext): Promise<void> {
  await reply.json(200, await engine.changes(params[0]));
}

export async function resize({ engine, reply, params, request }: RouteContext): Promise<void> {
  const rows = intParam(request.query, 'h') ?? 0;
  const cols = intParam(request.query, 'w') ?? 0;
  await engine.resizeContainer(params[0], rows, cols);
  reply.empty(200);
}

/** `POST /commit?container=&repo=&tag=&comment=&author=&changes=&pause=` -> 201 {Id}. */
export async function commit({ engine, reply, request }: RouteContext): Promise<void> {
  const q = request.query;
  const container = q.get('container');
  if (!container) throw new EngineError('invalid-argument', 'No container specified');
  await request.body(1024 * 1024); // the config body (Docker merges it): not supported beyond `changes`
  const changes = q.getAll('changes').flatMap((c) => c.split('\n')).filter((c) => c.trim() !== '');
  const options = {
    ...(q.get('repo') ? { repo: q.get('repo')! } : {}),
    ...(q.get('tag') ? { tag: q.get('tag')! } : {}),
    ...(q.get('comment') ? { comment: q.get('comment')! } : {}),
    ...(q.get('author') ? { author: q.get('author')! } : {}),
    ...(changes.length ? { changes } : {}),
    ...(optionalBool(q, 'pause') !== undefined ? { pause: optionalBool(q, 'pause') } : {}),
  };
  await reply.json(201, await engine.commit(container, options));
}
