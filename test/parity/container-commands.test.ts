/**
 * Parity of the container commands issue 21 added (update, prune, top, stats, export/import
 * refusals without host files): the shared core answers both engines the same way, where what
 * each host measures (PIDs, memory) is left out.
 */
import { describe, expect } from 'vitest';
import { expectSame, useParity, type Both } from './parity-harness.ts';
import { parityIt } from './open-differences.ts';

const h = useParity(['box']);

/** Container IDs are random on each engine. */
function withoutIds(r: Both): Both {
  const scrub = (t: string) => t.replace(/[0-9a-f]{64}/g, '<id>');
  return { browser: { ...r.browser, stdout: scrub(r.browser.stdout), stderr: scrub(r.browser.stderr) }, kernel: { ...r.kernel, stdout: scrub(r.kernel.stdout), stderr: scrub(r.kernel.stderr) } };
}

describe('issue 21 container commands, the same on both engines', () => {
  parityIt("update --memory with Docker's checks; a stopped container's stats; container prune", async () => {
    expectSame(withoutIds(await h.both(['create', '--name', 'cmd-capped', '-m', '64m', 'box', 'true'])));
    expectSame(await h.both(['update', '-m', '100m', 'cmd-capped']));
    expectSame(await h.both(['inspect', '-f', '{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}}', 'cmd-capped']));
    expectSame(withoutIds(await h.both(['update', '-m', '256m', 'cmd-capped'])));
    expectSame(await h.both(['stats', '--no-stream', '--format', '{{.Name}} {{.CPUPerc}} {{.MemUsage}} {{.PIDs}}', 'cmd-capped']));
    expectSame(await h.both(['start', '-a', 'cmd-capped']));
    expectSame(withoutIds(await h.both(['container', 'prune', '-f'])));
    expectSame(await h.both(['ps', '-a', '--format', '{{.Names}}']));
  });

  parityIt('top of a running container: the same rows but for the PIDs and times', async () => {
    expectSame(withoutIds(await h.both(['run', '-d', '--name', 'cmd-live', 'box', 'sleep', '60'])));
    const top = await h.both(['top', 'cmd-live']);
    const shape = (out: string) => out.split('\n').map((l) => l.split(/ {3,}/).filter((_, i) => i !== 1 && i !== 4).join('|'));
    expect(shape(top.browser.stdout)).toEqual(shape(top.kernel.stdout));
    expectSame(await h.both(['rm', '-f', 'cmd-live']));
  });
});
