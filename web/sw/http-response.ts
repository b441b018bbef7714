/**
 * Reading a container's HTTP/1.1 answer off a PortStream: the status line and headers, then the
 * body framed as RFC 9112 says (none for HEAD, 1xx, 204 and 304; chunked; Content-Length; else
 * until the container ends the connection), handed on as a ReadableStream while it arrives.
 */
import { PortStream, PortStreamError } from './port-stream.ts';

/** The container's bytes are not an HTTP answer the preview can pass on. */
export class BadResponseError extends Error {}

/** The most a status line plus headers may take (a server that sends more is not speaking HTTP). */
const MAX_HEAD = 64 * 1024;
/** The most one chunk-size or trailer line may take. */
const MAX_LINE = 8 * 1024;

export interface ResponseHead {
  status: number;
  statusText: string;
  /** Header names lower-cased, in order; a repeated header appears once per line. */
  headers: [string, string][];
}

export interface HttpAnswer extends ResponseHead {
  /** The body as it arrives; null when the answer has none by its framing. */
  body: ReadableStream<Uint8Array> | null;
  /** The body's length when Content-Length framed it. */
  contentLength: number | null;
}

/** Bytes read off a PortStream with what was read ahead kept for the next call. */
class ByteReader {
  #buf: Uint8Array = new Uint8Array(0);

  constructor(
    private readonly stream: PortStream,
    private readonly idleMs: number,
  ) {}

