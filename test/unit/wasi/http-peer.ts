/**
 * The test's container `peer` as the client of a server the guest runs (socket-harness.ts), HTTP or kv:
 * each request on its own connection, sent whole, the answer read to its end; then SIGTERM.
 */
import { SIGTERM, signalBit } from '../../../engine/wasi/signal-abi.ts';
import { bytes, dialGuest, drain, network } from './socket-harness.ts';
import type { MemoryNetwork } from '../../../engine/net/memory-network.ts';

export interface Served<R> {
  answers: string[];
  run: R;
}

/**
 * Start the server with `start(net, signals)` and send it `requests` one after another on `port`;
 * once all are answered, SIGTERM arrives for it. Answers in order. `halfClose`: the client shuts
 * its sending half after each request (as nc and the published ports' `end` do).
 */
export function serveAll<R>(requests: string[], start: (net: MemoryNetwork, signals: { pending: number }) => R, port = 80, { halfClose = false } = {}): Served<R> {
  const answers: string[] = [];
  const signals = { pending: 0 };
  let conn: number | undefined;
  let answer = '';
  const { net, peer } = network(() => {
    if (answers.length === requests.length) {
      signals.pending = signalBit(SIGTERM);
      return;
    }
    if (conn === undefined) {
      conn = dialGuest(peer, port);
      if (conn === undefined) return;
      peer.send(conn, bytes(requests[answers.length]));
      if (halfClose) peer.shutdown(conn, 2);
      answer = '';
      return;
    }
    const got = drain(peer, conn);
    answer += got.data;
    if (got.ended) {
      peer.close(conn);
      conn = undefined;
      answers.push(answer);
    }
  });
  return { answers, run: start(net, signals) };
}
