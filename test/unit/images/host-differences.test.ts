/**
 * Where the two hosts' adapters to the process host (harness.ts) still behave differently, and
 * where @wasmer/wasi and node:wasi differ underneath but the process host and the adapters make
 * them agree. Each difference is asserted per host, so a fix that removes one fails here.
 */
import { describe, expect, it } from 'vitest';
import { bothHosts, expectRun, expectSh, type FileSpec, type RunResult } from './harness.ts';

/** (module (memory (export "memory") 1) (func (export "_start") unreachable)) */
const TRAP = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x04, 0x01, 0x60, 0x00, 0x00,
  0x03, 0x02, 0x01, 0x00,
  0x05, 0x03, 0x01, 0x00, 0x01,
  0x07, 0x13, 0x02, 0x06, ...new TextEncoder().encode('memory'), 0x02, 0x00, 0x06, ...new TextEncoder().encode('_start'), 0x00, 0x00,
  0x0a, 0x05, 0x01, 0x03, 0x00, 0x00, 0x0b,
]);

async function each(script: string, files: FileSpec = {}): Promise<Record<'browser' | 'kernel', RunResult>> {
  const hosts = await bothHosts(files);
  try {
    const out = {} as Record<'browser' | 'kernel', RunResult>;
    for (const host of hosts) out[host.name] = host.run(['sh', '-c', script]);
    return out;
  } finally {
    for (const host of hosts) host.dispose();
  }
}

describe('host differences', () => {
  it('file times: the browser MemFS keeps none (touch -d has no effect), the kernel rootfs does', async () => {
    const r = await each('touch -d "2020-02-03 04:05:06" /tmp/t; stat -c %y /tmp/t');
    expect(r.kernel.stdout).toBe('2020-02-03 04:05:06.000000000 +0000\n');
    expect(r.browser.stdout).toBe('1970-01-01 00:00:00.000000000 +0000\n');
  });
});

describe('runtime differences the adapters cover', () => {
  it('isatty: @wasmer/wasi calls every stdio fd a terminal; without -t both hosts report a pipe', async () => {
    await expectSh('test -t 0; echo "fd0 $?"; test -t 1; echo "fd1 $?"', { stdout: 'fd0 1\nfd1 1\n' });
  });

  it('a child that traps: reported to its caller as 128 + 6 on both hosts (wasmer-js alone would end the caller too)', async () => {
    await expectSh('crash; echo "status $?"', { stdout: 'status 134\n', stderr: 'crash: wasm trap: unreachable\n' }, { files: { '/usr/local/bin/crash': TRAP } });
  });

  it('a program that traps: 134, trapped, its name and the trap on stderr', async () => {
    const results = await expectRun(['/trap'], { stderr: '/trap: wasm trap: unreachable\n', status: 134 }, { files: { '/trap': TRAP } });
    for (const r of results) expect(r.trapped).toBe(true);
  });

  it('sleeping: wasmer-js traps in poll_oneoff, the browser adapter waits on its doorbell instead', async () => {
    await expectSh('sleep 0.02; echo woke', { stdout: 'woke\n' });
  });

  it('symbolic links: node:wasi refuses absolute targets and wasmer-js has no links; the guest links rule serves both', async () => {
    await expectSh('cd /etc; ln -s hostname h; echo "ln $?"; cat h; ln -s /etc/hostname /tmp/abs; echo "ln $?"; cat /tmp/abs', { stdout: 'ln 0\nbox-test\nln 0\nbox-test\n' });
  });
});