  /** Whatever is buffered, else the next chunk; null at the end of the connection. */
  async some(max = Infinity): Promise<Uint8Array | null> {
    if (this.#buf.length === 0) {
      const chunk = await this.stream.read(this.idleMs);
      if (!chunk) return null;
      this.#buf = chunk;
    }
    const n = Math.min(max, this.#buf.length);
    const out = this.#buf.subarray(0, n);
    this.#buf = this.#buf.subarray(n);
    return out;
  }

  /** Bytes up to and including the first empty line (CRLF CRLF or LF LF); null if it ends first. */
  async until(marker: 'head' | 'line', limit: number): Promise<Uint8Array | null> {
    let scanned = 0;
    for (;;) {
      const at = marker === 'head' ? headEnd(this.#buf, scanned) : this.#buf.indexOf(0x0a, scanned);
      if (at >= 0) {
        const end = marker === 'head' ? at : at + 1;
        const out = this.#buf.slice(0, end);
        this.#buf = this.#buf.subarray(end);
        return out;
      }
      if (this.#buf.length > limit) throw new BadResponseError(marker === 'head' ? `the answer's headers exceed ${limit / 1024} KB` : 'a chunk line is too long');
      scanned = Math.max(0, this.#buf.length - 3);
      const chunk = await this.stream.read(this.idleMs);
      if (!chunk) return this.#buf.length === 0 ? null : Promise.reject(new BadResponseError('the connection ended in the middle of the answer'));
      const joined = new Uint8Array(this.#buf.length + chunk.length);
      joined.set(this.#buf);
      joined.set(chunk, this.#buf.length);
      this.#buf = joined;
    }
  }
}

/** The index just past the blank line ending a head, searching from `from`; -1 if not there yet. */
function headEnd(b: Uint8Array, from: number): number {
  for (let i = from; i < b.length; i++) {
    if (b[i] !== 0x0a) continue;
    if (b[i + 1] === 0x0a) return i + 2;
    if (b[i + 1] === 0x0d && b[i + 2] === 0x0a) return i + 3;
  }
  return -1;
}

const latin1 = new TextDecoder('latin1');

export function parseHead(bytes: Uint8Array): ResponseHead {
  const lines = latin1.decode(bytes).split(/\r?\n/);
  const first = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(lines[0]);
  if (!first) throw new BadResponseError(`not an HTTP/1.x status line: ${JSON.stringify(lines[0].slice(0, 80))}`);
  const headers: [string, string][] = [];
  for (const line of lines.slice(1)) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).toLowerCase();
    if (colon <= 0 || !/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(name)) throw new BadResponseError(`not an HTTP header line: ${JSON.stringify(line.slice(0, 80))}`);
    headers.push([name, line.slice(colon + 1).trim()]);
  }
  return { status: Number(first[1]), statusText: first[2] ?? '', headers };
}

const header = (head: ResponseHead, name: string) => head.headers.filter(([n]) => n === name).map(([, v]) => v);

/**
 * Read the answer to a request with `method`. Waits at most `idleMs` for each piece; errors while
 * the body streams error the stream. The PortStream is closed once the body ended (or failed).
 */
export async function readResponse(stream: PortStream, method: string, idleMs: number): Promise<HttpAnswer> {
  const reader = new ByteReader(stream, idleMs);
  let head: ResponseHead;
  for (;;) {
    const bytes = await reader.until('head', MAX_HEAD);
    if (!bytes) throw new BadResponseError('the container closed the connection without answering');
    head = parseHead(bytes);
    // 100 Continue, 103 Early Hints: interim answers; the real one follows. 101 would switch protocols.
    if (head.status >= 100 && head.status < 200 && head.status !== 101) continue;
    break;
  }
  if (head.status === 101) throw new BadResponseError('the container switched protocols (101): the preview passes on HTTP only');
  if (head.status < 200 || head.status > 599) throw new BadResponseError(`status ${head.status} is not an HTTP status`);
  const codings = header(head, 'transfer-encoding').join(',').toLowerCase().split(',').map((s) => s.trim()).filter(Boolean);
  const lengths = header(head, 'content-length');
  const noBody = method === 'HEAD' || head.status === 204 || head.status === 304;
  let contentLength: number | null = null;
  let pieces: () => AsyncGenerator<Uint8Array>;
  if (noBody) {
    stream.close();
    return { ...head, body: null, contentLength: null };
  } else if (codings.length > 0) {
    if (codings[codings.length - 1] !== 'chunked') throw new BadResponseError(`transfer coding "${codings.join(', ')}" does not end in chunked`);
    pieces = () => chunkedBody(reader);
  } else if (lengths.length > 0) {
    const values = new Set(lengths.flatMap((v) => v.split(',').map((s) => s.trim())));
    const value = [...values][0];
    if (values.size !== 1 || !/^\d{1,15}$/.test(value)) throw new BadResponseError(`Content-Length "${lengths.join(', ')}" is not one length`);
    contentLength = Number(value);
    pieces = () => sizedBody(reader, contentLength as number);
  } else pieces = () => bodyUntilEnd(reader);
  return { ...head, body: toStream(pieces(), stream), contentLength };
}

async function* sizedBody(reader: ByteReader, length: number): AsyncGenerator<Uint8Array> {
  let left = length;
  while (left > 0) {
    const piece = await reader.some(left);
    if (!piece) throw new BadResponseError(`the connection ended ${left} bytes before the Content-Length`);
    left -= piece.length;
    yield piece;
  }
}

async function* bodyUntilEnd(reader: ByteReader): AsyncGenerator<Uint8Array> {
  for (let piece = await reader.some(); piece; piece = await reader.some()) yield piece;
}

const ascii = new TextDecoder();

async function* chunkedBody(reader: ByteReader): AsyncGenerator<Uint8Array> {
  for (;;) {
    const line = await reader.until('line', MAX_LINE);
    if (!line) throw new BadResponseError('the connection ended in the middle of a chunked body');
    const size = ascii.decode(line).split(';')[0].trim();
    if (!/^[0-9a-fA-F]{1,12}$/.test(size)) throw new BadResponseError(`bad chunk size ${JSON.stringify(size)}`);
    let left = parseInt(size, 16);
    if (left === 0) break;
    while (left > 0) {
      const piece = await reader.some(left);
      if (!piece) throw new BadResponseError('the connection ended in the middle of a chunk');
      left -= piece.length;
      yield piece;
    }
    const crlf = await reader.until('line', MAX_LINE);
    if (!crlf || ascii.decode(crlf).trim() !== '') throw new BadResponseError('a chunk is longer than its size says');
  }
  // Trailers, up to the empty line; the preview passes none on.
  for (;;) {
    const line = await reader.until('line', MAX_LINE);
    if (!line || ascii.decode(line).trim() === '') return;
  }
}

/** The body as a ReadableStream read as the page reads it; cancelling resets the connection. */
function toStream(pieces: AsyncGenerator<Uint8Array>, stream: PortStream): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await pieces.next();
        if (next.done) {
          stream.close();
          controller.close();
        } else controller.enqueue(next.value);
      } catch (e) {
        stream.reset(e instanceof PortStreamError ? 'the answer stopped' : 'bad answer');
        controller.error(e);
      }
    },
    cancel() {
      stream.reset('the page stopped reading');
    },
  });
}
