import { EngineSession, type EngineConnector } from './engine-session.svelte.ts';
import { Router } from './router.svelte.ts';
import { Theme } from './theme.svelte.ts';
import { Layout } from './layout.svelte.ts';
import { Workspace } from '../Workspace/workspace.svelte.ts';
import { resolvePath } from '../Workspace/workspace-paths.ts';
import { CommandHistory } from '../Terminal/command-history.ts';
import { TerminalTabs } from '../Terminal/terminal-tabs.svelte.ts';
import { Tutorial } from '../Tutorial/tutorial.svelte.ts';
import { parseHash } from './routes.ts';
import { EngineSelection } from '../engine-select/engine-selection.svelte.ts';
import { ParityState } from '../Parity/parity-view.svelte.ts';

/**
 * Everything the page holds, made once: the engine session, the workspace, the terminals, the route.
 * The tutorial (issue 6) adds its panel here and drives the same objects.
 */
export class Playground {
  readonly router = new Router();
  readonly theme = new Theme();
  readonly layout = new Layout();
  readonly engine: EngineSession;
  readonly workspace = new Workspace();
  readonly history = new CommandHistory();
  readonly terminals: TerminalTabs;
  readonly tutorial: Tutorial;
  /** Which engine each terminal tab and the views use: the browser's or a kernel service's (issue 8). */
  readonly engines: EngineSelection;
  readonly parity: ParityState;

  constructor(connector: EngineConnector) {
    this.engine = new EngineSession(connector);
    this.engines = new EngineSelection(this.engine);
    this.terminals = new TerminalTabs(
      {
        workspace: this.workspace,
        engine: this.engine,
        history: this.history,
        edit: (path) => this.openFile(path),
      },
      (id) => this.engines.sessionForTab(id),
      (id) => (this.engines.kindForTab(id) === 'kernel' ? 'kernel' : ''),
    );
    this.parity = new ParityState(this.engines, () => ({ buildContext: async (dir) => this.workspace.context(resolvePath('', dir)) }));
    this.tutorial = new Tutorial({
      engine: this.engine,
      terminals: this.terminals,
      navigate: (hash) => {
        const route = parseHash(hash);
        this.router.go(route.view, route.subject);
      },
    });
  }

  /** Load the workspace and connect the engine side by side; the terminal is usable at once. */
  async start(): Promise<void> {
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden') void this.workspace.flush();
    });
    // A `#connect=` link (printed by the kernel service) connects and leaves the address bar.
    this.engines.start();
    await Promise.all([this.workspace.load(), this.engine.connect()]);
  }

  openFile(path: string): void {
    this.workspace.open(path);
    this.router.go('workspace', path);
  }
}
