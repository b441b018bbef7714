/** `POST /containers/prune`, `/images/prune`, `/volumes/prune`: what the docker CLI's prunes (and `system prune`) call. */
import { EngineError } from '../errors.ts';
import { filtersParam } from './query.ts';
import type { RouteContext } from './route-context.ts';

/**
 * The filters a prune takes: those given here, each with the values it may have. Docker's
 * `until` and `label` would narrow a prune; they are refused rather than ignored.
 */
function pruneFilters(query: URLSearchParams, known: Record<string, string[]>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, values] of filtersParam(query)) {
    if (!(name in known)) {
      if (name === 'until' || name === 'label' || name === 'label!') throw new EngineError('invalid-argument', `the prune filter '${name}' is not supported by this engine yet`);
      throw new EngineError('invalid-argument', `Invalid filter '${name}'`);
    }
    const value = values[values.length - 1] ?? '';
    if (values.length > 1 || !known[name].includes(value.toLowerCase())) throw new EngineError('invalid-argument', `Invalid filter '${name}=${values.join(',')}'`);
    out.set(name, value.toLowerCase());
  }
  return out;
}

const BOOL = ['true', 'false', '1', '0'];
const yes = (v: string | undefined) => v === 'true' || v === '1';

export async function containers({ engine, reply, request }: RouteContext): Promise<void> {
  pruneFilters(request.query, {});
  await reply.json(200, await engine.pruneContainers());
}

/** `POST /build/prune?all=&filters=`: the whole build cache (`keep-storage` and filters would keep some: refused). */
export async function buildCache({ engine, reply, request }: RouteContext): Promise<void> {
  pruneFilters(request.query, {});
  const keep = request.query.get('keep-storage') ?? request.query.get('reserved-space');
  if (keep && keep !== '0') throw new EngineError('invalid-argument', 'keeping part of the build cache (--keep-storage) is not supported by this engine yet');
  await reply.json(200, await engine.pruneBuildCache());
}

/** `dangling=false` (the CLI's -a): every image no container uses. */
export async function images({ engine, reply, request }: RouteContext): Promise<void> {
  const f = pruneFilters(request.query, { dangling: BOOL });
  await reply.json(200, await engine.pruneImages({ all: f.has('dangling') && !yes(f.get('dangling')) }));
}

/** `all=true` (the CLI's -a, API 1.42+): named volumes too. */
export async function volumes({ engine, reply, request }: RouteContext): Promise<void> {
  const f = pruneFilters(request.query, { all: BOOL });
  await reply.json(200, await engine.pruneVolumes({ all: yes(f.get('all')) }));
}
