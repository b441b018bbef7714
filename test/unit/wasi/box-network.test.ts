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
import { bytes, dialGuest, drain, network, PEER, runGuest, tryNow, tryPipe, WEB } from './socket-harness.ts';
import { serveAll as serveRequests } from './http-peer.ts';

const BOX = new WebAssembly.Module(readFileSync(new URL('../../../images/box/box.wasm', import.meta.url)));
let root: string;

const INDEX = '<h1>served from WebAssembly</h1>\n';
const CSS = 'body { color: teal }\n';

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'box-network-'));
  for (const d of ['www/docs', 'www/empty', 'tmp']) mkdirSync(join(root, d), { recursive: true });
  writeFileSync(join(root, 'www/index.html'), INDEX);
  writeFileSync(join(root, 'www/style.css'), CSS);
  writeFileSync(join(root, 'www/docs/index.html'), 'docs\n');
  writeFileSync(join(root, 'www/data.bin'), new Uint8Array([0, 1, 2, 255]));
  mkdirSync(join(root, 'etc'));
  writeFileSync(join(root, 'etc/hostname'), 'web\n');
  writeFileSync(join(root, 'etc/hosts'), `127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost\n${WEB.address}\tweb\n172.19.0.5\tweb\n`);
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

/** The peer listening on `port` and never answering; each wait of the guest takes 2 ms of real time (the in-memory network does not sleep), so time limits pass. */
function silentPeer(port: number): Parameters<typeof runGuest>[0] {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  const { net, peer } = network(() => void Atomics.wait(pause, 0, 0, 2));
  const l = peer.open();
  peer.bind(l, { address: '0.0.0.0', port });
  peer.listen(l, 8);
  return net;
}

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

  it('under timeout, a peer that never answers ends nc with 124', () => {
    expect(box(['timeout', '1', 'nc', 'peer', '7000'], silentPeer(7000), { stdin: 'hello?\n' })).toEqual({ status: 124, stdout: '', stderr: '' });
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

/**
 * The peer as a web server on 8080: each request read whole (headers, then Content-Length bytes),
 * kept in `requests`, answered by `answer(request)` and closed.
 */
function webPeer(answer: (request: string) => string): { net: Parameters<typeof runGuest>[0]; requests: string[] } {
  const requests: string[] = [];
  let listener = -1;
  const clients: Array<{ s: number; data: string }> = [];
  const made = network(() => {
    const c = tryNow(() => made.peer.accept(listener));
    if (c) clients.push({ s: c.id, data: '' });
    for (const client of clients.splice(0)) {
      client.data += drain(made.peer, client.s).data;
      const end = client.data.indexOf('\r\n\r\n');
      const length = Number(/\r\nContent-Length: (\d+)/i.exec(client.data)?.[1] ?? 0);
      if (end < 0 || client.data.length < end + 4 + length) {
        clients.push(client);
        continue;
      }
      requests.push(client.data);
      tryPipe(() => made.peer.send(client.s, bytes(answer(client.data))));
      made.peer.close(client.s);
    }
  });
  listener = made.peer.open();
  made.peer.bind(listener, { address: '0.0.0.0', port: 8080 });
  made.peer.listen(listener, 8);
  return { net: made.net, requests };
}

const answerFor = (request: string): string => {
  const path = request.split(' ')[1];
  if (path === '/hello.txt') return 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n\r\nhello\n';
  if (path === '/chunked') return 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nchunk\r\n3\r\ned\n\r\n0\r\n\r\n';
  if (path === '/old') return 'HTTP/1.1 301 Moved Permanently\r\nLocation: /hello.txt\r\nContent-Length: 0\r\n\r\n';
  if (path === '/form') return `HTTP/1.1 200 OK\r\nContent-Length: ${request.length}\r\n\r\n${request}`;
  return 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n';
};

describe('wget', () => {
  it('-q -O - prints the body; by default it saves to the name in the URL, saying so as busybox', () => {
    const { net, requests } = webPeer(answerFor);
    expect(box(['wget', '-q', '-O', '-', 'http://peer:8080/hello.txt'], net)).toEqual({ status: 0, stdout: 'hello\n', stderr: '' });
    expect(requests[0]).toBe('GET /hello.txt HTTP/1.1\r\nHost: peer:8080\r\nUser-Agent: Wget\r\nConnection: close\r\n\r\n');
    expect(box(['sh', '-c', 'cd /tmp && wget http://peer:8080/hello.txt && cat hello.txt && rm hello.txt'], net)).toEqual({
      status: 0,
      stdout: 'hello\n',
      stderr: `Connecting to peer (${PEER.address}:8080)\nsaving to 'hello.txt'\n'hello.txt' saved\n`,
    });
  });

  it('follows a redirect, decodes chunked bodies, -S shows the headers, --post-data POSTs', () => {
    const { net, requests } = webPeer(answerFor);
    expect(box(['wget', '-q', '-O', '-', `http://${PEER.address}:8080/old`], net).stdout).toBe('hello\n');
    expect(box(['wget', '-q', '-O', '-', 'http://peer:8080/chunked'], net).stdout).toBe('chunked\n');
    expect(box(['wget', '-q', '-S', '-O', '-', 'http://peer:8080/hello.txt'], net)).toEqual({
      status: 0,
      stdout: 'hello\n',
      stderr: '  HTTP/1.1 200 OK\n  Content-Type: text/plain\n  Content-Length: 6\n',
    });
    const posted = box(['wget', '-q', '-O', '-', '--post-data', 'a=1&b=2', 'http://peer:8080/form'], net).stdout;
    expect(posted).toMatch(/^POST \/form HTTP\/1\.1\r\n/);
    expect(posted).toContain('\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 7\r\n\r\na=1&b=2');
    expect(requests.length).toBe(5);
  });

  it("fails in busybox's words: refused, unknown name, HTTP error, no outside network; status 1", () => {
    const { net } = webPeer(answerFor);
    expect(box(['wget', '-q', '-O', '-', 'http://peer:9999/'], net)).toEqual({ status: 1, stdout: '', stderr: `wget: can't connect to remote host (${PEER.address}): Connection refused\n` });
    expect(box(['wget', '-O', '-', 'http://nowhere/'], net)).toEqual({ status: 1, stdout: '', stderr: "wget: bad address 'nowhere'\n" });
    expect(box(['wget', '-q', '-O', '-', 'http://peer:8080/missing'], net)).toEqual({ status: 1, stdout: '', stderr: 'wget: server returned error: HTTP/1.1 404 Not Found\n' });
    expect(box(['wget', '-q', '-O', '-', 'http://1.1.1.1/'], net).stderr).toBe(
      "wget: can't connect to remote host (1.1.1.1): Network is unreachable (the playground has no outside network: only containers on your networks)\n",
    );
    expect(box(['wget', '-q', 'https://peer/'], net)).toEqual({ status: 1, stdout: '', stderr: 'wget: https://peer/: https is not supported (there is no TLS here)\n' });
  });

  it('-T ends a download from a server that never answers', () => {
    expect(box(['wget', '-q', '-T', '1', '-O', '-', 'http://peer:8080/'], silentPeer(8080))).toEqual({ status: 1, stdout: '', stderr: 'wget: download timed out\n' });
  });
});

describe('names and addresses', () => {
  it('nslookup and getent hosts: /etc/hosts, then the names of containers on the same networks', () => {
    const { net } = network(() => undefined);
    expect(box(['nslookup', 'peer'], net)).toEqual({
      status: 0,
      stdout: `Server:\t\t127.0.0.11\nAddress:\t127.0.0.11:53\n\nNon-authoritative answer:\nName:\tpeer\nAddress: ${PEER.address}\n\n`,
      stderr: '',
    });
    expect(box(['nslookup', 'nosuch'], net)).toEqual({ status: 1, stdout: "Server:\t\t127.0.0.11\nAddress:\t127.0.0.11:53\n\n** server can't find nosuch: NXDOMAIN\n\n", stderr: '' });
    expect(box(['getent', 'hosts', 'peer', 'localhost'], net)).toEqual({ status: 0, stdout: `${PEER.address.padEnd(15)} peer\n127.0.0.1       localhost\n`, stderr: '' });
    expect(box(['getent', 'hosts', 'nosuch'], net)).toEqual({ status: 2, stdout: '', stderr: '' });
  });

  it('hostname -i prints the addresses /etc/hosts gives the hostname, one per network', () => {
    expect(box(['hostname', '-i'], undefined)).toEqual({ status: 0, stdout: `${WEB.address} 172.19.0.5\n`, stderr: '' });
  });
  it('ip addr shows lo and an eth per network, with its prefix, broadcast and MAC; it changes nothing', () => {
    const { net } = network(() => undefined);
    net.attach('web', [WEB, { network: 'db', address: '192.168.16.3', subnet: '192.168.16.0/20', names: ['web'] }]);
    const shown = box(['ip', 'addr'], net);
    expect(shown).toEqual({
      status: 0,
      stderr: '',
      stdout: [
        '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN qlen 1000',
        '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00',
        '    inet 127.0.0.1/8 scope host lo',
        '       valid_lft forever preferred_lft forever',
        '2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP',
        '    link/ether 02:42:ac:12:00:02 brd ff:ff:ff:ff:ff:ff',
        '    inet 172.18.0.2/16 brd 172.18.255.255 scope global eth0',
        '       valid_lft forever preferred_lft forever',
        '3: eth1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP',
        '    link/ether 02:42:c0:a8:10:03 brd ff:ff:ff:ff:ff:ff',
        '    inet 192.168.16.3/20 brd 192.168.31.255 scope global eth1',
        '       valid_lft forever preferred_lft forever',
        '',
      ].join('\n'),
    });
    expect(box(['ip', '-4', 'a', 'show'], net)).toEqual(shown);
    expect(box(['ip', 'addr', 'add', '10.0.0.1/8', 'dev', 'eth0'], net)).toEqual({ status: 2, stdout: '', stderr: 'ip: RTNETLINK answers: Operation not permitted\n' });
    expect(box(['ip', 'route'], net)).toEqual({ status: 1, stdout: '', stderr: "ip: only 'ip addr' is here: the container's network is the engine's\n" });
  });
});
