/**
 * A request round trip over loopback inside one kernel container (issue 17 §1): a WASI guest's
 * sockets are real sockets of the container's namespace (kernel-node/runner/kernel-sockets.ts).
 * 64 bytes out, the same 64 echoed back, N times over one connection; each trip timed by the
 * client. Rows, taken in turns for R rounds so that load that comes and goes on a shared machine
 * shifts them alike:
 *   baseline      two Node processes on the host's loopback (a net echo server, a net client)
 *   guest-guest   bench/fixtures/socket-rtt.c in one container: the server its init, the client
 *                 a docker exec, over 127.0.0.1 (both wait inside their blocking socket imports)
 *   native-guest  the Node client entering the container's namespace (nsenter) against that
 *                 guest server: how much of the trip is the server's side
 *   container-container  the guest client in a second container on the same user network, to
 *                 the server's address there (veths and the network's bridge, kernel-node/net)
 *   published-port  the Node client on the host's loopback through `-p 127.0.0.1::7000` (the
 *                 service's userland proxy) to the guest server
 * and, with a new connection for each trip (connect, the exchange, close: a client of one request
 * per connection), N/4 trips: baseline, guest-guest and container-container again.
 * The guest client times with its monotonic clock (clock_time_get), the Node one with hrtime.
 *
 *   npx tsx bench/kernel-sockets.ts [N] [R]      (root, runc, clang with wasi-libc, docker CLI)
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startService } from '../test/kernel/service.ts';
import { tempDir } from '../test/kernel/harness.ts';
import { median } from './support.ts';

const N = Number(process.argv[2] ?? 2000);
const R = Number(process.argv[3] ?? 3);
const PORT = 7000;
const run = promisify(execFile);
const repo = fileURLToPath(new URL('..', import.meta.url));
const dir = tempDir('dockyard-bench-sockets-');

/** The Node client: node -e CLIENT ADDR PORT N [new] prints each trip in nanoseconds; `new`: a connection per trip. */
const CLIENT = `
const net = require('net');
const [addr, port, n, fresh] = process.argv.slice(1);
const out = Buffer.alloc(64, 120);
const open = () => new Promise((r) => { const s = net.connect(Number(port), addr, () => { s.setNoDelay(true); r(s); }); });
const trip = (s) => new Promise((r) => { let got = 0; const on = (d) => { got += d.length; if (got >= 64) { s.off('data', on); r(); } }; s.on('data', on); s.write(out); });
(async () => {
  const times = [];
  let s = fresh ? undefined : await open();
  for (let i = 0; i < Number(n); i++) {
    const t = process.hrtime.bigint();
    if (fresh) s = await open();
    await trip(s);
    if (fresh) s.destroy();
    times.push(String(process.hrtime.bigint() - t));
  }
  if (!fresh) s.end();
  process.stdout.write(times.join('\\n') + '\\n');
})();`;
/** The Node echo server of the baseline. */
const SERVER = `require('net').createServer((c) => { c.setNoDelay(true); c.pipe(c); }).listen(Number(process.argv[1]), '127.0.0.1', () => console.log('listening'));`;

const trips = (stdout: string): number[] =>
  stdout
    .trim()
    .split('\n')
    .map((l) => Number(l) / 1000);

function p99(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.99))];
}

const server = execFile(process.execPath, ['-e', SERVER, String(PORT)]);
await new Promise<void>((resolve, reject) => {
  server.stdout!.once('data', () => resolve());
  server.once('exit', (code) => reject(new Error(`the baseline server ended: ${code}`)));
});

