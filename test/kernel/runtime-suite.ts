import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Digest } from '../../engine/ports.ts';
import { sha256 } from '../../engine/oci/digest.ts';
import { cleanupHost, leftoverCgroups } from '../../kernel-node/runtime/host-cleanup.ts';
import { mountsUnder } from '../../kernel-node/runtime/mounts.ts';
import { runcId } from '../../kernel-node/runtime/runc-runtime.ts';
import { hostsFile } from '../../engine/core/runtime-files.ts';
import { runtimeFixture, waitFor, type RuntimeFixture } from './harness.ts';
import { runtimeSuite as conformanceSuite } from '../conformance/runtime-suite.ts';

const layouts = fileURLToPath(new URL('../../images/layouts/box/', import.meta.url));

/** The shipped box image's layers (images/layouts/box, as the built-in registry serves it), put in `blobs`. */
async function boxLayers(blobs: RuntimeFixture['blobs']): Promise<Digest[]> {
  const blob = (digest: string) => new Uint8Array(readFileSync(join(layouts, 'blobs', 'sha256', digest.slice('sha256:'.length))));
  const index = JSON.parse(readFileSync(join(layouts, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string }> };
  const manifest = JSON.parse(new TextDecoder().decode(blob(index.manifests[0].digest))) as { layers: Array<{ digest: string }> };
  const layers: Digest[] = [];
  for (const { digest } of manifest.layers) {
    const bytes = blob(digest);
    await blobs.put({ digest: sha256(bytes), size: bytes.length }, bytes);
    layers.push(sha256(bytes));
  }
  return layers;
}

/**
 * The runc runtime, run twice: on the normal path (runtime.test.ts) and in warm spares
 * (spare.test.ts) - a container must not be able to tell which one it got. The cases every Runtime
 * shares (output, exit status, stdin, signals, memory limit, 126/127, exec) are the conformance
 * suite's (test/conformance/runtime-suite.ts, run here on box); this file adds what only a Linux
 * container has: the rootfs on overlayfs, the runtime files' mounts, isolation, nothing left behind.
 */

export function runtimeSuite(spare: boolean): void {
  const enc = new TextEncoder();
  let fx: RuntimeFixture;
  let layers: Digest[];
  const keys: string[] = [];

  async function prepared(name: string): Promise<string> {
    const key = await fx.key(name);
    await fx.snaps.prepare(key, layers);
    keys.push(key);
    return key;
  }

  function initPid(key: string): number {
    try {
      const bundle = fx.spare ? join(fx.data.spares, key, 'bundle') : join(fx.data.container(key), 'bundle');
      return Number(readFileSync(join(bundle, 'init.pid'), 'utf8'));
    } catch {
      return 0;
    }
  }

  beforeAll(async () => {
    fx = await runtimeFixture({ spare });
    const base = await fx.layer([
      { type: 'file', path: 'bin/probe', mode: 0o755, content: fx.probe },
      { type: 'symlink', path: 'bin/p', target: '/bin/probe' },
      { type: 'file', path: 'etc/keep', content: enc.encode('kept\n') },
      { type: 'file', path: 'etc/gone', content: enc.encode('gone\n') },
      { type: 'file', path: 'dir/a/x', content: enc.encode('x') },
      { type: 'symlink', path: 'lib', target: '/bin' },
    ]);
    const top = await fx.layer([
      { type: 'file', path: 'etc/.wh.gone', content: new Uint8Array() },
      { type: 'file', path: 'lib/through-link', content: enc.encode('landed in /bin\n') },
      { type: 'file', path: 'dir/.wh..wh..opq', content: new Uint8Array() },
      { type: 'file', path: 'dir/new', content: enc.encode('new') },
    ]);
    layers = [base, top];
  });

  afterAll(async () => {
    await fx.rt.close();
    for (const k of keys) await fx.snaps.remove(k);
    await cleanupHost(fx.data);
    rmSync(fx.dir, { recursive: true, force: true });
  });

  describe(`runc runtime: a WASI program in a Linux container${spare ? ', started in a warm spare' : ''}`, () => {
    it('finds programs on PATH and through absolute symlinks resolved inside the image', async () => {
      const key = await prepared('lookup');
      expect((await fx.run(key, ['probe', 'echo', 'via PATH'])).stdout).toBe('via PATH\n');
      expect((await fx.run(key, ['/bin/p', 'echo', 'via /bin/p -> /bin/probe'])).stdout).toBe('via /bin/p -> /bin/probe\n');
      expect((await fx.run(key, ['/lib/probe', 'echo', 'via /lib -> /bin'])).stdout).toBe('via /lib -> /bin\n');
      expect((await fx.run(key, ['/bin/probe', 'env', 'PATH'], { env: ['PATH=/bin:/usr/bin'] })).stdout).toBe('/bin:/usr/bin\n');
    });

    it('applies the layers with the engine rules on disk: whiteouts, opaque dirs, writes through lower symlinks', async () => {
      const key = await prepared('layers');
      // hostname and hosts: the runtime's files over the init layer's mount points.
      expect((await fx.run(key, ['/bin/probe', 'ls', '/etc'])).stdout.split('\n').filter(Boolean).sort()).toEqual(['hostname', 'hosts', 'keep']);
      expect((await fx.run(key, ['/bin/probe', 'ls', '/dir'])).stdout).toBe('new\n');
      expect((await fx.run(key, ['/bin/probe', 'cat', '/bin/through-link'])).stdout).toBe('landed in /bin\n');
      // Files keep the layer's time (our layers carry the epoch), not the time of unpacking.
      const [base, top] = await fx.snaps.unpacker.dirs(layers);
      expect(lstatSync(join(base, 'etc/keep')).mtimeMs).toBe(0);
      expect(lstatSync(join(base, 'bin/p')).mtimeMs).toBe(0);
      expect(lstatSync(join(top, 'dir/new')).mtimeMs).toBe(0);
    });

    it('the guest sees exactly the image root file system, not the runtime', async () => {
      const key = await prepared('rootview');
      const ls = (await fx.run(key, ['/bin/probe', 'ls', '/'])).stdout.split('\n').filter(Boolean).sort();
      expect(ls).toEqual(['bin', 'dir', 'etc', 'lib']);
      expect((await fx.run(key, ['/bin/probe', 'cat', '/dockyard/wasi-runner.cjs'])).exit.exitCode).toBe(1);
      expect((await fx.run(key, ['/bin/probe', 'cat', '/../../usr/bin/node'])).exit.exitCode).toBe(1);
    });

    it('reads the overlay upper directory back as changes (added, changed, deleted, opaque)', async () => {
      const key = await prepared('changes');
      expect(await fx.snaps.changes(key)).toEqual([]);
      expect((await fx.run(key, ['/bin/probe', 'write', '/etc/new', 'n'])).exit.exitCode).toBe(0);
      expect((await fx.run(key, ['/bin/probe', 'rm', '/etc/keep'])).exit.exitCode).toBe(0);
      expect((await fx.run(key, ['/bin/probe', 'mkdir', '/made'])).exit.exitCode).toBe(0);
      expect((await fx.run(key, ['/bin/probe', 'rm', '/dir/new'])).exit.exitCode).toBe(0);
      const changes = await fx.snaps.changes(key);
      expect(changes.map((c) => `${c.kind} ${c.path}`)).toEqual(['C /dir', 'D /dir/new', 'C /etc', 'D /etc/keep', 'A /etc/new', 'A /made']);
      expect(changes.find((c) => c.path === '/etc/new')?.node).toEqual({ type: 'file', mode: expect.any(Number), content: enc.encode('n') });
    });

    it('/etc/hostname and /etc/hosts are the container\'s own, bind-mounted: never in its changes', async () => {
      const key = await prepared('etcfiles');
      expect((await fx.run(key, ['/bin/probe', 'cat', '/etc/hostname'], { hostname: 'named' })).stdout).toBe('named\n');
      expect((await fx.run(key, ['/bin/probe', 'cat', '/etc/hosts'])).stdout).toBe(hostsFile());
      // A write by the guest lands in the container's own file, not in its writable layer.
      expect((await fx.run(key, ['/bin/probe', 'write', '/etc/hostname', 'changed'])).exit.exitCode).toBe(0);
      expect(readFileSync(join(fx.data.container(key), 'hostname'), 'utf8')).toBe('changed');
      expect(await fx.snaps.changes(key)).toEqual([]);
      // The mount points cannot be removed from inside.
      expect((await fx.run(key, ['/bin/probe', 'rm', '/etc/hosts'])).exit.exitCode).toBe(1);
    });

    it('read: a directory of the merged root (image, init layer, writable layer with its deletions), what a new volume there starts with', async () => {
      const key = await prepared('read');
      expect((await fx.run(key, ['/bin/probe', 'write', '/etc/new', 'n'])).exit.exitCode).toBe(0);
      expect((await fx.run(key, ['/bin/probe', 'rm', '/etc/keep'])).exit.exitCode).toBe(0);
      const etc = (await fx.snaps.read(key, '/etc'))!;
      expect(etc.map(([p, n]) => `${p}:${n.type}`)).toEqual([':dir', 'hostname:file', 'hosts:file', 'new:file']);
      expect(etc.find(([p]) => p === 'hostname')?.[1]).toEqual({ type: 'file', mode: 0o644, content: new Uint8Array() });
      expect(etc.find(([p]) => p === 'new')?.[1]).toMatchObject({ type: 'file', content: enc.encode('n') });
      expect(await fx.snaps.read(key, '/lib')).toBeUndefined(); // a symlink (to /bin): not followed
      expect(await fx.snaps.read(key, '/bin/probe')).toBeUndefined();
      expect(await mountsUnder(fx.data.mounts)).toEqual([]);
    });

    it('an image whose /etc is a symlink out of the guest root cannot move the runtime files\' mounts: the init layer\'s /etc hides it', async () => {
      const hostile = await fx.layer([
        { type: 'file', path: 'bin/probe', mode: 0o755, content: fx.probe },
        { type: 'symlink', path: 'etc', target: '/dockyard' },
      ]);
      const key = 'hostile-etc';
      const runner = readdirSync(join(fx.data.runtime, 'runner'));
      await fx.snaps.prepare(key, [hostile]);
      keys.push(key);
      const r = await fx.run(key, ['/bin/probe', 'cat', '/etc/hostname']);
      expect(r).toMatchObject({ exit: { exitCode: 0 }, stdout: `${key}\n` });
      expect((await fx.run(key, ['/bin/probe', 'ls', '/etc'])).stdout.split('\n').filter(Boolean).sort()).toEqual(['hostname', 'hosts']);
      expect(readdirSync(join(fx.data.runtime, 'runner'))).toEqual(runner);
    });

    it('a directory copied up for a new file is not opaque; one deleted and made again is', async () => {
      const key = await prepared('opaque');
      expect((await fx.run(key, ['/bin/probe', 'write', '/etc/added', 'a'])).exit.exitCode).toBe(0);
      expect((await fx.run(key, ['/bin/probe', 'rm', '/dir/new'])).exit.exitCode).toBe(0);
      expect((await fx.run(key, ['/bin/probe', 'rmdir', '/dir'])).exit.exitCode).toBe(0);
      expect((await fx.run(key, ['/bin/probe', 'mkdir', '/dir'])).exit.exitCode).toBe(0);
      const changes = await fx.snaps.changes(key);
      // /etc's upper copy lacks "keep" (untouched, still below): committing it as opaque would delete it.
      expect(changes.find((c) => c.path === '/etc')).toMatchObject({ kind: 'C' });
      expect(changes.find((c) => c.path === '/etc')?.opaque).toBeUndefined();
      expect(changes.find((c) => c.path === '/dir')).toMatchObject({ kind: 'C', opaque: true });
    });

    it('lists a running container; its PID 1 ignores a SIGTERM it does not handle, as Docker\'s does, and SIGKILL ends it with 137', async () => {
      const key = await prepared('sigterm');
      let out = '';
      const init = await fx.rt.start(key, { args: ['/bin/probe', 'loop'], env: [], cwd: '/', hostname: 'sigterm', tty: false, openStdin: false, mounts: [] }, { stdout: (d) => (out += new TextDecoder().decode(d)), stderr: () => undefined });
      await waitFor(() => (out.includes('looping') ? true : undefined), 'the loop to start');
      expect(fx.rt.running()).toContain(key);
      let ended = false;
      void init.exited.then(() => (ended = true));
      init.kill('SIGTERM');
      init.kill('SIGINT');
      // Long enough for runc and the runner to pass both on (they take milliseconds): it is still running.
      await new Promise((r) => setTimeout(r, 1500));
      expect(ended).toBe(false);
      expect(fx.rt.running()).toContain(key);
      init.kill('SIGKILL');
      expect(await init.exited).toEqual({ exitCode: 137, oomKilled: false });
    });

    it('isolation (HOSTILE 24): no capabilities, no-new-privileges, own namespaces, masked /proc, pids and memory limits', async () => {
      const key = await prepared('isolation');
      let out = '';
      const p = await fx.rt.start(key, { args: ['/bin/probe', 'loop'], env: [], cwd: '/', hostname: fx.hostname(key), tty: false, openStdin: false, mounts: [], memoryBytes: 64 << 20 }, { stdout: (d) => (out += new TextDecoder().decode(d)), stderr: () => undefined });
      await waitFor(() => (out ? true : undefined), 'output');
      const pid = initPid(key);
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      for (const field of ['CapInh', 'CapPrm', 'CapEff', 'CapBnd', 'CapAmb']) expect(status).toMatch(new RegExp(`^${field}:\\s+0000000000000000$`, 'm'));
      expect(status).toMatch(/^NoNewPrivs:\s+1$/m);
      for (const tid of execFileSync('ls', [`/proc/${pid}/task`]).toString().split('\n').filter(Boolean)) {
        expect(readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8')).toMatch(/^CapEff:\s+0000000000000000$/m);
      }
      for (const ns of ['pid', 'mnt', 'uts', 'ipc', 'net']) expect(readlinkSync(`/proc/${pid}/ns/${ns}`)).not.toBe(readlinkSync(`/proc/self/ns/${ns}`));
      const mountinfo = readFileSync(`/proc/${pid}/mountinfo`, 'utf8');
      expect(mountinfo).toMatch(/ \/proc\/keys rw,/);
      expect(mountinfo).toMatch(/ \/proc\/sys ro,/);
      expect(mountinfo).toMatch(/ \/usr\/bin\/node ro,/);
      const cg = `/sys/fs/cgroup/pids/dockyard/${runcId(key)}`;
      expect(readFileSync(`${cg}/pids.max`, 'utf8').trim()).toBe('128');
      expect(Number(readFileSync(`/sys/fs/cgroup/memory/dockyard/${runcId(key)}/memory.limit_in_bytes`, 'utf8'))).toBeGreaterThanOrEqual(64 << 20);
      expect(execFileSync('nsenter', ['-t', String(pid), '-u', 'hostname']).toString().trim()).toBe(fx.hostname(key));
      expect(execFileSync('nsenter', ['-t', String(pid), '-n', 'cat', '/proc/net/dev']).toString()).not.toMatch(/eth|ens|wl/);
      p.kill('SIGKILL');
      await p.exited;
    });

    // The cases both hosts share, on box; last but one, so the check below covers their containers.
    let box: Promise<Digest[]> | undefined;
    conformanceSuite(spare ? 'runc, in warm spares' : 'runc', async () => ({
      runtime: fx.rt,
      async snapshot() {
        box ??= boxLayers(fx.blobs);
        const key = await fx.key(`conformance-${keys.length}`);
        await fx.snaps.prepare(key, await box);
        keys.push(key);
        return key;
      },
    }));

    it('leaves no runc container, mount or cgroup behind', async () => {
      expect(fx.rt.running()).toEqual([]);
      // The spare booted for the next container goes with the runtime.
      await fx.rt.close();
      expect(execFileSync('runc', ['--root', fx.data.runcState, 'list', '--quiet']).toString().trim()).toBe('');
      expect(await mountsUnder(fx.data.root)).toEqual([]);
      expect(await leftoverCgroups(new Set(keys.map(runcId)))).toEqual([]);
      expect(existsSync(fx.data.spares) ? readdirSync(fx.data.spares) : []).toEqual([]);
    });
  });
}
