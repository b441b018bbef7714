import { EngineSession } from '../app/engine-session.svelte.ts';
import { KernelConnection } from '../Connect/kernel-connection.svelte.ts';
import { parseConnectFragment } from '../Connect/connect-link.ts';
import { t } from '../i18n/locale.svelte.ts';

/** The two engines a terminal tab or view can use. */
export type EngineKind = 'browser' | 'kernel';

const VIEW_KEY = 'dockyard.viewEngine';

/**
 * The one place that decides which Engine each terminal tab and the views use: the browser engine
 * (the worker) or the connected kernel service (a DockerApiEngine). Tabs start on the browser
 * engine; switching is one call (one click in the header). A tab or view on the kernel service
 * stays there when the connection is lost - it shows the loss while the connection retries.
 */
export class EngineSelection {
  readonly kernel: KernelConnection;
  /** Tab id -> engine; a tab not listed uses the browser engine. */
  tabs = $state<Record<number, EngineKind>>({});
  view = $state<EngineKind>('browser');
  /** Set when something asked for the kernel service before one was connected: the header opens the connect dialog. */
  wantsConnect = $state(false);

  /** Stands in for the kernel service's session while none is connected (says how to connect). */
  readonly #offline = new EngineSession({
    label: 'Kernel service',
    connect: () => Promise.reject(new Error('not connected to a kernel service: use "Connect to a kernel service" in the header')),
  });

  constructor(
    readonly browser: EngineSession,
    kernel?: KernelConnection,
  ) {
    this.kernel = kernel ?? new KernelConnection();
    this.#offline.status = 'unavailable';
    this.#offline.error = 'not connected to a kernel service: use "Connect to a kernel service" in the header';
  }

  /**
   * At page start: a `#connect=URL&token=T` fragment (the link the service prints) connects and is
   * removed from the address bar; otherwise the service remembered in this browser is reconnected.
   * Returns the hash to continue with.
   */
  start(hash = typeof location === 'undefined' ? '' : location.hash): string {
    const fromLink = parseConnectFragment(hash);
    let rest = hash;
    if (fromLink) {
      rest = '';
      if (typeof history !== 'undefined') history.replaceState(null, '', location.pathname + location.search);
    }
    const address = fromLink ?? this.kernel.remembered();
    if (address) {
      void this.kernel.connect(address).catch(() => undefined);
      try {
        if (fromLink) {
          this.view = 'kernel';
          localStorage.setItem(VIEW_KEY, 'kernel');
        } else if (localStorage.getItem(VIEW_KEY) === 'kernel') this.view = 'kernel';
      } catch {
        // storage disabled
      }
    }
    return rest;
  }

  sessionFor(kind: EngineKind): EngineSession {
    return kind === 'kernel' ? (this.kernel.session ?? this.#offline) : this.browser;
  }

  kindForTab(id: number): EngineKind {
    return this.tabs[id] ?? 'browser';
  }

  sessionForTab(id: number): EngineSession {
    return this.sessionFor(this.kindForTab(id));
  }

  get viewSession(): EngineSession {
    return this.sessionFor(this.view);
  }

  /** A kernel service was connected in this page (it may be lost now and retrying). */
  get kernelConfigured(): boolean {
    return this.kernel.address !== null;
  }

  setTab(id: number, kind: EngineKind): void {
    if (kind === 'kernel' && !this.kernelConfigured) {
      this.wantsConnect = true;
      return;
    }
    this.tabs = { ...this.tabs, [id]: kind };
  }

  setView(kind: EngineKind): void {
    if (kind === 'kernel' && !this.kernelConfigured) {
      this.wantsConnect = true;
      return;
    }
    this.view = kind;
    try {
      localStorage.setItem(VIEW_KEY, kind);
    } catch {
      // storage disabled
    }
  }

  /** Forget the service: every tab and the views go back to the browser engine, visibly. */
  disconnect(): void {
    this.kernel.disconnect();
    this.tabs = {};
    this.setView('browser');
  }

  labelFor(kind: EngineKind): string {
    return kind === 'kernel' ? this.kernel.label : 'Browser engine';
  }

  /** labelFor in the page's language, for what the learner reads (labelFor stays English for tests and logs). */
  shownLabelFor(kind: EngineKind): string {
    if (kind === 'browser') return t('engine.browser');
    const address = this.kernel.address?.url.replace(/^https?:\/\//, '');
    return address ? t('engine.kernelAt', { address }) : t('engine.kernel');
  }
}
