/**
 * What a host hands the Docker API handler, and nothing more: one request, one response, and for
 * attach/exec the raw connection (Node's `upgrade` event) or a WebSocket's messages. The kernel
 * service adapts `http.IncomingMessage`/`ServerResponse`, the upgrade socket and its WebSocket
 * server to these; it checks Host, Origin and the token before calling the handler.
 */

/** One HTTP request, as parsed by the host. */
export interface ApiRequest {
  method: string;
  /** The path as sent, still percent-encoded, without the query: `/v1.50/containers/x/json`. */
  path: string;
  query: URLSearchParams;
  /** Header names in lower case. */
  headers: Record<string, string>;
  /**
   * The whole body. Rejects with EngineError('resource-exhausted') as soon as more than `maxBytes`
   * have arrived (the host stops reading then); the handler passes the limit of the route.
   */
  body(maxBytes: number): Promise<Uint8Array>;
  /** Aborts when the client goes away: long streams (logs -f, events, wait) stop writing then. */
  signal?: AbortSignal;
}

/**
 * The answer. `status` is called at most once, before any `write`; the host sends the head at
 * once and flushes it (docker's `wait` depends on seeing the head before it sends `start`).
 * A body whose length is not given goes out chunked; writes after the client left are dropped.
 */
export interface ApiResponse {
  status(code: number, headers: Record<string, string>): void;
  /** Resolves when the chunk has been handed to the connection (back-pressure). */
  write(chunk: Uint8Array): Promise<void>;
  end(): void;
  /**
   * Take over the connection (attach, exec start with `Upgrade: tcp`). Only called before `status`,
   * and only when the request asked for an upgrade; the handler then writes the HTTP head itself
   * (`HTTP/1.1 101 UPGRADED ...`) and every byte after it. A host that cannot hijack rejects.
   */
  hijack(): Promise<Connection>;
  /**
   * Accept a WebSocket upgrade (the browser's attach path). Only called before `status`, and only
   * when the request is a WebSocket handshake; the host completes the handshake selecting
   * `protocol` (browsers fail a handshake that offered protocols and got none back).
   */
  webSocket?(protocol: string): Promise<MessageSocket>;
}

/** A hijacked connection: raw bytes both ways. */
export interface Connection {
  /**
   * Bytes from the client in order (a host must include the bytes its parser read past the head).
   * Ends when the client half-closes its side (docker's stdin EOF) or disconnects; the host keeps
   * our side open after the client's half-close (Node: `allowHalfOpen`).
   */
  incoming: AsyncIterable<Uint8Array>;
  write(chunk: Uint8Array): Promise<void>;
  /** Flush what was written and close the connection. A second call does nothing. */
  end(): Promise<void>;
  /** Settles when the connection is gone entirely (not at the client's half-close). */
  closed: Promise<void>;
}

/** A WebSocket after its handshake: whole messages, binary or text. */
export interface MessageSocket {
  /** Messages from the client; ends when it closes the socket. */
  messages: AsyncIterable<Uint8Array | string>;
  send(message: Uint8Array | string): Promise<void>;
  /** Close with 1000 after everything sent has gone out. A second call does nothing. */
  close(): void;
}

/** The handler's signature: never rejects; every failure is an answer. */
export type DockerApiHandler = (request: ApiRequest, response: ApiResponse) => Promise<void>;
