/**
 * What the Service Worker and a playground page say to each other: the Service Worker has no
 * engine (the engine Worker belongs to a page), so for each preview request it asks the open
 * playground pages for a connection to the published port, and the one whose engine runs the
 * container hands it over as a MessagePort.
 */

export const CONNECT_PUBLISHED = 'dockyard:connect-published';

/** Service Worker -> page, with a MessagePort for the answer as `event.ports[0]`. */
export interface ConnectAsk {
  type: typeof CONNECT_PUBLISHED;
  hostPort: number;
}

/** A container that published the port and is no longer running (its page was reloaded or closed, or it stopped). */
export interface EndedPublisher {
  name: string;
  /** As `docker ps -a` says it: "Exited (137) 2 minutes ago". */
  status: string;
}

/** Page -> Service Worker. `port` travels in the message's transfer list. */
export type ConnectAnswer =
  | { ok: true; port: MessagePort }
  | {
      ok: false;
      /** EngineError's code: 'not-found' nothing publishes it here, 'unavailable' nothing listens; 'no-engine' this page's engine is not running. */
      code: string;
      message: string;
      ended?: EndedPublisher;
    };

export function isConnectAsk(data: unknown): data is ConnectAsk {
  return typeof data === 'object' && data !== null && (data as ConnectAsk).type === CONNECT_PUBLISHED && Number.isInteger((data as ConnectAsk).hostPort);
}
