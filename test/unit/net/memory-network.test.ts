/**
 * The in-memory network's rules (engine/net/memory-network.ts) straight through its transports:
 * addresses a container may bind, names on shared networks only, what a peer sees when a
 * container stops or resets, peeking, and the buffer bound.
 */
import { describe, expect, it } from 'vitest';
import { MemoryNetwork, OUTSIDE } from '../../../engine/net/memory-network.ts';
import { SockErrno } from '../../../engine/wasi/socket-abi.ts';
import type { SocketTransport } from '../../../engine/wasi/socket-port.ts';
import { errno } from './socket-errno.ts';


function twoOnApp(options = {}) {
  const net = new MemoryNetwork(options);
  net.attach('a', [{ network: 'app', address: '172.18.0.2', subnet: '172.18.0.0/16', names: ['a', 'alias-a'] }]);
  net.attach('b', [
    { network: 'app', address: '172.18.0.3', subnet: '172.18.0.0/16', names: ['b'] },
    { network: 'db', address: '172.19.0.2', subnet: '172.19.0.0/16', names: ['b'] },
  ]);
  net.attach('c', [{ network: 'db', address: '172.19.0.3', subnet: '172.19.0.0/16', names: ['c'] }]);
  return { net, a: net.transport('a'), b: net.transport('b'), c: net.transport('c') };
}

function listen(t: SocketTransport, port: number, address = '0.0.0.0'): number {
  const s = t.open();
  t.bind(s, { address, port });
  t.listen(s, 8);
  return s;
}

function connect(t: SocketTransport, address: string, port: number): number {
  const s = t.open();
  t.connect(s, { address, port });
  return s;
}

