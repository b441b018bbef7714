/**
 * box's network applets (images/box/nc.c, httpd.c) as a container runs them: box as container
 * `web`'s PID 1 on the kernel's adapter, its sockets on the in-memory network, this test the
 * other container (socket-harness.ts).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGTERM, signalBit } from '../../../engine/wasi/signal-abi.ts';
import { bytes, dialGuest, drain, network, PEER, runGuest, tryNow, tryPipe } from './socket-harness.ts';
import { serveAll as serveRequests } from './http-peer.ts';

const BOX = new WebAssembly.Module(readFileSync(new URL('../../../images/box/box.wasm', import.meta.url)));
let root: string;

const INDEX = '<h1>served from WebAssembly</h1>\n';
const CSS = 'body { color: teal }\n';

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'box-network-'));
  for (const d of ['www/docs', 'www/empty']) mkdirSync(join(root, d), { recursive: true });
  writeFileSync(join(root, 'www/index.html'), INDEX);
  writeFileSync(join(root, 'www/style.css'), CSS);
  writeFileSync(join(root, 'www/docs/index.html'), 'docs\n');
  writeFileSync(join(root, 'www/data.bin'), new Uint8Array([0, 1, 2, 255]));
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

const box = (args: string[], net: Parameters<typeof runGuest>[0], extra: { signals?: { pending: number }; stdin?: string } = {}) =>
  runGuest(net, { module: BOX, root, args: ['box', ...args], ...extra });

/** Serve the requests one after another from the peer (http-peer.ts), then SIGTERM for httpd. */
function serveAll(requests: string[]): { answers: string[]; status: number; stdout: string; stderr: string } {
  const { answers, run } = serveRequests(requests, (net, signals) => box(['httpd', '-f', '-p', '80', '-h', '/www'], net, { signals }));
  return { answers, ...run };
}

const ok = (type: string, body: string) => `HTTP/1.1 200 OK\r\nContent-Type: ${type}\r\nContent-Length: ${new TextEncoder().encode(body).length}\r\nConnection: close\r\n\r\n${body}`;

describe('httpd', () => {
  it('serves files with their content types, index.html for a directory, HEAD without a body; logs each request; SIGTERM ends it with 0', () => {
    const r = serveAll(['GET / HTTP/1.1\r\nHost: web\r\n\r\n', 'HEAD /style.css HTTP/1.0\r\n\r\n', 'GET /docs/ HTTP/1.0\r\n\r\n', 'GET /style.css?v=2 HTTP/1.0\r\n\r\n', 'GET /data.bin HTTP/1.0\r\n\r\n']);
    expect(r.answers[0]).toBe(ok('text/html', INDEX));
    expect(r.answers[1]).toBe(`HTTP/1.1 200 OK\r\nContent-Type: text/css\r\nContent-Length: ${CSS.length}\r\nConnection: close\r\n\r\n`);
    expect(r.answers[2]).toBe(ok('text/html', 'docs\n'));
    expect(r.answers[3]).toBe(ok('text/css', CSS));
    expect(r.answers[4]).toMatch(/^HTTP\/1\.1 200 OK\r\nContent-Type: application\/octet-stream\r\nContent-Length: 4\r\n/);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(
      [
        `${PEER.address} "GET / HTTP/1.1" 200 ${INDEX.length}`,
        `${PEER.address} "HEAD /style.css HTTP/1.0" 200 0`,
        `${PEER.address} "GET /docs/ HTTP/1.0" 200 5`,
        `${PEER.address} "GET /style.css?v=2 HTTP/1.0" 200 ${CSS.length}`,
        `${PEER.address} "GET /data.bin HTTP/1.0" 200 4`,
        '',
      ].join('\n'),
    );
  });

  it('answers what it cannot serve in HTTP words: 301, 404 (a directory without index.html too, as busybox), 400, 501, 431', () => {
    const r = serveAll([
      'GET /docs HTTP/1.0\r\n\r\n',
      'GET /empty/ HTTP/1.0\r\n\r\n',
      'GET /nothing.html HTTP/1.0\r\n\r\n',
      'GET /../etc/passwd HTTP/1.0\r\n\r\n',
      'GET /%2e%2e/etc/passwd HTTP/1.0\r\n\r\n',
      'POST / HTTP/1.0\r\n\r\n',
      'garbage\r\n\r\n',
      `GET /${'a'.repeat(9000)}`,
    ]);
    const status = r.answers.map((a) => a.split('\r\n')[0]);
    expect(status).toEqual([
      'HTTP/1.1 301 Moved Permanently',
      'HTTP/1.1 404 Not Found',
      'HTTP/1.1 404 Not Found',
      'HTTP/1.1 400 Bad Request',
      'HTTP/1.1 400 Bad Request',
      'HTTP/1.1 501 Not Implemented',
      'HTTP/1.1 400 Bad Request',
      'HTTP/1.1 431 Request Header Fields Too Large',
    ]);
    expect(r.answers[0]).toContain('\r\nLocation: /docs/\r\n');
    expect(r.answers[2]).toContain('<h1>404 Not Found</h1>');
    expect(r.stdout.split('\n')[2]).toBe(`${PEER.address} "GET /nothing.html HTTP/1.0" 404 ${r.answers[2].split('\r\n\r\n')[1].length}`);
    expect(r.status).toBe(0);
  });

  it('serves a second client while the first has sent only half its request', () => {
    const signals = { pending: 0 };
    let slow: number | undefined;
    let fast: number | undefined;
    let fastAnswer = '';
    let slowAnswer = '';
    let phase = 0;
    const { net, peer } = network(() => {
      if (phase === 0) {
        slow = dialGuest(peer, 80);
        if (slow === undefined) return;
        peer.send(slow, bytes('GET / HTT'));
        fast = dialGuest(peer, 80)!;
        peer.send(fast, bytes('GET /style.css HTTP/1.0\r\n\r\n'));
        phase = 1;
      } else if (phase === 1) {
        const got = drain(peer, fast!);
        fastAnswer += got.data;
        if (got.ended) {
          peer.send(slow!, bytes('P/1.0\r\n\r\n'));
          phase = 2;
        }
      } else if (phase === 2) {
        const got = drain(peer, slow!);
        slowAnswer += got.data;
        if (got.ended) phase = 3;
      } else signals.pending = signalBit(SIGTERM);
    });
    const r = box(['httpd', '-p', '80', '-h', '/www'], net, { signals });
    expect(fastAnswer).toBe(ok('text/css', CSS));
    expect(slowAnswer).toBe(ok('text/html', INDEX));
    expect(r.stdout).toBe(`${PEER.address} "GET /style.css HTTP/1.0" 200 ${CSS.length}\n${PEER.address} "GET / HTTP/1.0" 200 ${INDEX.length}\n`);
    expect(r.status).toBe(0);
  });

  it('a port in use or a directory that is not there: a clear error, status 1', () => {
    expect(box(['httpd', '-p', '80', '-h', '/nowhere'], network(() => undefined).net)).toMatchObject({ status: 1, stderr: 'httpd: /nowhere: Not a directory\n' });
    expect(box(['httpd', '-p', '99999'], network(() => undefined).net)).toMatchObject({ status: 1, stderr: "httpd: bad port '99999'\n" });
  });
});

