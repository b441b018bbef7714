/**
 * Symbolic links inside a kernel-service container (runc + node:wasi): `ln -s` makes real links,
 * absolute targets included, and no link - made by the guest or shipped in the image - leads out
 * of the guest root into the runtime's files beside it (HOSTILE-INPUTS 24-25: Node, its libraries
 * and the runner are bind mounted read-only at /usr/bin/node, /usr/lib..., /dockyard).
 */
import { readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Digest } from '../../engine/ports.ts';
import { cleanupHost } from '../../kernel-node/runtime/host-cleanup.ts';
import { runtimeFixture, type RuntimeFixture } from './harness.ts';

const BOX = new Uint8Array(readFileSync(new URL('../../images/box/box.wasm', import.meta.url)));
let fx: RuntimeFixture;
let layers: Digest[];
const keys: string[] = [];

async function sh(key: string, script: string) {
  await fx.snaps.prepare(key, layers);
  keys.push(key);
  return fx.run(key, ['/bin/sh', '-c', script]);
}

beforeAll(async () => {
  fx = await runtimeFixture();
  layers = [
    await fx.layer([
      { type: 'file', path: 'bin/box', mode: 0o755, content: BOX },
      { type: 'symlink', path: 'bin/sh', target: 'box' },
      { type: 'dir', path: 'tmp', mode: 0o1777 },
      // A hostile image: links to the root and above it.
      { type: 'symlink', path: 'root-link', target: '/' },
      { type: 'symlink', path: 'tmp/up', target: '../../..' },
    ]),
  ];
});

afterAll(async () => {
  for (const k of keys) await fx.snaps.remove(k);
  await cleanupHost(fx.data);
  rmSync(fx.dir, { recursive: true, force: true });
});

describe('symbolic links in a kernel-service container', () => {
  it('ln -s to an absolute and a relative target: the links exist, read through, and are links in the writable layer', async () => {
    const r = await sh('ln', 'echo target > /tmp/t && ln -s /tmp/t /tmp/abs && ln -s t /tmp/rel && cat /tmp/abs /tmp/rel && ls -1F /tmp');
    expect(r).toEqual({ exit: { exitCode: 0, oomKilled: false }, stdout: 'target\ntarget\nabs@\nrel@\nt\nup@\n', stderr: '' });
    const upper = join(fx.data.container('ln'), 'upper');
    expect(readlinkSync(join(upper, 'tmp/abs'))).toBe('/tmp/t');
    expect(readlinkSync(join(upper, 'tmp/rel'))).toBe('t');
  });

  it('a dangling link in the writable layer is a change like any other (docker diff, commit)', async () => {
    const r = await sh('dangle', 'ln -s /nowhere /tmp/dangle && ln -s box /bin/again');
    expect(r.exit.exitCode).toBe(0);
    const changes = await fx.snaps.changes('dangle');
    expect(changes.filter((c) => c.node?.type === 'symlink')).toEqual([
      { path: '/bin/again', kind: 'A', node: { type: 'symlink', target: 'box' } },
      { path: '/tmp/dangle', kind: 'A', node: { type: 'symlink', target: '/nowhere' } },
    ]);
  });

  it('links to / and ../.. followed into the runtime directory do not reach the runtime files (HOSTILE 24-25)', async () => {
    // The bundled runner, bind mounted at /dockyard beside the guest root /rootfs: there to be read for anyone outside.
    const runner = readdirSync(join(fx.data.runtime, 'runner')).find((f) => f.startsWith('wasi-runner'));
    expect(runner).toBeDefined();
    const script = [
      'ln -s / /tmp/slash',
      'ln -s ../../../../.. /tmp/dots',
      `for p in /root-link /tmp/up /tmp/slash /tmp/dots; do cat $p/dockyard/${runner} $p/usr/bin/node 2>&1 | head -c 200; [ "$(ls $p/)" = "$(ls /)" ] && echo "$p/ is the guest root"; done`,
      `cat /tmp/slash/../../dockyard/${runner}`,
    ].join('; ');
    const r = await sh('escape', script);
    const missing = (p: string) => `cat: ${p}/dockyard/${runner}: No such file or directory\ncat: ${p}/usr/bin/node: No such file or directory\n${p}/ is the guest root\n`;
    expect(r.stdout).toBe(['/root-link', '/tmp/up', '/tmp/slash', '/tmp/dots'].map(missing).join(''));
    expect(r.stderr).toBe(`cat: /tmp/slash/../../dockyard/${runner}: No such file or directory\n`);
  });
});
