/**
 * The Docker Engine API over any host's HTTP: `createDockerApiHandler(engine)` answers one request
 * at a time through the transport-neutral ApiRequest/ApiResponse (transport.ts). The host (the
 * kernel service's Node listener) checks Host, Origin and the token before it calls the handler;
 * everything Docker-shaped - versions, routes, bodies, status codes, streams - is decided here.
 */
import type { Engine } from '../engine.ts';
import { EngineError } from '../errors.ts';
import { Reply } from './replies.ts';
import type { HandlerState } from './route-context.ts';
import { findRoute } from './routes.ts';
import type { ApiRequest, ApiResponse, DockerApiHandler } from './transport.ts';

export type { ApiRequest, ApiResponse, Connection, DockerApiHandler, MessageSocket } from './transport.ts';

export interface DockerApiOptions {
  /** Highest API version spoken and advertised (Docker 28: 1.50). */
  apiVersion?: string;
  /** Lowest accepted in a `/v1.xx/` prefix. */
  minApiVersion?: string;
  /** `Server` header; default "Dockyard/<engine version> (<os>)". */
  serverName?: string;
}

const VERSIONED = /^\/v(\d+)\.(\d+)(\/.*)$/;

function compareVersions(a: string, b: string): number {
  const [am, an] = a.split('.').map(Number);
  const [bm, bn] = b.split('.').map(Number);
  return am !== bm ? am - bm : an - bn;
}

export function createDockerApiHandler(engine: Engine, options: DockerApiOptions = {}): DockerApiHandler {
  const state: HandlerState = { execStreams: new Map() };
  let facts: Promise<{ api: string; min: string; os: string; server: string }> | undefined;
  const serverFacts = () =>
    (facts ??= engine.version().then((v) => ({
      api: options.apiVersion ?? v.ApiVersion,
      min: options.minApiVersion ?? v.MinAPIVersion,
      os: v.Os,
      server: options.serverName ?? `Dockyard/${v.Version} (${v.Os})`,
    })));

  return async (request: ApiRequest, response: ApiResponse): Promise<void> => {
    let reply: Reply | undefined;
    try {
      const f = await serverFacts();
      const common = { 'Api-Version': f.api, 'Docker-Experimental': 'false', Ostype: f.os, Server: f.server };
      reply = new Reply(response, common, request.method === 'HEAD');
      let path = request.path;
      const versioned = VERSIONED.exec(path);
      if (versioned) {
        const asked = `${Number(versioned[1])}.${Number(versioned[2])}`;
        if (compareVersions(asked, f.api) > 0) throw new EngineError('invalid-argument', `client version ${asked} is too new. Maximum supported API version is ${f.api}`);
        if (compareVersions(asked, f.min) < 0) {
          throw new EngineError('invalid-argument', `client version ${asked} is too old. Minimum supported API version is ${f.min}, please upgrade your client to a newer version`);
        }
        path = versioned[3];
      }
      if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
      let found: ReturnType<typeof findRoute>;
      try {
        found = findRoute(request.method.toUpperCase(), path);
      } catch {
        throw new EngineError('invalid-argument', `invalid escape in path ${JSON.stringify(request.path)}`);
      }
      if (!found) throw new EngineError('not-found', 'page not found');
      await found.route.handler({ engine, request, reply, params: found.params, state });
    } catch (e) {
      if (reply) await reply.error(e).catch(() => {});
      else {
        // Not even the engine's version could be read: answer without the common headers.
        await new Reply(response, {}).error(e).catch(() => {});
      }
    }
  };
}
