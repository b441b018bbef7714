/**
 * The page's way to the browser engine: `connectLocalEngine()` starts the engine worker and
 * returns the Engine API over comlink. Callback options (progress, output, log entries, event
 * listeners) and results with methods travel as engine-wire.ts says, so callers use the API as if
 * it were local.
 */
import * as Comlink from 'comlink';
import type { Engine } from '../engine/engine.ts';
import { installEngineErrorTransfer } from './engine-error-transfer.ts';
import { HANDLE_RESULTS, handleFromMarker, isCallbackMessage, packCallbacks, type HandleMarker } from './engine-wire.ts';
import type { PublishedPorts } from './net/published-port.ts';

export interface ConnectOptions {
  /** IndexedDB database name (tests use their own); default "dockyard". */
  db?: string;
}

/** The browser engine: the Engine API, and the published ports of the containers it runs (net/published-port.ts). */
export type LocalEngine = Engine & Required<Pick<Engine, 'run'>> & PublishedPorts;

export function connectLocalEngine(options: ConnectOptions = {}): LocalEngine {
  installEngineErrorTransfer();
  // The worker's name carries the database name (a query string would hide the URL from Vite).
  const worker = new Worker(new URL('./engine-worker.ts', import.meta.url), { type: 'module', name: `dockyard-engine:${options.db ?? ''}` });
  // Layers should survive storage pressure; the browser may still say no (it then evicts last).
  void navigator.storage?.persist?.().catch(() => false);
  const remote = Comlink.wrap<{ call(name: string, args: unknown[]): Promise<unknown>; handle(id: number, method: string, args: unknown[]): Promise<unknown> } & PublishedPorts>(worker);
  const callbacks = new Map<number, (...a: unknown[]) => unknown>();
  let nextCallback = 1;
  worker.addEventListener('message', (event: MessageEvent<unknown>) => {
    if (!isCallbackMessage(event.data)) return;
    try {
      callbacks.get(event.data.dockyardCallback)?.(...event.data.args);
    } catch {
      // A callback's own failure never reaches the engine.
    }
  });
  /** One Engine method over the wire; what comes back is what the worker's engine answered. */
  const call =
    <K extends keyof Engine>(name: K) =>
    async (...args: Parameters<Method<K>>): Promise<Awaited<ReturnType<Method<K>>>> => {
      const packed = packCallbacks(args, (fn) => {
        callbacks.set(nextCallback, fn);
        return nextCallback++;
      });
      const release = () => packed.ids.forEach((id) => callbacks.delete(id));
      const closing = HANDLE_RESULTS[name];
      let result: unknown;
      try {
        result = await remote.call(name, packed.args);
      } catch (e) {
        release();
        throw e;
      }
      if (closing === undefined) {
        release();
        return result as Awaited<ReturnType<Method<K>>>;
      }
      return handleFromMarker(result as HandleMarker, closing, (id, method, a) => remote.handle(id, method, a), release) as Awaited<ReturnType<Method<K>>>;
    };
  return {
    ping: call('ping'),
    version: call('version'),
    info: call('info'),
    diskUsage: call('diskUsage'),
    prune: call('prune'),
    pruneContainers: call('pruneContainers'),
    pruneImages: call('pruneImages'),
    pruneVolumes: call('pruneVolumes'),
    pruneBuildCache: call('pruneBuildCache'),
    events: call('events'),

    pull: call('pull'),
    push: call('push'),
    build: call('build'),
    listImages: call('listImages'),
    inspectImage: call('inspectImage'),
    history: call('history'),
    imageLayers: call('imageLayers'),
    tag: call('tag'),
    removeImage: call('removeImage'),
    saveImages: call('saveImages'),
    loadImages: call('loadImages'),
    importImage: call('importImage'),

    createContainer: call('createContainer'),
    startContainer: call('startContainer'),
    attachContainer: call('attachContainer'),
    waitContainer: call('waitContainer'),
    stopContainer: call('stopContainer'),
    killContainer: call('killContainer'),
    renameContainer: call('renameContainer'),
    removeContainer: call('removeContainer'),
    listContainers: call('listContainers'),
    inspectContainer: call('inspectContainer'),
    logs: call('logs'),
    changes: call('changes'),
    commit: call('commit'),
    exportContainer: call('exportContainer'),
    top: call('top'),
    stats: call('stats'),
    updateContainer: call('updateContainer'),
    statPath: call('statPath'),
    getArchive: call('getArchive'),
    putArchive: call('putArchive'),
    resizeContainer: call('resizeContainer'),
    // One message to the engine worker for create, attach, start and wait.
    run: call('run'),

    createExec: call('createExec'),
    startExec: call('startExec'),
    inspectExec: call('inspectExec'),
    resizeExec: call('resizeExec'),

    createVolume: call('createVolume'),
    listVolumes: call('listVolumes'),
    inspectVolume: call('inspectVolume'),
    removeVolume: call('removeVolume'),

    createNetwork: call('createNetwork'),
    listNetworks: call('listNetworks'),
    inspectNetwork: call('inspectNetwork'),
    removeNetwork: call('removeNetwork'),
    connectNetwork: call('connectNetwork'),
    disconnectNetwork: call('disconnectNetwork'),
    pruneNetworks: call('pruneNetworks'),

    connectPublished: (hostIp, hostPort) => remote.connectPublished(hostIp, hostPort),
    publishedPorts: () => remote.publishedPorts(),
  };
}

/** An Engine method's own type (`run` is optional in Engine, always present here). */
type Method<K extends keyof Engine> = NonNullable<Engine[K]>;
