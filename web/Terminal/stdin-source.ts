/**
 * What the learner types while a command runs, as a stream the command can read: chunks in order,
 * then the end (Ctrl-D). Reading after the end yields null; writing after it is ignored.
 */
export class StdinSource implements AsyncIterable<Uint8Array> {
  #queue: Uint8Array[] = [];
  #waiting: Array<(chunk: Uint8Array | null) => void> = [];
  #closed = false;
  /** Set while someone reads: the terminal shows typed text only to a command that listens. */
  #readers = 0;

  get closed(): boolean {
    return this.#closed;
  }

  get hasReader(): boolean {
    return this.#readers > 0 || this.#waiting.length > 0;
  }

  push(chunk: Uint8Array): void {
    if (this.#closed) return;
    const waiter = this.#waiting.shift();
    if (waiter) waiter(chunk);
    else this.#queue.push(chunk);
  }

  /** Take what was typed but never read (type-ahead for the shell's next prompt). */
  drain(): Uint8Array[] {
    return this.#queue.splice(0);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const waiter of this.#waiting.splice(0)) waiter(null);
  }

  /**
   * The next chunk, or null at the end. When `signal` aborts (the command no longer wants input), a
   * pending read resolves null and consumes nothing, so the keys go to whatever reads next.
   */
  read(signal?: AbortSignal): Promise<Uint8Array | null> {
    if (signal?.aborted) return Promise.resolve(null);
    const chunk = this.#queue.shift();
    if (chunk) return Promise.resolve(chunk);
    if (this.#closed) return Promise.resolve(null);
    return new Promise((resolve) => {
      const waiter = (c: Uint8Array | null) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(c);
      };
      const onAbort = () => {
        const i = this.#waiting.indexOf(waiter);
        if (i >= 0) this.#waiting.splice(i, 1);
        resolve(null);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(waiter);
    });
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    this.#readers += 1;
    try {
      for (;;) {
        const chunk = await this.read();
        if (chunk === null) return;
        yield chunk;
      }
    } finally {
      this.#readers -= 1;
    }
  }
}