const svc = await startService(join(dir, 'svc'));
const docker = async (...args: string[]) => {
  const r = await svc.docker(args);
  if (r.code !== 0) throw new Error(`docker ${args.join(' ')}: ${r.code} ${r.stderr}`);
  return r.stdout;
};
try {
  const context = join(dir, 'context');
  mkdirSync(context, { recursive: true });
  execFileSync('clang', ['--target=wasm32-wasi', '-O2', '-std=c11', '-D_GNU_SOURCE', `-I${join(repo, 'images', 'box')}`, join(repo, 'bench', 'fixtures', 'socket-rtt.c'), '-o', join(context, 'socket-rtt')]);
  writeFileSync(join(context, 'Dockerfile'), 'FROM box\nCOPY socket-rtt /socket-rtt\n');
  await docker('pull', 'box');
  await docker('build', '-q', '-t', 'rtt', context);
  await docker('network', 'create', 'rttnet');
  await docker('run', '-d', '--name', 'rtt', '--network', 'rttnet', '-p', `127.0.0.1::${PORT}`, 'rtt', '/socket-rtt', 'server', String(PORT));
  const address = (await docker('inspect', '--format', '{{.NetworkSettings.Networks.rttnet.IPAddress}}', 'rtt')).trim();
  const published = (await docker('port', 'rtt', String(PORT))).trim().split(':').pop()!;
  const pid = (await docker('inspect', '--format', '{{.State.Pid}}', 'rtt')).trim();
  for (const end = Date.now() + 20_000; ; await new Promise((r) => setTimeout(r, 100))) {
    const { stdout } = await run('nsenter', ['-t', pid, '-n', 'ss', '-tlnH']);
    if (stdout.includes(`:${PORT} `)) break;
    if (Date.now() > end) throw new Error('the guest server did not listen');
  }

  const rows: Record<string, number[]> = {
    baseline: [],
    'guest-guest': [],
    'native-guest': [],
    'container-container': [],
    'published-port': [],
    'baseline, new conn': [],
    'guest-guest, new conn': [],
    'cont-cont, new conn': [],
  };
  const M = String(Math.max(1, Math.floor(N / 4)));
  for (let round = 0; round < R; round++) {
    rows.baseline.push(...trips((await run(process.execPath, ['-e', CLIENT, '127.0.0.1', String(PORT), String(N)])).stdout));
    rows['guest-guest'].push(...trips(await docker('exec', 'rtt', '/socket-rtt', 'client', '127.0.0.1', String(PORT), String(N))));
    rows['native-guest'].push(...trips((await run('nsenter', ['-t', pid, '-n', process.execPath, '-e', CLIENT, '127.0.0.1', String(PORT), String(N)])).stdout));
    rows['container-container'].push(...trips(await docker('run', '--rm', '--network', 'rttnet', 'rtt', '/socket-rtt', 'client', address, String(PORT), String(N))));
    rows['published-port'].push(...trips((await run(process.execPath, ['-e', CLIENT, '127.0.0.1', published, String(N)])).stdout));
    rows['baseline, new conn'].push(...trips((await run(process.execPath, ['-e', CLIENT, '127.0.0.1', String(PORT), M, 'new'])).stdout));
    rows['guest-guest, new conn'].push(...trips(await docker('exec', 'rtt', '/socket-rtt', 'client-new', '127.0.0.1', String(PORT), M)));
    rows['cont-cont, new conn'].push(...trips(await docker('run', '--rm', '--network', 'rttnet', 'rtt', '/socket-rtt', 'client-new', address, String(PORT), M)));
  }

  const base = median(rows.baseline);
  const baseNew = median(rows['baseline, new conn']);
  console.log(`\nround trip, 64 bytes each way, ${N} trips (${M} with a new connection each) x ${R} rounds per row (microseconds)\n`);
  console.log('row                     median     p99   x baseline');
  for (const [name, xs] of Object.entries(rows)) {
    const against = name.endsWith('new conn') ? baseNew : base;
    console.log(`${name.padEnd(22)} ${median(xs).toFixed(1).padStart(7)} ${p99(xs).toFixed(1).padStart(7)} ${(median(xs) / against).toFixed(2).padStart(10)}`);
  }
  await docker('rm', '-f', 'rtt');
  await docker('network', 'rm', 'rttnet');
} finally {
  server.kill();
  await svc.stop();
  rmSync(dir, { recursive: true, force: true });
}
