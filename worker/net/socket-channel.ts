/**
 * How a container's process Worker reaches the network hub in the engine Worker (network-hub.ts):
 * one SharedArrayBuffer per running container, holding one call at a time. The guest's socket
 * calls are synchronous (engine/wasi/socket-port.ts) and its Worker is inside a WebAssembly call,
 * so the process side writes the call, bumps REQUEST_SEQ and blocks on REPLY_SEQ with
 * Atomics.wait; the engine side waits for REQUEST_SEQ with Atomics.waitAsync (it must never
 * block), runs the call on the hub and answers. Every rule of reach, every limit and every byte
 * of every connection stays in the hub; the process side only carries calls.
 *
 * A guest that must wait (a blocking accept, recv, send, connect, poll) waits on its control
 * block's doorbell (worker/process/control-block.ts) - the one word its Worker waits on, so that
 * stdin, signals and exec/diff requests still reach it - and the hub rings that doorbell when
 * something changes for one of the container's sockets (MemoryNetwork's `wake`).
 *
 * Layout: CHANNEL_WORDS Int32 words (below), then CHANNEL_DATA_BYTES of payload: a call's
 * argument (bytes to send, an address or a name as JSON or text) and its answer (bytes received,
 * an address as JSON, an error's words).
 */
import { SockErrno } from '../../engine/wasi/socket-abi.ts';
import { SocketError, type SocketId, type SocketReadiness, type SocketTransport } from '../../engine/wasi/socket-port.ts';
import type { SockAddr } from '../../engine/wasi/socket-abi.ts';
import { DOORBELL } from '../process/control-block.ts';

/** Calls made (process side). */
const REQUEST_SEQ = 0;
/** Calls answered (engine side): equal to REQUEST_SEQ once the answer is in place. */
const REPLY_SEQ = 1;
const OP = 2;
/** The socket. */
const ID = 3;
/** A number argument in, a number result out. */
const ARG = 4;
/** Payload bytes, in and out. */
const LEN = 5;
/** The answer's errno (0: success; the payload then holds the error's words). */
const ERRNO = 6;
/** 1 once the engine side stopped serving (the container ended): calls fail with ENETDOWN. */
const CLOSED = 7;
const CHANNEL_WORDS = 8;
/** The most one send or recv carries: a larger send is taken in parts, as a stream socket may. */
export const CHANNEL_DATA_BYTES = 64 * 1024;

/** How long a call waits for the engine before it fails (a lost engine Worker, never a hang). */
const CALL_TIMEOUT_MS = 30_000;
const CALL_WAIT_SLICE_MS = 1000;

export const OPS = ['open', 'bind', 'listen', 'accept', 'connect', 'send', 'recv', 'shutdown', 'close', 'local', 'peer', 'ready', 'resolve', 'addresses'] as const;
export type SocketOp = (typeof OPS)[number];

const READABLE = 1;
const WRITABLE = 2;
const HANGUP = 4;

