import type { EngineConnector } from './engine-session.svelte.ts';
import type { Engine } from '../../engine/engine.ts';

// The browser host is the only thing the page takes from worker/: its connect function, which
// returns the Engine API (a comlink proxy of the engine in a Web Worker). A glob, not an import,
// keeps the page buildable in checkouts where the host is absent; it is loaded lazily so the
// terminal paints before the engine's code has arrived.
const hosts = import.meta.glob<{ connectLocalEngine(): Engine | Promise<Engine> }>('/worker/connect.ts');

export const localEngine: EngineConnector = {
  label: 'Browser engine',
  async connect() {
    const load = hosts['/worker/connect.ts'];
    if (!load) throw new Error('The browser engine is not part of this build.');
    return (await load()).connectLocalEngine();
  },
};
