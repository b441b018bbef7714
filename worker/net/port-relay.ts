/**
 * Published ports across the tabs of one playground. A container's process lives in the tab that
 * started it, so only that tab's engine can open a connection to its port; yet every tab must
 * reach it, as every client of one Docker host does. BroadcastChannel cannot transfer a
 * MessagePort, so the stream itself is relayed: the asking tab's engine broadcasts `connect`, the
 * tab that publishes the port opens it locally (published-port.ts) and answers `accepted` (or
 * `refused` with the words of its refusal), and from then on each PublishedPortMessage crosses the
 * channel tagged with the connection's id, in both directions. The caller gets a MessagePort with
 * the same contract as a local one.
 *
 * One channel per store (the tabs of one playground). No answer within RELAY_WAIT_MS: no open tab
 * publishes the port (the caller reports it as not published).
 */
import { EngineError, type ErrorCode } from '../../engine/errors.ts';
import type { PublishedPortMessage } from './published-port.ts';

type RelayMessage =
  | { type: 'connect'; id: string; hostIp: string; hostPort: number }
  | { type: 'accepted'; id: string }
  | { type: 'refused'; id: string; code: ErrorCode; message: string }
  /** `toServer`: from the asking tab to the serving one; else back. */
  | { type: 'flow'; id: string; toServer: boolean; message: PublishedPortMessage };

/** How long the asking tab waits for the tab that publishes a port to answer. */
export const RELAY_WAIT_MS = 2000;

/** One relayed connection's end in this tab: its MessagePort, and whether each direction ended. */
interface Bridge {
  port: MessagePort;
  endIn: boolean;
  endOut: boolean;
}

export class PortRelay {
  readonly #channel: BroadcastChannel | null;
  readonly #pending = new Map<string, (answer: Extract<RelayMessage, { type: 'accepted' | 'refused' }>) => void>();
  /** Connections this tab asked for (toServer = true on their flow) and those it serves. */
  readonly #asked = new Map<string, Bridge>();
  readonly #served = new Map<string, Bridge>();

  /**
   * `serve`: open a published port of this tab (published-port.ts connectPublished), or reject
   * with 'not-found' when this tab does not publish it (then it stays silent).
   */
  constructor(
    store: string,
    readonly serve: (hostIp: string, hostPort: number) => Promise<MessagePort>,
  ) {
    this.#channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(`dockyard-ports:${store}`);
    if (this.#channel) this.#channel.onmessage = (event: MessageEvent<RelayMessage>) => void this.#receive(event.data);
  }

  #post(message: RelayMessage): void {
    this.#channel?.postMessage(message);
  }

  async #receive(m: RelayMessage): Promise<void> {
    if (m.type === 'connect') {
      let port: MessagePort;
      try {
        port = await this.serve(m.hostIp, m.hostPort);
      } catch (e) {
        if (e instanceof EngineError && e.code !== 'not-found') this.#post({ type: 'refused', id: m.id, code: e.code, message: e.message });
        return;
      }
      this.#bridge(this.#served, m.id, port, false);
      this.#post({ type: 'accepted', id: m.id });
    } else if (m.type === 'accepted' || m.type === 'refused') {
      this.#pending.get(m.id)?.(m);
    } else if (m.type === 'flow') {
      const bridge = (m.toServer ? this.#served : this.#asked).get(m.id);
      if (!bridge) return;
      bridge.port.postMessage(m.message);
      this.#ended(m.toServer ? this.#served : this.#asked, m.id, bridge, m.message, 'in');
    }
  }

  /** Relay what `port` says to the other tab's end of connection `id`. */
  #bridge(table: Map<string, Bridge>, id: string, port: MessagePort, toServer: boolean): void {
    const bridge: Bridge = { port, endIn: false, endOut: false };
    table.set(id, bridge);
    port.onmessage = (event: MessageEvent<PublishedPortMessage>) => {
      this.#post({ type: 'flow', id, toServer, message: event.data });
      this.#ended(table, id, bridge, event.data, 'out');
    };
  }

  /** Forget a connection once both directions ended or either side reset it. */
  #ended(table: Map<string, Bridge>, id: string, bridge: Bridge, message: PublishedPortMessage, way: 'in' | 'out'): void {
    if (typeof message !== 'object' || message === null) return;
    if ('end' in message) bridge[way === 'in' ? 'endIn' : 'endOut'] = true;
    if ('error' in message || (bridge.endIn && bridge.endOut)) {
      table.delete(id);
      bridge.port.close();
    }
  }

  /** A connection to a port another tab publishes; 'not-found' when no tab answers. */
  connect(hostIp: string, hostPort: number): Promise<MessagePort> {
    if (!this.#channel) return Promise.reject(new EngineError('not-found', `nothing is published on port ${hostPort}`));
    const id = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
    return new Promise<MessagePort>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new EngineError('not-found', `nothing is published on port ${hostPort}`));
      }, RELAY_WAIT_MS);
      this.#pending.set(id, (answer) => {
        clearTimeout(timer);
        this.#pending.delete(id);
        if (answer.type === 'refused') return reject(new EngineError(answer.code, answer.message));
        const { port1, port2 } = new MessageChannel();
        this.#bridge(this.#asked, id, port1, true);
        resolve(port2);
      });
      this.#post({ type: 'connect', id, hostIp, hostPort });
    });
  }

  close(): void {
    this.#channel?.close();
  }
}
