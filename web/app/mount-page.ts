import { mount } from 'svelte';
import App from '../App.svelte';
import { Playground } from './playground.svelte.ts';
import type { EngineConnector } from './engine-session.svelte.ts';
import { preloadLazyParts } from './view-modules.ts';
import { loadCli } from '../Terminal/docker-runner.ts';
import { afterFirstPrompt } from './first-prompt.ts';

/**
 * Make the page once: paint the terminal, then - once its prompt is on screen - load the docker CLI
 * (what the first command needs), the workspace and the engine's lists (the engine itself is already
 * on its way, see main.ts); the rest waits until the page is idle.
 */
export function mountPage(connector: EngineConnector): void {
  const playground = new Playground(connector);
  mount(App, { target: document.getElementById('app')!, props: { playground } });
  void afterFirstPrompt().then(() => {
    void loadCli();
    void playground.start().then(preloadLazyParts);
  });
}
