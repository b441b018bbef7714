/**
 * Sockets for WASI programs (engine/wasi/socket-abi.ts, guest-sockets.ts) over the in-memory
 * network (engine/net/memory-network.ts): a C program compiled at test time with wasi-libc and
 * images/box/dy_socket.h (fixtures/net-guest.c), run by the process host on the kernel's adapter,
 * against this test as the other container (socket-harness.ts).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MemoryNetwork, MemoryNetworkOptions } from '../../../engine/net/memory-network.ts';
import { SIGTERM, signalBit } from '../../../engine/wasi/signal-abi.ts';
import { SockErrno } from '../../../engine/wasi/socket-abi.ts';
import { SocketError } from '../../../engine/wasi/socket-port.ts';
import { bytes, dialGuest, drain, network, runGuest, tryNow, tryPipe } from './socket-harness.ts';

const here = new URL('.', import.meta.url).pathname;
let dir: string;
let guest: WebAssembly.Module;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sockets-test-'));
  const out = join(dir, 'net-guest.wasm');
  execFileSync('clang', ['--target=wasm32-wasi', '-O2', '-std=c11', '-D_GNU_SOURCE', '-Wall', '-Wextra', '-Werror', '-Wno-unused-parameter', `-I${here}../../../images/box`, `${here}fixtures/net-guest.c`, '-o', out]);
  guest = new WebAssembly.Module(readFileSync(out));
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(net: MemoryNetwork | undefined, args: string[], signals?: { pending: number }, stdin?: string): { status: number; stdout: string } {
  const { status, stdout } = runGuest(net, { module: guest, root: dir, args: ['net-guest', ...args], signals, stdin });
  return { status, stdout };
}

describe('a server guest', () => {
  it('serves two clients at once with poll, each its own echo, and sees who they are', () => {
    let a: number | undefined;
    let b: number | undefined;
    let phase = 0;
    const got = { a: '', b: '' };
    const { net, peer } = network(() => {
      if (a === undefined) {
        a = dialGuest(peer, 8080);
        if (a === undefined) return;
        b = dialGuest(peer, 8080)!;
        // Both are connected before either speaks: the server holds two at once.
        peer.send(b, bytes('b1'));
        peer.send(a, bytes('a1'));
        return;
      }
      got.a += drain(peer, a).data;
      got.b += drain(peer, b!).data;
      if (phase === 0 && got.a === 'echo a1' && got.b === 'echo b1') {
        phase = 1;
        peer.send(a, bytes('a2'));
      } else if (phase === 1 && got.a === 'echo a1echo a2') {
        phase = 2;
        peer.close(a);
        peer.close(b!);
      }
    });
    const r = run(net, ['serve', '8080', '2']);
    expect(r).toEqual({ status: 0, stdout: 'listening on 8080\naccepted 172.18.0.3:32768\naccepted 172.18.0.3:32769\nclosed (1)\nclosed (2)\n' });
    expect(got).toEqual({ a: 'echo a1echo a2', b: 'echo b1' });
  });

  it('polls stdin together with its sockets', () => {
    let c: number | undefined;
    const { net, peer } = network(() => {
      if (c === undefined) {
        c = dialGuest(peer, 8080);
        if (c !== undefined) peer.close(c);
      }
    });
    const r = run(net, ['serve', '8080', '1', 'stdin'], undefined, 'from stdin\n');
    expect(r).toEqual({ status: 0, stdout: 'listening on 8080\nstdin: from stdin\nstdin ended\naccepted 172.18.0.3:32768\nclosed (1)\n' });
  });

  it('a guest that never reads holds back its peer at the buffer bound; nothing is lost', () => {
    const bound = 4096;
    let first: number | undefined;
    let written = 0;
    let fullSeen = 0;
    let most = 0;
    const { net, peer } = network(
      () => {
        most = Math.max(most, net.bufferedBytes());
        if (first === undefined) {
          first = dialGuest(peer, 8080);
          return;
        }
        if (fullSeen < 5) {
          const n = tryNow(() => peer.send(first!, new Uint8Array(1000).fill(120)));
          if (n === undefined) fullSeen++;
          else written += n;
          return;
        }
        if (fullSeen === 5) {
          fullSeen++;
          peer.close(first);
          dialGuest(peer, 8080);
        }
      },
      { bufferBytes: bound },
    );
    const r = run(net, ['sink', '8080']);
    expect(written).toBe(bound);
    expect(most).toBe(bound);
    expect(r).toEqual({ status: 0, stdout: `listening on 8080\naccepted, not reading\nread ${bound} bytes\n` });
  });

  it('a signal ends a blocked poll with EINTR and the program takes it', () => {
    const signals = { pending: 0 };
    let waits = 0;
    const { net } = network(() => {
      if (++waits === 3) signals.pending = signalBit(SIGTERM);
    });
    const r = run(net, ['serve', '8080', '1'], signals);
    expect(r).toEqual({ status: 2, stdout: 'listening on 8080\npoll: Interrupted system call\nsignal 15\n' });
  });

  it('a signal ends a blocked accept with EINTR', () => {
    const signals = { pending: 0 };
    let waits = 0;
    const { net } = network(() => {
      if (++waits === 3) signals.pending = signalBit(SIGTERM);
    });
    expect(run(net, ['sink', '8080'], signals)).toEqual({ status: 2, stdout: 'listening on 8080\naccept: Interrupted system call\nsignal 15\n' });
  });

  it('a port in use is refused; the port is free again once its holder closed it', () => {
    let serving = false;
    const { net, peer } = network(() => {
      if (!serving) return;
      const c = dialGuest(peer, 8080);
      if (c !== undefined) peer.close(c);
    });
    const web = net.transport('web');
    const held = web.open();
    web.bind(held, { address: '0.0.0.0', port: 8080 });
    expect(run(net, ['serve', '8080', '1'])).toEqual({ status: 2, stdout: 'listen: Address in use\n' });
    web.close(held);
    serving = true;
    expect(run(net, ['serve', '8080', '1'])).toEqual({ status: 0, stdout: 'listening on 8080\naccepted 172.18.0.3:32768\nclosed (1)\n' });
  });
});

describe('a client guest', () => {
  /** The peer listening on `port` (0.0.0.0), answering each client in upper case once it has sent all. */
  function upperServer(port: number, options: Omit<MemoryNetworkOptions, 'idle'> = {}) {
    const clients: Array<{ s: number; data: string; done: boolean }> = [];
    let listener = -1;
    const made = network(() => {
      for (;;) {
        let c: { id: number } | undefined;
        try {
          c = tryNow(() => made.peer.accept(listener));
        } catch (e) {
          // At its own socket limit the server leaves the rest waiting, as a real one retries later.
          if (e instanceof SocketError && e.errno === SockErrno.MFILE) break;
          throw e;
        }
        if (!c) break;
        clients.push({ s: c.id, data: '', done: false });
      }
      for (const c of clients) {
        if (c.done) continue;
        const got = drain(made.peer, c.s);
        c.data += got.data;
        if (got.ended) {
          // A client that closed outright (not just its writing half) gets no answer.
          tryPipe(() => made.peer.send(c.s, bytes(c.data.toUpperCase())));
          made.peer.close(c.s);
          c.done = true;
        }
      }
    }, options);
    listener = made.peer.open();
    made.peer.bind(listener, { address: '0.0.0.0', port });
    made.peer.listen(listener, 128);
    return { ...made, clients, listener };
  }

  it('connects to a container by name on its network, round trip, both addresses', () => {
    const { net } = upperServer(7000);
    const r = run(net, ['echo', 'peer', '7000', 'hello']);
    expect(r).toEqual({ status: 0, stdout: 'local 172.18.0.2:32768\npeer 172.18.0.3:7000\ngot HELLO\n' });
  });

  it('nothing listening: connection refused at once', () => {
    const { net } = upperServer(7000);
    expect(run(net, ['echo', '172.18.0.3', '7001', 'x'])).toEqual({ status: 2, stdout: 'connect: Connection refused\n' });
  });

  it('loopback is the container\'s own: the peer\'s listener is not on it', () => {
    const { net } = upperServer(7000);
    expect(run(net, ['echo', '127.0.0.1', '7000', 'x'])).toEqual({ status: 2, stdout: 'connect: Connection refused\n' });
  });

  it('outside its networks: unreachable at once, and the message says there is no outside network', () => {
    const { net } = upperServer(7000);
    net.attach('db', [{ network: 'other', address: '172.19.0.2', subnet: '172.19.0.0/16', names: ['db'] }]);
    const unreachable = 'connect: Network is unreachable (the playground has no outside network: only containers on your networks)\n';
    expect(run(net, ['echo', '8.8.8.8', '80', 'x'])).toEqual({ status: 2, stdout: unreachable });
    expect(run(net, ['echo', '172.19.0.2', '7000', 'x'])).toEqual({ status: 2, stdout: unreachable });
    expect(run(net, ['echo', '172.18.0.99', '7000', 'x'])).toEqual({ status: 2, stdout: 'connect: Host is unreachable\n' });
  });

  it('a name that resolves nowhere (or only on a network it is not on)', () => {
    const { net } = upperServer(7000);
    net.attach('db', [{ network: 'other', address: '172.19.0.2', subnet: '172.19.0.0/16', names: ['db'] }]);
    expect(run(net, ['echo', 'nowhere', '80', 'x'])).toEqual({ status: 1, stdout: "bad address 'nowhere'\n" });
    expect(run(net, ['echo', 'db', '80', 'x'])).toEqual({ status: 1, stdout: "bad address 'db'\n" });
  });

  it('connections it never closes: a clear error at the container\'s limit, and the peer keeps serving', () => {
    const { net, clients } = upperServer(7000, { maxSockets: 5 });
    const r = run(net, ['hold', 'peer', '7000']);
    expect(r.status).toBe(2);
    expect(r.stdout).toMatch(/^opened 5\nconnect: .+\n$/);
    expect(r.stdout).not.toContain('Connection refused');
    // The program ended: its sockets closed, and the next one is served.
    expect(run(net, ['echo', 'peer', '7000', 'again'])).toMatchObject({ status: 0, stdout: expect.stringContaining('got AGAIN\n') });
    expect(clients.length).toBe(6);
  });

  it('a full backlog refuses at once rather than hanging', () => {
    const { net, peer } = network(() => undefined);
    const l = peer.open();
    peer.bind(l, { address: '0.0.0.0', port: 7000 });
    peer.listen(l, 3);
    expect(run(net, ['hold', 'peer', '7000'])).toEqual({ status: 2, stdout: 'opened 3\nconnect: Connection refused\n' });
  });

  it('a signal ends a blocked recv with EINTR', () => {
    const signals = { pending: 0 };
    let waits = 0;
    const { net, peer } = network(() => {
      if (++waits === 3) signals.pending = signalBit(SIGTERM);
    });
    const l = peer.open();
    peer.bind(l, { address: '0.0.0.0', port: 7000 });
    peer.listen(l, 8);
    const r = run(net, ['echo', 'peer', '7000', 'no answer comes'], signals);
    expect(r).toEqual({ status: 2, stdout: 'local 172.18.0.2:32768\npeer 172.18.0.3:7000\nrecv: Interrupted system call\nsignal 15\n' });
  });

  it('sending to a peer that never reads blocks at the bound; a signal ends it with EINTR', () => {
    const bound = 4096;
    const signals = { pending: 0 };
    let most = 0;
    let full = 0;
    const { net, peer } = network(
      () => {
        most = Math.max(most, net.bufferedBytes());
        if (net.bufferedBytes() === bound && ++full === 5) signals.pending = signalBit(SIGTERM);
      },
      { bufferBytes: bound },
    );
    const l = peer.open();
    peer.bind(l, { address: '0.0.0.0', port: 7000 });
    peer.listen(l, 8);
    const r = run(net, ['flood', 'peer', '7000'], signals);
    expect(most).toBe(bound);
    expect(r).toEqual({ status: 2, stdout: `flooding\nsent ${bound}\nsend: Interrupted system call\nsignal 15\n` });
  });
});

describe('a host without a network', () => {
  it('runs the program; a socket fails with ENETDOWN and says why', () => {
    expect(run(undefined, ['echo', '172.18.0.3', '80', 'x'])).toEqual({ status: 2, stdout: 'connect: Network is down (this engine runs containers without a network)\n' });
    expect(run(undefined, ['echo', 'web', '80', 'x'])).toEqual({ status: 1, stdout: "bad address 'web'\n" });
  });
});
