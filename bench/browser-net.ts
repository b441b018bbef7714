/**
 * The browser engine's virtual network (worker/net/) in headless Chromium: figures, not assertions.
 *
 * - From the page through a published port to box's `httpd` (GET / of a ~1 KB page, connectPublished:
 *   the path the preview's Service Worker takes, without the Service Worker): p50/p99 latency of
 *   sequential requests, requests/s with 10 in flight.
 * - Container to container: the cost of one `nc` request to `httpd` on a user network (a loop of
 *   requests minus the same loop with `cat` in place of `nc`: the spawn cancels out), and the
 *   throughput of `nc sink < file` (minus `cat file > /dev/null`).
 * - The baseline, from the same run: the same exchanges between two sockets of the in-memory network
 *   (engine/net/memory-network.ts) in one thread, with no Workers, no channel and no guest: what the
 *   network's rules and buffers cost alone.
 *
 *   npx tsx bench/browser-net.ts            (builds first; --no-build to use the last build)
 */
import type { Page } from 'playwright-core';
import { launchChromium, median, serveSite } from './support.ts';
import { MemoryNetwork } from '../engine/net/memory-network.ts';
import { SocketError } from '../engine/wasi/socket-port.ts';

const PORT = Number(process.env.DOCKYARD_BENCH_PORT ?? 4199);
const OUT = process.env.DOCKYARD_BENCH_OUT ?? 'node_modules/.cache/dockyard-bench-browser-net';
const REQUESTS = Number(process.env.REQUESTS ?? 200);
const RUNS = Number(process.env.RUNS ?? 5);
const LOOP = 50;
const DB = 'bench-net';
/** `seq 1 N` writes this many bytes: the throughput file. */
const SEQ_N = 1_000_000;
const GET = 'GET / HTTP/1.0\r\nHost: localhost\r\n\r\n';

declare global {
  interface Window {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    dockyard: any;
  }
}

const ms = (x: number) => `${x.toFixed(3)} ms`;
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];

/** The in-memory baseline: request/response latency and bulk throughput between two sockets. */
function memoryBaseline(page: Uint8Array, bulkBytes: number): { latency: number[]; mbPerS: number } {
  const net = new MemoryNetwork();
  net.attach('client', [{ network: 'app', address: '172.18.0.3', subnet: '172.18.0.0/16' }]);
  net.attach('server', [{ network: 'app', address: '172.18.0.2', subnet: '172.18.0.0/16' }]);
  const c = net.transport('client');
  const s = net.transport('server');
  const l = s.open();
  s.bind(l, { address: '0.0.0.0', port: 80 });
  s.listen(l, 16);
  const request = new TextEncoder().encode(GET);
  const latency: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const t0 = performance.now();
    const cs = c.open();
    c.connect(cs, { address: '172.18.0.2', port: 80 });
    const ss = s.accept(l).id;
    c.send(cs, request);
    c.shutdown(cs, 2);
    s.recv(ss, 4096, false);
    s.send(ss, page);
    s.close(ss);
    let got = 0;
    for (let d = c.recv(cs, 65536, false); d.length > 0; d = c.recv(cs, 65536, false)) got += d.length;
    c.close(cs);
    latency.push(performance.now() - t0);
    if (got !== page.length) throw new Error('baseline lost bytes');
  }
  // Bulk: the sender fills the buffer, the receiver drains it, 64 KiB at a time.
  const cs = c.open();
  c.connect(cs, { address: '172.18.0.2', port: 80 });
  const ss = s.accept(l).id;
  const chunk = new Uint8Array(64 * 1024);
  const t0 = performance.now();
  let sent = 0;
  let received = 0;
  while (received < bulkBytes) {
    try {
      if (sent < bulkBytes) sent += c.send(cs, chunk.subarray(0, Math.min(chunk.length, bulkBytes - sent)));
    } catch (e) {
      if (!(e instanceof SocketError)) throw e;
    }
    received += s.recv(ss, 65536, false).length;
  }
  const seconds = (performance.now() - t0) / 1000;
  return { latency, mbPerS: bulkBytes / 1e6 / seconds };
}

