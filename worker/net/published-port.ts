/**
 * Connections to published ports from outside the containers (the preview's Service Worker, the
 * host shell's curl): the engine Worker opens them on the hub (network-hub.ts) and hands the
 * caller a MessagePort that carries the stream (PublishedPortMessage), as Docker's proxy carries a
 * host connection to the container's port.
 *
 * Contract (worker/README.md "Published ports"; the preview codes against it):
 * - `connectPublished(hostIp, hostPort)` rejects with EngineError 'not-found' "nothing is published
 *   on port N" when no running container of this engine publishes it, and with 'unavailable'
 *   "connection refused: ..." when one does but nothing listens on its port; a listener whose
 *   backlog is full is waited for (as a client retries its SYN), 10 s at most ("connection timed out");
 *   'resource-exhausted' when the page holds as many connections as a container may (all ports).
 * - Otherwise it resolves to a MessagePort. Both directions speak PublishedPortMessage: `data`
 *   (bytes, in order), `end` (that direction is over: a half close, the other still flows),
 *   `error` (the connection is reset; nothing follows). The engine closes its side once both
 *   directions ended, or once the container closed the connection whole (after its `end`: nothing
 *   can flow either way). Sending `error` resets. Closing the port alone does not reach the
 *   engine (Chromium here fires no "close" on the other end): send `end` or `error` first.
 * - The container's side is a connection from its network's gateway, as behind Docker's proxy.
 *   The engine reads what the container sends as it comes; flow toward the container is held
 *   by the connection's buffer (the engine keeps the page's data until the container reads).
 */
import { EngineError } from '../../engine/errors.ts';
import { OUTSIDE } from '../../engine/net/memory-network.ts';
import { SHUT_WR, SockErrno } from '../../engine/wasi/socket-abi.ts';
import { SocketError } from '../../engine/wasi/socket-port.ts';
import type { NetworkHub } from './network-hub.ts';

/** A published port of a running container, as `publishedPorts()` lists it. */
export interface PublishedPortInfo {
  /** As published: '' or "0.0.0.0" for every address, else a loopback address. */
  hostIp: string;
  hostPort: number;
  containerId: string;
}

/** What the engine Worker offers beside the Engine API for published ports (worker/connect.ts). */
export interface PublishedPorts {
  /** A connection to a published port (see the file's comment for the contract). */
  connectPublished(hostIp: string, hostPort: number): Promise<MessagePort>;
  /** Every port published by a container running in this tab's engine. */
  publishedPorts(): Promise<PublishedPortInfo[]>;
}

/** One message on a published-port MessagePort, in either direction. */
export type PublishedPortMessage = { data: ArrayBuffer } | { end: true } | { error: string };

/** The most one message carries toward the page. */
const READ_BYTES = 64 * 1024;
/** Ports of the ephemeral range the proxy's side of a connection takes (as Docker's proxy's). */
const FIRST_SOURCE_PORT = 32768;
const SOURCE_PORTS = 28232;

let nextSourcePort = 0;
/** How long a connection waits for room in a listener's backlog (a server that never accepts). */
const CONNECT_TIMEOUT_MS = 10_000;
const BACKLOG_RETRY_MS = 100;

export async function connectPublished(hub: NetworkHub, hostIp: string, hostPort: number): Promise<MessagePort> {
  const until = Date.now() + CONNECT_TIMEOUT_MS;
  for (;;) {
    const target = hub.target(hostIp, hostPort);
    if (!target) throw new EngineError('not-found', `nothing is published on port ${hostPort}`);
    try {
      const port = FIRST_SOURCE_PORT + (nextSourcePort++ % SOURCE_PORTS);
      const socket = hub.net.dial(target.containerId, target.containerPort, { address: target.from, port });
      const { port1, port2 } = new MessageChannel();
      pump(hub, socket, port1);
      return port2;
    } catch (e) {
      if (!(e instanceof SocketError)) throw e;
      // The outside's sockets are bounded as a container's are: the page's connections, all ports.
      if (e.errno === SockErrno.MFILE) throw new EngineError('resource-exhausted', 'too many connections to published ports are open at once');
      if (e.errno !== SockErrno.AGAIN) throw new EngineError('unavailable', e.message);
      if (Date.now() >= until) throw new EngineError('unavailable', `connection timed out: ${e.message}`);
    }
    // The listener's backlog is full: wait for an accept (it wakes the outside) or a while.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, BACKLOG_RETRY_MS);
      const stop = hub.onOutside(done);
      function done() {
        clearTimeout(timer);
        stop();
        resolve();
      }
    });
  }
}

/** Move bytes between the outside's socket and the port until both directions ended or a reset. */
function pump(hub: NetworkHub, socket: number, port: MessagePort): void {
  const t = hub.net.transport(OUTSIDE);
  const toContainer: Uint8Array[] = [];
  let endToContainer = false;
  let wroteEnd = false;
  let readEnd = false;
  let done = false;

  const post = (message: PublishedPortMessage, transfer: Transferable[] = []) => port.postMessage(message, transfer);
  const finish = (error?: string) => {
    if (done) return;
    done = true;
    stopWaking();
    if (error !== undefined) post({ error });
    t.close(socket);
    port.close();
  };
  const failed = (e: unknown) => {
    if (!(e instanceof SocketError)) throw e;
    finish(e.message);
  };

  const write = () => {
    while (toContainer.length > 0) {
      let n: number;
      try {
        n = t.send(socket, toContainer[0]);
      } catch (e) {
        if (e instanceof SocketError && e.errno === SockErrno.AGAIN) return;
        return failed(e);
      }
      if (n === toContainer[0].length) toContainer.shift();
      else toContainer[0] = toContainer[0].subarray(n);
    }
    if (endToContainer && !wroteEnd) {
      wroteEnd = true;
      try {
        t.shutdown(socket, SHUT_WR);
      } catch (e) {
        failed(e);
      }
    }
  };

  const read = () => {
    while (!readEnd && !done) {
      let data: Uint8Array;
      try {
        data = t.recv(socket, READ_BYTES, false);
      } catch (e) {
        if (e instanceof SocketError && e.errno === SockErrno.AGAIN) return;
        return failed(e);
      }
      if (data.length === 0) {
        readEnd = true;
        post({ end: true });
      } else post({ data: data.buffer as ArrayBuffer }, [data.buffer as ArrayBuffer]);
    }
  };

  /** After the container's end: whether it also stopped reading (closed the connection whole). */
  const containerGone = () => {
    try {
      t.send(socket, new Uint8Array(0));
      return false;
    } catch (e) {
      if (e instanceof SocketError) return true;
      throw e;
    }
  };

  const step = () => {
    if (done) return;
    write();
    read();
    if (!done && readEnd && (wroteEnd || containerGone())) finish();
  };

  const stopWaking = hub.onOutside(step);
  port.onmessage = (event: MessageEvent<PublishedPortMessage>) => {
    const m = event.data;
    if (done || typeof m !== 'object' || m === null) return;
    if ('data' in m && m.data instanceof ArrayBuffer) {
      if (!endToContainer) toContainer.push(new Uint8Array(m.data));
    } else if ('end' in m) endToContainer = true;
    else if ('error' in m) return finish();
    step();
  };
  // Where a browser reports the other end's close (the "close" event), it resets.
  port.addEventListener('close', () => finish());
  port.start();
  step();
}
