/**
 * The browser's network hub (worker/net/network-hub.ts) as the core drives it, and published
 * ports (worker/net/published-port.ts) through their MessagePorts, in Node: endpoints as the core
 * hands them, names through the core's resolver, doorbells rung when a socket may be ready,
 * a stop that ends every connection, and the published-port contract the preview relies on.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { NetworkHub } from '../../../worker/net/network-hub.ts';
import { connectPublished, type PublishedPortMessage } from '../../../worker/net/published-port.ts';
import type { DriverEndpoint, DriverPortBinding } from '../../../engine/ports.ts';
import { EngineError } from '../../../engine/errors.ts';
import { SockErrno } from '../../../engine/wasi/socket-abi.ts';
import { SocketError, type SocketTransport } from '../../../engine/wasi/socket-port.ts';
import { errno } from '../net/socket-errno.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function endpoint(networkName: string, address: string, over: Partial<DriverEndpoint> = {}): DriverEndpoint {
  const [a, b] = address.split('.');
  return {
    networkId: `id-${networkName}`,
    networkName,
    driver: 'bridge',
    subnet: `${a}.${b}.0.0/16`,
    gateway: `${a}.${b}.0.1`,
    internal: false,
    address,
    mac: '02:42:ac:12:00:02',
    resolves: networkName !== 'bridge',
    ...over,
  };
}

const NONE: DriverEndpoint = { networkId: 'id-none', networkName: 'none', driver: 'null', subnet: '', gateway: '', internal: false, address: '', mac: '', resolves: false };


function listen(t: SocketTransport, port: number, address = '0.0.0.0'): number {
  const s = t.open();
  t.bind(s, { address, port });
  t.listen(s, 4);
  return s;
}

/** What a MessagePort of a published connection receives, until `end` or `error`. */
function collect(port: MessagePort): { messages: PublishedPortMessage[]; done: Promise<string> } {
  const messages: PublishedPortMessage[] = [];
  const done = new Promise<string>((resolve) => {
    port.onmessage = (e: MessageEvent<PublishedPortMessage>) => {
      messages.push(e.data);
      if ('end' in e.data || 'error' in e.data) resolve(messages.map((m) => ('data' in m ? decoder.decode(m.data) : 'end' in m ? '<end>' : `<error: ${m.error}>`)).join(''));
    };
  });
  return { messages, done };
}

/** Let the ports' messages cross (MessageChannel delivers on a later turn). */
const turns = async (n = 5) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setTimeout(r, 0));
};

const open: MessagePort[] = [];
afterEach(() => {
  for (const p of open.splice(0)) p.close();
});

