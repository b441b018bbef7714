/**
 * Docker's progress streams (pull, push, build, load, events): one JSON object per line. Errors
 * after the 200 has gone out travel in the stream as `{"errorDetail":{"message":m},"error":m}`.
 */
import type { ProgressEvent } from '../engine.ts';

const encoder = new TextEncoder();

export function jsonLine(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value) + '\n');
}

/**
 * `code` is what Docker's JSONError.Code carries: a build step's exit status, nothing else (the
 * docker CLI exits with it). `kind` is the EngineError code, for our own client to rebuild the
 * error with (`unauthorized`, `not-found`, ...); Docker's CLI ignores a field it does not know.
 */
export function errorEvent(message: string, code?: number, kind?: string): ProgressEvent {
  const errorDetail = { ...(code === undefined ? {} : { code }), message, ...(kind ? { kind } : {}) };
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
