/**
 * The browser engine: a module Web Worker that owns the IndexedDB stores and the container
 * Workers, runs the shared core (`createEngine`) over them and exposes the Engine API to the page
 * with comlink. Callbacks and results with methods (AttachStreams, unsubscribe functions) travel
 * as engine-wire.ts says; EngineErrors cross as data (engine-error-transfer.ts).
 */
import * as Comlink from 'comlink';
import type { Engine } from '../engine/engine.ts';
import { createEngine } from '../engine/core/create-engine.ts';
import { installEngineErrorTransfer } from './engine-error-transfer.ts';
import { openBrowserPorts } from './engine-ports.ts';
import { withWriterLock, writerLease } from './engine-methods.ts';
import { HANDLE_RESULTS, handleMarker, unpackCallbacks } from './engine-wire.ts';
import { EngineError } from '../engine/errors.ts';
import { connectPublished, type PublishedPorts } from './net/published-port.ts';
import { PortRelay } from './net/port-relay.ts';

installEngineErrorTransfer();

const dbName = self.name.startsWith('dockyard-engine:') ? self.name.slice('dockyard-engine:'.length) || undefined : undefined;
const lease = writerLease(dbName ?? 'dockyard');
const ports = openBrowserPorts(dbName, lease);
const engine: Promise<Engine> = ports.then((p) => {
  const core = createEngine(p);
  // Guests' names resolve through the core (user-defined networks, running containers).
  p.network.resolver = (container, name) => core.resolveName(container, name);
  return withWriterLock(core, lease);
});
/** This tab's published ports for the other tabs of the playground, theirs for this one. */
const relay = new PortRelay(dbName ?? 'dockyard', async (hostIp, hostPort) => {
  await engine;
  return connectPublished((await ports).network, hostIp, hostPort);
});

/** Whether a running container - of any tab - publishes `hostPort` (the store's records say). */
async function publishedAnywhere(hostPort: number): Promise<boolean> {
  const running = await (await engine).listContainers({});
  return running.some((c) => c.Ports.some((p) => p.PublicPort === hostPort));
}

/** A method of the engine object itself (not one of Object's: the name comes from a message). */
function isMethod(target: Engine, name: string): name is keyof Engine {
  return Object.hasOwn(target, name);
}

/** Results the page holds as handles (engine-wire.ts), with the method that ends each. */
const handles = new Map<number, { value: unknown; closing: string }>();
let nextHandle = 1;

Comlink.expose({
  async call(name: string, args: unknown[]): Promise<unknown> {
    const target = await engine;
    if (!isMethod(target, name)) throw new EngineError('invalid-argument', `unknown engine operation ${name}`);
    // The arguments are a message's: the page's typed call (connect.ts) made them, the engine checks them.
    const method = target[name] as (...a: unknown[]) => Promise<unknown>;
    const result = await method(...unpackCallbacks(args, (message) => self.postMessage(message)));
    const closing = HANDLE_RESULTS[name];
    if (closing === undefined) return result;
    const id = nextHandle++;
    handles.set(id, { value: result, closing });
    return handleMarker(id, result);
  },

  async handle(id: number, method: string, args: unknown[]): Promise<unknown> {
    const handle = handles.get(id);
    // Ended already (a second detach): nothing is left to do.
    if (!handle) return undefined;
    if (method === handle.closing) handles.delete(id);
    const { value } = handle;
    return typeof value === 'function' ? value(...args) : (value as Record<string, (...a: unknown[]) => unknown>)[method](...args);
  },

  // The published ports of the containers this tab runs (net/published-port.ts).
  async connectPublished(hostIp: string, hostPort: number): Promise<MessagePort> {
    await engine;
    let port: MessagePort;
    try {
      port = await connectPublished((await ports).network, hostIp, hostPort);
    } catch (e) {
      // Not here: the tab that runs the container answers through the relay.
      if (!(e instanceof EngineError && e.code === 'not-found') || !(await publishedAnywhere(hostPort))) throw e;
      port = await relay.connect(hostIp, hostPort);
    }
    return Comlink.transfer(port, [port]);
  },

  async publishedPorts(): ReturnType<PublishedPorts['publishedPorts']> {
    await engine;
    return (await ports).network.published();
  },
});
