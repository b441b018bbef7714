/**
 * The kernel runner's SocketTransport (kernel-node/runner/kernel-sockets.ts) against the port's
 * contract (engine/wasi/socket-port.ts), on this host's loopback: the native calls compiled as
 * the service compiles them, real kernel sockets, native Node peers in other processes. Reach is
 * given (no interface of this host is asked), so nothing leaves the loopback.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_OUTSIDE_NETWORK } from '../../engine/net/memory-network.ts';
import { SockErrno } from '../../engine/wasi/socket-abi.ts';
import { SocketError, type SocketTransport } from '../../engine/wasi/socket-port.ts';
import { kernelSockets } from '../../kernel-node/runner/kernel-sockets.ts';
import { loadSocketCalls, type SocketCalls } from '../../kernel-node/runner/socket-calls.ts';
import { compileHostHelper } from '../../kernel-node/runtime/host-helpers.ts';
import { tempDir } from './harness.ts';

const dir = tempDir('dockyard-socket-calls-');
let calls: SocketCalls;
const children: ChildProcess[] = [];

beforeAll(async () => {
  const out = join(dir, 'socket-calls.node');
  const built = await compileHostHelper('../runner/socket-calls.c', out, ['-shared', '-fPIC', '-I', join(process.execPath, '..', '..', 'include', 'node')]);
  if (!built.path) throw new Error(built.problem);
  calls = loadSocketCalls(out)!;
}, 60_000);

afterAll(() => {
  for (const c of children) c.kill();
  rmSync(dir, { recursive: true, force: true });
});

const NO_REACH = () => ({ subnets: [], gateways: [] });

function transport(options: Parameters<typeof kernelSockets>[1] = {}): SocketTransport {
  return kernelSockets(calls, { reach: NO_REACH, ...options });
}

/** The SocketError `fn` throws. */
function failure(fn: () => unknown): SocketError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SocketError) return e;
    throw e;
  }
  throw new Error('it did not fail');
}

/** Retry `fn` while it says AGAIN, waiting on the transport between tries (at most 30 s). */
function blocking<T>(t: SocketTransport, fn: () => T): T {
  for (const end = Date.now() + 30_000; ; ) {
    try {
      return fn();
    } catch (e) {
      if (!(e instanceof SocketError) || e.errno !== SockErrno.AGAIN || Date.now() > end) throw e;
    }
    t.wait(1000);
  }
}

/** A Node process that connects to 127.0.0.1:port, writes `send` once connected (after `delayMs`), then prints what it gets. */
function nativeClient(port: number, send: string, delayMs = 0): { child: ChildProcess; output: Promise<string> } {
  const script = `const s = require('net').connect(${port}, '127.0.0.1', () => setTimeout(() => s.end(${JSON.stringify(send)}), ${delayMs})); let got = ''; s.on('data', (d) => (got += d)); s.on('close', () => process.stdout.write(got));`;
  const child = spawn(process.execPath, ['-e', script]);
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  return { child, output: new Promise((r) => child.on('exit', () => r(out))) };
}

/** A listener on this transport's loopback and one connection to it: listener, client end, server end. */
function connectedPair(t: SocketTransport): { l: number; c: number; s: number } {
  const l = t.open();
  t.listen(l, 4);
  const c = t.open();
  t.connect(c, { address: '127.0.0.1', port: t.local(l).port });
  return { l, c, s: blocking(t, () => t.accept(l)).id };
}

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const bytes = (s: string) => new TextEncoder().encode(s);

