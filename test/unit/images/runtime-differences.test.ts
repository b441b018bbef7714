/**
 * Where node:wasi and @wasmer/wasi 1.2.2 behave differently, and what box or the hosts do about it.
 * Each difference is asserted per runtime, so a runtime upgrade that removes one fails here.
 */
import { describe, expect, it } from 'vitest';
import { BOX, bothRuntimes } from './harness.ts';
import type { RunOptions, RunResult, TestRuntime } from './runtimes/types.ts';
import type { FileSpec } from './runtimes/types.ts';

/** (module (memory (export "memory") 1) (func (export "_start") unreachable)) */
const TRAP = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x04, 0x01, 0x60, 0x00, 0x00,
  0x03, 0x02, 0x01, 0x00,
  0x05, 0x03, 0x01, 0x00, 0x01,
  0x07, 0x13, 0x02, 0x06, ...new TextEncoder().encode('memory'), 0x02, 0x00, 0x06, ...new TextEncoder().encode('_start'), 0x00, 0x00,
  0x0a, 0x05, 0x01, 0x03, 0x00, 0x00, 0x0b,
]);

async function each(script: string, options: RunOptions & { files?: FileSpec } = {}): Promise<Record<string, RunResult & { rt: TestRuntime }>> {
  const rts = await bothRuntimes(options.files);
  const out: Record<string, RunResult & { rt: TestRuntime }> = {};
  for (const rt of rts) out[rt.name] = { rt, ...rt.run(['sh', '-c', script], options) };
  for (const rt of rts) rt.dispose();
  return out;
}

describe('runtime differences', () => {
  it('isatty: wasmer reports every stdio descriptor as a terminal, so box also requires TERM (docker run -t sets it)', async () => {
    const probe = 'test -t 0; echo "fd0 $?"';
    const plain = await each(probe);
    // test -t is a plain isatty(): it shows the raw difference
    expect(plain['node:wasi'].stdout).toBe('fd0 1\n');
    expect(plain['@wasmer/wasi'].stdout).toBe('fd0 0\n');
    // the prompt decision uses box_isatty (isatty + TERM): without TERM no runtime gets a prompt
    const shell = await each('echo "echo hi" | sh');
    expect(shell['node:wasi'].stderr).toBe('');
    expect(shell['@wasmer/wasi'].stderr).toBe('');
  });

  it('file times: wasmer MemFS keeps no mtimes (touch -d has no effect), node:wasi does', async () => {
    const r = await each('touch -d "2020-02-03 04:05:06" /tmp/t; stat -c %y /tmp/t');
    expect(r['node:wasi'].stdout).toBe('2020-02-03 04:05:06.000000000 +0000\n');
    expect(r['@wasmer/wasi'].stdout).toBe('1970-01-01 00:00:00.000000000 +0000\n');
  });

  it('a child that traps: node:wasi reports it to the caller (128 + 6); under wasmer-js it ends the caller too', async () => {
    const r = await each('crash; echo "status $?"', { files: { '/usr/local/bin/crash': TRAP } });
    expect(r['node:wasi']).toMatchObject({ stdout: 'status 134\n', trapped: false, status: 0 });
    expect(r['@wasmer/wasi']).toMatchObject({ stdout: '', trapped: true });
  });

  it('sleeping: wasmer-js traps in poll_oneoff, so its harness (and the browser worker) must provide clock waits', async () => {
    // with the harness's poll_oneoff both runtimes sleep; this asserts the harness path works
    const r = await each('sleep 0.02; echo woke');
    expect(r['node:wasi'].stdout).toBe('woke\n');
    expect(r['@wasmer/wasi'].stdout).toBe('woke\n');
    expect(BOX.length).toBeGreaterThan(0);
  });
  it('symbolic links: node:wasi makes relative ones and refuses absolute targets; under wasmer-js ln succeeds but opening the link traps', async () => {
    const r = await each('cd /etc; ln -s hostname h; echo "ln $?"; cat h; ln -s /etc/hostname /tmp/abs; echo "ln $?"');
    expect(r['node:wasi']).toMatchObject({ stdout: 'ln 0\nbox-test\nln 1\n', stderr: 'ln: /tmp/abs: Operation not permitted\n' });
    expect(r['@wasmer/wasi']).toMatchObject({ stdout: 'ln 0\n', trapped: true });
  });
});
