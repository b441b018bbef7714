/**
 * The page's own requests to a published port (the host shell's curl and wget): a fetch of the
 * preview address through this page's Service Worker, in its raw mode (preview-headers.ts), so
 * they take the same path as a preview and see the container's status line and headers as sent.
 */
import { ERROR_HEADER, RAW_HEADER, STATUS_HEADER } from './preview-headers.ts';
import type { PreviewFailure } from './preview-pages.ts';
import { previewPath } from './preview-url.ts';

export interface PortReply {
  status: number;
  statusText: string;
  /** Names lower-cased and in name order, as fetch's Headers gives them. */
  headers: [string, string][];
  body: ReadableStream<Uint8Array> | null;
}

export interface PortFetchRequest {
  method: string;
  target: string;
  headers: [string, string][];
  body: Uint8Array | null;
  signal: AbortSignal;
}

/** A failure of the preview path (what the Service Worker's page said), or 'no-service-worker'. */
export type PortFetchFailure = { kind: PreviewFailure['kind'] | 'no-service-worker'; message: string };

export type PortFetch = (hostPort: number, request: PortFetchRequest) => Promise<PortReply | PortFetchFailure>;

/** How long the page waits for its Service Worker to take control (it claims the page once active). */
const CONTROL_WAIT_MS = 10_000;

async function controlled(signal: AbortSignal): Promise<boolean> {
  const container = navigator.serviceWorker;
  if (!container) return false;
  if (container.controller) return true;
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      container.removeEventListener('controllerchange', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, CONTROL_WAIT_MS);
    container.addEventListener('controllerchange', done);
    signal.addEventListener('abort', done);
  });
  return container.controller !== null;
}

export const previewFetch: PortFetch = async (hostPort, request) => {
  if (!(await controlled(request.signal))) return { kind: 'no-service-worker', message: "the page's preview Service Worker is not running (reload the page)" };
  const response = await fetch(previewPath(hostPort, request.target, import.meta.env.BASE_URL), {
    method: request.method,
    headers: [...request.headers, [RAW_HEADER, '1']],
    body: request.body as BodyInit | null,
    signal: request.signal,
    cache: 'no-store',
    redirect: 'manual',
  });
  const failed = response.headers.get(ERROR_HEADER);
  if (failed) {
    const page = new DOMParser().parseFromString(await response.text(), 'text/html');
    return { kind: failed as PortFetchFailure['kind'], message: page.querySelector('p')?.textContent ?? '' };
  }
  const status = response.headers.get(STATUS_HEADER);
  // Without it the answer came from the site, not from the Service Worker.
  if (!status) return { kind: 'no-service-worker', message: "the page's preview Service Worker did not answer (reload the page)" };
  const [code, ...text] = status.split(' ');
  const headers = [...response.headers].filter(([name]) => name !== STATUS_HEADER);
  return { status: Number(code), statusText: text.join(' '), headers, body: request.method === 'HEAD' ? null : response.body };
};
