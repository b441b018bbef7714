/**
 * A client that half-closes after its request (as `nc`, `curl` through a proxy and the published
 * ports' MessagePort `end` do) and an answer larger than one connection buffer: box's httpd must
 * be told it may write again after the first buffer fills (engine/wasi/guest-sockets.ts poll).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runGuest } from './socket-harness.ts';
import { serveAll } from './http-peer.ts';

const BOX = new WebAssembly.Module(readFileSync(new URL('../../../images/box/box.wasm', import.meta.url)));
const root = mkdtempSync(join(tmpdir(), 'half-close-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

it('httpd sends a 200 KB answer whole to a client that shut its sending half after the request', () => {
  mkdirSync(join(root, 'www'));
  const body = new Uint8Array(200_000).map((_, i) => 97 + (i % 26));
  writeFileSync(join(root, 'www/big'), body);
  // The buffer is 64 KiB by default: the answer needs the server woken for writing three times.
  const { answers, run } = serveAll(['GET /big HTTP/1.0\r\n\r\n'], (net, signals) => runGuest(net, { module: BOX, root, args: ['box', 'httpd', '-f', '-p', '80', '-h', '/www'], signals }), 80, { halfClose: true });
  expect(run.status).toBe(0);
  expect(answers[0].slice(answers[0].indexOf('\r\n\r\n') + 4)).toBe(new TextDecoder().decode(body));
  expect(run.stdout).toMatch(/"GET \/big HTTP\/1\.0" 200 200000\n$/);
});
