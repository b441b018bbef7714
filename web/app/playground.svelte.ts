import { EngineSession, type EngineConnector } from './engine-session.svelte.ts';
import { Router } from './router.svelte.ts';
import { Theme } from './theme.svelte.ts';
import { Layout } from './layout.svelte.ts';
import { Workspace } from '../Workspace/workspace.svelte.ts';
import { resolvePath } from '../Workspace/workspace-paths.ts';
import { CommandHistory } from '../Terminal/command-history.ts';
import { TerminalTabs } from '../Terminal/terminal-tabs.svelte.ts';
import type { TerminalSession } from '../Terminal/terminal-session.svelte.ts';
import type { Tutorial } from '../Tutorial/tutorial.svelte.ts';
import { readProgress } from '../Tutorial/progress-store.ts';
import { TUTORIAL_MODULES } from './view-modules.ts';
import { whenIdle } from '../lib/idle.ts';
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
  /**
   * The tutorial (lessons, markdown, checks) arrives after the terminal has painted: null until
   * loaded. It loads at start when it was open (a newcomer's first visit) and on the first toggle.
   */
  tutorial = $state.raw<Tutorial | null>(null);
  #tutorialOpenAtStart = readProgress(typeof localStorage === 'undefined' ? undefined : localStorage).open;
  #tutorialLoading: Promise<Tutorial> | null = null;
  /** Which engine each terminal tab and the views use: the browser's or a kernel service's (issue 8). */
  readonly engines: EngineSelection;
  readonly parity: ParityState;

  constructor(connector: EngineConnector) {
    this.engine = new EngineSession(connector, 'dockyard-engine:changes');
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
  }

  /** The tutorial column is shown (its panel may still be loading). */
  get tutorialOpen(): boolean {
    return this.tutorial?.open ?? this.#tutorialOpenAtStart;
  }

  loadTutorial(): Promise<Tutorial> {
    this.#tutorialLoading ??= TUTORIAL_MODULES.state().then(({ Tutorial }) => {
      this.tutorial = new Tutorial({
        engine: this.engine,
        terminals: this.terminals,
        navigate: (hash) => {
          const route = parseHash(hash);
          this.router.go(route.view, route.subject);
        },
        kernel: () => (this.engines.kernel.status === 'connected' ? this.engines.kernel.session : null),
        kernelTab: () => this.#kernelTab(),
      });
      return this.tutorial;
    });
    return this.#tutorialLoading;
  }

  /** An idle terminal tab on the kernel service, or a new tab switched to it (for the tutorial's kernel steps). */
  #kernelTab(): TerminalSession {
    const idle = this.terminals.sessions.find((t) => this.engines.kindForTab(t.id) === 'kernel' && !t.busy);
    if (idle) return idle;
    const tab = this.terminals.add();
    this.engines.setTab(tab.id, 'kernel');
    return tab;
  }

  toggleTutorial(): void {
    if (this.tutorial) this.tutorial.toggle();
    else {
      const openAtStart = this.#tutorialOpenAtStart;
      void this.loadTutorial().then((tutorial) => {
        if (tutorial.open === openAtStart) tutorial.toggle();
      });
    }
  }

  /** Load the workspace and connect the engine side by side; the terminal is usable at once. */
  async start(): Promise<void> {
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden') void this.workspace.flush();
    });
    // A `#connect=` link (printed by the kernel service) connects and leaves the address bar.
    this.engines.start();
    // Open at start (a newcomer's first visit): it fills its column once the first prompt is up.
    if (this.#tutorialOpenAtStart) whenIdle(() => void this.loadTutorial(), 1000);
    await Promise.all([this.workspace.load(), this.engine.connect()]);
  }

  openFile(path: string): void {
    this.workspace.open(path);
    this.router.go('workspace', path);
  }
}
