import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NETNS_DIR, NetnsNames } from '../../kernel-node/net/netns-names.ts';
import { listenAddress } from '../../kernel-node/net/port-proxy.ts';
import { aheadPeer } from '../../kernel-node/net/kernel-network.ts';
import { idleSpares, linksLeft, netnsLeft, proxiesLeft } from './leftovers.ts';
import { freePort } from './free-port.ts';
import { tempDir, waitFor } from './harness.ts';
import { startService, type RunningService } from './service.ts';

// Real runc, real namespaces, the real docker CLI. The guest's own sockets are another issue's
// part: traffic here comes from native programs (Debian's busybox) run inside a container's
// namespace with `ip netns exec`, as a guest's sockets will be.

let svc: RunningService;
let names: NetnsNames;
const dir = tempDir('dockyard-net-');
const started: ChildProcess[] = [];

beforeAll(async () => {
  svc = await startService(dir);
  names = new NetnsNames(svc.dataRoot);
  await ok(['pull', 'box']);
}, 120_000);

/** The servers started in containers' namespaces, ended (they stand in for guests, which end with their container). */
function stopServers(): void {
  for (const c of started) c.kill('SIGKILL');
}

afterAll(async () => {
  stopServers();
  await svc?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function ok(args: string[]): Promise<string> {
  const r = await svc.docker(args);
  if (r.code !== 0) throw new Error(`docker ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout.trim();
}

/** A command in a container's network namespace: exit code and output. */
function inNetns(id: string, args: string[], timeoutMs = 15_000): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile('ip', ['netns', 'exec', names.container(id), ...args], { timeout: timeoutMs }, (e, stdout, stderr) =>
      resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
    );
  });
}

/** The container's process is in the namespace the driver wired for it (not a bare one runc or a spare made). */
async function inWiredNetns(id: string): Promise<boolean> {
  const pid = Number(await ok(['inspect', '--format', '{{.State.Pid}}', id]));
  return readlinkSync(`/proc/${pid}/ns/net`) === `net:[${statSync(join(NETNS_DIR, names.container(id))).ino}]`;
}

function ipIn(id: string, args: string[]): string {
  return execFileSync('ip', ['-n', names.container(id), ...args]).toString();
}

/** A long-running container on the given docker run flags; its full ID. */
function sleeper(flags: string[]): Promise<string> {
  return ok(['run', '-d', ...flags, 'box', 'sh', '-c', 'while true; do sleep 1; done']);
}

/** busybox httpd serving `text` inside the container's namespace on `port` (as a guest's server will). */
async function serveIn(id: string, port: number, text: string): Promise<void> {
  const www = join(dir, `www-${id.slice(0, 8)}-${port}`);
  mkdirSync(www, { recursive: true });
  writeFileSync(join(www, 'index.html'), text);
  const child = spawn('ip', ['netns', 'exec', names.container(id), 'busybox', 'httpd', '-f', '-p', String(port), '-h', www], { stdio: 'ignore' });
  started.push(child);
  await waitFor(() => (/LISTEN/.test(execFileSync('ip', ['netns', 'exec', names.container(id), 'busybox', 'netstat', '-ltn']).toString()) ? true : undefined), `httpd on ${port}`);
}

function get(url: string): Promise<{ code: number; body: string }> {
  return new Promise((resolve) => {
    execFile('curl', ['-sS', '--max-time', '10', url], (e, stdout, stderr) => resolve({ code: e ? 1 : 0, body: e ? stderr : stdout }));
  });
}

async function noLeftovers(): Promise<void> {
  // A namespace a process just left is freed by the kernel in the background: poll, bounded.
  for (let i = 0; i < 200; i++) {
    if ((await netnsLeft(svc.dataRoot)).length === 0 && linksLeft(svc.dataRoot).length === 0 && proxiesLeft(svc.dataRoot).length === 0) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  expect(await netnsLeft(svc.dataRoot)).toEqual([]);
  expect(linksLeft(svc.dataRoot)).toEqual([]);
  expect(proxiesLeft(svc.dataRoot)).toEqual([]);
}

describe('container networks on the kernel service', () => {
  it('a user network: each container has eth0 with the address, prefix and MAC docker inspect shows, the default route via the gateway, and reaches the other', async () => {
    await ok(['network', 'create', 'app']);
    const a = await sleeper(['--network', 'app', '--name', 'net-a']);
    const b = await sleeper(['--network', 'app', '--name', 'net-b']);
    const [ipA, macA, gw] = (await ok(['inspect', '--format', '{{.NetworkSettings.Networks.app.IPAddress}} {{.NetworkSettings.Networks.app.MacAddress}} {{.NetworkSettings.Networks.app.Gateway}}', a])).split(' ');
    const ipB = await ok(['inspect', '--format', '{{.NetworkSettings.Networks.app.IPAddress}}', b]);
    expect((await ok(['network', 'ls', '--format', '{{.Name}} {{.Driver}}'])).split('\n')).toContain('app bridge');
    const members = await ok(['network', 'inspect', 'app', '--format', '{{range .Containers}}{{.Name}}={{.IPv4Address}} {{end}}']);
    expect(members.split(' ').sort()).toEqual(['net-a=172.18.0.2/16', 'net-b=172.18.0.3/16']);
    expect(ipA).toBe('172.18.0.2');
    expect(ipB).toBe('172.18.0.3');
    expect(gw).toBe('172.18.0.1');
    const addr = ipIn(a, ['-o', 'addr', 'show', 'dev', 'eth0']);
    expect(addr).toContain('inet 172.18.0.2/16');
    // IPv4 only on eth0, as Docker's containers (IPv6 off): no link-local address either.
    expect(addr).not.toContain('inet6');
    expect(ipIn(a, ['link', 'show', 'eth0'])).toContain(`link/ether ${macA}`);
    expect(ipIn(a, ['route', 'show', 'default'])).toContain('default via 172.18.0.1 dev eth0');
    expect(ipIn(a, ['link', 'show', 'lo'])).toMatch(/UP/);
    expect(await inWiredNetns(a)).toBe(true);
    expect(await inWiredNetns(b)).toBe(true);
    expect((await inNetns(a, ['busybox', 'ping', '-c', '1', '-W', '5', ipB])).code).toBe(0);
    await serveIn(b, 8000, 'from b\n');
    expect((await inNetns(a, ['busybox', 'wget', '-q', '-O', '-', `http://${ipB}:8000/`])).out).toBe('from b\n');
  }, 120_000);

  it('nothing of the host is reachable from a container: not its addresses, not the service API, and no route out', async () => {
    const a = (await ok(['inspect', '--format', '{{.Id}}', 'net-a'])).trim();
    // Loopback in the container is its own: the service's API port is not there.
    expect((await inNetns(a, ['busybox', 'nc', '-w', '3', '127.0.0.1', String(svc.port)], 10_000)).code).not.toBe(0);
    const hostAddresses = execFileSync('ip', ['-o', '-4', 'addr', 'show']).toString().match(/inet (\d+\.\d+\.\d+\.\d+)/g)!.map((s) => s.slice(5)).filter((s) => !s.startsWith('127.'));
    for (const h of hostAddresses) expect((await inNetns(a, ['busybox', 'nc', '-w', '3', h, String(svc.port)], 10_000)).code).not.toBe(0);
    // The service's namespace routes nothing and has no link to the host's.
    expect(execFileSync('ip', ['netns', 'exec', names.service, 'cat', '/proc/sys/net/ipv4/ip_forward']).toString().trim()).toBe('0');
    expect(execFileSync('ip', ['-n', names.service, 'route', 'show', 'default']).toString().trim()).toBe('');
    // Nothing listens there either (the proxies listen on the host and only connect from there): the gateway answers no port.
    expect(execFileSync('ip', ['netns', 'exec', names.service, 'ss', '-Hltn']).toString().trim()).toBe('');
  }, 60_000);

  it('the default bridge is docker0 at 172.17.0.1/16; a container there cannot reach one on another network', async () => {
    const c = await sleeper([]);
    expect(await ok(['inspect', '--format', '{{.NetworkSettings.IPAddress}}', c])).toBe('172.17.0.2');
    expect(execFileSync('ip', ['-n', names.service, '-o', 'addr', 'show', 'dev', 'docker0']).toString()).toContain('inet 172.17.0.1/16');
    expect((await inNetns(c, ['busybox', 'ping', '-c', '1', '-W', '2', '172.18.0.3'])).code).not.toBe(0);
    await ok(['rm', '-f', c]);
  }, 60_000);

  it('--network none has only loopback (up); an --internal network has no default route', async () => {
    const none = await sleeper(['--network', 'none']);
    const links = ipIn(none, ['-o', 'link', 'show']).trim().split('\n');
    expect(links).toHaveLength(1);
    expect(links[0]).toMatch(/^1: lo: <LOOPBACK,UP/);
    await ok(['network', 'create', '--internal', 'closed']);
    const inner = await sleeper(['--network', 'closed']);
    expect(ipIn(inner, ['-o', 'addr', 'show', 'dev', 'eth0'])).toContain('inet 172.19.0.2/16');
    expect(ipIn(inner, ['route', 'show', 'default']).trim()).toBe('');
    await ok(['rm', '-f', none, inner]);
    await ok(['network', 'rm', 'closed']);
  }, 60_000);

  it('a -t container (started outside the warm spare) and docker start again get their addresses too', async () => {
    const t = await ok(['run', '-d', '-t', '--network', 'app', 'box', 'sh', '-c', 'while true; do sleep 1; done']);
    const ip = await ok(['inspect', '--format', '{{.NetworkSettings.Networks.app.IPAddress}}', t]);
    expect(ipIn(t, ['-o', 'addr', 'show', 'dev', 'eth0'])).toContain(`inet ${ip}/16`);
    expect(await inWiredNetns(t)).toBe(true);
    await ok(['stop', '-t', '1', t]);
    await ok(['start', t]);
    expect(ipIn(t, ['-o', 'addr', 'show', 'dev', 'eth0'])).toContain(`inet ${await ok(['inspect', '--format', '{{.NetworkSettings.Networks.app.IPAddress}}', t])}/16`);
    expect((await inNetns(t, ['busybox', 'ping', '-c', '1', '-W', '5', '172.18.0.2'])).code).toBe(0);
    await ok(['rm', '-f', t]);
  }, 60_000);

  it('network connect adds eth1 to a running container and disconnect takes it away', async () => {
    await ok(['network', 'create', 'side']);
    await ok(['network', 'connect', 'side', 'net-a']);
    const a = await ok(['inspect', '--format', '{{.Id}}', 'net-a']);
    const ip = await ok(['inspect', '--format', '{{.NetworkSettings.Networks.side.IPAddress}}', a]);
    // 172.19 was --internal's a moment ago: freed with it, the lowest free pool again (Docker's IPAM).
    expect(ip).toBe('172.19.0.2');
    expect(ipIn(a, ['-o', 'addr', 'show', 'dev', 'eth1'])).toContain(`inet ${ip}/16`);
    const other = await sleeper(['--network', 'side']);
    expect((await inNetns(other, ['busybox', 'ping', '-c', '1', '-W', '5', ip])).code).toBe(0);
    // The default route goes with its network: the next network's gateway takes over.
    await ok(['network', 'connect', 'app', other]);
    expect(ipIn(other, ['route', 'show', 'default'])).toContain('default via 172.19.0.1 dev eth0');
    await ok(['network', 'disconnect', 'side', other]);
    expect(ipIn(other, ['route', 'show', 'default'])).toContain('default via 172.18.0.1 dev eth1');
    await ok(['network', 'connect', 'side', other]);
    await ok(['network', 'disconnect', 'side', 'net-a']);
    expect(ipIn(a, ['-o', 'link', 'show'])).not.toContain('eth1');
    expect((await inNetns(other, ['busybox', 'ping', '-c', '1', '-W', '2', ip])).code).not.toBe(0);
    await ok(['rm', '-f', other]);
    await ok(['network', 'rm', 'side']);
  }, 60_000);

  it('-p publishes on the host loopback: curl reaches a server in the container; docker port shows it', async () => {
    const hostPort = await freePort();
    const echoPort = await freePort();
    const c = await sleeper(['-p', `127.0.0.1:${hostPort}:80`, '-p', `127.0.0.1:${echoPort}:7000`, '--name', 'web']);
    await serveIn(c, 80, 'hello through the proxy\n');
    expect(await ok(['port', 'web'])).toBe(`80/tcp -> 127.0.0.1:${hostPort}\n7000/tcp -> 127.0.0.1:${echoPort}`);
    expect(await get(`http://127.0.0.1:${hostPort}/`)).toEqual({ code: 0, body: 'hello through the proxy\n' });
    // Several at once, each its own connection.
    const many = await Promise.all(Array.from({ length: 8 }, () => get(`http://127.0.0.1:${hostPort}/`)));
    for (const r of many) expect(r.body).toBe('hello through the proxy\n');
    // A body larger than any buffer on the way arrives whole.
    const big = Buffer.alloc(3 << 20);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7 + (i >> 12)) & 0xff;
    writeFileSync(join(dir, `www-${c.slice(0, 8)}-80`, 'big.bin'), big);
    const fetched = execFileSync('curl', ['-sS', '--max-time', '30', `http://127.0.0.1:${hostPort}/big.bin`], { maxBuffer: 8 << 20 });
    expect(Buffer.compare(fetched, big)).toBe(0);
    // A half-close passes through: the server answers after it has read the client's end.
    const answering = spawn('ip', ['netns', 'exec', names.container(c), 'busybox', 'nc', '-l', '-p', '7000', '-e', 'sh', '-c', 'wc -c; echo after-eof'], { stdio: 'ignore' });
    started.push(answering);
    await waitFor(() => (/:7000 /.test(execFileSync('ip', ['netns', 'exec', names.container(c), 'busybox', 'netstat', '-ltn']).toString()) ? true : undefined), 'nc on 7000');
    const reply = await new Promise<string>((resolve, reject) => {
      let got = '';
      const s = connect(echoPort, '127.0.0.1', () => s.end('twelve bytes'));
      s.setEncoding('utf8').on('data', (d: string) => (got += d));
      s.on('end', () => resolve(got));
      s.on('error', reject);
    });
    expect(reply.split('\n').map((l) => l.trim())).toEqual(['12', 'after-eof', '']);
    // A connection open when the container goes ends with it (the client sees the end, no hang).
    const again = spawn('ip', ['netns', 'exec', names.container(c), 'busybox', 'nc', '-l', '-p', '7000'], { stdio: 'ignore' });
    started.push(again);
    await waitFor(() => (/:7000 /.test(execFileSync('ip', ['netns', 'exec', names.container(c), 'busybox', 'netstat', '-ltn']).toString()) ? true : undefined), 'nc on 7000 again');
    const open = connect(echoPort, '127.0.0.1');
    open.on('error', () => undefined);
    await new Promise((resolve) => open.once('connect', resolve));
    const ended = new Promise((resolve) => open.once('close', resolve));
    await ok(['rm', '-f', 'web']);
    await ended;
    expect((await get(`http://127.0.0.1:${hostPort}/`)).code).not.toBe(0);
  }, 60_000);

  it('-P publishes the exposed port from the ephemeral range, on loopback only', async () => {
    const c = await ok(['run', '-d', '-P', '--expose', '8080', 'box', 'sh', '-c', 'while true; do sleep 1; done']);
    const mapping = await ok(['port', c, '8080']);
    const port = Number(/^0\.0\.0\.0:(\d+)/.exec(mapping)![1]);
    expect(port).toBeGreaterThanOrEqual(32768);
    await serveIn(c, 8080, 'ephemeral\n');
    expect((await get(`http://127.0.0.1:${port}/`)).body).toBe('ephemeral\n');
    // Listening on the host's loopback only.
    const listening = execFileSync('ss', ['-Htln', `sport = :${port}`]).toString();
    expect(listening).toContain(`127.0.0.1:${port}`);
    expect(listening).not.toContain(`0.0.0.0:${port}`);
    // "::" (the other half of every address) is the IPv6 loopback here - on a host that has one
    // (a CI container may have IPv6 off: then that half is left out, as dockerd leaves it).
    if (execFileSync('ip', ['-6', 'addr', 'show', 'dev', 'lo']).toString().includes('::1/128')) {
      expect(listening).toContain(`[::1]:${port}`);
      expect((await get(`http://[::1]:${port}/`)).body).toBe('ephemeral\n');
    } else {
      expect(listening).not.toContain('[::');
    }
    await ok(['rm', '-f', c]);
  }, 60_000);

  it('a warm spare waits with eth0 on docker0 made ahead: a run on the default bridge takes it, a run on another network replaces it', async () => {
    /** The one idle spare, once its link made ahead is on docker0. */
    const spareWithLink = () =>
      waitFor(
        () => {
          const idle = idleSpares(svc.dataRoot);
          if (idle.length !== 1) return undefined;
          const shown = execFileSync('ip', ['-n', names.service, '-o', 'link', 'show']).toString();
          return shown.includes(`${aheadPeer(idle[0])}@`) && shown.includes('master docker0') ? idle[0] : undefined;
        },
        'a warm spare with its link made ahead',
        60_000,
      );
    const spare = await spareWithLink();
    const id = await sleeper([]);
    expect(id).toBe(spare);
    const [ip, mac] = (await ok(['inspect', '--format', '{{.NetworkSettings.IPAddress}} {{.NetworkSettings.MacAddress}}', id])).split(' ');
    expect(execFileSync('ip', ['-n', names.service, '-o', 'link', 'show', aheadPeer(id)]).toString()).toContain('master docker0');
    expect(ipIn(id, ['-o', 'addr', 'show', 'dev', 'eth0'])).toContain(`inet ${ip}/16`);
    expect(ipIn(id, ['link', 'show', 'eth0'])).toContain(`link/ether ${mac}`);
    expect((await inNetns(id, ['busybox', 'ping', '-c', '1', '-W', '5', '172.17.0.1'])).code).toBe(0);
    await ok(['rm', '-f', id]);
    const next = await spareWithLink();
    const onApp = await sleeper(['--network', 'app']);
    expect(onApp).toBe(next);
    expect(execFileSync('ip', ['-n', names.service, '-o', 'link', 'show']).toString()).not.toContain(aheadPeer(onApp));
    expect(ipIn(onApp, ['-o', 'addr', 'show', 'dev', 'eth0'])).toContain(`inet ${await ok(['inspect', '--format', '{{.NetworkSettings.Networks.app.IPAddress}}', onApp])}/16`);
    expect((await inNetns(onApp, ['busybox', 'ping', '-c', '1', '-W', '5', '172.18.0.2'])).code).toBe(0);
    await ok(['rm', '-f', onApp]);
  }, 150_000);

  it('a host port something else holds: the start fails with the userland proxy error, the container stays created, nothing is left', async () => {
    const server: Server = createServer();
    const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
    try {
      const r = await svc.docker(['run', '-d', '--name', 'blocked', '-p', `${port}:80`, 'box', 'sleep', '100']);
      expect(r.code).toBe(125);
      expect(r.stderr).toContain(`Error starting userland proxy: listen tcp4 0.0.0.0:${port}: bind: address already in use`);
      expect(await ok(['inspect', '--format', '{{.State.Status}}', 'blocked'])).toBe('created');
    } finally {
      server.close();
    }
    await ok(['start', 'blocked']);
    expect(await ok(['port', 'blocked'])).toContain(`80/tcp -> 0.0.0.0:${port}`);
    // Its second start is in the namespace wired for it (the first may have had a warm spare's, kept for it).
    const blocked = await ok(['inspect', '--format', '{{.Id}}', 'blocked']);
    expect(await inWiredNetns(blocked)).toBe(true);
    await serveIn(blocked, 80, 'second start\n');
    expect((await get(`http://127.0.0.1:${port}/`)).body).toBe('second start\n');
    await ok(['rm', '-f', 'blocked']);
  }, 60_000);

  it('rm and network rm leave no namespace, veth, bridge or proxy behind', async () => {
    await ok(['rm', '-f', 'net-a', 'net-b']);
    stopServers();
    await ok(['network', 'rm', 'app']);
    await noLeftovers();
  }, 60_000);

  it('a stop of the service (SIGTERM) with a published port running leaves no namespace, proxy or listener', async () => {
    const port = await freePort();
    await ok(['network', 'create', 'last']);
    await sleeper(['--network', 'last', '-p', `127.0.0.1:${port}:80`]);
    expect(proxiesLeft(svc.dataRoot)).toHaveLength(1);
    const exited = new Promise((r) => svc.child.once('exit', r));
    svc.child.kill('SIGTERM');
    await exited;
    // Looked at before any cleanup of the test's own: what the service did on its way out.
    expect(await names.present()).toEqual([]);
    expect(proxiesLeft(svc.dataRoot)).toEqual([]);
    expect(await freePort(port)).toBe(port);
  }, 60_000);
});

describe('the host addresses the userland proxy listens on', () => {
  it("every address is the loopback here; a loopback address as given; any other only when the service's --publish-address names it", () => {
    expect(listenAddress('', [])).toBe('127.0.0.1');
    expect(listenAddress('0.0.0.0', [])).toBe('127.0.0.1');
    expect(listenAddress('::', [])).toBe('::1');
    expect(listenAddress('127.0.0.2', [])).toBe('127.0.0.2');
    expect(() => listenAddress('192.0.2.7', [])).toThrow('cannot publish on 192.0.2.7: this service publishes ports on the loopback only (start it with --publish-address 192.0.2.7 to allow that address)');
    expect(listenAddress('192.0.2.7', ['192.0.2.7'])).toBe('192.0.2.7');
  });
});
