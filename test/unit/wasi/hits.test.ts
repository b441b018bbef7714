/**
 * The pages the images serve: the httpd image's default page (images/httpd/index.cgi) and the hits
 * example (images/examples/hits/index.cgi), run by box's httpd as container `web`. The test is
 * the browser and, for hits, the container named `kv` on the same network: it answers INCR as
 * kv does (the real server's protocol is kv.test.ts's), counting.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryNetwork } from '../../../engine/net/memory-network.ts';
import { SIGTERM, signalBit } from '../../../engine/wasi/signal-abi.ts';
import { bytes, dialGuest, drain, PEER, runGuest, tryNow, tryPipe, WEB } from './socket-harness.ts';

const BOX_PATH = new URL('../../../images/box/box.wasm', import.meta.url);
const BOX = new WebAssembly.Module(readFileSync(BOX_PATH));
let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'hits-'));
  for (const d of ['bin', 'tmp', 'etc', 'var/www/cgi-bin', 'hits/cgi-bin']) mkdirSync(join(root, d), { recursive: true });
  copyFileSync(BOX_PATH, join(root, 'bin/box'));
  writeFileSync(join(root, 'etc/hostname'), 'f00dcafe1234\n');
  writeFileSync(join(root, 'etc/hosts'), `127.0.0.1\tlocalhost\n${WEB.address}\tf00dcafe1234\n`);
  copyFileSync(new URL('../../../images/httpd/index.cgi', import.meta.url), join(root, 'var/www/cgi-bin/index.cgi'));
  copyFileSync(new URL('../../../images/examples/hits/index.cgi', import.meta.url), join(root, 'hits/cgi-bin/index.cgi'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/**
 * GET / `visits` times from the browser (the peer); with `kv`, the peer also listens on 6379 under
 * the name kv and answers each INCR with the next count.
 */
function visit(dir: string, visits: number, kv: boolean): { pages: string[]; kvSaw: string[]; status: number; stderr: string } {
  const pages: string[] = [];
  const kvSaw: string[] = [];
  const signals = { pending: 0 };
  let steps = 0;
  let count = 0;
  let browser: number | undefined;
  let page = '';
  let kvListener = -1;
  const kvClients: Array<{ s: number; data: string }> = [];
  const net = new MemoryNetwork({
    idle: () => {
      if (++steps > 20_000) throw new Error('the guest waited 20000 times: nothing moved');
      const c = kv ? tryNow(() => peer.accept(kvListener)) : undefined;
      if (c) kvClients.push({ s: c.id, data: '' });
      for (const client of kvClients.splice(0)) {
        const got = drain(peer, client.s);
        client.data += got.data;
        if (!got.ended) {
          kvClients.push(client);
          continue;
        }
        kvSaw.push(client.data);
        tryPipe(() => peer.send(client.s, bytes(`:${++count}\r\n`)));
        peer.close(client.s);
      }
      if (pages.length === visits) {
        signals.pending = signalBit(SIGTERM);
        return;
      }
      if (browser === undefined) {
        browser = dialGuest(peer, 80);
        if (browser !== undefined) peer.send(browser, bytes('GET / HTTP/1.1\r\nHost: localhost:8080\r\n\r\n'));
        page = '';
        return;
      }
      const got = drain(peer, browser);
      page += got.data;
      if (got.ended) {
        peer.close(browser);
        browser = undefined;
        pages.push(page);
      }
    },
  });
  net.attach('web', [WEB]);
  net.attach('kv', [{ ...PEER, names: ['kv'] }]);
  const peer = net.transport('kv');
  if (kv) {
    kvListener = peer.open();
    peer.bind(kvListener, { address: '0.0.0.0', port: 6379 });
    peer.listen(kvListener, 8);
  }
  const run = runGuest(net, { module: BOX, root, args: ['httpd', '-f', '-p', '80', '-h', dir], signals });
  return { pages, kvSaw, status: run.status, stderr: run.stderr };
}

describe('the pages the images serve', () => {
  it("httpd's default page says it is WebAssembly and shows the container's hostname and address", () => {
    const r = visit('/var/www', 1, false);
    expect(r.pages[0]).toMatch(/^HTTP\/1\.1 200 OK\r\nContent-Type: text\/html; charset=utf-8\r\n/);
    expect(r.pages[0]).toContain('<b>WebAssembly</b>');
    expect(r.pages[0]).toContain('<tr><td>Container hostname</td><td><b>f00dcafe1234</b></td></tr>');
    expect(r.pages[0]).toContain(`<tr><td>Container address</td><td><b>${WEB.address}</b></td></tr>`);
    expect(r.pages[0]).toContain(`<tr><td>You came from</td><td>${PEER.address}</td></tr>`);
  });

  it('hits counts each visit in kv, reached by its name', () => {
    const r = visit('/hits', 3, true);
    expect(r.kvSaw).toEqual(['INCR hits\r\n', 'INCR hits\r\n', 'INCR hits\r\n']);
    expect(r.pages.map((p) => /<h1>(.*)<\/h1>/.exec(p)?.[1])).toEqual(['This page has been seen 1 time.', 'This page has been seen 2 times.', 'This page has been seen 3 times.']);
    expect(r.status).toBe(0);
  });

  it('hits says clearly when kv cannot be reached, and why', () => {
    const r = visit('/hits', 1, false);
    expect(r.pages[0]).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(r.pages[0]).toContain('<h1>Cannot reach kv</h1>');
    expect(r.pages[0]).toContain(`<pre>nc: can't connect to remote host (${PEER.address}): Connection refused</pre>`);
  });
});
