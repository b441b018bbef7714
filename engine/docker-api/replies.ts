/**
 * How every answer goes out: Docker's common headers, JSON and empty replies, error bodies, and
 * progress streams whose 200 starts with their first line (an error before it is a plain error
 * answer; after it, an `errorDetail` line - moby's WriteFlusher does the same).
 */
import type { ProgressEvent } from '../engine.ts';
import { EngineError, httpStatus } from '../errors.ts';
import { asEngineError, ERROR_HEADERS, errorBody } from './error-status.ts';
import { errorEvent, jsonLine } from './json-stream.ts';
import type { ApiResponse, Connection, MessageSocket } from './transport.ts';

const encoder = new TextEncoder();

export class Reply {
  #started = false;

  constructor(
    readonly response: ApiResponse,
    private readonly common: Record<string, string>,
    /** HEAD: headers only. */
    private readonly headOnly = false,
  ) {}

  get started(): boolean {
    return this.#started;
  }

  /** The head, once; the caller writes the body (or calls `end`). */
  begin(status: number, headers: Record<string, string> = {}): void {
    this.#started = true;
    this.response.status(status, { ...this.common, ...headers });
  }

  /** Hand the connection over (attach, exec start): from now on nothing goes out through this reply. */
  async hijack(): Promise<Connection> {
    this.#started = true;
    return this.response.hijack();
  }

  async webSocket(protocol: string): Promise<MessageSocket> {
    if (!this.response.webSocket) throw new EngineError('invalid-argument', 'this listener does not take WebSocket connections');
    this.#started = true;
    return this.response.webSocket(protocol);
  }

  async write(chunk: Uint8Array): Promise<void> {
    if (!this.headOnly) await this.response.write(chunk);
  }

  end(): void {
    this.response.end();
  }

  async bytes(status: number, contentType: string, body: Uint8Array): Promise<void> {
    this.begin(status, { 'Content-Type': contentType, 'Content-Length': String(body.length) });
    await this.write(body);
    this.end();
  }

  async json(status: number, value: unknown): Promise<void> {
    await this.bytes(status, 'application/json', encoder.encode(JSON.stringify(value) + '\n'));
  }

  /** 204, 304, or a 200/201 without a body. */
  empty(status: number): void {
    this.begin(status, status === 204 || status === 304 ? {} : { 'Content-Length': '0' });
    this.end();
  }

  /** An EngineError as Docker answers it; 304 has no body. Once the head is out, only the end is left. */
  async error(e: unknown): Promise<void> {
    if (this.#started) return this.end();
    const err = asEngineError(e);
    const status = httpStatus(err.code);
    if (status === 304) return this.empty(304);
    const body = errorBody(err.message);
    this.begin(status, { ...ERROR_HEADERS, 'Content-Length': String(body.length) });
    await this.write(body);
    this.end();
  }
}

/** A newline-delimited JSON stream (pull, push, build, load) whose 200 starts with the first line. */
export class ProgressStream {
  #chain: Promise<void> = Promise.resolve();
  #failed = false;

  constructor(private readonly reply: Reply) {}

  /** A listener to hand the engine; lines go out in order. */
  readonly send = (event: ProgressEvent | Record<string, unknown>): void => {
    if (!this.reply.started) this.reply.begin(200, { 'Content-Type': 'application/json' });
    const line = jsonLine(event);
    this.#chain = this.#chain.then(() => this.reply.write(line)).catch(() => {});
  };

  async fail(e: unknown): Promise<void> {
    if (this.#failed) return;
    this.#failed = true;
    if (!this.reply.started) return this.reply.error(e);
    const err = asEngineError(e);
    // Docker's daemon gives a code only for a build step's own exit status (the CLI exits with it,
    // and with 1 for any other error in the stream).
    const exitCode = err.details?.exitCode;
    this.send(errorEvent(err.message, typeof exitCode === 'number' ? exitCode : undefined, err.code));
    await this.finish();
  }

  async finish(): Promise<void> {
    if (!this.reply.started) this.reply.begin(200, { 'Content-Type': 'application/json' });
    await this.#chain;
    this.reply.end();
  }
}
