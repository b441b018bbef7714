/**
 * One request and its answer over a connection to a published port: the Service Worker's preview
 * and the host shell's curl/wget both go through here, so they see a container alike.
 */
import { encodeRequest, type PortRequest } from './http-request.ts';
import { readResponse, type HttpAnswer } from './http-response.ts';
import { PortStream } from './port-stream.ts';

/** How long the container may stay silent (before its headers, or between pieces of its body). */
export const ANSWER_TIMEOUT_MS = 30_000;

/**
 * Write `request` to the container behind `port` and read its answer. Rejects with PortStreamError
 * ('timeout' when the container said nothing for `idleMs`, 'reset') or BadResponseError; either
 * way the connection is reset, so the container's side sees it end.
 */
export async function exchange(port: MessagePort, hostPort: number, request: PortRequest, idleMs = ANSWER_TIMEOUT_MS): Promise<HttpAnswer> {
  const stream = new PortStream(port);
  try {
    stream.write(encodeRequest(request, hostPort));
    return await readResponse(stream, request.method, idleMs);
  } catch (e) {
    stream.reset('no usable answer');
    throw e;
  }
}
