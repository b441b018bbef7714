import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { idleSpares, mountsLeft, runcLeft } from './leftovers.ts';
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
    const id = (await ok(['run', '-d', '--name', 'survivor', 'box', 'sh', '-c', 'while true; do sleep 1; done'])).trim();
    expect((await ok(['ps', '--format', '{{.Names}} {{.State}}'])).trim()).toBe('survivor running');
    svc.child.kill('SIGKILL');
    await new Promise((r) => svc!.child.once('exit', r));

    // A new service on the same data root (startService lays the built-in layouts again: same bytes).
    svc = await startService(dir);
    expect((await ok(['ps', '-a', '--format', '{{.Names}} {{.State}} {{.Status}}'])).trim()).toMatch(/^survivor exited Exited \(137\) /);
    expect((await ok(['inspect', '--format', '{{.State.Running}} {{.State.ExitCode}}', id])).trim()).toBe('false 137');
    // Only the new service's warm spare (test/kernel/leftovers.ts): the old one's is gone too.
    expect(idleSpares(svc.dataRoot).length).toBeLessThanOrEqual(1);
    expect(runcLeft(svc.dataRoot)).toEqual([]);
    expect(await mountsLeft(svc.dataRoot)).toEqual([]);
    // The store still runs what it held, and the old container can be started again.
    expect((await ok(['run', '--rm', 'box', 'echo', 'after the crash'])).trim()).toBe('after the crash');
    await ok(['start', 'survivor']);
    expect((await ok(['ps', '--format', '{{.Names}} {{.State}}'])).trim()).toBe('survivor running');
    await ok(['rm', '-f', 'survivor']);
  });
});
