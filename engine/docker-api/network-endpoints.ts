/** `docker network`: create, list, inspect, remove, connect, disconnect, prune. */
import { EngineError } from '../errors.ts';
import { jsonBody, networkConnect, networkCreate, networkDisconnect } from './bodies.ts';
import { filtersParam } from './query.ts';
import type { RouteContext } from './route-context.ts';

function filtersObject(query: URLSearchParams): Record<string, string[]> {
  return Object.fromEntries(filtersParam(query));
}

export async function list({ engine, reply, request }: RouteContext): Promise<void> {
  await reply.json(200, await engine.listNetworks({ filters: filtersObject(request.query) }));
}

export async function inspect({ engine, reply, params }: RouteContext): Promise<void> {
  await reply.json(200, await engine.inspectNetwork(params[0]));
}

export async function create({ engine, reply, request }: RouteContext): Promise<void> {
  await reply.json(201, await engine.createNetwork(networkCreate(await jsonBody(request))));
}

export async function remove({ engine, reply, params }: RouteContext): Promise<void> {
  await engine.removeNetwork(params[0]);
  reply.empty(204);
}

export async function connect({ engine, reply, request, params }: RouteContext): Promise<void> {
  const { container, config } = networkConnect(await jsonBody(request));
  await engine.connectNetwork(params[0], container, config);
  reply.empty(200);
}

export async function disconnect({ engine, reply, request, params }: RouteContext): Promise<void> {
  const { container, force } = networkDisconnect(await jsonBody(request));
  await engine.disconnectNetwork(params[0], container, { force });
  reply.empty(200);
}

export async function prune({ engine, reply, request }: RouteContext): Promise<void> {
  // Docker's prune filters (until, label) would narrow it; none is taken rather than ignored.
  const filters = filtersParam(request.query);
  if (filters.size > 0) {
    throw new EngineError('invalid-argument', `network prune filters (${[...filters.keys()].join(', ')}) are not supported by this engine`);
  }
  await reply.json(200, await engine.pruneNetworks());
}
