import { mount } from 'svelte';
import App from './App.svelte';
import './app/theme.css';
import './app/components.css';
import { Playground } from './app/playground.svelte.ts';
import { localEngine } from './app/local-engine.ts';
import { preloadViews } from './app/view-modules.ts';

const playground = new Playground(localEngine);
mount(App, { target: document.getElementById('app')!, props: { playground } });
void playground.start().then(preloadViews);
