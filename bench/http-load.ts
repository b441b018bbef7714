/**
 * A small HTTP load client for the network benches: N GET requests of URL, C at a time, each on a
 * new TCP connection (busybox httpd answers HTTP/1.0 and closes). Prints one JSON line: requests
 * per second and p50/p99 latency in ms. Run by bench/kernel-proxy.ts inside whichever network
 * namespace the measure needs (nsenter), so every path is measured by the same client.
 *
 *   node --import tsx bench/http-load.ts URL N C
 */
import { request } from 'node:http';

const [url, n, c] = [process.argv[2], Number(process.argv[3] ?? 2000), Number(process.argv[4] ?? 1)];

function get(): Promise<number> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const req = request(url, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - t) : reject(new Error(`status ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end();
  });
}

const times: number[] = [];
let next = 0;
const t0 = performance.now();
await Promise.all(
  Array.from({ length: c }, async () => {
    while (next < n) {
      next++;
      times.push(await get());
    }
  }),
);
const seconds = (performance.now() - t0) / 1000;
times.sort((a, b) => a - b);
const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
console.log(JSON.stringify({ rps: n / seconds, p50: at(0.5), p99: at(0.99) }));
