/**
 * The process host's rules (engine/wasi/process-host.ts) on both hosts' real adapters, in Node:
 * what a container whose program cannot run shows (Docker's status and State.Error; nothing on
 * stderr - the core makes it Docker's failed start and the CLI prints the error), the memory limit
 * at start, the environment under -t.
 */
import { describe, expect, it } from 'vitest';
import { containerEnv } from '../../../engine/wasi/process-host.ts';
import { expectRun, type RunResult } from '../images/harness.ts';

/** What both hosts give for a program that cannot start: the status and the error, no output. */
async function cannotStart(argv: string[], status: number, error: string, files = {}): Promise<void> {
  const results = await expectRun(argv, { status, stderr: '' }, { files });
  for (const r of results) expect(r.error).toBe(error);
}

describe("a container's program that cannot run (docker run box CMD)", () => {
  it('a path to nothing: 127, stat ... no such file or directory', async () => {
    await cannotStart(['/nonexistent'], 127, 'exec: "/nonexistent": stat /nonexistent: no such file or directory');
  });
  it('a name not on PATH: 127, executable file not found in $PATH', async () => {
    await cannotStart(['nonexistent'], 127, 'exec: "nonexistent": executable file not found in $PATH');
  });
  it('a directory: 126, permission denied', async () => {
    await cannotStart(['/etc'], 126, 'exec: "/etc": permission denied');
  });
  it('a file that is not a WebAssembly module: 126, exec format error', async () => {
    await cannotStart(['/etc/passwd'], 126, 'exec: "/etc/passwd": exec format error');
  });
  it('a module WebAssembly refuses: 126, exec format error', async () => {
    await cannotStart(['/bin/broken'], 126, 'exec: "/bin/broken": exec format error', { '/bin/broken': new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 0xff]) });
  });
  it('a link that loops: 127 as nothing there', async () => {
    await cannotStart(['/bin/loop'], 127, 'exec: "/bin/loop": stat /bin/loop: no such file or directory', { '/bin/loop': { link: 'loop' } });
  });
});

describe('the memory limit at start', () => {
  it('a program whose first pages are over --memory is killed at once: 137, OOMKilled, no word', async () => {
    // box asks for more than 1 MiB of initial memory.
    const results: RunResult[] = await expectRun(['sh', '-c', 'echo never'], { status: 137 }, { memoryBytes: 1 << 20 });
    for (const r of results) expect(r).toMatchObject({ oomKilled: true, trapped: false });
  });
  it('under the limit it runs', async () => {
    await expectRun(['sh', '-c', 'echo fits'], { stdout: 'fits\n' }, { memoryBytes: 64 << 20 });
  });
});

describe('the environment of a container process', () => {
  it('-t adds TERM=xterm unless the container sets its own; PWD is the working directory', () => {
    expect(containerEnv({ env: ['PATH=/bin'], cwd: '/srv', tty: true })).toEqual(['TERM=xterm', 'PATH=/bin', 'PWD=/srv']);
    expect(containerEnv({ env: ['TERM=dumb'], cwd: '/', tty: true })).toEqual(['TERM=dumb', 'PWD=/']);
    expect(containerEnv({ env: ['PATH=/bin'], cwd: '', tty: false })).toEqual(['PATH=/bin', 'PWD=/']);
  });
  it('a program sees it on both hosts', async () => {
    await expectRun(['sh', '-c', 'pwd; printenv PWD'], { stdout: '/data\n/data\n' }, { cwd: '/data' });
  });
});