export function createSocketChannel(): SharedArrayBuffer {
  return new SharedArrayBuffer(CHANNEL_WORDS * 4 + CHANNEL_DATA_BYTES);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

interface Views {
  words: Int32Array;
  data: Uint8Array;
}

function views(buffer: SharedArrayBuffer): Views {
  return { words: new Int32Array(buffer, 0, CHANNEL_WORDS), data: new Uint8Array(buffer, CHANNEL_WORDS * 4, CHANNEL_DATA_BYTES) };
}

/** What a host opens for each running container: its channel, and the end of serving it. */
export interface SocketChannels {
  /** `wake` rings the container's doorbell (its guests may find a socket ready). */
  open(container: string, wake: () => void): { buffer: SharedArrayBuffer; close(): void };
}

// ---- the engine side ----

/** One call as the engine side reads it; `data` is a copy (the guest writes the next call there). */
export interface SocketCall {
  op: SocketOp;
  id: SocketId;
  arg: number;
  data: Uint8Array;
}

/** A call's answer: a number, bytes, or both. */
export interface SocketAnswer {
  arg?: number;
  data?: Uint8Array;
}

/**
 * Serve the calls of one channel with `handle` until `close`: `handle` throws SocketError for
 * the guest's errno; anything else it throws is answered as EIO-like ENETDOWN with its message.
 */
export function serveSocketChannel(buffer: SharedArrayBuffer, handle: (call: SocketCall) => SocketAnswer | Promise<SocketAnswer>): { close(): void } {
  const { words, data } = views(buffer);
  let closed = false;
  const answer = (seq: number, errno: number, arg: number, bytes: Uint8Array) => {
    const n = Math.min(bytes.length, CHANNEL_DATA_BYTES);
    data.set(n === bytes.length ? bytes : bytes.subarray(0, n));
    Atomics.store(words, ARG, arg);
    Atomics.store(words, LEN, n);
    Atomics.store(words, ERRNO, errno);
    Atomics.store(words, REPLY_SEQ, seq);
    Atomics.notify(words, REPLY_SEQ);
  };
  void (async () => {
    let seen = Atomics.load(words, REQUEST_SEQ);
    while (!closed) {
      const wait = waitAsync(words, REQUEST_SEQ, seen);
      if (wait.async) await wait.value;
      const seq = Atomics.load(words, REQUEST_SEQ);
      if (closed || seq === seen) continue;
      seen = seq;
      const len = Atomics.load(words, LEN);
      const call: SocketCall = { op: OPS[Atomics.load(words, OP)], id: Atomics.load(words, ID), arg: Atomics.load(words, ARG), data: data.slice(0, Math.min(len, CHANNEL_DATA_BYTES)) };
      try {
        const out = await handle(call);
        if (!closed) answer(seq, 0, out.arg ?? 0, out.data ?? new Uint8Array(0));
      } catch (e) {
        if (closed) continue;
        if (e instanceof SocketError) answer(seq, e.errno, 0, encoder.encode(e.message));
        else answer(seq, SockErrno.NETDOWN, 0, encoder.encode(`the network failed: ${e instanceof Error ? e.message : String(e)}`));
      }
    }
  })();
  return {
    close() {
      if (closed) return;
      closed = true;
      Atomics.store(words, CLOSED, 1);
      // Our own waitAsync, and a guest waiting for an answer that will not come.
      Atomics.add(words, REQUEST_SEQ, 0);
      Atomics.notify(words, REQUEST_SEQ);
      Atomics.notify(words, REPLY_SEQ);
    },
  };
}

/** Atomics.waitAsync (ES2024; Chromium has it): the engine Worker must never block. */
function waitAsync(words: Int32Array, index: number, value: number): { async: boolean; value: unknown } {
  return (Atomics as unknown as { waitAsync(a: Int32Array, i: number, v: number): { async: boolean; value: unknown } }).waitAsync(words, index, value);
}

/** Readiness as one number (ready's answer). */
export function packReadiness(r: SocketReadiness): number {
  return (r.readable ? READABLE : 0) | (r.writable ? WRITABLE : 0) | (r.hangup ? HANGUP : 0);
}

export const encodeJson = (value: unknown): Uint8Array => encoder.encode(JSON.stringify(value));
export const decodeJson = <T>(bytes: Uint8Array): T => JSON.parse(decoder.decode(bytes)) as T;
export const decodeText = (bytes: Uint8Array): string => decoder.decode(bytes);

// ---- the process side ----

/**
 * The SocketTransport of the process Worker's current container: calls through its channel.
 * One per Worker, bound at each container's start and unbound at its end (a process prepared
 * ahead holds it before it is bound). Unbound - a page without shared memory, or no container -
 * every socket answers ENETDOWN.
 */
export class ChannelSockets implements SocketTransport {
  #views?: Views;
  #control?: Int32Array;
  #serve: () => void = () => undefined;
  /** The doorbell as it was when the last call was made: a ring after it is not missed by `wait`. */
  #bell = 0;

  /**
   * The container's channel, its control block's words (DOORBELL is what the hub rings) and
   * `serve` (its exec and diff requests, served while a guest waits).
   */
  use(buffer: SharedArrayBuffer, control: Int32Array, serve: () => void): void {
    this.#views = views(buffer);
    this.#control = control;
    this.#serve = serve;
  }

  release(): void {
    this.#views = undefined;
    this.#control = undefined;
    this.#serve = () => undefined;
  }

  #call(op: SocketOp, id: SocketId, arg = 0, payload?: Uint8Array): { arg: number; data: Uint8Array } {
    const v = this.#views;
    if (!v) throw new SocketError(SockErrno.NETDOWN, 'this container has no network (the page is not cross-origin isolated)');
    const { words, data } = v;
    if (Atomics.load(words, CLOSED) === 1) throw new SocketError(SockErrno.NETDOWN, 'the container has left the network');
    this.#bell = Atomics.load(this.#control!, DOORBELL);
    const n = payload ? Math.min(payload.length, CHANNEL_DATA_BYTES) : 0;
    if (payload && n > 0) data.set(n === payload.length ? payload : payload.subarray(0, n));
    Atomics.store(words, OP, OPS.indexOf(op));
    Atomics.store(words, ID, id);
    Atomics.store(words, ARG, arg);
    Atomics.store(words, LEN, n);
    const seq = Atomics.add(words, REQUEST_SEQ, 1) + 1;
    Atomics.notify(words, REQUEST_SEQ);
    const until = performance.now() + CALL_TIMEOUT_MS;
    for (;;) {
      const replied = Atomics.load(words, REPLY_SEQ);
      if (replied === seq) break;
      if (Atomics.load(words, CLOSED) === 1) throw new SocketError(SockErrno.NETDOWN, 'the container has left the network');
      const left = until - performance.now();
      if (left <= 0) throw new SocketError(SockErrno.NETDOWN, 'the engine did not answer a socket call');
      Atomics.wait(words, REPLY_SEQ, replied, Math.min(left, CALL_WAIT_SLICE_MS));
    }
    const len = Atomics.load(words, LEN);
    const out = data.slice(0, len);
    const errno = Atomics.load(words, ERRNO);
    if (errno !== 0) throw new SocketError(errno, decoder.decode(out));
    return { arg: Atomics.load(words, ARG), data: out };
  }

  open(): SocketId {
    return this.#call('open', 0).arg;
  }
  bind(id: SocketId, addr: SockAddr): void {
    this.#call('bind', id, 0, encodeJson(addr));
  }
  listen(id: SocketId, backlog: number): void {
    this.#call('listen', id, backlog);
  }
  accept(id: SocketId): { id: SocketId; peer: SockAddr } {
    const r = this.#call('accept', id);
    return { id: r.arg, peer: decodeJson<SockAddr>(r.data) };
  }
  connect(id: SocketId, addr: SockAddr): void {
    this.#call('connect', id, 0, encodeJson(addr));
  }
  send(id: SocketId, data: Uint8Array): number {
    return this.#call('send', id, 0, data).arg;
  }
  recv(id: SocketId, max: number, peek: boolean): Uint8Array {
    // ARG: the most to take, negative to peek.
    const n = Math.min(max, CHANNEL_DATA_BYTES);
    return this.#call('recv', id, peek ? -n : n).data;
  }
  shutdown(id: SocketId, how: number): void {
    this.#call('shutdown', id, how);
  }
  close(id: SocketId): void {
    try {
      this.#call('close', id);
    } catch {
      // Closing never fails: a container that left the network holds no socket.
    }
  }
  local(id: SocketId): SockAddr {
    return decodeJson<SockAddr>(this.#call('local', id).data);
  }
  peer(id: SocketId): SockAddr {
    return decodeJson<SockAddr>(this.#call('peer', id).data);
  }
  ready(id: SocketId): SocketReadiness {
    const bits = this.#call('ready', id).arg;
    return { readable: (bits & READABLE) !== 0, writable: (bits & WRITABLE) !== 0, hangup: (bits & HANGUP) !== 0 };
  }
  resolve(name: string): string[] {
    return decodeJson<string[]>(this.#call('resolve', 0, 0, encoder.encode(name)).data);
  }
  addresses(): Array<{ address: string; prefix: number }> {
    return decodeJson<Array<{ address: string; prefix: number }>>(this.#call('addresses', 0).data);
  }
  wait(ms: number): void {
    const control = this.#control;
    if (!control) return;
    const seen = this.#bell;
    this.#serve();
    if (Atomics.load(control, DOORBELL) !== seen) return;
    Atomics.wait(control, DOORBELL, seen, ms);
    this.#serve();
  }
}