async function inPage(page: Page) {
  return page.evaluate(
    async ([db, requests, runs, loop, seqN, get]) => {
      const engine = window.dockyard.engine(db);
      await engine.pull('box');
      await engine.createNetwork({ Name: 'benchnet' });
      const sleep = (t: number) => new Promise((r) => setTimeout(r, t));
      const detached = async (create: Record<string, unknown>) => {
        const { Id } = await engine.createContainer(create);
        await engine.startContainer(Id);
        return Id as string;
      };
      const request = async (): Promise<number> => {
        const port: MessagePort = await engine.connectPublished('', 8080);
        return new Promise<number>((resolve, reject) => {
          let bytes = 0;
          port.onmessage = (e) => {
            if (e.data.data) bytes += e.data.data.byteLength;
            else if (e.data.end) resolve(bytes);
            else reject(new Error(e.data.error));
          };
          port.postMessage({ data: new TextEncoder().encode(get).buffer });
          port.postMessage({ end: true });
        });
      };
      const web = await detached({
        name: 'web',
        Image: 'box',
        Cmd: ['sh', '-c', 'mkdir -p /www && seq 1 270 > /www/index.html && httpd -f -p 80 -h /www > /dev/null'],
        HostConfig: { NetworkMode: 'benchnet', PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }] } },
      });
      let pageBytes = 0;
      for (let i = 0; i < 100; i++) {
        try {
          pageBytes = await request();
          break;
        } catch {
          await sleep(100);
        }
      }
      // A server that died says why, not only that its port is gone.
      const why = async (e: unknown) => {
        const state = (await engine.inspectContainer(web)).State;
        const logs = await engine.logs(web, { stdout: true, stderr: true, tail: 5 });
        return new Error(`${(e as Error).message}; web: ${JSON.stringify(state)} ${logs.map((l: { data: Uint8Array }) => new TextDecoder().decode(l.data)).join('')}`);
      };
      const latency: number[] = [];
      let perSecond = 0;
      try {
        for (let i = 0; i < requests; i++) {
          const t0 = performance.now();
          await request();
          latency.push(performance.now() - t0);
        }
        const total = requests * 2;
        let next = 0;
        const t0 = performance.now();
        await Promise.all(
          Array.from({ length: 10 }, async () => {
            while (next++ < total) await request();
          }),
        );
        perSecond = total / ((performance.now() - t0) / 1000);
      } catch (e) {
        throw await why(e);
      }

      const timed = async (script: string) => {
        const t = performance.now();
        const r = await window.dockyard.dockerRun(db, { Image: 'box', Cmd: ['sh', '-c', script], HostConfig: { AutoRemove: true, NetworkMode: 'benchnet' } });
        if (r.exit.StatusCode !== 0) throw new Error(`${script}: ${r.stdout}${r.stderr}`);
        return performance.now() - t;
      };
      const printf = `printf '${get.replace(/\r/g, '\\r').replace(/\n/g, '\\n')}'`;
      const c2cNc: number[] = [];
      const c2cCat: number[] = [];
      for (let r = 0; r < runs; r++) {
        c2cNc.push(await timed(`i=0; while [ $i -lt ${loop} ]; do ${printf} | nc web 80 > /dev/null; i=$((i+1)); done`));
        c2cCat.push(await timed(`i=0; while [ $i -lt ${loop} ]; do ${printf} | cat > /dev/null; i=$((i+1)); done`));
      }
      const sink = await detached({ name: 'sink', Image: 'box', Cmd: ['sh', '-c', 'while true; do nc -l -p 9000 > /dev/null; done'], HostConfig: { NetworkMode: 'benchnet' } });
      const bulkNc: number[] = [];
      const bulkCat: number[] = [];
      for (let r = 0; r < runs; r++) {
        for (let i = 0; i < 100; i++) {
          try {
            bulkNc.push(await timed(`seq 1 ${seqN} > /f; nc sink 9000 < /f`));
            break;
          } catch {
            await sleep(100);
          }
        }
        bulkCat.push(await timed(`seq 1 ${seqN} > /f; cat /f > /dev/null`));
      }
      await engine.stopContainer(sink, { timeout: 1 });
      await engine.stopContainer(web, { timeout: 1 });
      return { pageBytes, latency, perSecond, c2cNc, c2cCat, bulkNc, bulkCat };
    },
    [DB, REQUESTS, RUNS, LOOP, SEQ_N, GET] as const,
  );
}

async function main(): Promise<void> {
  const site = await serveSite(OUT, PORT, { testPages: true });
  try {
    const browser = await launchChromium();
    const page = await (await browser.newContext()).newPage();
    // tsx names the functions it compiles with a helper the page lacks (its evaluate code is ours).
    await page.addInitScript({ content: 'window.__name = (f) => f;' });
    await page.goto(`http://127.0.0.1:${PORT}/test/browser/engine.html`);
    await page.waitForFunction(() => document.querySelector('#status')?.textContent === 'ready');
    const r = await inPage(page);
    await browser.close();

    let seqBytes = 0;
    for (let i = 1; i <= SEQ_N; i++) seqBytes += String(i).length + 1;
    const response = new Uint8Array(r.pageBytes);
    const base = memoryBaseline(response, seqBytes);

    console.log(`\nThe virtual network (worker/net/), headless Chromium; medians unless said. Response ${r.pageBytes} bytes (headers + a ~1 KB page).\n`);
    console.log('| exchange | this path | baseline: in-memory network, one thread |');
    console.log('|---|---|---|');
    console.log(`| page -> published port -> httpd: GET / latency p50 | ${ms(median(r.latency))} | ${ms(median(base.latency))} |`);
    console.log(`| same, p99 (${REQUESTS} sequential) | ${ms(percentile(r.latency, 99))} | ${ms(percentile(base.latency, 99))} |`);
    console.log(`| same, requests/s with 10 in flight | ${r.perSecond.toFixed(0)} | ${(1000 / median(base.latency)).toFixed(0)} (sequential) |`);
    const perRequest = (median(r.c2cNc) - median(r.c2cCat)) / LOOP;
    console.log(`| container -> container: one \`nc web 80\` request, beyond a \`cat\` spawn (loop of ${LOOP}, ${RUNS} runs) | ${ms(perRequest)} | ${ms(median(base.latency))} |`);
    const bulkSeconds = (median(r.bulkNc) - median(r.bulkCat)) / 1000;
    console.log(`| container -> container: \`nc sink < file\` of ${(seqBytes / 1e6).toFixed(1)} MB, beyond \`cat file\` | ${(seqBytes / 1e6 / bulkSeconds).toFixed(1)} MB/s | ${base.mbPerS.toFixed(0)} MB/s |`);
    console.log(`\nRaw medians: nc loop ${ms(median(r.c2cNc))}, cat loop ${ms(median(r.c2cCat))}, nc file ${ms(median(r.bulkNc))}, cat file ${ms(median(r.bulkCat))}.`);
  } finally {
    site.stop();
  }
}

await main();
