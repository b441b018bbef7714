/**
 * The attached streams: container attach and exec start, over a hijacked connection (the docker
 * CLI: `Upgrade: tcp`, answered `101 UPGRADED`) or a WebSocket (the browser, ws-protocol.ts).
 * Both run the same way: attach before the head goes out (so no output from a later start is
 * missed), stdin from the client until its EOF, output in write order, close after the process
 * ended and its last output went out.
 */
import type { AttachStream, Engine } from '../engine.ts';
import { EngineError, httpStatus } from '../errors.ts';
import { execStart, jsonBody } from './bodies.ts';
import { MULTIPLEXED_STREAM, RAW_STREAM } from './container-endpoints.ts';
import { asEngineError } from './error-status.ts';
import { encodeFrame, type StreamId } from './frames.ts';
import { boolParam } from './query.ts';
import type { HandlerState, RouteContext } from './route-context.ts';
import type { Connection } from './transport.ts';
import { ATTACH_WS_PROTOCOL, type ClientControl, type ServerControl } from './ws-protocol.ts';

const encoder = new TextEncoder();

/** Output held until the connection is open, then written strictly in order. */
class OutputQueue {
  #chain: Promise<void> = Promise.resolve();
  #write?: (chunk: Uint8Array) => Promise<void>;
  readonly #held: Uint8Array[] = [];

  push(chunk: Uint8Array): void {
    const write = this.#write;
    if (!write) this.#held.push(chunk);
    else this.#chain = this.#chain.then(() => write(chunk)).catch(() => {});
  }

