/**
 * Docker's multiplexed stdout/stderr stream (Tty=false): each frame is an 8-byte header - byte 0
 * the stream (0 stdin, 1 stdout, 2 stderr), bytes 1-3 zero, bytes 4-7 the payload length big-endian -
 * then the payload. The same frames carry output on the hijacked socket, in `logs`, and in every
 * binary message of attach/ws.
 */
import { EngineError } from '../errors.ts';

export type StreamId = 0 | 1 | 2;

export const FRAME_HEADER = 8;
/** Docker splits nothing; we refuse a frame claiming more than this so a hostile peer cannot make us buffer it. */
export const MAX_FRAME_PAYLOAD = 64 * 1024 * 1024;

export function encodeFrame(stream: StreamId, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(FRAME_HEADER + payload.length);
  out[0] = stream;
  new DataView(out.buffer).setUint32(4, payload.length, false);
  out.set(payload, FRAME_HEADER);
  return out;
}

/** Frames from a byte stream cut anywhere: push chunks as they come, take whole frames out. */
export class FrameDecoder {
  #buffer = new Uint8Array(0);

  push(chunk: Uint8Array): Array<{ stream: StreamId; payload: Uint8Array }> {
    const joined = new Uint8Array(this.#buffer.length + chunk.length);
    joined.set(this.#buffer);
    joined.set(chunk, this.#buffer.length);
    const frames: Array<{ stream: StreamId; payload: Uint8Array }> = [];
    let at = 0;
    while (joined.length - at >= FRAME_HEADER) {
      const stream = joined[at];
      if (stream > 2 || joined[at + 1] || joined[at + 2] || joined[at + 3]) {
        throw new EngineError('invalid-content', `invalid stream frame header at byte ${at}`);
      }
      const length = new DataView(joined.buffer, joined.byteOffset + at + 4, 4).getUint32(0, false);
      if (length > MAX_FRAME_PAYLOAD) throw new EngineError('resource-exhausted', `stream frame of ${length} bytes is larger than ${MAX_FRAME_PAYLOAD}`);
      if (joined.length - at - FRAME_HEADER < length) break;
      frames.push({ stream: stream as StreamId, payload: joined.slice(at + FRAME_HEADER, at + FRAME_HEADER + length) });
      at += FRAME_HEADER + length;
    }
    this.#buffer = joined.slice(at);
    return frames;
  }

  /** Bytes of an unfinished frame left over (a stream that ends here was cut short). */
  get pending(): number {
    return this.#buffer.length;
  }
}
