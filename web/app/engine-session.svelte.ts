import type { ContainerSummary, Engine, EngineEvent, ImageSummary, Volume } from '../../engine/engine.ts';
import { describeError } from '../lib/errors.ts';

export type EngineStatus = 'connecting' | 'ready' | 'unavailable';

/** How the page reaches an engine; the local browser engine today, a kernel service later (issue 8). */
export interface EngineConnector {
  /** Shown in the header: "Browser engine". */
  label: string;
  connect(): Promise<Engine>;
}

/**
 * The engine the views and terminals share, and the lists every view shows, kept live: a change
 * reported by `engine.events` (or a command that finished) refreshes the lists once, however many
 * events arrive together. Views never call the engine for lists themselves; details they fetch
 * through `engine` and refetch when `revision` moves.
 */
const BURST_MS = 40;
const OTHER_TAB_DELAY_MS = 60;
const LINES_KEPT = 50;

export class EngineSession {
  readonly label: string;
  status = $state<EngineStatus>('connecting');
  error = $state('');
  /** True once the lists have been read at least once (the views show a loading state before). */
  loaded = $state(false);
  images = $state.raw<ImageSummary[]>([]);
  containers = $state.raw<ContainerSummary[]>([]);
  volumes = $state.raw<Volume[]>([]);
  /** Moves on every engine change; detail views refetch when it does. */
  revision = $state(0);
  /**
   * The learner's own actions on this engine - a terminal command that finished, a view's button -
   * counted, with the command lines: the tutorial credits a step only for what was done while it
   * was open (an engine event alone may be something that happened on its own).
   */
  acts = $state(0);
  #lines: Array<{ act: number; line: string }> = [];
  /** The last events, newest last, for the activity line. */
  lastEvent = $state.raw<EngineEvent | null>(null);

  #engine: Engine | null = null;
  #unsubscribe: (() => void) | null = null;
  #refreshing: Promise<void> | null = null;
  #again = false;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #others: BroadcastChannel | null = null;
  #announce = false;

  /**
   * `shareChanges`: a BroadcastChannel name for engines that share their stores with other tabs (the
   * browser engine): each tab runs its own engine, so this session tells the others when its engine
   * reported a change, and refreshes its lists when another tab's did - one Docker host in every tab.
   */
  constructor(
    private readonly connector: EngineConnector,
    shareChanges?: string,
  ) {
    this.label = connector.label;
    if (shareChanges && typeof BroadcastChannel !== 'undefined') {
      this.#others = new BroadcastChannel(shareChanges);
      // The other tab's store writes go out a moment after its events (write-behind): read after them.
      this.#others.onmessage = () => this.#settleThenRefresh(OTHER_TAB_DELAY_MS);
    }
  }

  /** The engine; only valid when status is 'ready'. */
  get engine(): Engine {
    if (!this.#engine) throw new Error('the engine is not connected');
    return this.#engine;
  }

  get ready(): boolean {
    return this.status === 'ready';
  }

  /** Resolves once connect() has succeeded or failed. */
  whenSettled(): Promise<void> {
    return this.#settled;
  }

  // #settle is declared first: field initialisers run in order, and #settled's sets it.
  #settle: () => void = () => {};
  #settled: Promise<void> = new Promise((resolve) => (this.#settle = resolve));

  async connect(): Promise<void> {
    this.status = 'connecting';
    try {
      const engine = await this.connector.connect();
      await engine.ping();
      this.#engine = engine;
      this.#unsubscribe = await engine.events((event) => this.#onEvent(event));
      this.status = 'ready';
      performance.mark('dockyard:engine-ready');
      await this.refresh();
    } catch (e) {
      this.status = 'unavailable';
      this.error = describeError(e);
    } finally {
      this.#settle();
    }
  }

  /** Re-read the lists now; calls made while a refresh runs are folded into one more. */
  refresh(): Promise<void> {
    if (!this.#engine) return Promise.resolve();
    if (this.#refreshing) {
      this.#again = true;
      return this.#refreshing;
    }
    this.#refreshing = this.#readLists().finally(() => {
      this.#refreshing = null;
      if (this.#again) {
        this.#again = false;
        void this.refresh();
      }
    });
    return this.#refreshing;
  }

  /** After a terminal command (`line`) or a view's action: something may have changed even without an event. */
  changed(line?: string): void {
    this.acts += 1;
    if (line !== undefined) {
      this.#lines.push({ act: this.acts, line });
      if (this.#lines.length > LINES_KEPT) this.#lines.shift();
    }
    this.revision += 1;
    void this.refresh();
  }

  /** The command lines run since `acts` was `since` (the last LINES_KEPT at most). */
  linesSince(since: number): string[] {
    return this.#lines.filter((l) => l.act > since).map((l) => l.line);
  }

  dispose(): void {
    this.#unsubscribe?.();
    this.#others?.close();
    if (this.#timer) clearTimeout(this.#timer);
  }

  #onEvent(event: EngineEvent): void {
    this.lastEvent = event;
    this.#settleThenRefresh(BURST_MS);
  }

  /** Bursts (a build, a prune) send many events; refresh once they settle for a moment. */
  #settleThenRefresh(ms: number): void {
    if (ms === BURST_MS) this.#announce = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.revision += 1;
      // Only this engine's own changes are told: a change heard from another tab is not sent back.
      if (this.#announce) this.#others?.postMessage('changed');
      this.#announce = false;
      void this.refresh();
    }, ms);
  }

  async #readLists(): Promise<void> {
    const engine = this.#engine!;
    try {
      const [images, containers, volumes] = await Promise.all([
        engine.listImages(),
        engine.listContainers({ all: true }),
        engine.listVolumes(),
      ]);
      this.images = images;
      this.containers = containers;
      this.volumes = volumes.Volumes;
      this.loaded = true;
    } catch (e) {
      this.error = describeError(e);
    }
  }
}
