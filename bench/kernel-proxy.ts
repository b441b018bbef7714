/**
 * Published ports on the kernel service (issue 17 §5): `GET /` of Debian's busybox httpd, and of
 * box's own httpd (the wasm guest a learner runs, on the runner's real sockets), through the
 * service's userland proxy (kernel-node/net/port-proxy.c, `-p 127.0.0.1:PORT:80`), against the real
 * Docker Engine's docker-proxy to the same httpd on the same machine in the same run (dockerd
 * 20.10 in a network namespace of the bench's own, its default bridge, --iptables=false so the
 * userland proxy carries every connection), and each one's floor: the same request from inside the
 * container's namespace straight to its address. Every connection is new (httpd closes it), which
 * is what a proxy pays for most: ours serves them all from one poll loop, docker-proxy starts a
 * goroutine each. Every figure comes from the same client (bench/http-load.ts, run in the namespace
 * the path starts from); rounds alternate the paths so shifting load hits them alike. The same
 * proxy binary also listens in dockerd's namespace, so that both proxies meet the same client
 * namespace (the host's own is slower per connection on this machine).
 *
 *   npx tsx bench/kernel-proxy.ts [REQUESTS] [ROUNDS]    (root, runc, iproute2, docker.io, busybox-static)
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openKernelHost } from '../kernel-node/kernel-host.ts';
import { busyboxRootfs } from '../test/oracle/busybox-image.ts';
import { dockerCli } from '../test/oracle/docker-cli.ts';
import { freePort } from '../test/kernel/free-port.ts';
import { tempDir } from '../test/kernel/harness.ts';
import { writeBuiltinLayouts } from '../test/kernel/layouts.ts';
import { median } from './support.ts';

const REQUESTS = Number(process.argv[2] ?? 1000);
const ROUNDS = Number(process.argv[3] ?? 3);
const client = fileURLToPath(new URL('./http-load.ts', import.meta.url));
const dir = tempDir('dockyard-bench-proxy-');
const www = join(dir, 'www');
mkdirSync(www, { recursive: true });
// About the size of a small page (nginx's default index.html is 615 bytes).
const PAGE = `<!doctype html><title>bench</title><p>${'x'.repeat(560)}</p>`;
writeFileSync(join(www, 'index.html'), `${PAGE}\n`);

interface Load {
  rps: number;
  p50: number;
  p99: number;
}

/** The load client in the network namespace at `netns` (undefined: the host's). */
function load(netns: string | undefined, url: string, concurrency: number): Promise<Load> {
  const node = [process.execPath, '--import', 'tsx', client, url, String(REQUESTS), String(concurrency)];
  const [file, args] = netns ? ['nsenter', [`--net=${netns}`, ...node]] : [node[0], node.slice(1)];
  return new Promise((resolve, reject) =>
    execFile(file, args, { cwd: fileURLToPath(new URL('..', import.meta.url)), timeout: 300_000 }, (e, stdout, stderr) => (e ? reject(new Error(`${e.message}\n${stderr}`)) : resolve(JSON.parse(stdout.trim().split('\n').pop()!) as Load))),
  );
}

