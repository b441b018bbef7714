/**
 * The playground page's side of the preview: it registers the Service Worker and answers its
 * requests for connections (broker-protocol.ts) with its engine's `connectPublished`. Loaded with
 * main.ts, because the Service Worker may ask while the rest of the page is still arriving.
 */
import type { Engine } from '../../engine/engine.ts';
import type { EngineConnector } from '../app/engine-session.svelte.ts';
import { isConnectAsk, type ConnectAnswer, type EndedPublisher } from './broker-protocol.ts';
import type { PortConnector } from './port-stream.ts';

/** The engine as the preview uses it: the browser engine's connectPublished, and lists to explain a port that ended. */
export type PreviewEngine = Pick<Engine, 'listContainers' | 'inspectContainer'> & Partial<PortConnector>;

/** How many of the newest containers are looked into to explain a port nobody publishes now. */
const ENDED_LOOKUP = 20;

/**
 * Register `<base>sw.js` and answer its connection requests with the engine `connector` connects
 * (the connector returned is the one the page then uses). Where Service Workers are unavailable
 * (not a secure context) previews do not open; the page works as before.
 */
export function servePreviews(connector: EngineConnector, base = import.meta.env.BASE_URL): EngineConnector {
  let connected: (engine: Promise<Engine>) => void = () => {};
  const engine = new Promise<PreviewEngine>((resolve) => (connected = resolve));
  const wrapped: EngineConnector = {
    label: connector.label,
    connect() {
      const started = connector.connect();
      connected(started);
      return started;
    },
  };
  const container = navigator.serviceWorker;
  if (!container) return wrapped;
  container.addEventListener('message', (event: MessageEvent<unknown>) => {
    const reply = event.ports[0];
    if (!isConnectAsk(event.data) || !reply) return;
    void connect(engine, event.data.hostPort).then((answer) => reply.postMessage(answer, answer.ok ? [answer.port] : []));
  });
  // Messages the Service Worker sent before this listener existed are delivered from now on.
  container.startMessages();
  container.register(`${base}sw.js`, { scope: base }).catch((e: unknown) => console.warn('the preview Service Worker did not register:', e));
  return wrapped;
}

async function connect(engine: Promise<PreviewEngine>, hostPort: number): Promise<ConnectAnswer> {
  let e: PreviewEngine;
  try {
    e = await engine;
  } catch (err) {
    return { ok: false, code: 'no-engine', message: String(err) };
  }
  if (!e.connectPublished) return { ok: false, code: 'no-engine', message: 'this engine publishes no ports to the page' };
  try {
    return { ok: true, port: await e.connectPublished('127.0.0.1', hostPort) };
  } catch (err) {
    const code = (err as { code?: string }).code ?? 'unknown';
    const message = err instanceof Error ? err.message : String(err);
    return { ok: false, code, message, ended: code === 'not-found' ? await endedPublisher(e, hostPort) : undefined };
  }
}

/**
 * The newest container that published `hostPort`, asked once no engine has it running: stopped, or
 * listed as running by a page that was reloaded or closed (its Workers, and so it, ended).
 */
export async function endedPublisher(engine: PreviewEngine, hostPort: number): Promise<EndedPublisher | undefined> {
  try {
    for (const c of (await engine.listContainers({ all: true })).slice(0, ENDED_LOOKUP)) {
      const bindings = (await engine.inspectContainer(c.Id)).HostConfig.PortBindings ?? {};
      if (!Object.values(bindings).some((list) => list?.some((b) => Number(b.HostPort) === hostPort))) continue;
      const name = c.Names[0]?.replace(/^\//, '') ?? c.Id.slice(0, 12);
      return { name, status: c.State === 'running' ? 'the page that ran it was reloaded or closed' : c.Status };
    }
  } catch {
    // The explanation is a courtesy: without it the page says nothing is published.
  }
  return undefined;
}
