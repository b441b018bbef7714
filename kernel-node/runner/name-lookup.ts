/**
 * How a container's runner resolves a name on its networks: it asks the service on the status
 * channel it already has (fd 3, a socket runc-process.ts holds the other end of), and the service
 * answers what the core's HostEngine.resolveName says now - the same answer the browser engine
 * gives, current at every lookup (no file of names to keep up to date). The guest cannot reach
 * the channel (it is a descriptor of the runner, not of the guest), and the channel answers
 * lookups only: no new way into the service.
 *
 *   runner -> service   {"resolve": NAME, "id": N}\n
 *   service -> runner   {"id": N, "addresses": [...]}\n
 */
import { readSync, writeSync } from 'node:fs';
import type { SocketCalls } from './socket-calls.ts';

/** A lookup the service has not answered by then resolves nowhere (and its late answer is skipped). */
const LOOKUP_TIMEOUT_MS = 5000;
/** DNS's longest name: anything longer resolves nowhere without asking. */
const MAX_NAME = 253;

export interface LookupRequest {
  resolve: string;
  id: number;
}

export interface LookupAnswer {
  id: number;
  addresses: string[];
}

export interface LookupOptions {
  timeoutMs?: number;
  /**
   * Whether `fd` has something to read within `ms` (the runner's: an epoll wait of socket-calls.c).
   * The channel is a blocking socket: without this a lookup waits for its answer however long the
   * service takes, and the timeout only bounds a channel that says EAGAIN.
   */
  readable?: (ms: number) => boolean;
}

/** Blocking lookups over `fd` for the guest thread. */
export function statusChannelLookup(fd: number, options: LookupOptions = {}): (name: string) => string[] {
  const timeoutMs = options.timeoutMs ?? LOOKUP_TIMEOUT_MS;
  let next = 1;
  let pending = '';
  const chunk = Buffer.alloc(4096);
  const nap = new Int32Array(new SharedArrayBuffer(4));
  return (name) => {
    if (name.length === 0 || name.length > MAX_NAME) return [];
    const id = next++;
    try {
      writeSync(fd, JSON.stringify({ resolve: name, id } satisfies LookupRequest) + '\n');
    } catch {
      // Not started by the service (a manual `runc exec`): nobody to ask.
      return [];
    }
    for (const end = Date.now() + timeoutMs; Date.now() < end; ) {
      for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        try {
          const answer = JSON.parse(line) as LookupAnswer;
          if (answer.id === id) return answer.addresses.filter((a) => typeof a === 'string');
        } catch {
          // Not an answer: skipped.
        }
      }
      if (options.readable && !options.readable(Math.max(0, end - Date.now()))) return [];
      let n: number;
      try {
        n = readSync(fd, chunk, 0, chunk.length, null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') return [];
        Atomics.wait(nap, 0, 0, 2);
        continue;
      }
      if (n === 0) return [];
      pending += chunk.toString('utf8', 0, n);
    }
    return [];
  };
}

/** LookupOptions.readable over the native calls: an epoll of its own on `fd`; undefined when `fd` cannot be watched. */
export function nativeReadable(calls: SocketCalls, fd: number): ((ms: number) => boolean) | undefined {
  const waiter = calls.waiter();
  if (waiter < 0 || calls.watch(waiter, fd, false) !== 0) return undefined;
  return (ms) => calls.waitEvents(waiter, -1, Math.ceil(ms)) > 0;
}