describe('kernel sockets: the transport contract on real sockets', () => {
  it('a listener on loopback serves a native client: accept, recv, AGAIN, send, end of stream', async () => {
    const t = transport();
    const l = t.open();
    t.bind(l, { address: '127.0.0.1', port: 0 });
    t.listen(l, 8);
    const { port } = t.local(l);
    expect(port).toBeGreaterThan(0);
    expect(t.ready(l)).toEqual({ readable: false, writable: false, hangup: false });
    expect(failure(() => t.accept(l)).errno).toBe(SockErrno.AGAIN);

    // The client writes after a pause: a recv before then is AGAIN, and the wait wakes for the bytes.
    const client = nativeClient(port, 'ping', 300);
    const conn = blocking(t, () => t.accept(l));
    expect(conn.peer.address).toBe('127.0.0.1');
    expect(t.peer(conn.id)).toEqual(conn.peer);
    expect(t.local(conn.id)).toEqual({ address: '127.0.0.1', port });
    const first = blocking(t, () => t.recv(conn.id, 2, true));
    expect(text(first)).toBe('pi');
    expect(text(blocking(t, () => t.recv(conn.id, 100, false)))).toBe('ping');
    expect(t.send(conn.id, bytes('pong'))).toBe(4);
    // The client ended its side after its write: end of stream, and the readiness says so.
    expect(blocking(t, () => t.recv(conn.id, 100, false)).length).toBe(0);
    expect(t.ready(conn.id)).toMatchObject({ readable: true, hangup: true });
    t.close(conn.id);
    t.close(l);
    expect(await client.output).toBe('pong');
  }, 60_000);

  it('one transport connects to its own listener; shutdown of writing ends the peer stream; close of a listener refuses after', () => {
    const t = transport();
    const l = t.open();
    t.listen(l, 4);
    const { port } = t.local(l);
    expect(t.local(l).address).toBe('0.0.0.0');
    const c = t.open();
    t.connect(c, { address: '0.0.0.0', port });
    expect(t.peer(c)).toEqual({ address: '127.0.0.1', port });
    expect(failure(() => t.connect(c, { address: '127.0.0.1', port })).errno).toBe(SockErrno.ISCONN);
    const s = blocking(t, () => t.accept(l)).id;
    expect(t.ready(c).writable).toBe(true);
    t.send(c, bytes('hello'));
    t.shutdown(c, 2);
    expect(failure(() => t.send(c, bytes('more'))).errno).toBe(SockErrno.PIPE);
    expect(text(blocking(t, () => t.recv(s, 100, false)))).toBe('hello');
    expect(blocking(t, () => t.recv(s, 100, false)).length).toBe(0);
    expect(failure(() => t.shutdown(s, 0)).errno).toBe(SockErrno.INVAL);
    t.close(l);
    const late = t.open();
    expect(failure(() => t.connect(late, { address: '127.0.0.1', port }))).toMatchObject({ errno: SockErrno.CONNREFUSED, message: `connection refused: nothing listens on 127.0.0.1:${port}` });
    for (const id of [c, s, late]) t.close(id);
  });

  it('a peer that closed: send fails with EPIPE or ECONNRESET (never SIGPIPE), poll says hangup', () => {
    const t = transport();
    const { l, c, s } = connectedPair(t);
    t.close(s);
    let errno = 0;
    for (let i = 0; i < 50 && errno === 0; i++) {
      try {
        t.send(c, bytes('x'));
        t.wait(50);
      } catch (e) {
        errno = (e as SocketError).errno;
      }
    }
    expect([SockErrno.PIPE, SockErrno.CONNRESET]).toContain(errno);
    expect(t.ready(c)).toMatchObject({ readable: true, hangup: true });
    t.close(c);
    t.close(l);
  });

  it('a reader that never reads: send fills the kernel buffers, then AGAIN and not writable (bounded)', () => {
    const t = transport();
    const { l, c, s } = connectedPair(t);
    const chunk = new Uint8Array(64 * 1024);
    let sent = 0;
    let errno = 0;
    for (let i = 0; i < 4096 && errno === 0; i++) {
      try {
        sent += t.send(c, chunk);
      } catch (e) {
        errno = (e as SocketError).errno;
      }
    }
    expect(errno).toBe(SockErrno.AGAIN);
    expect(sent).toBeGreaterThan(0);
    expect(t.ready(c).writable).toBe(false);
    // Reading makes room again.
    for (let got = 0; got < sent; ) got += blocking(t, () => t.recv(s, 1 << 20, false)).length;
    expect(blocking(t, () => t.send(c, chunk))).toBeGreaterThan(0);
    for (const id of [c, s, l]) t.close(id);
  });

  it('a connect its listener cannot take yet (backlog full) stays under way: AGAIN, not writable, then connected once accepted - no second connect needed', () => {
    const t = transport({ connectWaitMs: 0 });
    const l = t.open();
    t.listen(l, 1);
    const target = { address: '127.0.0.1', port: t.local(l).port };
    let pending: number | undefined;
    for (let i = 0; i < 8 && pending === undefined; i++) {
      const c = t.open();
      try {
        t.connect(c, target);
      } catch (e) {
        if ((e as SocketError).errno !== SockErrno.AGAIN) throw e;
        pending = c;
      }
    }
    // Linux drops the SYN of a connection its full accept queue cannot hold; the client retries.
    expect(pending).toBeDefined();
    expect(t.ready(pending!).writable).toBe(false);
    expect(failure(() => t.send(pending!, bytes('x'))).errno).toBe(SockErrno.AGAIN);
    expect(failure(() => t.peer(pending!)).errno).toBe(SockErrno.NOTCONN);
    blocking(t, () => {
      for (;;) {
        try {
          t.accept(l);
        } catch (e) {
          if ((e as SocketError).errno === SockErrno.AGAIN) break;
          throw e;
        }
      }
      if (!t.ready(pending!).writable) throw new SocketError(SockErrno.AGAIN, 'still connecting');
    });
    expect(t.send(pending!, bytes('x'))).toBe(1);
    expect(t.peer(pending!)).toEqual(target);
  }, 60_000);

  it('binds: the same port twice, an address that is not the container, a bound socket again', () => {
    const t = transport();
    const a = t.open();
    t.bind(a, { address: '127.0.0.1', port: 0 });
    const { port } = t.local(a);
    t.listen(a, 1);
    const b = t.open();
    expect(failure(() => t.bind(b, { address: '0.0.0.0', port }))).toMatchObject({ errno: SockErrno.ADDRINUSE, message: `address already in use: 0.0.0.0:${port}` });
    expect(failure(() => t.bind(b, { address: '192.0.2.1', port: 80 }))).toMatchObject({ errno: SockErrno.ADDRNOTAVAIL, message: '192.0.2.1 is not an address of this container' });
    const c = t.open();
    t.bind(c, { address: '127.0.0.1', port: 0 });
    expect(failure(() => t.bind(c, { address: '127.0.0.1', port: 0 })).errno).toBe(SockErrno.INVAL);
    for (const id of [a, b, c]) t.close(id);
  });

  it('reach: outside every subnet is ENETUNREACH in the playground words, a gateway is EHOSTUNREACH - no packet either way', () => {
    const t = transport({ reach: () => ({ subnets: ['10.99.0.0/16'], gateways: ['10.99.0.1'] }) });
    const s = t.open();
    expect(failure(() => t.connect(s, { address: '192.0.2.1', port: 80 }))).toMatchObject({ errno: SockErrno.NETUNREACH, message: `192.0.2.1 is not on this container's networks: ${NO_OUTSIDE_NETWORK}` });
    expect(failure(() => t.connect(s, { address: '10.99.0.1', port: 80 }))).toMatchObject({ errno: SockErrno.HOSTUNREACH });
    // Still fresh: it can connect on its loopback after.
    const l = t.open();
    t.listen(l, 1);
    t.connect(s, { address: '127.0.0.1', port: t.local(l).port });
    expect(t.peer(s).port).toBe(t.local(l).port);
    for (const id of [s, l]) t.close(id);
  });

  it('reach is kept between connects, and a network connected since is seen at once (its gateway EHOSTUNREACH, not ENETUNREACH)', () => {
    const networks = [{ subnet: '10.99.0.0/16', gateway: '10.99.0.1' }];
    let reads = 0;
    const t = transport({
      reach: () => {
        reads++;
        return { subnets: networks.map((n) => n.subnet), gateways: networks.map((n) => n.gateway) };
      },
    });
    const s = t.open();
    expect(failure(() => t.connect(s, { address: '10.99.0.1', port: 80 })).errno).toBe(SockErrno.HOSTUNREACH);
    expect(failure(() => t.connect(s, { address: '10.99.0.1', port: 80 })).errno).toBe(SockErrno.HOSTUNREACH);
    expect(reads).toBe(1);
    networks.push({ subnet: '10.98.0.0/16', gateway: '10.98.0.1' });
    expect(failure(() => t.connect(s, { address: '10.98.0.1', port: 80 })).errno).toBe(SockErrno.HOSTUNREACH);
    expect(failure(() => t.connect(s, { address: '10.97.0.1', port: 80 })).errno).toBe(SockErrno.NETUNREACH);
    t.close(s);
  });

  it('a container holds at most maxSockets: EMFILE on open and on accept, the waiting connection stays waiting', () => {
    const t = transport({ maxSockets: 3 });
    const { l, s } = connectedPair(t);
    expect(failure(() => t.open())).toMatchObject({ errno: SockErrno.MFILE, message: 'too many sockets: a container holds at most 3' });
    const other = transport();
    const c2 = other.open();
    other.connect(c2, { address: '127.0.0.1', port: t.local(l).port });
    blocking(t, () => {
      if (!t.ready(l).readable) throw new SocketError(SockErrno.AGAIN, 'not yet');
    });
    expect(failure(() => t.accept(l)).errno).toBe(SockErrno.MFILE);
    t.close(s);
    expect(blocking(t, () => t.accept(l)).peer.port).toBe(other.local(c2).port);
    other.close(c2);
  });

  it('wait ends when the wake descriptor is written (a signal or stdin, from the runner main thread)', () => {
    const wakeFd = calls.wakeFd();
    const t = transport({ wakeFd });
    const one = new Uint8Array(new BigUint64Array([1n]).buffer);
    // What runner-control.ts ring() does; the wait returns instead of sleeping its minute.
    writeSync(wakeFd, one);
    t.wait(60_000);
    expect(calls.close(wakeFd)).toBe(0);
  }, 30_000);

  it('names: localhost is the loopback, other names are the resolver', () => {
    const t = transport({ resolve: (n) => (n === 'kv' ? ['172.18.0.2'] : []) });
    expect(t.resolve('localhost')).toEqual(['127.0.0.1']);
    expect(t.resolve('kv')).toEqual(['172.18.0.2']);
    expect(t.resolve('nobody')).toEqual([]);
    expect(transport().resolve('kv')).toEqual([]);
  });
});
