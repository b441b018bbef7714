import { EngineError } from '../errors.ts';

/** Exact-size reads over a chunked byte stream (or one array), with a cap on bytes consumed. */
export class ByteSource {
  readonly #iterator: AsyncIterator<Uint8Array> | undefined;
  #chunks: Uint8Array[] = [];
  #buffered = 0;
  #offset = 0;
  #ended = false;

  constructor(
    source: AsyncIterable<Uint8Array> | Iterable<Uint8Array> | Uint8Array,
    private readonly limit: number,
    private readonly onLimit: () => EngineError,
  ) {
    if (source instanceof Uint8Array) {
      this.#chunks = source.length ? [source] : [];
      this.#buffered = source.length;
      this.#ended = true;
    } else if (Symbol.asyncIterator in source) {
      this.#iterator = source[Symbol.asyncIterator]();
    } else {
      const it = source[Symbol.iterator]();
      this.#iterator = { next: async () => it.next() };
    }
  }

  /** Bytes consumed so far (the offset of the next read). */
  get offset(): number {
    return this.#offset;
  }

  async #fill(n: number): Promise<void> {
    while (this.#buffered < n && !this.#ended) {
      const r = await this.#iterator!.next();
      if (r.done) {
        this.#ended = true;
        break;
      }
      if (r.value.length === 0) continue;
      this.#chunks.push(r.value);
      this.#buffered += r.value.length;
    }
  }

  /** Up to n bytes: fewer only at the end of the stream. */
  async read(n: number): Promise<Uint8Array> {
    await this.#fill(n);
    const take = Math.min(n, this.#buffered);
    if (this.#offset + take > this.limit) throw this.onLimit();
    const out = new Uint8Array(take);
    let filled = 0;
    while (filled < take) {
      const head = this.#chunks[0];
      const part = Math.min(head.length, take - filled);
      out.set(head.subarray(0, part), filled);
      filled += part;
      if (part === head.length) this.#chunks.shift();
      else this.#chunks[0] = head.subarray(part);
    }
    this.#buffered -= take;
    this.#offset += take;
    return out;
  }

  /** The rest of the stream, chunk by chunk, still within the limit. */
  async *rest(chunkSize = 64 * 1024): AsyncGenerator<Uint8Array> {
    for (;;) {
      const chunk = await this.read(chunkSize);
      if (chunk.length === 0) return;
      yield chunk;
    }
  }
}
