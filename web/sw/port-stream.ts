/**
 * One connection to a published port as the preview uses it: the MessagePort the engine hands out
 * (worker/net/published-port.ts, `connectPublished`) read as a stream of byte chunks with a
 * deadline on each wait, written with `write`/`end`, and reset by `reset`.
 *
 * The port's contract, both ways: `{ data: ArrayBuffer }` (bytes, in order), `{ end: true }` (that
 * direction is over), `{ error: string }` (the connection is reset); closing the port resets it.
 */

/** One message on a published-port MessagePort, in either direction. */
export type PortMessage = { data: ArrayBuffer } | { end: true } | { error: string };

/** What the preview needs of an engine: a connection to a port a running container publishes. */
export interface PortConnector {
  connectPublished(hostIp: string, hostPort: number): Promise<MessagePort>;
}

/** Why a read gave up: the container reset the connection, or said nothing within the deadline. */
export class PortStreamError extends Error {
  constructor(
    readonly kind: 'reset' | 'timeout',
    message: string,
  ) {
    super(message);
  }
}

export class PortStream {
  readonly #port: MessagePort;
  readonly #chunks: Uint8Array[] = [];
  #ended = false;
  #failure: PortStreamError | null = null;
  #closed = false;
  #wake: (() => void) | null = null;

  constructor(port: MessagePort) {
    this.#port = port;
    port.onmessage = (event: MessageEvent<PortMessage>) => this.#receive(event.data);
    port.start();
  }

  #receive(m: PortMessage): void {
    if (this.#ended || this.#failure || typeof m !== 'object' || m === null) return;
    if ('data' in m && m.data instanceof ArrayBuffer) this.#chunks.push(new Uint8Array(m.data));
    else if ('end' in m) this.#ended = true;
    else if ('error' in m) {
      this.#failure = new PortStreamError('reset', `connection reset: ${String(m.error)}`);
      this.#close();
    } else return;
    this.#wake?.();
  }

  /**
   * The next chunk the container sent, or null once it ended its side. Waits at most `timeoutMs`
   * for it (a container that never answers must not hold a tab); rejects with PortStreamError.
   */
  async read(timeoutMs: number): Promise<Uint8Array | null> {
    for (;;) {
      const chunk = this.#chunks.shift();
      if (chunk) return chunk;
      if (this.#failure) throw this.#failure;
      if (this.#ended) return null;
      if (this.#closed) throw new PortStreamError('reset', 'connection closed');
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          this.#wake = null;
          reject(new PortStreamError('timeout', `no answer within ${Math.round(timeoutMs / 1000)} s`));
        }, timeoutMs);
        this.#wake = () => {
          clearTimeout(timer);
          this.#wake = null;
          resolve();
        };
      });
    }
  }

  write(bytes: Uint8Array): void {
    if (this.#closed || bytes.length === 0) return;
    // A copy of its own, so transferring it detaches nothing the caller still holds.
    const buffer = bytes.slice().buffer as ArrayBuffer;
    this.#port.postMessage({ data: buffer } satisfies PortMessage, [buffer]);
  }

  /** No more bytes toward the container (a half close: its answer still flows). */
  end(): void {
    if (!this.#closed) this.#port.postMessage({ end: true } satisfies PortMessage);
  }

  /** Reset the connection: the container sees it end at once; reads fail from now on. */
  reset(reason = 'closed by the page'): void {
    if (this.#closed) return;
    this.#port.postMessage({ error: reason } satisfies PortMessage);
    this.#failure ??= new PortStreamError('reset', 'connection closed');
    this.#close();
    this.#wake?.();
  }

  /**
   * Done with it after a complete answer. A container that ended its side gets our end too, so the
   * connection closes on both sides (the engine frees it once both directions ended); one that kept
   * its side open (it ignored `Connection: close`) is reset.
   */
  close(): void {
    if (this.#closed) return;
    if (this.#ended && this.#chunks.length === 0) this.#port.postMessage({ end: true } satisfies PortMessage);
    else this.#port.postMessage({ error: 'closed by the page' } satisfies PortMessage);
    this.#close();
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#port.onmessage = null;
    this.#port.close();
  }
}
