import { chmod, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Engine } from '../../engine/engine.ts';
import { rawExchange } from '../../engine/docker-api/raw-exchange.ts';
import { createDockerApiHandler, type MessageSocket } from '../../engine/docker-api/server.ts';
import { createRegistryApiHandler } from '../../engine/registry/registry-api.ts';
import type { StoreRegistry } from '../../engine/registry/store-registry.ts';
import { checkRequest, corsHeaders, type GuardOptions } from './guard.ts';
import { headersOf, messageSocket, readBody, requestOf, responseOf, socketConnection } from './node-adapter.ts';

export interface ApiServerOptions {
  engine: Engine;
  /** The OCI registry served under /v2/ (engine/registry/registry-api.ts). */
  registry?: StoreRegistry;
  /** The registry's name in its messages (`127.0.0.1:PORT`). */
  registryName?: string;
  /** Other routes: return true when handled. */
  extra?: (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;
}

const isRegistryPath = (url: string | undefined) => /^\/v2(\/|$|\?)/.test(url ?? '');

/** Time-outs and size limits for slow or huge requests (HOSTILE 23); bodies are limited per route by the handler. */
const MAX_HEADER_BYTES = 16 * 1024;
const HEADERS_TIMEOUT_MS = 10_000;
const WS_PROTOCOL = 'dockyard.attach.v1';

function refuse(res: ServerResponse, status: number, message: string, extra: Record<string, string> = {}): void {
  const body = JSON.stringify({ message });
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...extra });
  res.end(body);
}

function refuseSocket(socket: Duplex, status: number, message: string): void {
  const body = JSON.stringify({ message });
  const reason = status === 401 ? 'Unauthorized' : 'Forbidden';
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/**
 * One listener: the guard (Host, Origin, token) before anything else, on every request and every
 * upgrade; then the registry routes, then the Docker Engine API (engine/docker-api, shared with
 * every host). `guard` is read per request, so the TCP port can be filled in after listen.
 */
export function apiServer(o: ApiServerOptions, guard: GuardOptions): Server {
  const handle = createDockerApiHandler(o.engine);
  const registry = o.registry ? createRegistryApiHandler({ registry: o.registry, name: o.registryName ?? 'localhost' }) : undefined;
  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (req, res) => {
    const verdict = checkRequest(req, guard);
    if (!verdict.ok) {
      // Registry clients send credentials only after a challenge: the token as Basic password.
      const challenge: Record<string, string> = verdict.status === 401 && isRegistryPath(req.url) ? { 'WWW-Authenticate': 'Basic realm="dockyard kernel service (password: the token)"', 'Docker-Distribution-API-Version': 'registry/2.0' } : {};
      return refuse(res, verdict.status, verdict.message, { ...corsHeaders(verdict.corsOrigin), ...challenge });
    }
    const cors = corsHeaders(verdict.corsOrigin);
    if (req.method === 'OPTIONS' && verdict.corsOrigin) return void res.writeHead(204, cors).end();
    void (async () => {
      if (o.extra && (await o.extra(req, res).catch(() => false))) return;
      const abort = new AbortController();
      res.on('close', () => abort.abort());
      if (registry && isRegistryPath(req.url)) return registry(requestOf(req, (max) => readBody(req, max), abort.signal), responseOf(res, cors));
      await handle(requestOf(req, (max) => readBody(req, max), abort.signal), responseOf(res, cors));
    })();
  });
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = 0; // builds and `logs -f` stream for as long as they need
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024, handleProtocols: (offered) => (offered.has(WS_PROTOCOL) ? WS_PROTOCOL : false) });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => undefined);
    const verdict = checkRequest(req, guard);
    if (!verdict.ok) return refuseSocket(socket, verdict.status, verdict.message);
    const abort = new AbortController();
    socket.on('close', () => abort.abort());
    if ((req.headers.upgrade ?? '').toLowerCase() === 'websocket') {
      let accepted: Promise<MessageSocket> | undefined;
      void handle(requestOf(req, async () => new Uint8Array(0), abort.signal), {
        status(code, headers) {
          const lines = [`HTTP/1.1 ${code} Refused`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), 'Connection: close', '', ''];
          socket.write(lines.join('\r\n'));
        },
        write: (chunk) => new Promise<void>((resolve) => socket.write(chunk, () => resolve())),
        end: () => void socket.end(),
        hijack: () => Promise.reject(new Error('not a tcp upgrade')),
        webSocket: () => (accepted ??= new Promise((resolve) => wss.handleUpgrade(req, socket, head, (ws) => resolve(messageSocket(ws))))),
      });
      return;
    }
    const exchange = rawExchange(headersOf(req), socketConnection(socket, head));
    void handle(requestOf(req, exchange.body, abort.signal), exchange.response);
  });
  return server;
}

/** Listen on a unix socket created 0600 (root only), replacing a stale socket file. */
export async function listenUnix(server: Server, path: string): Promise<void> {
  await rm(path, { force: true });
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
