import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { EngineError } from '../../engine/errors.ts';
import type { ApiRequest, ApiResponse, Connection, MessageSocket } from '../../engine/docker-api/server.ts';

/**
 * Node's http objects as the Docker API handler's transport (engine/docker-api/transport.ts):
 * everything Docker-shaped is decided there; this only moves bytes.
 */

/** Items pushed by events, consumed as an async iterable; `end` finishes it. */
export class Queue<T> implements AsyncIterable<T> {
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

export function headersOf(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

export function requestOf(req: IncomingMessage, body: ApiRequest['body'], signal: AbortSignal): ApiRequest {
  const url = new URL(req.url ?? '/', 'http://localhost');
  return { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: headersOf(req), body, signal };
}

/** The body, stopped as soon as it passes `maxBytes` (HOSTILE 23): the connection is then closed. */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxBytes) {
      reject(new EngineError('resource-exhausted', `request body larger than ${maxBytes} bytes`));
      req.resume();
      return;
    }
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

export function responseOf(res: ServerResponse, extraHeaders: Record<string, string>): ApiResponse {
  return {
    status(code, headers) {
      res.writeHead(code, { ...extraHeaders, ...headers });
      // docker's `wait`: the CLI sends start only after it has seen this head.
      res.flushHeaders();
    },
    write: (chunk) => new Promise<void>((resolve) => (res.writableEnded || res.destroyed ? resolve() : res.write(chunk, () => resolve()))),
    end: () => void res.end(),
    hijack: () => Promise.reject(new EngineError('invalid-argument', 'this request did not ask for an upgrade (Upgrade: tcp)')),
  };
}

/** A hijacked socket: bytes the parser read past the head first; our side stays open after the client's half-close. */
export function socketConnection(socket: Duplex, head: Buffer): Connection {
  const incoming = new Queue<Uint8Array>();
  if (head.length) incoming.push(new Uint8Array(head));
  socket.on('data', (d: Buffer) => incoming.push(new Uint8Array(d)));
  socket.on('end', () => incoming.end());
  const closed = new Promise<void>((resolve) =>
    socket.on('close', () => {
      incoming.end();
      resolve();
    }),
  );
  socket.on('error', () => undefined);
  return {
    incoming,
    write: (chunk) => new Promise<void>((resolve) => (socket.writable ? socket.write(chunk, () => resolve()) : resolve())),
    end: () => new Promise<void>((resolve) => (socket.writableEnded ? resolve() : socket.end(() => resolve()))),
    closed,
  };
}

export function messageSocket(ws: WebSocket): MessageSocket {
  const messages = new Queue<Uint8Array | string>();
  ws.on('message', (data, isBinary) => {
    const buf = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    messages.push(isBinary ? new Uint8Array(buf) : buf.toString('utf8'));
  });
  ws.on('close', () => messages.end());
  ws.on('error', () => undefined);
  return {
    messages,
    send: (m) => new Promise<void>((resolve) => (ws.readyState === ws.OPEN ? ws.send(m, () => resolve()) : resolve())),
    close: () => ws.close(1000),
  };
}
