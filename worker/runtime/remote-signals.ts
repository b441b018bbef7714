/**
 * Signals for containers another tab runs. Each tab runs its own engine over the one IndexedDB
 * store, and a container's process lives in the tab that started it; yet any tab must be able to
 * stop, kill or remove any container, as on one Docker host. So a tab asks on a BroadcastChannel
 * (one per store); the tab that runs the container delivers the signal to its process - its own
 * engine then records the exit - and answers that it did. No answer within the wait: no open tab
 * runs it (the caller then treats the container as ended with its tab).
 */
export type RemoteSignal = 'SIGTERM' | 'SIGKILL' | 'SIGINT';

type Message = { type: 'signal'; id: string; key: string; signal: RemoteSignal } | { type: 'taken'; id: string };

/** How long a tab waits for the tab that runs a container to take a signal. */
export const REMOTE_SIGNAL_WAIT_MS = 2000;

export class RemoteSignals {
  readonly #channel: BroadcastChannel | null;
  readonly #pending = new Map<string, (taken: boolean) => void>();

  /** `deliver`: this tab's own process for `key` takes the signal; false when this tab does not run it. */
  constructor(store: string, deliver: (key: string, signal: RemoteSignal) => boolean) {
    this.#channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(`dockyard-signals:${store}`);
    if (!this.#channel) return;
    this.#channel.onmessage = (event: MessageEvent<Message>) => {
      const m = event.data;
      if (m.type === 'signal') {
        if (deliver(m.key, m.signal)) this.#channel?.postMessage({ type: 'taken', id: m.id } satisfies Message);
      } else if (m.type === 'taken') {
        this.#pending.get(m.id)?.(true);
      }
    };
  }

  /** Ask the tab that runs `key` to signal it: true once it took the signal. */
  send(key: string, signal: RemoteSignal, waitMs = REMOTE_SIGNAL_WAIT_MS): Promise<boolean> {
    const channel = this.#channel;
    if (!channel) return Promise.resolve(false);
    const id = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        resolve(false);
      }, waitMs);
      this.#pending.set(id, (taken) => {
        clearTimeout(timer);
        this.#pending.delete(id);
        resolve(taken);
      });
      channel.postMessage({ type: 'signal', id, key, signal } satisfies Message);
    });
  }

  close(): void {
    this.#channel?.close();
    for (const resolve of this.#pending.values()) resolve(false);
    this.#pending.clear();
  }
}
