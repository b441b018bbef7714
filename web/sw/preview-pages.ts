/**
 * The pages the Service Worker answers with when a published port cannot: each says what happened
 * in the playground's terms and what to do. They carry the headers that keep a cross-origin
 * isolated page isolated and ERROR_HEADER (both in preview-headers.ts), which the host
 * shell's curl reads to print curl's own error.
 */
import type { EndedPublisher } from './broker-protocol.ts';
import { ERROR_HEADER, ISOLATION_HEADERS } from './preview-headers.ts';

export type PreviewFailure =
  | { kind: 'not-published'; hostPort: number }
  | { kind: 'ended'; hostPort: number; ended: EndedPublisher }
  | { kind: 'refused'; hostPort: number; message: string }
  | { kind: 'no-playground'; hostPort: number }
  | { kind: 'timeout'; hostPort: number; seconds: number }
  | { kind: 'reset'; hostPort: number; message: string }
  | { kind: 'bad-answer'; hostPort: number; message: string };

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function text(f: PreviewFailure): { title: string; body: string } {
  const port = `port ${f.hostPort}`;
  switch (f.kind) {
    case 'not-published':
      return { title: `Nothing is published on ${port}`, body: `No running container of this playground publishes ${port}. Publish one with <code>docker run -p ${f.hostPort}:CONTAINER_PORT ...</code>, then reload this page.` };
    case 'ended':
      return {
        title: `The container on ${port} is not running`,
        body: `<code>${escape(f.ended.name)}</code> published ${port} and is not running now (${escape(f.ended.status)}). Containers end when the page that ran them is reloaded or closed. Start it again with <code>docker start ${escape(f.ended.name)}</code>, then reload this page.`,
      };
    case 'refused':
      return { title: `Connection refused on ${port}`, body: `A container publishes ${port}, but the connection to it could not be opened: ${escape(f.message)}.` };
    case 'no-playground':
      return { title: `No playground is open`, body: `Containers run inside a playground page. Open the playground, start the container that publishes ${port}, then reload this page.` };
    case 'timeout':
      return { title: `The container on ${port} did not answer`, body: `It said nothing for ${f.seconds} seconds, so the preview stopped waiting. Look at <code>docker logs</code> for what it is doing, then reload this page.` };
    case 'reset':
      return { title: `The connection to ${port} was reset`, body: `The container closed the connection before it answered (${escape(f.message)}).` };
    case 'bad-answer':
      return { title: `The answer on ${port} is not HTTP`, body: `The preview speaks HTTP/1.1 to the container and could not read its answer: ${escape(f.message)}.` };
  }
}

export function failurePage(f: PreviewFailure): Response {
  const { title, body } = text(f);
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title><style>body{font:16px/1.5 system-ui,sans-serif;max-width:40em;margin:3em auto;padding:0 1em;color:#1b1f24}code{font:0.9em ui-monospace,monospace;background:#eef1f4;padding:0.1em 0.3em;border-radius:3px}@media(prefers-color-scheme:dark){body{background:#14171b;color:#e3e7eb}code{background:#262b31}}</style></head><body><h1>${title}</h1><p>${body}</p><p><small>Dockyard preview of localhost:${f.hostPort}</small></p></body></html>`;
  const status = f.kind === 'timeout' ? 504 : 502;
  return new Response(html, { status, headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', [ERROR_HEADER]: f.kind, ...ISOLATION_HEADERS } });
}
