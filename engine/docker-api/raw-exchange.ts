/**
 * A request taken over as a raw connection (Node's `upgrade` event: docker's attach and exec start
 * send `Upgrade: tcp`): the body is read off the connection by its Content-Length, the answer is
 * written as HTTP/1.1 text, and `hijack` hands the rest of the connection to the handler. A host
 * only wraps its socket as a Connection (with the bytes its parser read past the head first) and
 * builds the ApiRequest's other fields.
 */
import { EngineError } from '../errors.ts';
import type { ApiResponse, Connection } from './transport.ts';

const REASONS: Record<number, string> = {
  200: 'OK', 201: 'Created', 204: 'No Content', 304: 'Not Modified', 400: 'Bad Request', 401: 'Unauthorized',
  403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 409: 'Conflict', 413: 'Payload Too Large',
  500: 'Internal Server Error', 503: 'Service Unavailable',
};

const encoder = new TextEncoder();

/** The request body and response over one raw connection. */
export function rawExchange(headers: Record<string, string>, conn: Connection): { body(maxBytes: number): Promise<Uint8Array>; response: ApiResponse } {
  const source = conn.incoming[Symbol.asyncIterator]();
  let leftover: Uint8Array | undefined;
  let bodyRead: Promise<Uint8Array> | undefined;
  const length = Number(headers['content-length'] ?? '0');

  const readBody = async (maxBytes: number): Promise<Uint8Array> => {
    if (headers['transfer-encoding']) throw new EngineError('invalid-argument', 'a chunked body cannot come with an upgrade');
    if (!Number.isSafeInteger(length) || length < 0) throw new EngineError('invalid-argument', 'invalid Content-Length');
    if (length > maxBytes) throw new EngineError('resource-exhausted', `request body larger than ${maxBytes} bytes`);
    const body = new Uint8Array(length);
    let at = 0;
    while (at < length) {
      const next = await source.next();
      if (next.done) throw new EngineError('invalid-argument', 'request body ended early');
      const take = Math.min(next.value.length, length - at);
      body.set(next.value.subarray(0, take), at);
      at += take;
      if (take < next.value.length) leftover = next.value.subarray(take);
    }
    return body;
  };

  const rest: Connection = {
    incoming: {
      async *[Symbol.asyncIterator]() {
        if (bodyRead === undefined) await (bodyRead = readBody(Number.MAX_SAFE_INTEGER)).catch(() => {});
        if (leftover) yield leftover;
        for (;;) {
          const next = await source.next();
          if (next.done) return;
          yield next.value;
        }
      },
    },
    write: (chunk) => conn.write(chunk),
    end: () => conn.end(),
    closed: conn.closed,
  };

  const response: ApiResponse = {
    status(code, head) {
      const lines = [`HTTP/1.1 ${code} ${REASONS[code] ?? 'Unknown'}`];
      for (const [k, v] of Object.entries(head)) if (k.toLowerCase() !== 'connection') lines.push(`${k}: ${v}`);
      // No length is promised for streams: the body runs until the close.
      lines.push('Connection: close', '', '');
      void conn.write(encoder.encode(lines.join('\r\n')));
    },
    write: (chunk) => conn.write(chunk),
    end: () => void conn.end(),
    hijack: async () => rest,
  };

  return {
    body: (maxBytes) => (bodyRead ??= readBody(maxBytes)),
    response,
  };
}
