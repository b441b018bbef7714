import type { Engine } from '../../engine/engine.ts';
import { EngineSession } from '../app/engine-session.svelte.ts';
import { describeError } from '../lib/errors.ts';
import { checkToken, normalizeKernelUrl, type KernelAddress } from './connect-link.ts';
import { forgetRegistryCredentials, shareRegistryCredentials } from './registry-credentials.ts';

export type KernelStatus = 'none' | 'connecting' | 'connected' | 'lost';

const STORAGE_KEY = 'dockyard.kernel';
/** How often a connected service is asked whether it is still there. */
const HEARTBEAT_MS = 4000;
/** Retries after a lost connection: 1 s, 2 s, 4 s ... up to 15 s, for as long as the page is open. */
const RETRY_MAX_MS = 15_000;

export interface KernelConnectionOptions {
  storage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  /** The Engine over a service address; default a DockerApiEngine (fetch + attach/ws). */
  engineFor?: (address: KernelAddress) => Engine | Promise<Engine>;
}

/**
 * The playground's connection to a kernel service: the address and token (remembered in this
 * browser), the EngineSession the views and terminals use while it is there, and its health.
 * A lost connection is shown (status 'lost', the session unavailable with the reason) and retried
 * with backoff until it comes back - nothing that chose the kernel service ever falls back to the
 * browser engine on its own.
 */
export class KernelConnection {
  address = $state.raw<KernelAddress | null>(null);
  status = $state<KernelStatus>('none');
  error = $state('');
  /** Seconds until the next retry while lost. */
  retryIn = $state(0);
  /** Moves whenever `session` is replaced (a reconnect makes a fresh one: new event stream). */
  session = $state.raw<EngineSession | null>(null);

  readonly #storage: KernelConnectionOptions['storage'];
  readonly #engineFor: (address: KernelAddress) => Engine | Promise<Engine>;
  #heartbeat: ReturnType<typeof setInterval> | null = null;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  #countdown: ReturnType<typeof setInterval> | null = null;
  #attempt = 0;
  #generation = 0;

  constructor(options: KernelConnectionOptions = {}) {
    this.#storage = options.storage ?? (typeof localStorage === 'undefined' ? undefined : localStorage);
    // The API client loads with the first connection: most pages never connect to a service.
    this.#engineFor =
      options.engineFor ??
      (async (a) => new (await import('../../engine/docker-api/client.ts')).DockerApiEngine({ baseUrl: a.url, token: a.token }));
  }

  /** The address remembered in this browser, if any. */
  remembered(): KernelAddress | null {
    try {
      const raw = this.#storage?.getItem(STORAGE_KEY);
      if (!raw) return null;
      const v = JSON.parse(raw) as { url?: unknown; token?: unknown };
      if (typeof v.url !== 'string' || typeof v.token !== 'string') return null;
      return { url: normalizeKernelUrl(v.url), token: checkToken(v.token) };
    } catch {
      return null;
    }
  }

  get label(): string {
    return this.address ? `Kernel service (${this.address.url.replace(/^https?:\/\//, '')})` : 'Kernel service';
  }

  /**
   * Connect to `address` (validated), remember it, and keep it healthy. Resolves true once the
   * service answered; false when it did not (then the connection is 'lost' and retried).
   */
  async connect(input: { url: string; token: string }): Promise<boolean> {
    const address = { url: normalizeKernelUrl(input.url), token: checkToken(input.token) };
    this.#stopTimers();
    this.session?.dispose();
    this.#generation += 1;
    this.address = address;
    this.#attempt = 0;
    try {
      this.#storage?.setItem(STORAGE_KEY, JSON.stringify(address));
    } catch {
      // storage disabled: connected for this page only
    }
    this.status = 'connecting';
    this.error = '';
    // The browser engine may push to the service's registry (docker push 127.0.0.1:PORT/name).
    shareRegistryCredentials(address);
    return this.#open(this.#generation);
  }

  /** Forget the service in this browser and close the connection. */
  disconnect(): void {
    this.#stopTimers();
    this.#generation += 1;
    this.session?.dispose();
    this.session = null;
    if (this.address) forgetRegistryCredentials(this.address);
    this.address = null;
    this.status = 'none';
    this.error = '';
    try {
      this.#storage?.removeItem(STORAGE_KEY);
    } catch {
      // nothing remembered
    }
  }

  /** Try again now (the "retry now" button). */
  retryNow(): void {
    if (this.status !== 'lost' || !this.address) return;
    this.#stopTimers();
    void this.#open(this.#generation);
  }

  async #open(generation: number): Promise<boolean> {
    const address = this.address!;
    const session = new EngineSession({ label: this.label, connect: async () => this.#engineFor(address) });
    await session.connect();
    if (generation !== this.#generation) {
      session.dispose();
      return false;
    }
    if (session.status !== 'ready') {
      session.dispose();
      this.#lost(session.error || 'the service did not answer');
      return false;
    }
    this.session?.dispose();
    this.session = session;
    this.status = 'connected';
    this.error = '';
    this.#attempt = 0;
    this.#heartbeat = setInterval(() => void this.#check(generation), HEARTBEAT_MS);
    return true;
  }

  async #check(generation: number): Promise<void> {
    const session = this.session;
    if (!session || generation !== this.#generation || this.status !== 'connected') return;
    try {
      await session.engine.ping();
    } catch (e) {
      if (generation === this.#generation) this.#lost(describeError(e));
    }
  }

  #lost(reason: string): void {
    this.#stopTimers();
    this.status = 'lost';
    this.error = `lost the connection to the kernel service at ${this.address?.url}: ${reason}`;
    if (this.session) {
      // The terminals and views on this engine say so instead of silently using another one.
      this.session.status = 'unavailable';
      this.session.error = this.error;
    }
    const delay = Math.min(RETRY_MAX_MS, 1000 * 2 ** this.#attempt);
    this.#attempt += 1;
    this.retryIn = Math.round(delay / 1000);
    this.#countdown = setInterval(() => (this.retryIn = Math.max(0, this.retryIn - 1)), 1000);
    const generation = this.#generation;
    this.#retryTimer = setTimeout(() => {
      this.#stopTimers();
      if (generation === this.#generation) void this.#open(generation);
    }, delay);
  }

  #stopTimers(): void {
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    if (this.#countdown) clearInterval(this.#countdown);
    this.#heartbeat = this.#retryTimer = this.#countdown = null;
  }
}
