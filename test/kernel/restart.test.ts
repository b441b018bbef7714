import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { idleSpares, linksLeft, mountsLeft, netnsLeft, proxiesLeft, runcLeft } from './leftovers.ts';
import { freePort } from './free-port.ts';
import { tempDir } from './harness.ts';
import { startService, type RunningService } from './service.ts';

const dir = tempDir('dockyard-restart-');
let svc: RunningService | undefined;

afterAll(async () => {
  await svc?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function ok(args: string[]): Promise<string> {
  const r = await svc!.docker(args);
  if (r.code !== 0) throw new Error(`docker ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

describe('the service killed with kill -9 while a container runs', () => {
  it('restarts over the same data root: the container shows Exited (137), its runc container and mounts are gone, images still run', async () => {
    svc = await startService(dir);
    await ok(['pull', 'box']);
    // On a network of its own with a published port: a namespace, a veth, a bridge and a proxy to leave behind.
    await ok(['network', 'create', 'crashnet']);
    const port = await freePort();
    const id = (await ok(['run', '-d', '--name', 'survivor', '--network', 'crashnet', '-p', `127.0.0.1:${port}:80`, 'box', 'sh', '-c', 'while true; do sleep 1; done'])).trim();
    expect((await ok(['ps', '--format', '{{.Names}} {{.State}}'])).trim()).toBe('survivor running');
    expect(proxiesLeft(svc.dataRoot)).toHaveLength(1);
    svc.child.kill('SIGKILL');
    await new Promise((r) => svc!.child.once('exit', r));
    // The proxy dies with the service (PR_SET_PDEATHSIG): nothing listens on the port any more.
    for (let i = 0; i < 100 && proxiesLeft(svc.dataRoot).length > 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(proxiesLeft(svc.dataRoot)).toEqual([]);
    expect(await freePort(port)).toBe(port);

    // A new service on the same data root (startService lays the built-in layouts again: same bytes).
    svc = await startService(dir);
    expect((await ok(['ps', '-a', '--format', '{{.Names}} {{.State}} {{.Status}}'])).trim()).toMatch(/^survivor exited Exited \(137\) /);
    expect((await ok(['inspect', '--format', '{{.State.Running}} {{.State.ExitCode}}', id])).trim()).toBe('false 137');
    // Only the new service's warm spare (test/kernel/leftovers.ts): the old one's is gone too.
    expect(idleSpares(svc.dataRoot).length).toBeLessThanOrEqual(1);
    expect(runcLeft(svc.dataRoot)).toEqual([]);
    expect(await mountsLeft(svc.dataRoot)).toEqual([]);
    // The dead service's namespaces (the container's, with its veth; its own, with the bridge) are gone.
    expect(await netnsLeft(svc.dataRoot)).toEqual([]);
    expect(linksLeft(svc.dataRoot)).toEqual([]);
    // The store still runs what it held, and the old container can be started again.
    expect((await ok(['run', '--rm', 'box', 'echo', 'after the crash'])).trim()).toBe('after the crash');
    await ok(['start', 'survivor']);
    expect((await ok(['ps', '--format', '{{.Names}} {{.State}}'])).trim()).toBe('survivor running');
    expect((await ok(['port', 'survivor'])).trim()).toBe(`80/tcp -> 127.0.0.1:${port}`);
    expect(proxiesLeft(svc.dataRoot)).toHaveLength(1);
    await ok(['rm', '-f', 'survivor']);
    await ok(['network', 'rm', 'crashnet']);
  });
});