const children: ChildProcess[] = [];
const refNetns = `dockyard-bench-ref-${process.pid}`;
let dockerd: ChildProcess | undefined;
const ref = join(dir, 'ref');
const refSocket = join(ref, 'docker.sock');
await writeBuiltinLayouts(join(dir, 'layouts'));
const host = await openKernelHost({ dataRoot: join(dir, 'root'), imagesDir: join(dir, 'layouts'), spare: false });
try {
  // Ours: a box container publishing 80 on the host's loopback, httpd serving in its namespace.
  await host.engine.pull('box');
  const ourPort = await freePort();
  const { Id } = await host.engine.createContainer({ Image: 'box', Cmd: ['sh', '-c', 'while true; do sleep 1; done'], ExposedPorts: { '80/tcp': {} }, HostConfig: { PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: String(ourPort) }] } } });
  await host.engine.startContainer(Id);
  const ourIp = (await host.engine.inspectContainer(Id)).NetworkSettings.IPAddress;
  const ourNetns = host.network.names.path(host.network.names.container(Id));
  children.push(spawn('nsenter', [`--net=${ourNetns}`, 'busybox', 'httpd', '-f', '-p', '80', '-h', www], { stdio: 'ignore' }));
  // What a learner runs: box's own httpd (the wasm guest on the runner's real sockets) behind the
  // same proxy, serving the same page (host directories cannot be mounted on this engine).
  const boxPort = await freePort();
  const box = await host.engine.createContainer({ Image: 'box', Env: [`PAGE=${PAGE}`], Cmd: ['sh', '-c', 'mkdir -p /www && echo "$PAGE" > /www/index.html && exec httpd -f -p 80 -h /www'], ExposedPorts: { '80/tcp': {} }, HostConfig: { PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: String(boxPort) }] } } });
  await host.engine.startContainer(box.Id);
  const boxIp = (await host.engine.inspectContainer(box.Id)).NetworkSettings.IPAddress;
  const boxNetns = host.network.names.path(host.network.names.container(box.Id));

  // The reference: dockerd with its default bridge in a namespace of its own; busybox httpd in a container.
  mkdirSync(ref, { recursive: true });
  execFileSync('ip', ['netns', 'add', refNetns]);
  execFileSync('ip', ['-n', refNetns, 'link', 'set', 'lo', 'up']);
  dockerd = spawn('nsenter', [`--net=/run/netns/${refNetns}`, 'dockerd', '--data-root', join(ref, 'data'), '--exec-root', join(ref, 'exec'), '--pidfile', join(ref, 'dockerd.pid'), '-H', `unix://${refSocket}`, '--iptables=false', '--ip6tables=false'], { stdio: 'ignore' });
  for (let i = 0; (await dockerCli(refSocket, ref, ['version'])).code !== 0; i++) {
    if (i === 120 || dockerd.exitCode !== null) throw new Error('dockerd did not start');
    await new Promise((r) => setTimeout(r, 500));
  }
  const tar = join(ref, 'busybox.tar');
  writeFileSync(tar, busyboxRootfs());
  if ((await dockerCli(refSocket, ref, ['import', tar, 'bb'])).code !== 0) throw new Error('docker import failed');
  const refPort = 18080;
  const run = await dockerCli(refSocket, ref, ['run', '-d', '-p', `127.0.0.1:${refPort}:80`, '-v', `${www}:/www:ro`, 'bb', '/bin/busybox', 'httpd', '-f', '-p', '80', '-h', '/www']);
  if (run.code !== 0) throw new Error(`docker run: ${run.stderr}`);
  const refId = run.stdout.trim();
  const [refPid, refIp] = (await dockerCli(refSocket, ref, ['inspect', '--format', '{{.State.Pid}} {{.NetworkSettings.IPAddress}}', refId])).stdout.trim().split(' ');
  // The host's own namespace is slower per connection on this machine than a fresh one (busybox
  // httpd and this client, both on loopback: p50 1.0-1.4 ms against 0.6-0.8): the same proxy
  // binary is also run listening in dockerd's namespace, so both proxies meet clients from there.
  const sideProxy = spawn('nsenter', [`--net=/run/netns/${refNetns}`, join(host.data.network, 'port-proxy'), host.network.names.path(host.network.names.service), ourIp, '127.0.0.1', String(refPort + 1), '80'], { stdio: ['pipe', 'pipe', 'ignore'] });
  children.push(sideProxy);
  await new Promise<void>((resolve, reject) => sideProxy.stdout!.once('data', (d: Buffer) => (d.toString().startsWith('ready') ? resolve() : reject(new Error(d.toString())))));
  await new Promise((r) => setTimeout(r, 1000));
  // box's httpd listens once its wasm has started: ask until it answers (at most 60 x 500 ms).
  for (let i = 0; !(await fetch(`http://127.0.0.1:${boxPort}/`).then((r) => r.ok, () => false)); i++) {
    if (i === 60) throw new Error('box httpd did not answer through its published port');
    await new Promise((r) => setTimeout(r, 500));
  }

  const paths: Array<[string, string | undefined, string]> = [
    ['Dockyard: host 127.0.0.1 -> port-proxy -> container (as users reach it)', undefined, `http://127.0.0.1:${ourPort}/`],
    ['Dockyard: port-proxy listening in dockerd namespace -> container', `/run/netns/${refNetns}`, `http://127.0.0.1:${refPort + 1}/`],
    ['Dockyard floor: inside the container namespace, to its address', ourNetns, `http://${ourIp}/`],
    ['Docker 20.10: 127.0.0.1 -> docker-proxy -> container', `/run/netns/${refNetns}`, `http://127.0.0.1:${refPort}/`],
    ['Docker floor: inside the container namespace, to its address', `/proc/${refPid}/ns/net`, `http://${refIp}/`],
    ['Dockyard, box httpd (wasm): host 127.0.0.1 -> port-proxy -> container', undefined, `http://127.0.0.1:${boxPort}/`],
    ['Dockyard, box httpd (wasm) floor: inside the container namespace, to its address', boxNetns, `http://${boxIp}/`],
  ];
  const results = new Map<string, Load[]>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const concurrency of [1, 8]) {
      for (const [name, netns, url] of paths) {
        const key = `${name}|${concurrency}`;
        results.set(key, [...(results.get(key) ?? []), await load(netns, url, concurrency)]);
      }
    }
  }
  console.log(`\n| GET / of Debian's busybox httpd (box's own where named), a new connection each (${REQUESTS} requests x ${ROUNDS} rounds, medians) | clients | req/s | p50 | p99 |\n|---|---|---|---|---|`);
  for (const concurrency of [1, 8]) {
    for (const [name] of paths) {
      const rs = results.get(`${name}|${concurrency}`)!;
      console.log(`| ${name} | ${concurrency} | ${median(rs.map((r) => r.rps)).toFixed(0)} | ${median(rs.map((r) => r.p50)).toFixed(2)} ms | ${median(rs.map((r) => r.p99)).toFixed(2)} ms |`);
    }
  }
  for (const concurrency of [1, 8]) {
    const rps = (i: number) => median(results.get(`${paths[i][0]}|${concurrency}`)!.map((r) => r.rps));
    console.log(`\n${concurrency} client(s), req/s: Dockyard's proxy / Docker's docker-proxy = ${(rps(1) / rps(3)).toFixed(2)} from the same client namespace (${(rps(0) / rps(3)).toFixed(2)} from the host's)`);
    console.log(`${concurrency} client(s), req/s: box httpd through Dockyard's proxy from the host / busybox httpd through docker-proxy = ${(rps(5) / rps(3)).toFixed(2)}`);
  }
} finally {
  for (const c of children) c.kill('SIGKILL');
  if (dockerd && dockerd.exitCode === null) {
    const ids = (await dockerCli(refSocket, ref, ['ps', '-aq'])).stdout.split('\n').filter(Boolean);
    if (ids.length) await dockerCli(refSocket, ref, ['rm', '-f', ...ids]);
    const exited = new Promise((r) => dockerd!.once('exit', r));
    dockerd.kill('SIGTERM');
    await exited;
  }
  try {
    execFileSync('ip', ['netns', 'del', refNetns], { stdio: 'ignore' });
  } catch {
    // Never made (the bench failed before).
  }
  await host.close();
  rmSync(dir, { recursive: true, force: true });
}
