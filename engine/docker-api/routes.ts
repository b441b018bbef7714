/**
 * The Docker Engine API subset we speak (../shared/design/DOCKER-API.md), one row per route, in
 * Docker's order of areas. `{name}` matches anything up to the next fixed part, slashes included
 * (image names have them: `localhost:5000/box:1.0`), as Docker's `{name:.*}`.
 */
import * as archive from './archive-endpoints.ts';
import * as attachEp from './attach-endpoints.ts';
import * as containers from './container-endpoints.ts';
import * as execs from './exec-endpoints.ts';
import * as images from './image-endpoints.ts';
import * as networks from './network-endpoints.ts';
import * as prunes from './prune-endpoints.ts';
import type { RouteHandler } from './route-context.ts';
import * as system from './system-endpoints.ts';
import * as volumes from './volume-endpoints.ts';

export interface Route {
  method: string;
  pattern: RegExp;
  handler: RouteHandler;
}

function route(method: string, path: string, handler: RouteHandler): Route {
  const source = path
    .split(/(\{name\})/)
    .map((part) => (part === '{name}' ? '(.+)' : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
    .join('');
  return { method, pattern: new RegExp(`^${source}$`), handler };
}

export const ROUTES: readonly Route[] = [
  route('GET', '/_ping', system.ping),
  route('HEAD', '/_ping', system.ping),
  route('GET', '/version', system.version),
  route('GET', '/info', system.info),
  route('GET', '/system/df', system.diskUsage),
  route('GET', '/events', system.events),
  route('POST', '/system/prune', system.prune),

  route('POST', '/containers/create', containers.create),
  route('GET', '/containers/json', containers.list),
  route('POST', '/containers/prune', prunes.containers),
  route('GET', '/containers/{name}/json', containers.inspect),
  route('POST', '/containers/{name}/start', containers.start),
  route('POST', '/containers/{name}/stop', containers.stop),
  route('POST', '/containers/{name}/restart', containers.restart),
  route('POST', '/containers/{name}/kill', containers.kill),
  route('POST', '/containers/{name}/rename', containers.rename),
  route('POST', '/containers/{name}/wait', containers.wait),
  route('DELETE', '/containers/{name}', containers.remove),
  route('GET', '/containers/{name}/logs', containers.logs),
  route('GET', '/containers/{name}/changes', containers.changes),
  route('GET', '/containers/{name}/export', containers.exportTar),
  route('GET', '/containers/{name}/top', containers.top),
  route('GET', '/containers/{name}/stats', containers.stats),
  route('POST', '/containers/{name}/update', containers.update),
  route('HEAD', '/containers/{name}/archive', archive.stat),
  route('GET', '/containers/{name}/archive', archive.get),
  route('PUT', '/containers/{name}/archive', archive.put),
  route('POST', '/containers/{name}/resize', containers.resize),
  route('POST', '/containers/{name}/attach', attachEp.attach),
  route('GET', '/containers/{name}/attach/ws', attachEp.attachWebSocket),
  route('POST', '/containers/{name}/exec', execs.create),
  route('POST', '/commit', containers.commit),

  route('POST', '/exec/{name}/start', attachEp.startExec),
  route('GET', '/exec/{name}/start/ws', attachEp.startExecWebSocket),
  route('GET', '/exec/{name}/json', execs.inspect),
  route('POST', '/exec/{name}/resize', execs.resize),

  route('POST', '/images/create', images.pull),
  route('GET', '/images/json', images.list),
  route('GET', '/images/get', images.save),
  route('POST', '/images/load', images.load),
  route('POST', '/images/prune', prunes.images),
  route('POST', '/build', images.build),
  route('POST', '/build/prune', prunes.buildCache),
  route('GET', '/images/{name}/json', images.inspect),
  route('GET', '/images/{name}/history', images.history),
  route('GET', '/images/{name}/layers', images.layers),
  route('GET', '/images/{name}/get', images.save),
  route('POST', '/images/{name}/tag', images.tag),
  route('POST', '/images/{name}/push', images.push),
  route('DELETE', '/images/{name}', images.remove),

  route('GET', '/volumes', volumes.list),
  route('POST', '/volumes/create', volumes.create),
  route('POST', '/volumes/prune', prunes.volumes),
  route('GET', '/volumes/{name}', volumes.inspect),
  route('DELETE', '/volumes/{name}', volumes.remove),

  route('GET', '/networks', networks.list),
  route('POST', '/networks/create', networks.create),
  route('POST', '/networks/prune', networks.prune),
  route('POST', '/networks/{name}/connect', networks.connect),
  route('POST', '/networks/{name}/disconnect', networks.disconnect),
  route('GET', '/networks/{name}', networks.inspect),
  route('DELETE', '/networks/{name}', networks.remove),
];

/**
 * The route for a method and an unversioned path, with its parameters percent-decoded. A path we do
 * not serve with that method is unknown, whatever other methods it has: Docker's router answers
 * both with 404 "page not found", and that is what its CLI users read.
 */
export function findRoute(method: string, path: string): { route: Route; params: string[] } | undefined {
  for (const r of ROUTES) {
    if (r.method !== method) continue;
    const m = r.pattern.exec(path);
    if (m) return { route: r, params: m.slice(1).map((p) => decodeURIComponent(p)) };
  }
  return undefined;
}
