/**
 * The test's side of a container network (engine/net/memory-network.ts): container `web` runs a
 * WASI program on the kernel's adapter (node:wasi), container `peer` is this test, driving its
 * sockets from the network's idle hook while the program waits in a blocking call.
 */
import { closeSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kernelPorts } from '../../../kernel-node/runner/wasi-runner-host.ts';
import { MemoryNetwork, type MemoryNetworkOptions } from '../../../engine/net/memory-network.ts';
import { prepareProgram } from '../../../engine/wasi/process-host.ts';
import { ProgramCache } from '../../../engine/wasi/program-cache.ts';
import { SockErrno } from '../../../engine/wasi/socket-abi.ts';
import { SocketError, type SocketTransport } from '../../../engine/wasi/socket-port.ts';

export const WEB = { network: 'app', address: '172.18.0.2', subnet: '172.18.0.0/16', names: ['web'] };
export const PEER = { network: 'app', address: '172.18.0.3', subnet: '172.18.0.0/16', names: ['peer'] };

/** A network with the guest's container `web` and the test's `peer` on `app`; `step` runs whenever the guest waits. */
export function network(step: () => void, options: Omit<MemoryNetworkOptions, 'idle'> = {}): { net: MemoryNetwork; peer: SocketTransport } {
  let steps = 0;
  const net = new MemoryNetwork({
    ...options,
    idle: () => {
      // A guest that waits for ever would hang the test: end it as a failure instead.
      if (++steps > 20_000) throw new Error('the guest waited 20000 times: nothing moved');
      step();
    },
  });
  net.attach('web', [WEB]);
  net.attach('peer', [PEER]);
  return { net, peer: net.transport('peer') };
}

export interface GuestRun {
  module: WebAssembly.Module;
  /** The host directory that is the container's root. */
  root: string;
  /** argv, its program name first. */
  args: string[];
  /** Set `pending` (a signal mask) in a step: it arrives for the guest, its PID 1. */
  signals?: { pending: number };
  stdin?: string;
}

/** Run a program as container `web`'s PID 1 on the kernel's adapter, its sockets on `net` (none: a host without a network). */
export function runGuest(net: MemoryNetwork | undefined, { module, root, args, signals, stdin }: GuestRun): { status: number; stdout: string; stderr: string } {
  const stdoutPath = join(root, `.stdout-${Math.random().toString(36).slice(2)}`);
  const stdinPath = `${stdoutPath}.in`;
  const stderrPath = `${stdoutPath}.err`;
  if (stdin !== undefined) writeFileSync(stdinPath, stdin);
  const stdio = { stdin: openSync(stdin === undefined ? '/dev/null' : stdinPath, 'r'), stdout: openSync(stdoutPath, 'w'), stderr: openSync(stderrPath, 'w') };
  try {
    const ports = {
      ...kernelPorts(root, () => undefined),
      ...(net ? { sockets: net.transport('web') } : {}),
      signals: {
        take: () => {
          const init = signals?.pending ?? 0;
          if (signals) signals.pending = 0;
          return { init, foreground: 0 };
        },
      },
    };
    const prepared = prepareProgram(ports, new ProgramCache(), { module, args, env: ['PWD=/', 'PATH=/bin'], stdio, depth: 0, init: true });
    if (!('start' in prepared)) throw new Error(`did not start: ${prepared.error}`);
    const exit = prepared.start();
    return { status: exit.exitCode, stdout: readFileSync(stdoutPath, 'utf8'), stderr: readFileSync(stderrPath, 'utf8') };
  } finally {
    for (const fd of Object.values(stdio)) closeSync(fd);
    for (const p of [stdoutPath, stdinPath, stderrPath]) rmSync(p, { force: true });
  }
}

/** The call's result, or undefined when it would block (AGAIN); other errors throw. */
export function tryNow<T>(call: () => T): T | undefined {
  try {
    return call();
  } catch (e) {
    if (e instanceof SocketError && e.errno === SockErrno.AGAIN) return undefined;
    throw e;
  }
}

/** A send to a peer that has gone: nothing to do. */
export function tryPipe(call: () => void): void {
  try {
    call();
  } catch (e) {
    if (!(e instanceof SocketError && e.errno === SockErrno.PIPE)) throw e;
  }
}

export const bytes = (text: string) => new TextEncoder().encode(text);
export const text = (data: Uint8Array) => new TextDecoder().decode(data);

/** Connect from the peer to the guest's port, or undefined while nothing listens there yet. */
export function dialGuest(peer: SocketTransport, port: number): number | undefined {
  const s = peer.open();
  try {
    peer.connect(s, { address: WEB.address, port });
    return s;
  } catch (e) {
    peer.close(s);
    if (e instanceof SocketError && e.errno === SockErrno.CONNREFUSED) return undefined;
    throw e;
  }
}

/** Everything that has arrived on `s` now, and whether the stream ended. */
export function drain(peer: SocketTransport, s: number): { data: string; ended: boolean } {
  let data = '';
  for (;;) {
    const got = tryNow(() => peer.recv(s, 4096, false));
    if (got === undefined) return { data, ended: false };
    if (got.length === 0) return { data, ended: true };
    data += text(got);
  }
}

