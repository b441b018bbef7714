/**
 * The page's way to the browser engine: `connectLocalEngine()` starts the engine worker and
 * returns the Engine API over comlink. Callback options (progress, output, log entries, event
 * listeners) travel as comlink proxies (engine-wire.ts), so callers use the API as if it were local.
 */
import * as Comlink from 'comlink';
import type { Engine } from '../engine/engine.ts';
import { installEngineErrorTransfer } from './engine-error-transfer.ts';
import { ENGINE_METHODS } from './engine-methods.ts';
import { packCallbacks } from './engine-wire.ts';

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
  const remote = Comlink.wrap<{ call(name: string, args: unknown[], ...callbacks: unknown[]): Promise<unknown> }>(worker);
  const engine = {} as Record<string, unknown>;
  for (const name of ENGINE_METHODS) {
    engine[name] = (...args: unknown[]) => {
      const packed = packCallbacks(args);
      return remote.call(name, packed.args, ...packed.callbacks);
    };
  }
  return engine as unknown as Engine;
}
