/** `docker volume`: list, create, inspect, remove. */
import { jsonBody, volumeCreate } from './bodies.ts';
import { boolParam, filtersParam } from './query.ts';
import type { RouteContext } from './route-context.ts';

export async function list({ engine, reply, request }: RouteContext): Promise<void> {
  const filters = filtersParam(request.query);
  const names = filters.get('name') ?? [];
  const result = await engine.listVolumes();
  const volumes = result.Volumes.filter((v) => names.length === 0 || names.some((n) => v.Name.includes(n)));
  await reply.json(200, { Volumes: volumes, Warnings: result.Warnings });
}

export async function create({ engine, reply, request }: RouteContext): Promise<void> {
  await reply.json(201, await engine.createVolume(volumeCreate(await jsonBody(request))));
}

export async function inspect({ engine, reply, params }: RouteContext): Promise<void> {
  await reply.json(200, await engine.inspectVolume(params[0]));
}

export async function remove({ engine, reply, request, params }: RouteContext): Promise<void> {
  await engine.removeVolume(params[0], { force: boolParam(request.query, 'force') });
  reply.empty(204);
}
