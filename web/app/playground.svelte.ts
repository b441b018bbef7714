import { EngineSession, type EngineConnector } from './engine-session.svelte.ts';
import { Router } from './router.svelte.ts';
import { Theme } from './theme.svelte.ts';
import { Layout } from './layout.svelte.ts';
import { Workspace } from '../Workspace/workspace.svelte.ts';
import { CommandHistory } from '../Terminal/command-history.ts';
import { TerminalTabs } from '../Terminal/terminal-tabs.svelte.ts';
import { Tutorial } from '../Tutorial/tutorial.svelte.ts';
import { parseHash } from './routes.ts';

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

  constructor(connector: EngineConnector) {
    this.engine = new EngineSession(connector);
    this.terminals = new TerminalTabs({
      workspace: this.workspace,
      engine: this.engine,
      history: this.history,
      edit: (path) => this.openFile(path),
    });
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
    await Promise.all([this.workspace.load(), this.engine.connect()]);
  }

  openFile(path: string): void {
    this.workspace.open(path);
    this.router.go('workspace', path);
  }
}
