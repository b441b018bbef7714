import { chmod, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Engine } from '../../engine/engine.ts';
import { EngineError } from '../../engine/errors.ts';
import { handleDocker, handleHijack, parseRoute, sendError, type Route } from './docker-api.ts';
import { checkRequest, corsHeaders, type GuardOptions } from './guard.ts';

export interface ApiServerOptions {
  engine: Engine;
  allowedOrigins: string[];
  /** Extra routes (the OCI registry under /v2/); return false when not handled. */
  extra?: (req: IncomingMessage, res: ServerResponse, route: Route) => Promise<boolean>;
}

/** Time-outs and size limits for slow or huge requests (HOSTILE 23). */
const SERVER_LIMITS = { maxHeaderSize: 16 * 1024, headersTimeout: 10_000, requestTimeout: 0 };

function deny(socket: Duplex, status: number, message: string): void {
  const body = JSON.stringify({ message });
  const reason = status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : status === 404 ? 'Not Found' : 'Bad Request';
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/** One listener's HTTP server: the guard, then the Docker API (and extras), then 404. */
export function apiServer(o: ApiServerOptions, guard: GuardOptions): Server {
  const server = createServer({ maxHeaderSize: SERVER_LIMITS.maxHeaderSize }, (req, res) => {
    void (async () => {
      const verdict = checkRequest(req, guard);
      if (!verdict.ok) return sendError(res, new EngineError(verdict.status === 401 ? 'unauthorized' : 'forbidden', verdict.message));
      const cors = corsHeaders(verdict.corsOrigin);
      for (const [k, v] of Object.entries(cors)) res.setHeader(k, v);
      if (req.method === 'OPTIONS') return void res.writeHead(204).end();
      const route = parseRoute(req.url ?? '/');
      if ('error' in route) return sendError(res, new EngineError('invalid-argument', route.error));
      try {
        if (o.extra && (await o.extra(req, res, route))) return;
        if (await handleDocker(o.engine, req, res, route)) return;
        sendError(res, new EngineError('not-found', `page not found: ${req.method} ${route.path}`));
      } catch (e) {
        sendError(res, e);
      }
    })();
  });
  server.headersTimeout = SERVER_LIMITS.headersTimeout;
  server.requestTimeout = SERVER_LIMITS.requestTimeout;
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    void (async () => {
      socket.on('error', () => undefined);
      const verdict = checkRequest(req, guard);
      if (!verdict.ok) return deny(socket, verdict.status, verdict.message);
      const route = parseRoute(req.url ?? '/');
      if ('error' in route) return deny(socket, 400, route.error);
      try {
        const ws = /^\/containers\/([^/]+)\/attach\/ws$/.exec(route.path);
        if (ws && (req.headers.upgrade ?? '').toLowerCase() === 'websocket') {
          const c = await o.engine.inspectContainer(decodeURIComponent(ws[1]));
          wss.handleUpgrade(req, socket, head, (client) => void attachWebSocket(o.engine, c.Id, route, client));
          return;
        }
        if (!(await handleHijack(o.engine, req, socket, head, route))) deny(socket, 404, `page not found: ${req.method} ${route.path}`);
      } catch (e) {
        const err = e instanceof EngineError ? e : new EngineError('internal', (e as Error).message);
        deny(socket, err.code === 'not-found' ? 404 : 400, err.message);
      }
    })();
  });
  return server;
}

/** `attach/ws`: the browser's attach. Raw bytes both ways (as Docker's), closed when the container dies. */
async function attachWebSocket(engine: Engine, id: string, route: Route, client: import('ws').WebSocket): Promise<void> {
  const q = route.query;
  const flag = (n: string) => q.get(n) === '1' || q.get(n) === 'true';
  const stop = await engine.events((e) => {
    if (e.Type === 'container' && e.Actor.ID === id && (e.Action === 'die' || e.Action === 'destroy')) client.close(1000);
  });
  const stream = await engine.attachContainer(id, { stdin: flag('stdin'), stdout: flag('stdout') || !q.has('stdout'), stderr: flag('stderr') || !q.has('stderr'), onOutput: (_s, d) => client.send(d) });
  client.on('message', (d: Buffer) => void stream.write(new Uint8Array(d)));
  client.on('close', () => {
    stop();
    void stream.detach();
  });
}

/** Listen on a unix socket with mode 0600 (root only), replacing a stale socket file. */
export async function listenUnix(server: Server, path: string): Promise<void> {
  await rm(path, { force: true });
  // The socket is created 0600 (umask), not chmod-ed after: no window where others may connect.
  const old = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => resolve());
    });
  } finally {
    process.umask(old);
  }
  await chmod(path, 0o600);
}

/** Listen on loopback only. Port 0 picks a free one. */
export async function listenLoopback(server: Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  return typeof addr === 'object' && addr ? addr.port : port;
}
