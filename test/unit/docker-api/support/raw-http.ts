/** Plain HTTP/1.1 on loopback, as a docker client speaks it: requests, and hijacked connections. */
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { FrameDecoder } from '../../../../engine/docker-api/frames.ts';

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text: string;
  json: () => unknown;
}

export function http(port: number, method: string, path: string, options: { body?: string | Uint8Array; headers?: Record<string, string> } = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const body = typeof options.body === 'string' ? Buffer.from(options.body) : options.body ? Buffer.from(options.body) : undefined;
    const req = request({ host: '127.0.0.1', port, method, path, headers: { ...(body ? { 'Content-Type': 'application/json', 'Content-Length': String(body.length) } : {}), ...options.headers } }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => {
        const all = Buffer.concat(parts);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: all, text: all.toString('utf8'), json: () => JSON.parse(all.toString('utf8')) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A request whose head arrives before its body: resolves at the head, `body` settles at the end. */
export function httpHeadFirst(port: number, method: string, path: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Promise<string>; firstChunk: Promise<Buffer> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path }, (res) => {
      const parts: Buffer[] = [];
      const firstChunk = new Promise<Buffer>((done) => res.once('data', done));
      const body = new Promise<string>((done) => {
        res.on('data', (d: Buffer) => parts.push(d));
        res.on('end', () => done(Buffer.concat(parts).toString('utf8')));
      });
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body, firstChunk });
    });
    req.on('error', reject);
    req.end();
  });
}

export interface Hijacked {
  statusLine: string;
  headers: Record<string, string>;
  socket: Socket;
  /** Everything the server sends after the head, until it closes. */
  rest: Promise<Buffer>;
}

/** `POST path` with `Upgrade: tcp`, as docker attach and exec start send it. */
export function hijack(port: number, path: string, body?: string): Promise<Hijacked> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    const payload = body === undefined ? '' : body;
    socket.write(
      `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n` +
        (body === undefined ? '' : `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(payload)}\r\n`) +
        `\r\n${payload}`,
    );
    let buffered = Buffer.alloc(0);
    let headDone = false;
    const after: Buffer[] = [];
    let finish: (b: Buffer) => void = () => {};
    const rest = new Promise<Buffer>((r) => (finish = r));
    socket.on('data', (d: Buffer) => {
      if (headDone) return void after.push(d);
      buffered = Buffer.concat([buffered, d]);
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) return;
      headDone = true;
      const [statusLine, ...lines] = buffered.subarray(0, end).toString('latin1').split('\r\n');
      const headers: Record<string, string> = {};
      for (const l of lines) {
        const i = l.indexOf(':');
        headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
      }
      after.push(buffered.subarray(end + 4));
      resolve({ statusLine, headers, socket, rest });
    });
    socket.on('end', () => finish(Buffer.concat(after)));
    socket.on('error', reject);
  });
}

export function decodeFrames(bytes: Uint8Array): { stdout: string; stderr: string; order: Array<[number, string]> } {
  const frames = new FrameDecoder().push(bytes);
  const dec = new TextDecoder();
  const order = frames.map((f) => [f.stream, dec.decode(f.payload)] as [number, string]);
  return {
    stdout: order.filter(([s]) => s === 1).map(([, t]) => t).join(''),
    stderr: order.filter(([s]) => s === 2).map(([, t]) => t).join(''),
    order,
  };
}
