import { mount } from 'svelte';
import App from '../App.svelte';
import { Playground } from './playground.svelte.ts';
import type { EngineConnector } from './engine-session.svelte.ts';
import { preloadLazyParts } from './view-modules.ts';
import { loadCli } from '../Terminal/docker-runner.ts';

/** Make the page once: paint the terminal, then connect (the engine is already on its way, see main.ts). */
export function mountPage(connector: EngineConnector): void {
  const playground = new Playground(connector);
  mount(App, { target: document.getElementById('app')!, props: { playground } });
  // The docker CLI is what the first command needs; the rest waits until the page is idle.
  void loadCli();
  void playground.start().then(preloadLazyParts);
}
