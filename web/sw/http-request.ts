/**
 * The HTTP/1.1 request the preview writes to a container, as a browser (or curl) on the host would
 * send it to localhost:PORT: one request per connection (`Connection: close`), the body framed by
 * Content-Length.
 */

export interface PortRequest {
  method: string;
  /** The request target: path and query, starting with "/". */
  target: string;
  headers: Iterable<[string, string]>;
  body?: Uint8Array | null;
}

/** Headers that belong to one hop (the page's connection to the Service Worker), not to the container's. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'host', 'content-length']);
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const encoder = new TextEncoder();

/** The bytes of the request (head and body); throws TypeError for a method or target HTTP cannot carry. */
export function encodeRequest(request: PortRequest, hostPort: number): Uint8Array {
  if (!TOKEN.test(request.method)) throw new TypeError(`invalid method ${JSON.stringify(request.method)}`);
  if (!request.target.startsWith('/') || /[\s\x00-\x1f\x7f]/.test(request.target)) throw new TypeError(`invalid request target ${JSON.stringify(request.target)}`);
  const lines = [`${request.method} ${request.target} HTTP/1.1`, `Host: localhost:${hostPort}`];
  for (const [name, value] of request.headers) {
    if (HOP_BY_HOP.has(name.toLowerCase()) || !TOKEN.test(name) || /[\r\n\0]/.test(value)) continue;
    lines.push(`${name}: ${value}`);
  }
  const body = request.body ?? null;
  if (body || !['GET', 'HEAD', 'DELETE', 'OPTIONS', 'TRACE'].includes(request.method)) lines.push(`Content-Length: ${body?.length ?? 0}`);
  lines.push('Connection: close', '', '');
  const head = encoder.encode(lines.join('\r\n'));
  if (!body?.length) return head;
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}