describe('the in-memory network', () => {
  it('a container binds only its own addresses, loopback and the wildcard', () => {
    const { a } = twoOnApp();
    expect(errno(() => a.bind(a.open(), { address: '172.18.0.3', port: 80 }))).toBe(SockErrno.ADDRNOTAVAIL);
    expect(errno(() => a.bind(a.open(), { address: '172.18.0.2', port: 80 }))).toBeUndefined();
    expect(errno(() => a.bind(a.open(), { address: '0.0.0.0', port: 80 }))).toBe(SockErrno.ADDRINUSE);
    expect(errno(() => a.bind(a.open(), { address: '127.0.0.1', port: 81 }))).toBeUndefined();
  });

  it('names resolve on the networks the caller shares, to the address there', () => {
    const { a, b, c } = twoOnApp();
    expect(a.resolve('b')).toEqual(['172.18.0.3']);
    expect(c.resolve('b')).toEqual(['172.19.0.2']);
    expect(a.resolve('c')).toEqual([]);
    expect(b.resolve('alias-a')).toEqual(['172.18.0.2']);
    expect(a.resolve('localhost')).toEqual(['127.0.0.1']);
  });

  it('a connection through the network both are on: each side sees the other at its address there', () => {
    const { b, c } = twoOnApp();
    const l = listen(c, 5432);
    const s = connect(b, '172.19.0.3', 5432);
    expect(b.local(s)).toEqual({ address: '172.19.0.2', port: 32768 });
    const got = c.accept(l);
    expect(got.peer).toEqual({ address: '172.19.0.2', port: 32768 });
    expect(c.local(got.id)).toEqual({ address: '172.19.0.3', port: 5432 });
    expect(errno(() => connect(c, '172.18.0.2', 80))).toBe(SockErrno.NETUNREACH);
  });

  it('peek leaves the bytes; end of stream after the peer shuts writing; EPIPE after it closed', () => {
    const { a, b } = twoOnApp();
    const l = listen(b, 7000);
    const s = connect(a, '172.18.0.3', 7000);
    const t = b.accept(l).id;
    a.send(s, new TextEncoder().encode('hello'));
    expect(new TextDecoder().decode(b.recv(t, 3, true))).toBe('hel');
    expect(new TextDecoder().decode(b.recv(t, 10, false))).toBe('hello');
    expect(errno(() => b.recv(t, 10, false))).toBe(SockErrno.AGAIN);
    a.shutdown(s, 2);
    expect(b.recv(t, 10, false).length).toBe(0);
    expect(b.ready(t)).toMatchObject({ readable: true, hangup: true });
    b.close(t);
    expect(errno(() => a.send(s, new Uint8Array([1])))).toBe(SockErrno.PIPE);
  });

  it('a stopped container (detach) ends its connections; a closed listener resets those waiting', () => {
    const { net, a, b } = twoOnApp();
    const l = listen(b, 7000);
    const s1 = connect(a, '172.18.0.3', 7000);
    const s2 = connect(a, '172.18.0.3', 7000);
    const t1 = b.accept(l).id;
    b.send(t1, new Uint8Array([7]));
    b.close(l);
    expect(errno(() => a.recv(s2, 10, false))).toBe(SockErrno.CONNRESET);
    net.detach('b');
    expect(Array.from(a.recv(s1, 10, false))).toEqual([7]);
    expect(a.recv(s1, 10, false).length).toBe(0);
    expect(errno(() => a.connect(a.open(), { address: '172.18.0.3', port: 7000 }))).toBe(SockErrno.HOSTUNREACH);
  });

  it('one direction holds at most bufferBytes; the sender is told to wait, then goes on as the reader takes', () => {
    const { net, a, b } = twoOnApp({ bufferBytes: 10 });
    const l = listen(b, 7000);
    const s = connect(a, '172.18.0.3', 7000);
    const t = b.accept(l).id;
    expect(a.send(s, new Uint8Array(25))).toBe(10);
    expect(errno(() => a.send(s, new Uint8Array(1)))).toBe(SockErrno.AGAIN);
    expect(a.ready(s).writable).toBe(false);
    expect(net.bufferedBytes()).toBe(10);
    expect(b.recv(t, 4, false).length).toBe(4);
    expect(a.send(s, new Uint8Array(25))).toBe(4);
  });

  it('wakes the container whose socket a change may make ready: the listener, the reader, the waiting sender, the peer of an end', () => {
    const woken: string[] = [];
    const { net, a, b } = twoOnApp({ wake: (c: string) => woken.push(c), bufferBytes: 4 });
    const l = listen(b, 80);
    const s = connect(a, '172.18.0.3', 80);
    expect(woken.splice(0)).toEqual(['b']);
    const there = b.accept(l).id;
    expect(woken.splice(0)).toEqual([]);
    expect(a.send(s, new Uint8Array([1, 2, 3, 4, 5]))).toBe(4);
    expect(woken.splice(0)).toEqual(['b']);
    expect(errno(() => a.send(s, new Uint8Array([6])))).toBe(SockErrno.AGAIN);
    expect(woken.splice(0)).toEqual([]);
    expect(b.recv(there, 2, true)).toEqual(new Uint8Array([1, 2]));
    expect(woken.splice(0)).toEqual([]);
    expect(b.recv(there, 2, false)).toEqual(new Uint8Array([1, 2]));
    expect(woken.splice(0)).toEqual(['a']);
    b.shutdown(there, 2);
    expect(woken.splice(0)).toEqual(['a']);
    net.detach('a');
    expect(woken.splice(0)).toEqual(['b']);
    expect(b.recv(there, 8, false)).toEqual(new Uint8Array([3, 4]));
    expect(b.recv(there, 8, false)).toEqual(new Uint8Array(0));
  });

  it('dial: a connection from outside (a published port) reaches a listener on the wildcard or the container address, never one on loopback', () => {
    const woken: string[] = [];
    const { net, b } = twoOnApp({ wake: (c: string) => woken.push(c) });
    const outside = net.transport(OUTSIDE);
    const local = b.open();
    b.bind(local, { address: '127.0.0.1', port: 8080 });
    b.listen(local, 4);
    expect(errno(() => net.dial('b', 8080, { address: '172.18.0.1', port: 40000 }))).toBe(SockErrno.CONNREFUSED);
    expect(errno(() => net.dial('b', 9, { address: '172.18.0.1', port: 40000 }))).toBe(SockErrno.CONNREFUSED);
    const l = listen(b, 80);
    const d = net.dial('b', 80, { address: '172.18.0.1', port: 40001 });
    expect(woken.splice(0)).toEqual(['b']);
    const got = b.accept(l);
    expect(woken.splice(0)).toEqual([OUTSIDE]);
    expect(got.peer).toEqual({ address: '172.18.0.1', port: 40001 });
    expect(b.local(got.id)).toEqual({ address: '172.18.0.3', port: 80 });
    outside.send(d, new TextEncoder().encode('GET /'));
    expect(new TextDecoder().decode(b.recv(got.id, 64, false))).toBe('GET /');
    expect(woken.splice(0)).toEqual(['b', OUTSIDE]);
    b.send(got.id, new TextEncoder().encode('200'));
    expect(woken.splice(0)).toEqual([OUTSIDE]);
    expect(outside.ready(d)).toEqual({ readable: true, writable: true, hangup: false });
    // A full backlog: the dial may wait (EAGAIN) until an accept makes room, and is told then.
    const small = b.open();
    b.bind(small, { address: '0.0.0.0', port: 81 });
    b.listen(small, 1);
    net.dial('b', 81, { address: '172.18.0.1', port: 40002 });
    expect(errno(() => net.dial('b', 81, { address: '172.18.0.1', port: 40003 }))).toBe(SockErrno.AGAIN);
    woken.splice(0);
    b.accept(small);
    expect(woken.splice(0)).toEqual([OUTSIDE]);
    net.dial('b', 81, { address: '172.18.0.1', port: 40003 });
    woken.splice(0);
    net.detach('b');
    expect(new TextDecoder().decode(outside.recv(d, 64, false))).toBe('200');
    expect(outside.recv(d, 64, false)).toEqual(new Uint8Array(0));
    // Detaching the outside is no container's stop: its connections stay.
    net.detach(OUTSIDE);
    expect(outside.ready(d).hangup).toBe(true);
  });

  it('a disconnect closes the sockets on the address the container no longer holds; the others stay', () => {
    const { net, a, b } = twoOnApp();
    const l = listen(b, 80);
    const onApp = connect(a, '172.18.0.3', 80);
    const there = b.accept(l).id;
    const local = b.open();
    b.bind(local, { address: '127.0.0.1', port: 81 });
    b.listen(local, 1);
    // b leaves app, keeps db.
    net.attach('b', [{ network: 'db', address: '172.19.0.2', subnet: '172.19.0.0/16', names: ['b'] }]);
    expect(a.recv(onApp, 8, false)).toEqual(new Uint8Array(0));
    expect(errno(() => b.recv(there, 8, false))).toBe(SockErrno.BADF);
    expect(b.ready(l).hangup).toBe(false);
    expect(b.ready(local).hangup).toBe(false);
    expect(errno(() => a.connect(a.open(), { address: '172.18.0.3', port: 80 }))).toBe(SockErrno.HOSTUNREACH);
  });
});
