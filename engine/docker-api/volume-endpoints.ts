/** `docker volume`: list, create, inspect, remove. */
import { EngineError } from '../errors.ts';
import { jsonBody, volumeCreate } from './bodies.ts';
import { labelsMatch } from '../core/label-filter.ts';
import { boolParam, filtersParam } from './query.ts';
import type { RouteContext } from './route-context.ts';

const VOLUME_FILTERS = new Set(['dangling', 'driver', 'label', 'name']);

/** `docker volume ls --filter`: Docker's four keys (each key any of its values, every label); any other is Docker's "Invalid filter". */
export async function list({ engine, reply, request }: RouteContext): Promise<void> {
  const filters = filtersParam(request.query);
  for (const key of filters.keys()) if (!VOLUME_FILTERS.has(key)) throw new EngineError('invalid-argument', `Invalid filter '${key}'`);
  const result = await engine.listVolumes();
  const dangling = filters.get('dangling')?.[0];
  let used = new Set<string>();
  if (dangling !== undefined) used = new Set((await engine.listContainers({ all: true })).flatMap((c) => c.Mounts.map((m) => m.Name ?? '')));
  const any = (key: string, test: (value: string) => boolean) => {
    const wanted = filters.get(key) ?? [];
    return wanted.length === 0 || wanted.some(test);
  };
  const volumes = result.Volumes.filter(
    (v) =>
      any('name', (n) => v.Name.includes(n)) &&
      any('driver', (d) => v.Driver === d) &&
      labelsMatch(v.Labels, filters.get('label')) &&
      (dangling === undefined || (dangling === 'true' || dangling === '1') === !used.has(v.Name)),
  );
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
