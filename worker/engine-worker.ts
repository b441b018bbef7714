/**
 * The browser engine: a module Web Worker that owns the IndexedDB stores and the container
 * Workers, runs the shared core (`createEngine`) over them and exposes the Engine API to the page
 * with comlink. Callbacks arrive as comlink proxies; AttachStreams and unsubscribe functions go
 * back as proxies; EngineErrors cross as data (engine-error-transfer.ts).
 */
import * as Comlink from 'comlink';
import type { Engine } from '../engine/engine.ts';
import { createEngine } from '../engine/core/create-engine.ts';
import { installEngineErrorTransfer } from './engine-error-transfer.ts';
import { openBrowserPorts } from './engine-ports.ts';
import { ENGINE_METHODS, withWriterLock, writerLease } from './engine-methods.ts';
import { KEEPS_CALLBACKS, releaseCallbacks, unpackCallbacks } from './engine-wire.ts';
import { EngineError } from '../engine/errors.ts';

installEngineErrorTransfer();

const dbName = self.name.startsWith('dockyard-engine:') ? self.name.slice('dockyard-engine:'.length) || undefined : undefined;
const lease = writerLease(dbName ?? 'dockyard');
const engine: Promise<Engine> = openBrowserPorts(dbName).then((ports) => withWriterLock(createEngine(ports, { exclusive: () => lease.exclusive() }), lease));

const methods = new Set<string>(ENGINE_METHODS);

Comlink.expose({
  async call(name: string, args: unknown[], ...callbacks: Array<(...a: unknown[]) => Promise<unknown>>): Promise<unknown> {
    if (!methods.has(name)) throw new EngineError('invalid-argument', `unknown engine operation ${name}`);
    const target = (await engine) as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
    const pending = new Set<Promise<unknown>>();
    try {
      const result = await target[name](...unpackCallbacks(args, callbacks, pending));
      // Objects with methods and functions cannot be cloned: they travel as proxies.
      return KEEPS_CALLBACKS.has(name) ? Comlink.proxy(result as object) : result;
    } finally {
      // Output sent through callbacks (build steps, pull progress, log lines) reaches the page first.
      if (!KEEPS_CALLBACKS.has(name)) {
        await Promise.allSettled([...pending]);
        releaseCallbacks(callbacks);
      }
    }
  },
});