describe('the network hub', () => {
  it('wires the endpoints the core hands it: a user network, the default bridge, none (loopback only), connect and disconnect', async () => {
    const hub = new NetworkHub();
    await hub.attach('web', { endpoints: [endpoint('app', '172.18.0.2')], ports: [] });
    await hub.attach('client', { endpoints: [endpoint('app', '172.18.0.3')], ports: [] });
    await hub.attach('plain', { endpoints: [endpoint('bridge', '172.17.0.2')], ports: [] });
    await hub.attach('alone', { endpoints: [NONE], ports: [] });
    const web = hub.net.transport('web');
    listen(web, 80);
    const client = hub.net.transport('client');
    expect(errno(() => client.connect(client.open(), { address: '172.18.0.2', port: 80 }))).toBeUndefined();
    const plain = hub.net.transport('plain');
    expect(errno(() => plain.connect(plain.open(), { address: '172.18.0.2', port: 80 }))).toBe(SockErrno.NETUNREACH);
    const alone = hub.net.transport('alone');
    expect(errno(() => alone.connect(alone.open(), { address: '172.18.0.2', port: 80 }))).toBe(SockErrno.NETUNREACH);
    expect(errno(() => alone.bind(alone.open(), { address: '127.0.0.1', port: 80 }))).toBeUndefined();
    // docker network connect app plain, then disconnect.
    await hub.connect('plain', endpoint('app', '172.18.0.4'));
    expect(errno(() => plain.connect(plain.open(), { address: '172.18.0.2', port: 80 }))).toBeUndefined();
    await hub.disconnect('plain', 'id-app');
    expect(errno(() => plain.connect(plain.open(), { address: '172.18.0.2', port: 80 }))).toBe(SockErrno.NETUNREACH);
  });

  it('names: localhost by the network, the rest through the core resolver; a failing resolver resolves nothing', async () => {
    const hub = new NetworkHub();
    await hub.attach('a', { endpoints: [endpoint('app', '172.18.0.2')], ports: [] });
    const asked: string[] = [];
    hub.resolver = async (container, name) => {
      asked.push(`${container}:${name}`);
      if (name === 'gone') throw new EngineError('not-found', 'No such container: a');
      return name === 'kv' ? ['172.18.0.9'] : [];
    };
    const t = hub.net.transport('a');
    expect(await hub.resolve('a', t, 'localhost')).toEqual(['127.0.0.1']);
    expect(await hub.resolve('a', t, 'kv')).toEqual(['172.18.0.9']);
    expect(await hub.resolve('a', t, 'nowhere')).toEqual([]);
    expect(await hub.resolve('a', t, 'gone')).toEqual([]);
    expect(asked).toEqual(['a:kv', 'a:nowhere', 'a:gone']);
  });

  it('rings the doorbells of a container whose socket may be ready, until its channel closes', async () => {
    const hub = new NetworkHub();
    await hub.attach('srv', { endpoints: [endpoint('app', '172.18.0.2')], ports: [] });
    await hub.attach('cli', { endpoints: [endpoint('app', '172.18.0.3')], ports: [] });
    let rung = 0;
    const channel = hub.open('srv', () => rung++);
    expect(channel.buffer).toBeInstanceOf(SharedArrayBuffer);
    const srv = hub.net.transport('srv');
    const l = listen(srv, 7000);
    const cli = hub.net.transport('cli');
    const c = cli.open();
    cli.connect(c, { address: '172.18.0.2', port: 7000 });
    expect(rung).toBe(1);
    const s = srv.accept(l).id;
    cli.send(c, encoder.encode('ping'));
    expect(rung).toBe(2);
    expect(decoder.decode(srv.recv(s, 16, false))).toBe('ping');
    channel.close();
    cli.send(c, encoder.encode('again'));
    expect(rung).toBe(2);
  });

  it('lists published TCP ports of attached containers once per IPv4 host address, none for a container on none', async () => {
    const hub = new NetworkHub();
    const ports: DriverPortBinding[] = [
      { hostIp: '0.0.0.0', hostPort: 8080, containerPort: 80, protocol: 'tcp' },
      { hostIp: '::', hostPort: 8080, containerPort: 80, protocol: 'tcp' },
      { hostIp: '127.0.0.1', hostPort: 5353, containerPort: 53, protocol: 'udp' },
    ];
    await hub.attach('web', { endpoints: [endpoint('bridge', '172.17.0.2')], ports });
    await hub.attach('alone', { endpoints: [NONE], ports: [{ hostIp: '', hostPort: 9090, containerPort: 90, protocol: 'tcp' }] });
    expect(hub.published()).toEqual([{ hostIp: '0.0.0.0', hostPort: 8080, containerId: 'web' }]);
    expect(hub.target('127.0.0.1', 8080)).toEqual({ containerId: 'web', containerPort: 80, from: '172.17.0.1' });
    expect(hub.target('', 9090)).toBeUndefined();
    await hub.detach('web');
    expect(hub.published()).toEqual([]);
  });
});

