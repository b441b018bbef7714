/**
 * Guests' sockets on the kernel service are real TCP sockets of the container's network namespace
 * (kernel-node/runner/kernel-sockets.ts): box's httpd listens in a container, `ss` in that
 * namespace shows it, box's nc in the same container and a native client that enters the
 * namespace (nsenter) both reach it; nc -l takes a native client's connection; the playground's
 * reach rule answers in its own words; docker stop of a server blocked in poll ends it with 0.
 */
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './harness.ts';
import { startService, type RunningService } from './service.ts';

let svc: RunningService;
const dir = tempDir('dockyard-sockets-');

beforeAll(async () => {
  svc = await startService(dir);
  await ok(['pull', 'box']);
}, 120_000);

afterAll(async () => {
  await svc?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function ok(args: string[], input?: string): Promise<string> {
  const r = await svc.docker(args, input === undefined ? undefined : { input });
  if (r.code !== 0) throw new Error(`docker ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

/** A host program run inside the network namespace of the container whose init is `pid`. */
function inNamespace(pid: number, command: string[], timeout = 20_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('nsenter', ['-t', String(pid), '-n', ...command], { timeout }, (e, stdout, stderr) => resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
}

const pidOf = async (name: string) => Number((await ok(['inspect', '--format', '{{.State.Pid}}', name])).trim());

/** The namespace's TCP listeners as `ss -tlnH` prints their local address:port. */
async function listeners(pid: number): Promise<string[]> {
  const r = await inNamespace(pid, ['ss', '-tlnH']);
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => l.trim().split(/\s+/)[3]);
}

/** Ask until `pid`'s namespace listens on `address` (every 100 ms, up to 20 s). */
async function untilListening(pid: number, address: string, logsOf: string): Promise<void> {
  for (const end = Date.now() + 20_000; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) {
    if ((await listeners(pid)).includes(address)) return;
  }
  throw new Error(`nothing listens on ${address}; logs: ${JSON.stringify(await svc.docker(['logs', logsOf]))}`);
}

const GET = 'GET / HTTP/1.0\r\n\r\n';
const SERVE = 'mkdir -p /www && echo hello from the guest > /www/index.html && httpd -f -p 8080 -h /www';

describe('guest sockets on the kernel: real sockets in the container namespace', () => {
  it("a guest's listener is the namespace's: ss shows it, nc in the container and a native client in the namespace get the page", async () => {
    await ok(['run', '-d', '--name', 'web', 'box', 'sh', '-c', SERVE]);
    const pid = await pidOf('web');
    await untilListening(pid, '0.0.0.0:8080', 'web');

    const viaNc = await ok(['exec', '-i', 'web', 'nc', '127.0.0.1', '8080'], GET);
    expect(viaNc).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(viaNc).toContain('\r\n\r\nhello from the guest\n');

    const native = await inNamespace(pid, ['curl', '-s', '-i', 'http://127.0.0.1:8080/']);
    expect(native.code).toBe(0);
    expect(native.stdout).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(native.stdout).toContain('hello from the guest');

    // The request log names each client as the kernel saw it.
    expect((await ok(['logs', 'web'])).split('\n').filter((l) => l.includes('"GET / HTTP/1.')).map((l) => l.split(' ')[0])).toEqual(['127.0.0.1', '127.0.0.1']);
  }, 90_000);

  it('a second listener on the same port is refused in the kernel words; a port nobody holds is refused', async () => {
    const busy = await svc.docker(['exec', 'web', 'httpd', '-p', '8080', '-h', '/www']);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toContain('Address in use');
    const refused = await svc.docker(['exec', 'web', 'nc', '127.0.0.1', '8081']);
    expect(refused).toMatchObject({ code: 1, stderr: "nc: can't connect to remote host (127.0.0.1): Connection refused\n" });
  }, 60_000);

  it('an address outside the container networks is unreachable at once, in the playground words', async () => {
    const r = await svc.docker(['exec', 'web', 'nc', '192.0.2.1', '80']);
    expect(r).toMatchObject({
      code: 1,
      stderr: "nc: can't connect to remote host (192.0.2.1): Network is unreachable (the playground has no outside network: only containers on your networks)\n",
    });
  }, 60_000);

  it('docker stop of a server waiting in poll: SIGTERM wakes it, it ends with 0', async () => {
    await ok(['stop', 'web']);
    expect((await ok(['inspect', '--format', '{{.State.ExitCode}}', 'web'])).trim()).toBe('0');
  }, 60_000);

  it("nc -l takes a native client's connection and prints what it sent", async () => {
    await ok(['run', '-d', '--name', 'listener', 'box', 'nc', '-l', '-p', '9000']);
    const pid = await pidOf('listener');
    await untilListening(pid, '0.0.0.0:9000', 'listener');
    const sent = await inNamespace(pid, [process.execPath, '-e', "require('net').connect(9000, '127.0.0.1', function () { this.end('ping from the host side\\n'); })"]);
    expect(sent.code).toBe(0);
    expect((await ok(['wait', 'listener'])).trim()).toBe('0');
    expect(await ok(['logs', 'listener'])).toBe('ping from the host side\n');
  }, 60_000);

  it('names on a user network resolve as the core says (name, short ID, alias); the default bridge resolves nothing', async () => {
    await ok(['network', 'create', 'app']);
    const id = (await ok(['run', '-d', '--network', 'app', '--network-alias', 'cache', '--name', 'kv', 'box', 'sleep', '300'])).trim();
    const ip = (await ok(['inspect', '--format', '{{.NetworkSettings.Networks.app.IPAddress}}', 'kv'])).trim();
    expect(ip).toMatch(/^172\.\d+\.0\.2$/);
    // nc says which address it tried: the name resolved to kv's (whether anything answers there is
    // the network's, not the resolver's).
    for (const name of ['kv', id.slice(0, 12), 'cache']) {
      const r = await svc.docker(['run', '--rm', '--network', 'app', 'box', 'nc', name, '6379']);
      expect(r.stderr).toContain(`nc: can't connect to remote host (${ip}): `);
    }
    const unknown = await svc.docker(['run', '--rm', '--network', 'app', 'box', 'nc', 'nobody', '6379']);
    expect(unknown).toMatchObject({ code: 1, stderr: "nc: bad address 'nobody'\n" });
    const onBridge = await svc.docker(['run', '--rm', 'box', 'nc', 'kv', '6379']);
    expect(onBridge).toMatchObject({ code: 1, stderr: "nc: bad address 'kv'\n" });
    await ok(['rm', '-f', 'kv']);
    const gone = await svc.docker(['run', '--rm', '--network', 'app', 'box', 'nc', 'kv', '6379']);
    expect(gone).toMatchObject({ code: 1, stderr: "nc: bad address 'kv'\n" });
  }, 90_000);

  it("containers on one user network: box nc reaches box httpd by name and address; -p takes the host's curl to it", async () => {
    await ok(['network', 'create', 'site']);
    await ok(['run', '-d', '--network', 'site', '--name', 'front', '-p', '127.0.0.1::80', 'box', 'sh', '-c', SERVE.replace('8080', '80')]);
    const ip = (await ok(['inspect', '--format', '{{.NetworkSettings.Networks.site.IPAddress}}', 'front'])).trim();
    await untilListening(await pidOf('front'), '0.0.0.0:80', 'front');
    for (const target of ['front', ip]) {
      const page = await ok(['run', '--rm', '-i', '--network', 'site', 'box', 'nc', target, '80'], GET);
      expect(page).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
      expect(page).toContain('hello from the guest');
    }
    // The server saw the client's own address on the network, as a Docker container would.
    const clients = (await ok(['logs', 'front'])).split('\n').filter((l) => l.includes('"GET / HTTP/1.0"')).map((l) => l.split(' ')[0]);
    expect(clients).toHaveLength(2);
    for (const c of clients) expect(c).toMatch(new RegExp(`^${ip.split('.').slice(0, 2).join('\\.')}\\.0\\.\\d+$`));
    // A docker exec's runner resolves names too (it asks on its own status channel).
    expect(await ok(['exec', '-i', 'front', 'nc', 'front', '80'], GET)).toMatch(/^HTTP\/1\.1 200 OK\r\n[^]*hello from the guest\n$/);

    const hostPort = (await ok(['port', 'front', '80'])).trim().split(':').pop();
    const curl = await new Promise<{ code: number; stdout: string }>((resolve) =>
      execFile('curl', ['-sS', '--max-time', '20', `http://127.0.0.1:${hostPort}/`], (e, stdout) => resolve({ code: e ? 1 : 0, stdout })),
    );
    expect(curl).toEqual({ code: 0, stdout: 'hello from the guest\n' });
  }, 90_000);

  it('from another network or to the gateway: unreachable in the words the browser engine uses', async () => {
    const ip = (await ok(['inspect', '--format', '{{.NetworkSettings.Networks.site.IPAddress}}', 'front'])).trim();
    const gateway = (await ok(['inspect', '--format', '{{.NetworkSettings.Networks.site.Gateway}}', 'front'])).trim();
    const fromBridge = await svc.docker(['run', '--rm', 'box', 'nc', ip, '80']);
    expect(fromBridge).toMatchObject({
      code: 1,
      stderr: `nc: can't connect to remote host (${ip}): Network is unreachable (the playground has no outside network: only containers on your networks)\n`,
    });
    const toGateway = await svc.docker(['run', '--rm', '--network', 'site', 'box', 'nc', gateway, '80']);
    expect(toGateway).toMatchObject({ code: 1, stderr: `nc: can't connect to remote host (${gateway}): Host is unreachable\n` });
    await ok(['rm', '-f', 'front']);
  }, 60_000);
});
