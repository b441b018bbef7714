/**
 * dockyard.spawn: box's shell runs WASI modules that are not its applets through the host import,
 * on the same file system, under both runtimes. The program used here is box itself installed
 * under a name that is not an applet (/usr/local/bin/tool): box then dispatches on argv[1].
 */
import { describe, expect, it } from 'vitest';
import { capMemory } from '../../../engine/wasi/memory-limit.ts';
import { BOX, expectSh } from './harness.ts';

// A child that traps: see runtime-differences.test.ts (the two runtimes differ there).

const files = {
  '/usr/local/bin/tool': BOX, '/usr/local/bin/small': capMemory(BOX, 24 << 20)!,
  '/srv/plain.sh': 'echo "plain script $1"\n',
};

describe('sh runs other WASI programs through dockyard.spawn', () => {
  it('runs a program found in PATH with its arguments; output inherits the terminal', async () => {
    await expectSh('echo before; tool echo from a child; echo after', { stdout: 'before\nfrom a child\nafter\n' }, { files });
  });
  it('passes the exit status back', async () => {
    await expectSh('tool false; echo $?; tool sh -c "exit 9"; echo $?', { stdout: '1\n9\n' }, { files });
  });
  it('the child works in the caller\'s directory and environment', async () => {
    await expectSh('cd /data; export GREETING=hello; LOCAL=no; tool pwd; tool printenv GREETING; tool ls; tool printenv LOCAL; echo $?', {
      stdout: '/data\nhello\nfruits.txt\nnumbers.txt\ntable.csv\n1\n',
    }, { files });
  });
  it('redirections: > file, >> file, < file, 2> file, 2>&1', async () => {
    await expectSh('tool echo one > /tmp/o; tool echo two >> /tmp/o; tool cat < /tmp/o; tool ls /nope 2> /tmp/e; cat /tmp/e; tool ls /nope > /tmp/both 2>&1; cat /tmp/both', {
      stdout: 'one\ntwo\nls: /nope: No such file or directory\nls: /nope: No such file or directory\n',
    }, { files });
  });
  it('pipelines into and out of a child go through temporary files in /tmp', async () => {
    await expectSh('tool echo hello | tr a-z A-Z; printf "b\\na\\n" | tool sort; tool seq 3 | tool tail -n 1; ls -A /tmp', { stdout: 'HELLO\na\nb\n3\n' }, { files });
  });
  it('children can spawn children', async () => {
    await expectSh('tool sh -c "tool echo two levels down"', { stdout: 'two levels down\n' }, { files });
  });
  it('a child under a memory limit reports running out', async () => {
    await expectSh('small stress --vm-bytes 64M --vm-step 16M; echo "status $?"', {
      stdout: 'stress: allocating 64 MiB in steps of 16 MiB\nstress: 16 MiB allocated\nstatus 137\n',
      stderr: "stress: out of memory after 16 MiB: the container's memory limit was reached\n",
    }, { files });
  });
  it('a text file without #! runs as a shell script', async () => {
    await expectSh('sh /srv/plain.sh a; cd /srv; ./plain.sh b', { stdout: 'plain script a\nplain script b\n' }, { files });
  });
  it('a runtime that stubs the import: a clear message and 126', async () => {
    const results = await expectSh('tool echo hi; echo "status $?"', {
      stdout: 'status 126\n',
      stderr: 'sh: tool: cannot run: this WASI runtime does not provide dockyard.spawn, so box can only run its own applets\n',
    }, { files, stubSpawn: true });
    expect(results).toHaveLength(2);
  });
  it('applets still work without the import', async () => {
    await expectSh('echo fine | wc -l', { stdout: '1\n' }, { files, stubSpawn: true });
  });
});
