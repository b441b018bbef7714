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

const heading = (page: string) => /<h1>(.*)<\/h1>/.exec(page)?.[1];

describe('services on the kernel service', () => {
  it('hits counts its visits in kv by name over a user network, and says so when kv is stopped', async () => {
    await ok(['network', 'create', 'app']);
    await ok(['run', '-d', '--network', 'app', '--name', 'kv', 'kv']);
    await ok(['build', '-q', '-t', 'hits', join(repo, 'images', 'examples', 'hits')]);
    const port = await freePort();
    await ok(['run', '-d', '--network', 'app', '-p', `127.0.0.1:${port}:80`, '--name', 'hits', 'hits']);
    const url = `http://127.0.0.1:${port}/`;
    // The published port answers once hits's httpd listens: try for up to 30 s.
    let first = await get(url);
    for (let i = 0; i < 60 && !first.body.includes('<h1>'); i++) {
      await new Promise((r) => setTimeout(r, 500));
      first = await get(url);
    }
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
});
