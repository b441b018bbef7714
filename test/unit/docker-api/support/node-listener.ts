/**
 * A listener for the tests: node:http on 127.0.0.1 carrying the host-neutral Docker API handler
 * through the kernel service's own Node adapter (kernel-node/http/node-adapter.ts), without the
 * service's Host/Origin/token guard.
 * Plain requests go through ServerResponse; `Upgrade: tcp` through engine/docker-api's rawExchange
 * over the socket; WebSocket handshakes through `ws`.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import { EngineError } from '../../../../engine/errors.ts';
import type { Engine } from '../../../../engine/engine.ts';
import { rawExchange } from '../../../../engine/docker-api/raw-exchange.ts';
import { createDockerApiHandler, type MessageSocket } from '../../../../engine/docker-api/server.ts';
import { headersOf, messageSocket, readBody, requestOf, responseOf, socketConnection } from '../../../../kernel-node/http/node-adapter.ts';

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
    void handle(request, responseOf(res, {}));
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
