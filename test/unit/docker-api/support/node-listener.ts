/**
 * A tiny Node adapter for the tests: node:http on 127.0.0.1 carrying the host-neutral Docker API
 * handler (the kernel service's real listener, with its Host/Origin/token checks, is kernel-node's).
 * Plain requests go through ServerResponse; `Upgrade: tcp` through engine/docker-api's rawExchange
 * over the socket; WebSocket handshakes through `ws`.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { EngineError } from '../../../../engine/errors.ts';
import type { Engine } from '../../../../engine/engine.ts';
import { rawExchange } from '../../../../engine/docker-api/raw-exchange.ts';
import { createDockerApiHandler, type ApiRequest, type Connection, type MessageSocket } from '../../../../engine/docker-api/server.ts';

/** Chunks pushed by events, read as an async iterable; `end` finishes it. */
class ChunkQueue<T> implements AsyncIterable<T> {
  readonly #items: T[] = [];
  #ended = false;
  #wake?: () => void;
  push(item: T): void {
    this.#items.push(item);
    this.#wake?.();
  }
  end(): void {
    this.#ended = true;
    this.#wake?.();
  }
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      if (this.#items.length) yield this.#items.shift()!;
      else if (this.#ended) return;
      else await new Promise<void>((r) => (this.#wake = r));
    }
  }
}

function headersOf(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function requestOf(req: IncomingMessage, body: ApiRequest['body'], signal: AbortSignal): ApiRequest {
  const url = new URL(req.url ?? '/', 'http://localhost');
  return { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: headersOf(req), body, signal };
}

function readBody(req: IncomingMessage, maxBytes: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let n = 0;
    req.on('data', (chunk: Buffer) => {
      n += chunk.length;
      if (n > maxBytes) {
        reject(new EngineError('resource-exhausted', `request body larger than ${maxBytes} bytes`));
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      parts.push(chunk);
    });
    req.on('end', () => resolve(new Uint8Array(Buffer.concat(parts))));
    req.on('error', reject);
  });
}

function socketConnection(socket: Socket, head: Buffer): Connection {
  const incoming = new ChunkQueue<Uint8Array>();
  if (head.length) incoming.push(new Uint8Array(head));
  socket.on('data', (d: Buffer) => incoming.push(new Uint8Array(d)));
  socket.on('end', () => incoming.end());
  const closed = new Promise<void>((resolve) => socket.on('close', () => {
    incoming.end();
    resolve();
  }));
  socket.on('error', () => {});
  return {
    incoming,
    write: (chunk) => new Promise<void>((resolve) => (socket.writable ? socket.write(chunk, () => resolve()) : resolve())),
    end: () => new Promise<void>((resolve) => (socket.writableEnded ? resolve() : socket.end(() => resolve()))),
    closed,
  };
}

function messageSocket(ws: WebSocket): MessageSocket {
  const messages = new ChunkQueue<Uint8Array | string>();
  ws.on('message', (data, isBinary) => {
    const buf = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    messages.push(isBinary ? new Uint8Array(buf) : buf.toString('utf8'));
  });
  ws.on('close', () => messages.end());
  ws.on('error', () => {});
  return {
    messages,
    send: (m) => new Promise<void>((resolve) => (ws.readyState === ws.OPEN ? ws.send(m, () => resolve()) : resolve())),
    close: () => ws.close(1000),
  };
}

export interface TestListener {
  server: Server;
  port: number;
  url: string;
  close(): Promise<void>;
}

export async function listen(engine: Engine): Promise<TestListener> {
  const handle = createDockerApiHandler(engine);
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (offered) => (offered.has('dockyard.attach.v1') ? 'dockyard.attach.v1' : false) });
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    const request = requestOf(req, (max) => readBody(req, max), abort.signal);
    void handle(request, {
      status(code, headers) {
        res.writeHead(code, headers);
        res.flushHeaders();
      },
      write: (chunk) => new Promise<void>((resolve) => (res.writableEnded || res.destroyed ? resolve() : res.write(chunk, () => resolve()))),
      end: () => void res.end(),
      hijack: () => Promise.reject(new EngineError('invalid-argument', 'this request did not ask for an upgrade')),
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const abort = new AbortController();
    socket.on('close', () => abort.abort());
    if ((req.headers.upgrade ?? '').toLowerCase() === 'websocket') {
      let accepted: Promise<MessageSocket> | undefined;
      const request = requestOf(req, async () => new Uint8Array(0), abort.signal);
      void handle(request, {
        status(code, headers) {
          // Refused before the handshake: an HTTP answer on the raw socket.
          const lines = [`HTTP/1.1 ${code} Refused`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), 'Connection: close', '', ''];
          socket.write(lines.join('\r\n'));
        },
        write: (chunk) => new Promise<void>((resolve) => socket.write(chunk, () => resolve())),
        end: () => void socket.end(),
        hijack: () => Promise.reject(new EngineError('invalid-argument', 'not a tcp upgrade')),
        webSocket: () => (accepted ??= new Promise((resolve) => wss.handleUpgrade(req, socket, head, (ws) => resolve(messageSocket(ws))))),
      });
      return;
    }
    const conn = socketConnection(socket, head);
    const exchange = rawExchange(headersOf(req), conn);
    void handle(requestOf(req, exchange.body, abort.signal), exchange.response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const s of sockets) s.destroy();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
