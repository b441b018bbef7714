/**
 * The warm spare (kernel-node/runtime/spare-container.ts): the runtime suite again with every first start
 * in a spare, then what only a spare has - that a start really used it, its volumes mounted from
 * the host through propagation, what takes the normal path instead, and that nothing stays.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Digest, ProcessSpec } from '../../engine/ports.ts';
import { cleanupHost, leftoverCgroups } from '../../kernel-node/runtime/host-cleanup.ts';
import { mountsUnder } from '../../kernel-node/runtime/mounts.ts';
import { runcId } from '../../kernel-node/runtime/runc-runtime.ts';
import { runtimeFixture, waitFor, type RuntimeFixture } from './harness.ts';
import { runtimeSuite } from './runtime-suite.ts';

runtimeSuite(true);

const enc = new TextEncoder();
let fx: RuntimeFixture;
let layers: Digest[];
const keys: string[] = [];

async function prepared(): Promise<string> {
  const key = await fx.key('');
  await fx.snaps.prepare(key, layers);
  keys.push(key);
  return key;
}

/** Start `args` in container `key`, wait for its first output, and return its init's pid and the process. */
async function startLooping(key: string, more: Partial<ProcessSpec> = {}) {
  let out = '';
  const p = await fx.rt.start(key, { args: ['/bin/probe', 'loop'], env: [], cwd: '/', hostname: fx.hostname(key), tty: false, openStdin: false, mounts: [], ...more }, { stdout: (d) => (out += new TextDecoder().decode(d)), stderr: () => undefined });
  await waitFor(() => (out ? true : undefined), 'output');
  return p;
}

beforeAll(async () => {
  fx = await runtimeFixture({ spare: true });
  layers = [
    await fx.layer([
      { type: 'file', path: 'bin/probe', mode: 0o755, content: fx.probe },
      { type: 'file', path: 'etc/keep', content: enc.encode('kept\n') },
      // A hostile image: a link to the root, to lead a volume's mount point elsewhere.
      { type: 'symlink', path: 'up', target: '/' },
      { type: 'symlink', path: 'far', target: '../../../../..' },
    ]),
  ];
});

afterAll(async () => {
  await fx.rt.close();
  for (const k of keys) await fx.snaps.remove(k);
  await cleanupHost(fx.data);
  rmSync(fx.dir, { recursive: true, force: true });
});

describe('warm spare: what only a spare has', () => {
  it('a container with the spare\'s ID runs in it: the waiting runner, its cgroup dockyard-<ID>, its hostname ID[:12]', async () => {
    const key = await prepared();
    const p = await startLooping(key);
    const pid = Number(readFileSync(join(fx.data.spares, key, 'bundle', 'init.pid'), 'utf8'));
    expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')).toContain('--spare');
    // No bundle of its own: runc never ran for it.
    expect(existsSync(join(fx.data.container(key), 'bundle'))).toBe(false);
    expect(readFileSync(`/sys/fs/cgroup/pids/dockyard/${runcId(key)}/cgroup.procs`, 'utf8')).toContain(String(pid));
    expect(execFileSync('nsenter', ['-t', String(pid), '-u', 'hostname']).toString().trim()).toBe(key.slice(0, 12));
    // What the container's mount namespace shows at /rootfs: the overlay, nosuid and nodev.
    expect(readFileSync(`/proc/${pid}/mountinfo`, 'utf8')).toMatch(/ \/rootfs rw,nosuid,nodev[^ ]* .* - overlay overlay /);
    p.kill('SIGKILL');
    expect(await p.exited).toEqual({ exitCode: 137, oomKilled: false });
  });

  it('volumes: read-write and read-only, at paths the image lacks; a link in the image keeps a mount point inside the guest root', async () => {
    const rw = join(fx.dir, 'volumes', 'rw');
    const ro = join(fx.dir, 'volumes', 'ro');
    mkdirSync(rw, { recursive: true });
    mkdirSync(ro, { recursive: true });
    writeFileSync(join(ro, 'given'), 'from the volume\n');
    const mounts = [
      { volume: 'rw', target: '/data/rw', readOnly: false },
      // /up is a link to /: the mount point is /ro in the guest root, never the host's /ro.
      { volume: 'ro', target: '/up/ro', readOnly: true },
      { volume: 'rw', target: '/far/again', readOnly: false },
    ];
    // Each in a container of its own: only a first start runs in a spare.
    const write = await fx.run(await prepared(), ['/bin/probe', 'write', '/data/rw/made', 'by the guest'], { mounts });
    expect(write.exit.exitCode).toBe(0);
    expect(readFileSync(join(rw, 'made'), 'utf8')).toBe('by the guest');
    expect((await fx.run(await prepared(), ['/bin/probe', 'cat', '/ro/given'], { mounts })).stdout).toBe('from the volume\n');
    expect((await fx.run(await prepared(), ['/bin/probe', 'cat', '/again/made'], { mounts })).stdout).toBe('by the guest');
    expect(existsSync('/ro')).toBe(false);
    expect(existsSync('/again')).toBe(false);
  });

  it('a read-only volume refuses writes inside the spare', async () => {
    const ro = join(fx.dir, 'volumes', 'ro2');
    mkdirSync(ro, { recursive: true });
    const key = await prepared();
    const r = await fx.run(key, ['/bin/probe', 'write', '/v/x', 'no'], { mounts: [{ volume: 'ro2', target: '/v', readOnly: true }] });
    expect(r.exit.exitCode).not.toBe(0);
    expect(existsSync(join(ro, 'x'))).toBe(false);
  });

  it('a hostname of its own or -t takes the normal path: the spare is given up, the run is as before', async () => {
    const key = await prepared();
    const r = await fx.run(key, ['/bin/probe', 'cat', '/etc/hostname'], { hostname: 'own-name' });
    expect(r.stdout).toBe('own-name\n');
    expect(existsSync(join(fx.data.container(key), 'bundle', 'config.json'))).toBe(true);
    expect(existsSync(join(fx.data.spares, key))).toBe(false);
  });

  it('a container removed before it starts gives its spare up; closing leaves no runc container, mount, cgroup or spare', async () => {
    const key = await prepared();
    expect(existsSync(join(fx.data.spares, key))).toBe(true);
    await fx.snaps.remove(key);
    expect(existsSync(join(fx.data.spares, key))).toBe(false);
    await fx.rt.close();
    expect(execFileSync('runc', ['--root', fx.data.runcState, 'list', '--quiet']).toString().trim()).toBe('');
    expect(await mountsUnder(fx.data.root)).toEqual([]);
    expect(await leftoverCgroups(new Set(keys.map(runcId)))).toEqual([]);
    expect(readdirSync(fx.data.spares)).toEqual([]);
  });
});
