/**
 * Parity of resource limits and volumes: `--memory` ends a container that grows past it with 137
 * and OOMKilled on both (the browser caps linear memory, the kernel's cgroup kills it); a volume's
 * data outlives the containers that wrote it on both.
 */
import { describe, expect } from 'vitest';
import { expectSame, useParity } from './parity-harness.ts';
import { parityIt } from './open-differences.ts';

const h = useParity(['box']);

describe('memory limit', () => {
  parityIt('stress past --memory 16m: 137 and OOMKilled on both (the tutorial: hog)', async () => {
    const run = await h.both(['run', '--name', 'hog', '--memory', '16m', 'box', 'stress', '--vm-bytes', '64M']);
    expectSame(run);
    expect(run.kernel.code).toBe(137);
    const state = await h.both(['inspect', '--format', '{{.State.ExitCode}} {{.State.OOMKilled}} {{.HostConfig.Memory}}', 'hog']);
    expectSame(state);
    expect(state.kernel.stdout).toBe('137 true 16777216\n');
  });

  parityIt('under the limit the same program ends normally, OOMKilled false', async () => {
    const run = await h.both(['run', '--name', 'fits', '--memory', '32m', 'box', 'stress', '--vm-bytes', '4M', '--timeout', '0']);
    expectSame(run);
    expect(run.kernel.code).toBe(0);
    expectSame(await h.both(['inspect', '--format', '{{.State.ExitCode}} {{.State.OOMKilled}}', 'fits']));
  });

  parityIt('a program the shell starts is killed at the limit: the shell goes on, the exit status is its own, OOMKilled true (Docker: any OOM kill in the container)', async () => {
    // An applet runs inside sh's own process; box under another path is a program sh starts (dockyard.spawn).
    const script = 'mkdir /tmp/x && cp /bin/box /tmp/x/box && /tmp/x/box stress --vm-bytes 64M; echo after=$?';
    const run = await h.both(['run', '--name', 'hog-child', '--memory', '16m', 'box', 'sh', '-c', script]);
    expectSame(run);
    expect(run.kernel.code).toBe(0);
    expect(run.kernel.stdout).toMatch(/^after=137$/m);
    const state = await h.both(['inspect', '--format', '{{.State.ExitCode}} {{.State.OOMKilled}}', 'hog-child']);
    expectSame(state);
    expect(state.kernel.stdout).toBe('0 true\n');
  });

  parityIt('a limit below docker\'s minimum is refused the same way', async () => {
    expectSame(await h.both(['run', '--rm', '--memory', '1k', 'box', 'true']));
  });
});

describe('volumes', () => {
  parityIt('data written through a volume survives the container\'s removal (the tutorial: notes)', async () => {
    expectSame(await h.both(['volume', 'create', 'notes']));
    expectSame(await h.both(['run', '--name', 'notes-1', '-v', 'notes:/data', 'box', 'sh', '-c', 'echo "buy milk" >> /data/list && cat /data/list']));
    expectSame(await h.both(['rm', 'notes-1']));
    expectSame(await h.both(['run', '--rm', '-v', 'notes:/data', 'box', 'sh', '-c', 'echo "walk the dog" >> /data/list']));
    const read = await h.both(['run', '--name', 'notes-2', '-v', 'notes:/data', 'box', 'cat', '/data/list']);
    expectSame(read);
    expect(read.kernel.stdout).toBe('buy milk\nwalk the dog\n');
  });

  parityIt('a volume\'s writes are not in the container\'s diff', async () => {
    expectSame(await h.both(['run', '--name', 'vdiff', '-v', 'notes:/data', 'box', 'sh', '-c', 'echo x > /data/x && echo y > /tmp/y']));
    expectSame(await h.both(['diff', 'vdiff']));
  });

  parityIt('volume ls, inspect, and rm refused while a container uses it', async () => {
    expectSame(await h.both(['volume', 'ls']));
    expectSame(await h.both(['volume', 'inspect', '-f', '{{.Name}} {{.Driver}} {{.Scope}}', 'notes']));
    const refused = await h.both(['volume', 'rm', 'notes']);
    expect(refused.kernel.code).toBe(1);
    expect(refused.browser.code).toBe(1);
    // The message names the container using it by its random ID.
    expect(refused.browser.stderr.replace(/[0-9a-f]{64}/g, '<id>').replace(/\[[0-9a-f]{64}(, [0-9a-f]{64})*\]/g, '[<ids>]')).toBe(refused.kernel.stderr.replace(/[0-9a-f]{64}/g, '<id>').replace(/\[[0-9a-f]{64}(, [0-9a-f]{64})*\]/g, '[<ids>]'));
    expectSame(await h.both(['rm', 'notes-2', 'vdiff']));
    expectSame(await h.both(['volume', 'rm', 'notes']));
    expectSame(await h.both(['volume', 'ls', '-q']));
  });

  parityIt('a volume mounted where the image has files starts with a copy of them', async () => {
    expectSame(await h.both(['run', '--rm', '-v', 'etc-copy:/etc', 'box', 'ls', '/etc']));
    expectSame(await h.both(['run', '--rm', '-v', 'etc-copy:/mnt', 'box', 'ls', '/mnt']));
  });
});
