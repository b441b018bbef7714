/**
 * The preview's HTTP over a published-port connection (web/sw/): what it writes to the container
 * and how it reads every framing of an answer, against a fake container on the other end of a real
 * MessageChannel speaking the engine's port messages ({data} | {end} | {error}).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { exchange } from '../../../web/sw/port-exchange.ts';
import { encodeRequest } from '../../../web/sw/http-request.ts';
import { BadResponseError } from '../../../web/sw/http-response.ts';
import { PortStreamError, type PortMessage } from '../../../web/sw/port-stream.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();
const open: MessagePort[] = [];

/** The container's side: what the page sent, and ways to answer. */
function fakeContainer() {
  const { port1, port2 } = new MessageChannel();
  open.push(port1, port2);
  const received: Uint8Array[] = [];
  const events: string[] = [];
  let gotRequest: () => void = () => {};
  const requested = new Promise<void>((r) => (gotRequest = r));
  port1.onmessage = (e: MessageEvent<PortMessage>) => {
    const m = e.data;
    if ('data' in m) {
      received.push(new Uint8Array(m.data));
      if (dec.decode(Buffer.concat(received)).includes('\r\n\r\n')) gotRequest();
    } else if ('end' in m) events.push('end');
    else events.push(`error: ${m.error}`);
  };
  const send = (bytes: string | Uint8Array) => {
    const b = typeof bytes === 'string' ? enc.encode(bytes) : bytes.slice();
    port1.postMessage({ data: b.buffer } satisfies PortMessage, [b.buffer]);
  };
  return {
    port: port2,
    requested,
    request: () => dec.decode(Buffer.concat(received)),
    events,
    send,
    end: () => port1.postMessage({ end: true } satisfies PortMessage),
    reset: () => port1.postMessage({ error: 'connection reset by peer' } satisfies PortMessage),
  };
}

async function text(body: ReadableStream<Uint8Array> | null): Promise<string> {
  return body ? new Response(body).text() : '';
}

/** Wait until the fake container has heard `what` (a reset arrives a turn after the page sent it). */
async function heard(events: string[], what: RegExp): Promise<void> {
  for (let i = 0; i < 200 && !events.some((e) => what.test(e)); i++) await new Promise((r) => setTimeout(r, 10));
  expect(events.some((e) => what.test(e))).toBe(true);
}

afterEach(() => {
  for (const p of open.splice(0)) p.close();
});

describe('the request the preview writes', () => {
  it('is HTTP/1.1 to localhost:PORT, one per connection, without the page hop’s own headers', () => {
    const bytes = encodeRequest(
      { method: 'POST', target: '/api?x=1', headers: [['Accept', 'text/html'], ['Connection', 'keep-alive'], ['Host', 'evil'], ['X-Bad', 'a\r\nInjected: 1']], body: enc.encode('k=v') },
      8080,
    );
    expect(dec.decode(bytes)).toBe('POST /api?x=1 HTTP/1.1\r\nHost: localhost:8080\r\nAccept: text/html\r\nContent-Length: 3\r\nConnection: close\r\n\r\nk=v');
  });

  it('refuses a target or method HTTP cannot carry', () => {
    expect(() => encodeRequest({ method: 'GET', target: '/a b', headers: [] }, 80)).toThrow(/invalid request target/);
    expect(() => encodeRequest({ method: 'GET', target: 'http://x/', headers: [] }, 80)).toThrow(/invalid request target/);
    expect(() => encodeRequest({ method: 'GE T', target: '/', headers: [] }, 80)).toThrow(/invalid method/);
  });
});

