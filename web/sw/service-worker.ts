/**
 * The playground's Service Worker (built to <base>sw.js by sw-plugin.ts): it answers
 * `<base>ports/<hostPort>/<path>` by asking an open playground page for a connection to the
 * published port (client-broker.ts), writing the HTTP request over it and streaming the
 * container's answer back (port-exchange.ts). Every other request goes to the network untouched,
 * and nothing is fetched from the network on a guest's behalf.
 */
import { connectThroughPages } from './client-broker.ts';
import { ANSWER_TIMEOUT_MS, exchange } from './port-exchange.ts';
import { BadResponseError } from './http-response.ts';
import { PortStreamError } from './port-stream.ts';
import { failurePage, type PreviewFailure } from './preview-pages.ts';
import { pageHeaders, ISOLATION_HEADERS, RAW_HEADER, STATUS_HEADER } from './preview-headers.ts';
import { previewPath, previewTargetOf, type PreviewTarget } from './preview-url.ts';

declare const self: ServiceWorkerGlobalScope;

const base = new URL(self.registration.scope).pathname;
/**
 * Documents shown as previews, by client id, with their port: a preview's own root-relative links
 * ("/style.css") go to its container, as they would on localhost:PORT (previewTargetOf). Lost when
 * the worker restarts; the request's referrer then tells.
 */
const previewDocuments = new Map<string, number>();

self.addEventListener('install', () => void self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  const target = previewTargetOf(url, self.location.origin, base, previewDocuments.get(event.clientId), event.request.referrer);
  if (!target) return;
  if (event.request.mode === 'navigate' && event.resultingClientId) previewDocuments.set(event.resultingClientId, target.hostPort);
  event.respondWith(answer(event.request, target));
});

async function answer(request: Request, { hostPort, target }: PreviewTarget): Promise<Response> {
  const raw = request.headers.get(RAW_HEADER) === '1';
  if (target === '' || target.startsWith('?')) {
    // "/ports/8080": the container's relative links must resolve under the port's folder.
    return new Response(null, { status: 301, headers: { Location: previewPath(hostPort, '/' + target, base), ...ISOLATION_HEADERS } });
  }
  const body = request.method === 'GET' || request.method === 'HEAD' ? null : new Uint8Array(await request.arrayBuffer());
  const pages = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const connection = await connectThroughPages(pages, hostPort, base);
  if (!(connection instanceof MessagePort)) return failurePage(connection);
  const headers = [...request.headers].filter(([name]) => name !== RAW_HEADER);
  try {
    const reply = await exchange(connection, hostPort, { method: request.method, target, headers, body }, ANSWER_TIMEOUT_MS);
    const out = pageHeaders(reply.headers, { hostPort, base, framedByLength: reply.contentLength !== null, raw });
    if (raw) {
      // A fetch() would follow a 3xx and hide it; curl -i prints the container's status line as sent.
      out.set(STATUS_HEADER, `${reply.status} ${reply.statusText}`);
      return new Response(reply.body, { status: 200, headers: out });
    }
    return new Response(reply.body, { status: reply.status, statusText: reply.statusText, headers: out });
  } catch (e) {
    return failurePage(failureOf(e, hostPort));
  }
}

function failureOf(e: unknown, hostPort: number): PreviewFailure {
  if (e instanceof PortStreamError) return e.kind === 'timeout' ? { kind: 'timeout', hostPort, seconds: ANSWER_TIMEOUT_MS / 1000 } : { kind: 'reset', hostPort, message: e.message };
  if (e instanceof BadResponseError || e instanceof TypeError) return { kind: 'bad-answer', hostPort, message: e.message };
  return { kind: 'reset', hostPort, message: String(e) };
}
