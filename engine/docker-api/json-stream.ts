/**
 * Docker's progress streams (pull, push, build, load, events): one JSON object per line. Errors
 * after the 200 has gone out travel in the stream as `{"errorDetail":{"message":m},"error":m}`.
 */
import type { ProgressEvent } from '../engine.ts';

const encoder = new TextEncoder();

export function jsonLine(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value) + '\n');
}

/** `code` is the HTTP status the error would have had (Docker's JSONError.Code): a client rebuilds the error's kind from it. */
export function errorEvent(message: string, code?: number): ProgressEvent {
  const errorDetail = code === undefined ? { message } : { code, message };
  return { errorDetail, error: message };
}

/** Lines from a byte stream cut anywhere; blank lines are skipped, a bad line is an error. */
export class JsonLineDecoder {
  readonly #decoder = new TextDecoder();
  #text = '';

  push(chunk: Uint8Array): unknown[] {
    this.#text += this.#decoder.decode(chunk, { stream: true });
    return this.#take(false);
  }

  /** The end of the stream: a last line without its newline still counts. */
  end(): unknown[] {
    this.#text += this.#decoder.decode();
    return this.#take(true);
  }

  #take(final: boolean): unknown[] {
    const out: unknown[] = [];
    let nl: number;
    while ((nl = this.#text.indexOf('\n')) >= 0) {
      const line = this.#text.slice(0, nl).trim();
      this.#text = this.#text.slice(nl + 1);
      if (line) out.push(JSON.parse(line));
    }
    if (final && this.#text.trim()) {
      out.push(JSON.parse(this.#text));
      this.#text = '';
    }
    return out;
  }
}
