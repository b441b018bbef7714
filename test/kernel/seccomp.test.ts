import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Digest, RunningProcess } from '../../engine/ports.ts';
import { cleanupHost } from '../../kernel-node/runtime/host-cleanup.ts';
import { processSpec } from '../../kernel-node/runtime/oci-spec.ts';
import { runcId } from '../../kernel-node/runtime/runc-runtime.ts';
import { runtimeFixture, type RuntimeFixture } from './harness.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
let fx: RuntimeFixture;
let layers: Digest[];
let loop: RunningProcess;
const KEY = 'seccomp';

beforeAll(async () => {
  fx = await runtimeFixture();
  const sysprobe = join(fx.dir, 'sysprobe');
  execFileSync('gcc', ['-static', '-O2', '-o', sysprobe, join(here, 'fixtures', 'sysprobe.c')]);
  layers = [
    await fx.layer([
      { type: 'file', path: 'bin/probe', mode: 0o755, content: fx.probe },
      { type: 'file', path: 'bin/sysprobe', mode: 0o755, content: new Uint8Array(readFileSync(sysprobe)) },
    ]),
  ];
  await fx.snaps.prepare(KEY, layers);
  let out = '';
  loop = await fx.rt.start(KEY, { args: ['/bin/probe', 'loop'], env: [], cwd: '/', hostname: KEY, tty: false, openStdin: false, mounts: [] }, { stdout: (d) => (out += new TextDecoder().decode(d)), stderr: () => undefined });
  for (let i = 0; i < 400 && !out; i++) await new Promise((r) => setTimeout(r, 25));
});

afterAll(async () => {
  loop?.kill('SIGKILL');
  await loop?.exited;
  await fx.snaps.remove(KEY);
  await cleanupHost(fx.data);
  rmSync(fx.dir, { recursive: true, force: true });
});

/** A native program run in the container by `runc exec` (the service only ever runs the WASI runner: this is the filter's own test). */
function execNative(args: string[]): string {
  const file = join(fx.dir, 'process.json');
  writeFileSync(file, JSON.stringify(processSpec(args)));
  const r = spawnSync('runc', ['--root', fx.data.runcState, 'exec', '--process', file, runcId(KEY)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`runc exec ${args.join(' ')}: ${r.status} ${r.stderr}`);
  return r.stdout;
}

describe('the seccomp filter of a kernel-service container', () => {
  it('refuses namespaces, mounts, keyrings, ptrace and personality with EPERM; clone3 with ENOSYS; a plain fork still works', () => {
    const lines = Object.fromEntries(
      execNative(['/rootfs/bin/sysprobe'])
        .trim()
        .split('\n')
        .map((l) => l.split(' ') as [string, string]),
    );
    expect(lines).toEqual({
      keyctl: 'EPERM',
      'unshare-user': 'EPERM',
      'unshare-mount': 'EPERM',
      mount: 'EPERM',
      personality: 'EPERM',
      'clone-newuts': 'EPERM',
      clone3: 'ENOSYS',
      fork: 'ok',
      ptrace: 'EPERM',
    });
  });

  it('is in force on the runner (Node) itself, and the guest still runs: output, stdin, files, exit status', async () => {
    const pid = Number(readFileSync(join(fx.data.container(KEY), 'bundle', 'init.pid'), 'utf8'));
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    expect(status).toMatch(/^Seccomp:\s+2$/m);
    expect(status).toMatch(/^Seccomp_filters:\s+1$/m);
    const key = 'seccomp-run';
    await fx.snaps.prepare(key, layers);
    try {
      expect((await fx.run(key, ['/bin/probe', 'echo', 'still', 'runs'])).stdout).toBe('still runs\n');
      expect((await fx.run(key, ['/bin/probe', 'cat'], {}, 'through stdin\n')).stdout).toBe('through stdin\n');
      expect((await fx.run(key, ['/bin/probe', 'write', '/made', 'x'])).exit.exitCode).toBe(0);
      expect((await fx.run(key, ['/bin/probe', 'cat', '/made'])).stdout).toBe('x');
      expect((await fx.run(key, ['/bin/probe', 'exit', '3'])).exit).toEqual({ exitCode: 3, oomKilled: false });
    } finally {
      await fx.snaps.remove(key);
    }
  });
});
