/**
 * The page's way to the browser engine: `connectLocalEngine()` starts the engine worker and
 * returns the Engine API over comlink. Callback options (progress, output, log entries, event
 * listeners) and results with methods travel as engine-wire.ts says, so callers use the API as if
 * it were local.
 */
import * as Comlink from 'comlink';
import type { Engine } from '../engine/engine.ts';
import { installEngineErrorTransfer } from './engine-error-transfer.ts';
import { ENGINE_METHODS } from './engine-methods.ts';
import { HANDLE_RESULTS, handleFromMarker, isCallbackMessage, packCallbacks, type HandleMarker } from './engine-wire.ts';

export interface ConnectOptions {
  /** IndexedDB database name (tests use their own); default "dockyard". */
  db?: string;
}

export function connectLocalEngine(options: ConnectOptions = {}): Engine {
  installEngineErrorTransfer();
  // The worker's name carries the database name (a query string would hide the URL from Vite).
  const worker = new Worker(new URL('./engine-worker.ts', import.meta.url), { type: 'module', name: `dockyard-engine:${options.db ?? ''}` });
  // Layers should survive storage pressure; the browser may still say no (it then evicts last).
  void navigator.storage?.persist?.().catch(() => false);
  const remote = Comlink.wrap<{ call(name: string, args: unknown[]): Promise<unknown>; handle(id: number, method: string, args: unknown[]): Promise<unknown> }>(worker);
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
  const engine = {} as Record<string, unknown>;
  for (const name of ENGINE_METHODS) {
    engine[name] = async (...args: unknown[]) => {
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
        return result;
      }
      return handleFromMarker(result as HandleMarker, closing, (id, method, a) => remote.handle(id, method, a), release);
    };
  }
  return engine as unknown as Engine;
}