describe('nc', () => {
  /** The peer listening on 7000, answering in upper case once the client has sent all. */
  function upper() {
    let listener = -1;
    const clients: Array<{ s: number; data: string }> = [];
    const made = network(() => {
      const c = tryNow(() => made.peer.accept(listener));
      if (c) clients.push({ s: c.id, data: '' });
      for (const client of clients) {
        const got = drain(made.peer, client.s);
        client.data += got.data;
        if (got.ended) {
          tryPipe(() => made.peer.send(client.s, bytes(client.data.toUpperCase())));
          made.peer.close(client.s);
        }
      }
    });
    listener = made.peer.open();
    made.peer.bind(listener, { address: '0.0.0.0', port: 7000 });
    made.peer.listen(listener, 8);
    return made.net;
  }

  it('connects by name, sends stdin, prints the answer', () => {
    expect(box(['nc', 'peer', '7000'], upper(), { stdin: 'hello\n' })).toEqual({ status: 0, stdout: 'HELLO\n', stderr: '' });
  });

  it("sends a shell pipe's output the same way", () => {
    expect(box(['sh', '-c', 'echo from a pipe | nc peer 7000'], upper())).toEqual({ status: 0, stdout: 'FROM A PIPE\n', stderr: '' });
  });

  it('refused, unreachable and unknown: the words say why', () => {
    const net = upper();
    expect(box(['nc', 'peer', '7001'], net)).toEqual({ status: 1, stdout: '', stderr: "nc: can't connect to remote host (172.18.0.3): Connection refused\n" });
    expect(box(['nc', '1.1.1.1', '80'], net)).toEqual({
      status: 1,
      stdout: '',
      stderr: "nc: can't connect to remote host (1.1.1.1): Network is unreachable (the playground has no outside network: only containers on your networks)\n",
    });
    expect(box(['nc', 'example.com', '80'], net)).toEqual({ status: 1, stdout: '', stderr: "nc: bad address 'example.com'\n" });
    expect(box(['nc', 'peer'], net).status).toBe(1);
  });

  it('-l -p PORT takes one connection and prints what it sends', () => {
    let sent = false;
    const { net, peer } = network(() => {
      if (sent) return;
      const c = dialGuest(peer, 7000);
      if (c === undefined) return;
      peer.send(c, bytes('ping from peer\n'));
      peer.close(c);
      sent = true;
    });
    expect(box(['nc', '-l', '-p', '7000'], net)).toEqual({ status: 0, stdout: 'ping from peer\n', stderr: '' });
  });
});