describe('published ports', () => {
  async function webOnBridge(bindingIp = '0.0.0.0') {
    const hub = new NetworkHub();
    await hub.attach('web', { endpoints: [endpoint('bridge', '172.17.0.2')], ports: [{ hostIp: bindingIp, hostPort: 8080, containerPort: 80, protocol: 'tcp' }] });
    return { hub, web: hub.net.transport('web') };
  }

  /** web listening on 80, published on 8080, and one connection to it from the page (not yet accepted). */
  async function dialed() {
    const { hub, web } = await webOnBridge();
    const l = listen(web, 80);
    const port = await connectPublished(hub, '', 8080);
    open.push(port);
    return { hub, web, l, port };
  }

  it('nothing published: not-found in Docker-like words; published but nobody listens: unavailable, connection refused', async () => {
    const { hub } = await webOnBridge();
    await expect(connectPublished(hub, '', 9999)).rejects.toMatchObject({ code: 'not-found', message: 'nothing is published on port 9999' });
    await expect(connectPublished(hub, '', 8080)).rejects.toMatchObject({ code: 'unavailable', message: expect.stringContaining('connection refused') });
  });

  it('a binding to 127.0.0.1 takes its own address and the wildcard, not another address', async () => {
    const { hub, web } = await webOnBridge('127.0.0.1');
    listen(web, 80);
    open.push(await connectPublished(hub, '127.0.0.1', 8080), await connectPublished(hub, '', 8080));
    await expect(connectPublished(hub, '127.0.0.2', 8080)).rejects.toMatchObject({ code: 'not-found' });
  });

  it('carries both directions in order, half closes, and closes once both ended; the container sees the gateway as its peer', async () => {
    const { web, l, port } = await dialed();
    const got = collect(port);
    const s = web.accept(l);
    expect(s.peer.address).toBe('172.17.0.1');
    port.postMessage({ data: encoder.encode('GET / HTTP/1.0\r\n').buffer });
    port.postMessage({ data: encoder.encode('\r\n').buffer });
    port.postMessage({ end: true });
    await turns();
    expect(decoder.decode(web.recv(s.id, 100, false))).toBe('GET / HTTP/1.0\r\n\r\n');
    expect(web.recv(s.id, 100, false)).toEqual(new Uint8Array(0));
    web.send(s.id, encoder.encode('HTTP/1.0 200 OK\r\n\r\n'));
    web.send(s.id, encoder.encode('hello'));
    web.close(s.id);
    expect(await got.done).toBe('HTTP/1.0 200 OK\r\n\r\nhello<end>');
  });

  it('keeps what the page sends beyond the connection buffer and hands it on as the container reads', async () => {
    const { web, l, port } = await dialed();
    const body = new Uint8Array(300 * 1024).map((_, i) => i % 251);
    port.postMessage({ data: body.slice().buffer });
    port.postMessage({ end: true });
    await turns();
    const s = web.accept(l).id;
    const parts: Uint8Array[] = [];
    for (let i = 0; i < 1000; i++) {
      let d: Uint8Array;
      try {
        d = web.recv(s, 65536, false);
      } catch (e) {
        if (e instanceof SocketError && e.errno === SockErrno.AGAIN) {
          await turns(1);
          continue;
        }
        throw e;
      }
      if (d.length === 0) break;
      parts.push(d);
    }
    const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      all.set(p, at);
      at += p.length;
    }
    expect(all.length).toBe(body.length);
    expect(all.findIndex((b, i) => b !== body[i])).toBe(-1);
  });

  it('a stop (detach) ends the connection: the page reads what was sent, then the end', async () => {
    const { hub, web, l, port } = await dialed();
    const got = collect(port);
    const s = web.accept(l).id;
    web.send(s, encoder.encode('partial'));
    await hub.detach('web');
    expect(await got.done).toBe('partial<end>');
    await expect(connectPublished(hub, '', 8080)).rejects.toMatchObject({ code: 'not-found' });
  });

  it('an error from the page resets: the container reads the end and its writes fail', async () => {
    const { web, l, port } = await dialed();
    const s = web.accept(l).id;
    port.postMessage({ error: 'the preview was closed' });
    await turns();
    expect(web.recv(s, 10, false)).toEqual(new Uint8Array(0));
    expect(errno(() => web.send(s, encoder.encode('x')))).toBe(SockErrno.PIPE);
  });

  it('a full backlog is waited for until the container accepts', async () => {
    const { hub, web } = await webOnBridge();
    const l = web.open();
    web.bind(l, { address: '0.0.0.0', port: 80 });
    web.listen(l, 1);
    open.push(await connectPublished(hub, '', 8080));
    let second: MessagePort | undefined;
    const pending = connectPublished(hub, '', 8080).then((p) => (second = p));
    await turns();
    expect(second).toBeUndefined();
    web.accept(l);
    await pending;
    expect(second).toBeDefined();
    open.push(second!);
  });

  it('the connections from outside are bounded as a container sockets are: past the bound, resource-exhausted; one closed makes room', async () => {
    const hub = new NetworkHub({ maxSockets: 2 });
    await hub.attach('web', { endpoints: [endpoint('bridge', '172.17.0.2')], ports: [{ hostIp: '', hostPort: 8080, containerPort: 80, protocol: 'tcp' }] });
    listen(hub.net.transport('web'), 80);
    const first = await connectPublished(hub, '', 8080);
    open.push(first, await connectPublished(hub, '', 8080));
    await expect(connectPublished(hub, '', 8080)).rejects.toMatchObject({ code: 'resource-exhausted', message: 'too many connections to published ports are open at once' });
    first.postMessage({ error: 'closed by the page' });
    await turns();
    open.push(await connectPublished(hub, '', 8080));
  });

  it('a container that closed the connection whole frees the engine side without a word from the page', async () => {
    const { web, l, port } = await dialed();
    const got = collect(port);
    // Node tells the other end of a MessageChannel that it closed (the engine's side here).
    const closed = new Promise((resolve) => port.addEventListener('close', resolve));
    const s = web.accept(l).id;
    web.send(s, encoder.encode('bye'));
    web.close(s);
    expect(await got.done).toBe('bye<end>');
    await closed;
  });
});
