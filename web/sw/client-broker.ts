/**
 * The Service Worker's side of broker-protocol.ts: ask the open playground pages for a connection
 * to a published port. A page that does not answer in time (frozen, still loading its engine)
 * counts as one without the port, so a request never waits on it for long.
 */
import { CONNECT_PUBLISHED, type ConnectAnswer, type ConnectAsk } from './broker-protocol.ts';
import type { PreviewFailure } from './preview-pages.ts';
import { parsePreviewPath } from './preview-url.ts';

/** How long one page may take to answer (its engine may be starting: IndexedDB, Workers). */
export const PAGE_ANSWER_MS = 10_000;

/** What the broker needs of a window client (the Service Worker's `Client`). */
export interface PageClient {
  url: string;
  focused?: boolean;
  visibilityState?: DocumentVisibilityState;
  postMessage(message: unknown, transfer: Transferable[]): void;
}

function ask(client: PageClient, hostPort: number, waitMs: number): Promise<ConnectAnswer | null> {
  const { port1, port2 } = new MessageChannel();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      port1.close();
      resolve(null);
    }, waitMs);
    port1.onmessage = (event: MessageEvent<ConnectAnswer>) => {
      clearTimeout(timer);
      port1.close();
      resolve(event.data);
    };
    client.postMessage({ type: CONNECT_PUBLISHED, hostPort } satisfies ConnectAsk, [port2]);
  });
}

/**
 * A connection from the first page that makes one, or why none could. Pages are asked one at a
 * time, the focused and visible first: any page's engine reaches a port published in another tab
 * (the engine relays it), so asking all at once would open a connection in each and waste all but
 * one. A page that does not answer in `waitMs` is passed over.
 */
export async function connectThroughPages(pages: readonly PageClient[], hostPort: number, base: string, waitMs = PAGE_ANSWER_MS): Promise<MessagePort | PreviewFailure> {
  // Previews (an iframe, a tab on /ports/...) are pages of the site too, but run no engine.
  const engines = pages.filter((c) => !parsePreviewPath(new URL(c.url).pathname, base)).sort((a, b) => rank(b) - rank(a));
  if (engines.length === 0) return { kind: 'no-playground', hostPort };
  const failures: ConnectAnswer[] = [];
  for (const client of engines) {
    const answer = await ask(client, hostPort, waitMs);
    if (answer?.ok && answer.port instanceof MessagePort) return answer.port;
    if (answer && !answer.ok) failures.push(answer);
  }
  return bestFailure(failures, hostPort);
}

function rank(client: PageClient): number {
  return (client.focused ? 2 : 0) + (client.visibilityState === 'visible' ? 1 : 0);
}

/** What says most: nothing listening beats a container that ended, which beats nothing published. */
function bestFailure(answers: ConnectAnswer[], hostPort: number): PreviewFailure {
  const failed = answers.filter((a): a is Extract<ConnectAnswer, { ok: false }> => !a.ok);
  // 'unavailable': nothing listens; 'resource-exhausted': too many connections open at once.
  const refused = failed.find((a) => a.code === 'unavailable' || a.code === 'resource-exhausted');
  if (refused) return { kind: 'refused', hostPort, message: refused.message };
  const ended = failed.find((a) => a.ended)?.ended;
  if (ended) return { kind: 'ended', hostPort, ended };
  return { kind: 'not-published', hostPort };
}
