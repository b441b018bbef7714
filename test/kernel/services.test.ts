/**
 * The learner's path of issue 15 §3 on the kernel service, with the real docker CLI and the
 * committed images: a user network, kv by name, the hits example built from its context and
 * published, box's network applets in a third container, and `docker stop kv`. Guests' sockets are real sockets in each container's namespace.
 */
import { execFile } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './free-port.ts';
import { tempDir } from './harness.ts';
import { repo } from './launch.ts';
import { startService, type RunningService } from './service.ts';

let svc: RunningService;
const dir = tempDir('dockyard-services-');

beforeAll(async () => {
  svc = await startService(dir);
  // The service reads layouts as it pulls: the images that serve, beside the box it was given.
  for (const name of ['httpd', 'kv']) cpSync(join(repo, 'images', 'layouts', name), join(dir, 'layouts', name), { recursive: true });
}, 120_000);

afterAll(async () => {
  await svc?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function ok(args: string[]): Promise<string> {
  const r = await svc.docker(args);
  if (r.code !== 0) throw new Error(`docker ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout.trim();
}

function get(url: string): Promise<{ code: number; body: string }> {
  return new Promise((resolve) => {
    execFile('curl', ['-sS', '--max-time', '20', url], (e, stdout, stderr) => resolve({ code: e ? 1 : 0, body: e ? stderr : stdout }));
  });
}

/** `fn`'s answer once `done` says it is the one, trying every 500 ms for up to 30 s (a server starting). */
async function until<T>(fn: () => Promise<T>, done: (t: T) => boolean): Promise<T> {
  let got = await fn();
  for (let i = 0; i < 60 && !done(got); i++) {
    await new Promise((r) => setTimeout(r, 500));
    got = await fn();
  }
  return got;
}

const heading = (page: string) => /<h1>(.*)<\/h1>/.exec(page)?.[1];

describe('services on the kernel service', () => {
  it('hits counts its visits in kv by name over a user network, and says so when kv is stopped', async () => {
    await ok(['network', 'create', 'app']);
    await ok(['run', '-d', '--network', 'app', '--name', 'kv', 'kv']);
    await ok(['build', '-q', '-t', 'hits', join(repo, 'images', 'examples', 'hits')]);
    const port = await freePort();
    await ok(['run', '-d', '--network', 'app', '-p', `127.0.0.1:${port}:80`, '--name', 'hits', 'hits']);
    const url = `http://127.0.0.1:${port}/`;
    const first = await until(() => get(url), (r) => r.body.includes('<h1>'));
    expect(heading(first.body), first.body).toBe('This page has been seen 1 time.');
    expect(heading((await get(url)).body)).toBe('This page has been seen 2 times.');
    expect(heading((await get(url)).body)).toBe('This page has been seen 3 times.');

    await ok(['pull', '-q', 'box']);
    const kvAddress = await ok(['inspect', '-f', '{{.NetworkSettings.Networks.app.IPAddress}}', 'kv']);
    const probe = await svc.docker(['run', '--rm', '--network', 'app', '--name', 'probe', 'box', 'sh', '-c', 'nslookup kv; getent hosts kv; hostname -i; wget -q -O - http://hits/ | grep "<h1>"; printf "GET hits\\r\\n" | nc kv 6379']);
    expect(probe.stderr).toBe('');
    expect(probe.stdout).toContain(`Name:\tkv\nAddress: ${kvAddress}\n`);
    expect(probe.stdout).toContain(`${kvAddress.padEnd(15)} kv\n`);
    expect(probe.stdout.split('\n').some((l) => /^172\.18\.0\.\d+$/.test(l))).toBe(true);
    expect(probe.stdout).toContain('<h1>This page has been seen 4 times.</h1>');
    expect(probe.stdout).toContain('$1\r\n4\r\n');

    await ok(['stop', 'kv']);
    const down = await get(url);
    expect(heading(down.body)).toBe('Cannot reach kv');
    expect(down.body).toMatch(/<pre>nc: (bad address 'kv'|can't connect to remote host)/);
    await ok(['rm', '-f', 'hits', 'kv']);
    await ok(['network', 'rm', 'app']);
  }, 180_000);

  it("httpd's default page shows the container's hostname and address; kv's data outlives its container in a volume", async () => {
    const port = await freePort();
    const web = await ok(['run', '-d', '-p', `127.0.0.1:${port}:80`, 'httpd']);
    const address = await ok(['inspect', '-f', '{{.NetworkSettings.IPAddress}}', web]);
    const page = await until(() => get(`http://127.0.0.1:${port}/`), (r) => r.body.includes('</html>'));
    expect(page.body).toContain('<b>WebAssembly</b>');
    expect(page.body).toContain(`<tr><td>Container hostname</td><td><b>${web.slice(0, 12)}</b></td></tr>`);
    expect(page.body).toContain(`<tr><td>Container address</td><td><b>${address}</b></td></tr>`);

    const kv1 = await ok(['run', '-d', '-v', 'kvdata:/data', 'kv']);
    const at = await ok(['inspect', '-f', '{{.NetworkSettings.IPAddress}}', kv1]);
    const say = (command: string) => ok(['run', '--rm', 'box', 'sh', '-c', `printf '${command}\\r\\n' | nc ${at} 6379`]);
    expect(await say('SET kept yes')).toBe('+OK');
    await ok(['rm', '-f', kv1, web]);
    const kv2 = await ok(['run', '-d', '-v', 'kvdata:/data', 'kv']);
    expect(await until(() => ok(['logs', kv2]), (l) => l.includes('ready'))).toContain('kv: 1 keys loaded from /data/kv.resp');
    const again = await ok(['inspect', '-f', '{{.NetworkSettings.IPAddress}}', kv2]);
    expect(await ok(['run', '--rm', 'box', 'sh', '-c', `printf 'GET kept\\r\\n' | nc ${again} 6379`])).toBe('$3\r\nyes');
    await ok(['rm', '-f', kv2]);
  }, 180_000);
});
