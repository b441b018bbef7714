/**
 * A client that half-closes after its request (as `nc`, `curl` through a proxy and the published
 * ports' MessagePort `end` do) and an answer larger than one connection buffer: box's httpd must
 * be told it may write again after the first buffer fills (engine/wasi/guest-sockets.ts poll).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { SIGTERM, signalBit } from '../../../engine/wasi/signal-abi.ts';
import { bytes, dialGuest, drain, network, runGuest } from './socket-harness.ts';

const BOX = new WebAssembly.Module(readFileSync(new URL('../../../images/box/box.wasm', import.meta.url)));
const root = mkdtempSync(join(tmpdir(), 'half-close-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

it('httpd sends a 200 KB answer whole to a client that shut its sending half after the request', () => {
  mkdirSync(join(root, 'www'));
  const body = new Uint8Array(200_000).map((_, i) => 97 + (i % 26));
  writeFileSync(join(root, 'www/big'), body);
  const signals = { pending: 0 };
  let conn: number | undefined;
  let answer = '';
  let done = false;
  // The buffer is 64 KiB by default: the answer needs the server woken for writing three times.
  const { net, peer } = network(() => {
    if (done) {
      signals.pending = signalBit(SIGTERM);
      return;
    }
    if (conn === undefined) {
      conn = dialGuest(peer, 80);
      if (conn === undefined) return;
      peer.send(conn, bytes('GET /big HTTP/1.0\r\n\r\n'));
      peer.shutdown(conn, 2);
      return;
    }
    const got = drain(peer, conn);
    answer += got.data;
    if (got.ended) {
      peer.close(conn);
      done = true;
    }
  });
  const run = runGuest(net, { module: BOX, root, args: ['box', 'httpd', '-f', '-p', '80', '-h', '/www'], signals });
  expect(run.status).toBe(0);
  expect(answer.slice(answer.indexOf('\r\n\r\n') + 4)).toBe(new TextDecoder().decode(body));
  expect(run.stdout).toMatch(/"GET \/big HTTP\/1\.0" 200 200000\n$/);
});
