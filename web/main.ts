/**
 * The page's entry, kept tiny on purpose: it starts the browser engine (its Worker, IndexedDB and
 * process pool) first, so the engine warms up on other threads while the UI's code (xterm.js,
 * Svelte, the shell) is still arriving and being parsed. bench/page-load.ts measures the result.
 */
import './app/theme.css';
import './app/components.css';
import { localEngine } from './app/local-engine.ts';
import { servePreviews } from './sw/page-side.ts';

localEngine.preconnect();
// The preview's Service Worker asks this page for connections to published ports (web/sw/).
const connector = servePreviews(localEngine);
void import('./app/mount-page.ts').then(({ mountPage }) => mountPage(connector));
