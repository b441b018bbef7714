import type { EngineConnector } from './engine-session.svelte.ts';
import type { Engine } from '../../engine/engine.ts';

// The browser host is the only thing the page takes from worker/: its connect function, which
// returns the Engine API (a comlink proxy of the engine in a Web Worker). A glob, not an import,
// keeps the page buildable in checkouts where the host is absent; it is loaded lazily so the
// terminal paints before the engine's code has arrived.
const hosts = import.meta.glob<{ connectLocalEngine(): Engine | Promise<Engine> }>('/worker/connect.ts');

async function start(): Promise<Engine> {
  const load = hosts['/worker/connect.ts'];
  if (!load) throw new Error('The browser engine is not part of this build.');
  return (await load()).connectLocalEngine();
}

// Started by main.ts before the UI's code loads; the first connect() takes it over.
let early: Promise<Engine> | null = null;

export const localEngine: EngineConnector & { preconnect(): void } = {
  label: 'Browser engine',
  preconnect() {
    early ??= start();
    early.catch(() => {}); // reported by connect(), not as an unhandled rejection
  },
  connect() {
    const started = early ?? start();
    early = null;
    return started;
  },
};
