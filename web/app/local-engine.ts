import type { EngineConnector } from './engine-session.svelte.ts';
import type { Engine } from '../../engine/engine.ts';

// The browser host is the only thing the page takes from worker/: its public entry, whose connect
// function returns the Engine API (a comlink proxy of the engine in a Web Worker). Loaded lazily
// so the terminal paints before the engine's code has arrived.
async function start(): Promise<Engine> {
  return (await import('../../worker/connect.ts')).connectLocalEngine();
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