describe('reading the answer', () => {
  it('a Content-Length body, the head arriving a byte at a time', async () => {
    const c = fakeContainer();
    const answering = exchange(c.port, 8080, { method: 'GET', target: '/', headers: [] });
    await c.requested;
    expect(c.request()).toMatch(/^GET \/ HTTP\/1\.1\r\nHost: localhost:8080\r\n/);
    for (const ch of 'HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5\r\nSet-A: 1\r\nSet-A: 2\r\n\r\n') c.send(ch);
    c.send('hel');
    c.send('lo and more than was said');
    const a = await answering;
    expect([a.status, a.statusText, a.contentLength]).toEqual([200, 'OK', 5]);
    expect(a.headers).toContainEqual(['set-a', '2']);
    expect(await text(a.body)).toBe('hello');
  });

  it('a chunked body with extensions and trailers, and a 100 Continue before it', async () => {
    const c = fakeContainer();
    const answering = exchange(c.port, 80, { method: 'GET', target: '/', headers: [] });
    c.send('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\nnot \r\n');
    c.send('6\r\nfound!\r\n0\r\nX-Trailer: t\r\n\r\n');
    const a = await answering;
    expect(a.status).toBe(404);
    expect(a.contentLength).toBeNull();
    expect(await text(a.body)).toBe('not found!');
  });

  it('10 MB in chunks of every size, byte for byte', async () => {
    const c = fakeContainer();
    const body = new Uint8Array(10 * 1024 * 1024);
    for (let i = 0; i < body.length; i++) body[i] = (i * 31 + (i >> 13)) & 0xff;
    const answering = exchange(c.port, 80, { method: 'GET', target: '/big', headers: [] });
    c.send('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n');
    for (let at = 0, size = 1; at < body.length; at += size, size = (size * 7 + 13) % 200_000 || 1) {
      const piece = body.subarray(at, at + size);
      c.send(`${piece.length.toString(16)}\r\n`);
      c.send(piece);
      c.send('\r\n');
    }
    c.send('0\r\n\r\n');
    const a = await answering;
    const got = new Uint8Array(await new Response(a.body).arrayBuffer());
    expect(got.length).toBe(body.length);
    expect(Buffer.compare(got, body)).toBe(0);
  });

  it('a body without framing runs until the container ends the connection, and the page ends its side', async () => {
    const c = fakeContainer();
    const answering = exchange(c.port, 80, { method: 'GET', target: '/', headers: [] });
    c.send('HTTP/1.0 200 OK\nContent-Type: text/plain\n\nline 1\n');
    c.send('line 2\n');
    c.end();
    expect(await text((await answering).body)).toBe('line 1\nline 2\n');
    // Both sides ended: the engine frees the connection (it would count against its bound otherwise).
    await heard(c.events, /^end$/);
  });

  it('a complete answer from a container that keeps its side open resets the connection', async () => {
    const c = fakeContainer();
    const answering = exchange(c.port, 80, { method: 'GET', target: '/', headers: [] });
    c.send('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    expect(await text((await answering).body)).toBe('ok');
    await heard(c.events, /^error: closed by the page$/);
  });

  it('no body for HEAD, 204 and 304 whatever the headers say', async () => {
    for (const [method, head] of [
      ['HEAD', 'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n'],
      ['GET', 'HTTP/1.1 204 No Content\r\n\r\n'],
      ['GET', 'HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n'],
    ]) {
      const c = fakeContainer();
      const answering = exchange(c.port, 80, { method, target: '/', headers: [] });
      c.send(head);
      expect((await answering).body).toBeNull();
    }
  });

  it('a container that never answers times out, and its connection is reset', async () => {
    const c = fakeContainer();
    const err = await exchange(c.port, 80, { method: 'GET', target: '/', headers: [] }, 300).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PortStreamError);
    expect((err as PortStreamError).kind).toBe('timeout');
    await heard(c.events, /^error:/);
  });

  it('a body that stops midway errors the stream instead of hanging it', async () => {
    const c = fakeContainer();
    const answering = exchange(c.port, 80, { method: 'GET', target: '/', headers: [] }, 300);
    c.send('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this');
    const a = await answering;
    await expect(text(a.body)).rejects.toThrow(/no answer within/);
    await heard(c.events, /^error:/);
  });

  it('a reset or an early end in the body is an error, not a short page', async () => {
    const c = fakeContainer();
    const answering = exchange(c.port, 80, { method: 'GET', target: '/', headers: [] });
    c.send('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npart');
    c.reset();
    await expect(text((await answering).body)).rejects.toThrow(/connection reset/);

    const d = fakeContainer();
    const answering2 = exchange(d.port, 80, { method: 'GET', target: '/', headers: [] });
    d.send('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab');
    d.end();
    await expect(text((await answering2).body)).rejects.toThrow(/ended in the middle of a chunk/);
  });

  it('what is not HTTP is refused with what was wrong', async () => {
    for (const [bytes, why] of [
      ['SSH-2.0-OpenSSH\r\n\r\n', /not an HTTP\/1.x status line/],
      ['HTTP/1.1 200 OK\r\nno colon here\r\n\r\n', /not an HTTP header line/],
      ['HTTP/1.1 200 OK\r\nContent-Length: 3, 4\r\n\r\n', /is not one length/],
      ['HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n', /does not end in chunked/],
      ['HTTP/1.1 101 Switching Protocols\r\n\r\n', /switched protocols/],
      ['HTTP/1.1 200 OK\r\n' + 'X: y\r\n'.repeat(20_000), /headers exceed 64 KB/],
    ] as const) {
      const c = fakeContainer();
      const answering = exchange(c.port, 80, { method: 'GET', target: '/', headers: [] });
      c.send(bytes);
      const err = await answering.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BadResponseError);
      expect(String(err)).toMatch(why);
    }
  });

  it('a container that closes without a word is refused, not waited for', async () => {
    const c = fakeContainer();
    const answering = exchange(c.port, 80, { method: 'GET', target: '/', headers: [] });
    c.end();
    await expect(answering).rejects.toThrow(/closed the connection without answering/);
  });

  it('a page that stops reading resets the connection', async () => {
    const c = fakeContainer();
    const answering = exchange(c.port, 80, { method: 'GET', target: '/', headers: [] });
    c.send('HTTP/1.1 200 OK\r\n\r\nstreaming');
    const a = await answering;
    await a.body!.cancel();
    await heard(c.events, /^error: the page stopped reading/);
  });
});