  open(write: (chunk: Uint8Array) => Promise<void>): void {
    this.#write = write;
    for (const chunk of this.#held.splice(0)) this.push(chunk);
  }

  flushed(): Promise<void> {
    return this.#chain;
  }
}

interface Streams {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
}

/** A live attachment to a container or an exec, and when its process ends. */
interface Target {
  id: string;
  name?: string;
  tty: boolean;
  stream: AttachStream;
  /** Whether the client's stdin EOF closes the process's stdin (Docker: StdinOnce; always for exec). */
  closeStdinAtEof: boolean;
  ended: Promise<unknown>;
  release(): void;
}

function streamsOf(query: URLSearchParams): Streams {
  return { stdin: boolParam(query, 'stdin'), stdout: boolParam(query, 'stdout'), stderr: boolParam(query, 'stderr') };
}

async function containerTarget(engine: Engine, name: string, streams: Streams, onOutput: (s: 1 | 2, d: Uint8Array) => void): Promise<Target> {
  const c = await engine.inspectContainer(name);
  const stream = await engine.attachContainer(c.Id, { ...streams, onOutput });
  const ended = engine.waitContainer(c.Id, 'next-exit');
  ended.catch(() => {});
  // A second read of the container lets the wait above register before the caller answers.
  await engine.inspectContainer(c.Id);
  return { id: c.Id, name: c.Name, tty: c.Config.Tty, stream, closeStdinAtEof: c.Config.StdinOnce, ended, release: () => {} };
}

async function execTarget(engine: Engine, execId: string, streams: Streams, tty: boolean | undefined, onOutput: (s: 1 | 2, d: Uint8Array) => void): Promise<Target> {
  const exec = await engine.inspectExec(execId);
  let died = () => {};
  const ended = new Promise<void>((resolve) => (died = resolve));
  // The engine signals an exec's end with `exec_die` after its last output (engine/core/exec.ts).
  const off = await engine.events((e) => {
    if (e.Action === 'exec_die' && e.Actor.Attributes.execID === exec.ID) died();
  });
  try {
    const stream = await engine.startExec(exec.ID, { ...streams, onOutput });
    return { id: exec.ID, tty: tty ?? exec.ProcessConfig.tty, stream, closeStdinAtEof: true, ended, release: off };
  } catch (e) {
    off();
    throw e;
  }
}

/** Bytes from the client into the process until its EOF (or until it leaves). */
async function pumpStdin(target: Target, wantStdin: boolean, incoming: AsyncIterable<Uint8Array>): Promise<void> {
  try {
    for await (const chunk of incoming) if (wantStdin && chunk.length) await target.stream.write(chunk);
  } catch {
    // a reset connection ends stdin the same way as a close
  }
  if (wantStdin && target.closeStdinAtEof) await target.stream.closeStdin().catch(() => {});
}

/** The hijacked connection; without `Upgrade` in the request, the plain response carries output only. */
async function openConnection(cx: RouteContext, contentType: string): Promise<Connection> {
  if (cx.request.headers.upgrade) {
    const conn = await cx.reply.hijack();
    await conn.write(encoder.encode(`HTTP/1.1 101 UPGRADED\r\nContent-Type: ${contentType}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n`));
    return conn;
  }
  cx.reply.begin(200, { 'Content-Type': contentType });
  const gone = new Promise<void>((resolve) => cx.request.signal?.addEventListener('abort', () => resolve(), { once: true }));
  return {
    incoming: (async function* () {})(),
    write: (chunk) => cx.reply.write(chunk),
    end: async () => cx.reply.end(),
    closed: gone,
  };
}

async function serveHijacked(cx: RouteContext, streams: Streams, attach: (onOutput: (s: 1 | 2, d: Uint8Array) => void) => Promise<Target>, replay?: (send: (s: StreamId, d: Uint8Array) => void) => Promise<void>): Promise<void> {
  const queue = new OutputQueue();
  // Output may come before the attachment says whether it is a terminal (a short exec -t): it
  // waits, so a terminal's bytes never get a stream header.
  const known: { tty?: boolean } = {};
  const early: Array<[StreamId, Uint8Array]> = [];
  const send = (s: StreamId, d: Uint8Array) => {
    if (known.tty === undefined) early.push([s, d]);
    else queue.push(known.tty ? d : encodeFrame(s, d));
  };
  const target = await attach(send);
  known.tty = target.tty;
  const tty = target.tty;
  for (const [s, d] of early.splice(0)) send(s, d);
  try {
    const conn = await openConnection(cx, tty ? RAW_STREAM : MULTIPLEXED_STREAM);
    queue.open((chunk) => conn.write(chunk));
    void pumpStdin(target, streams.stdin, conn.incoming);
    if (replay) await replay(send);
    await Promise.race([target.ended, conn.closed]);
    await target.stream.detach();
    await queue.flushed();
    await conn.end();
  } finally {
    target.release();
  }
}

/** `POST /containers/{id}/attach?stream=&stdin=&stdout=&stderr=&logs=` */
export async function attach(cx: RouteContext): Promise<void> {
  const q = cx.request.query;
  const streams = streamsOf(q);
  const stream = boolParam(q, 'stream');
  const logs = boolParam(q, 'logs');
  if (!stream && !logs) throw new EngineError('invalid-argument', 'Bad parameters: you must choose at least one stream');
  const name = cx.params[0];
  if (!stream) {
    const c = await cx.engine.inspectContainer(name);
    const conn = await openConnection(cx, c.Config.Tty ? RAW_STREAM : MULTIPLEXED_STREAM);
    for (const e of await cx.engine.logs(c.Id, { stdout: streams.stdout, stderr: streams.stderr })) {
      const s = e.stream === 'stdout' ? 1 : 2;
      await conn.write(c.Config.Tty ? e.data : encodeFrame(s, e.data));
    }
    return conn.end();
  }
  // The replay of `logs` goes out before live output only in the order Docker gives: best effort.
  await serveHijacked(cx, streams, (onOutput) => containerTarget(cx.engine, name, streams, onOutput), logs
    ? async (send) => {
        for (const e of await cx.engine.logs(name, { stdout: streams.stdout, stderr: streams.stderr })) send(e.stream === 'stdout' ? 1 : 2, e.data);
      }
    : undefined);
}

/** `POST /containers/{id}/exec` -> 201 {Id}; the streams to attach are remembered for the start. */
export function rememberExec(state: HandlerState, id: string, streams: { AttachStdin?: boolean; AttachStdout?: boolean; AttachStderr?: boolean }): void {
  state.execStreams.set(id, streams);
  // Bounded: a client that creates execs and never starts them cannot grow this for ever.
  if (state.execStreams.size > 10_000) state.execStreams.delete(state.execStreams.keys().next().value!);
}

/** `POST /exec/{id}/start` {Detach, Tty} */
export async function startExec(cx: RouteContext): Promise<void> {
  const body = execStart(await jsonBody(cx.request));
  const id = cx.params[0];
  const exec = await cx.engine.inspectExec(id);
  const remembered = cx.state.execStreams.get(exec.ID);
  cx.state.execStreams.delete(exec.ID);
  if (body.detach) {
    await cx.engine.startExec(exec.ID, { stdin: false, stdout: false, stderr: false, onOutput: () => {} });
    return cx.reply.empty(200);
  }
  const streams: Streams = { stdin: remembered?.AttachStdin ?? false, stdout: remembered?.AttachStdout ?? true, stderr: remembered?.AttachStderr ?? true };
  await serveHijacked(cx, streams, (onOutput) => execTarget(cx.engine, exec.ID, streams, body.tty || undefined, onOutput));
}

/** The browser's path: the same attachment over WebSocket messages (ws-protocol.ts). */
async function serveWebSocket(cx: RouteContext, streams: Streams, attach: (onOutput: (s: 1 | 2, d: Uint8Array) => void) => Promise<Target>): Promise<void> {
  const upgrade = (cx.request.headers.upgrade ?? '').toLowerCase();
  if (upgrade !== 'websocket') throw new EngineError('invalid-argument', 'this endpoint needs a WebSocket handshake');
  const socket = await cx.reply.webSocket(ATTACH_WS_PROTOCOL);
  const control = (m: ServerControl) => socket.send(JSON.stringify(m));
  const queue = new OutputQueue();
  let target: Target;
  try {
    target = await attach((s, d) => queue.push(encodeFrame(s, d)));
  } catch (e) {
    const err = asEngineError(e);
    await control({ type: 'error', status: httpStatus(err.code), message: err.message }).catch(() => {});
    socket.close();
    return;
  }
  try {
    await control({ type: 'attached', Id: target.id, ...(target.name ? { Name: target.name } : {}), Tty: target.tty });
    queue.open((chunk) => socket.send(chunk));
    const clientDone = (async () => {
      try {
        for await (const m of socket.messages) {
          if (typeof m !== 'string') {
            if (streams.stdin && m.length) await target.stream.write(m);
          } else if ((JSON.parse(m) as ClientControl).type === 'close-stdin' && streams.stdin) {
            await target.stream.closeStdin();
          }
        }
      } catch {
        // a malformed control message or a reset ends the session like a close
      }
    })();
    await Promise.race([target.ended, clientDone]);
    await target.stream.detach();
    await queue.flushed();
  } finally {
    target.release();
    socket.close();
  }
}

/** `GET /containers/{id}/attach/ws?stdin=&stdout=&stderr=` */
export async function attachWebSocket(cx: RouteContext): Promise<void> {
  const streams = streamsOf(cx.request.query);
  await serveWebSocket(cx, streams, (onOutput) => containerTarget(cx.engine, cx.params[0], streams, onOutput));
}

/** `GET /exec/{id}/start/ws?stdin=&stdout=&stderr=` (our extension: exec start for the browser). */
export async function startExecWebSocket(cx: RouteContext): Promise<void> {
  const streams = streamsOf(cx.request.query);
  await serveWebSocket(cx, streams, (onOutput) => execTarget(cx.engine, cx.params[0], streams, undefined, onOutput));
}
