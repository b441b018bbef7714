/**
 * dockyard.spawn: box's shell runs WASI modules that are not its applets through the host import,
 * on the same file system, on both hosts' adapters. The program used here is box itself installed
 * under a name that is not an applet (/usr/local/bin/tool): box then dispatches on argv[1].
 */
import { mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WASI } from 'node:wasi';
import { describe, expect, it } from 'vitest';
import { capMemory } from '../../../engine/wasi/memory-limit.ts';
import { SPAWN_MAX_DEPTH } from '../../../engine/wasi/spawn-abi.ts';
import { unavailableSocketImports } from '../../../engine/wasi/socket-abi.ts';
import { BOX, bothHosts, expectSh } from './harness.ts';

/**
 * box under a plain WASI runtime told to stub imports it does not know (wasmtime's
 * --unknown-imports-default, wasmer's stubs): dockyard.spawn answers 0. Not one of our hosts.
 */
function withoutSpawn(script: string): { status: number; stdout: string; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'no-spawn-'));
  try {
    mkdirSync(join(dir, 'root/usr/local/bin'), { recursive: true });
    writeFileSync(join(dir, 'root/usr/local/bin/tool'), BOX);
    writeFileSync(join(dir, 'out'), '');
    writeFileSync(join(dir, 'err'), '');
    const stdout = openSync(join(dir, 'out'), 'a');
    const stderr = openSync(join(dir, 'err'), 'a');
    const wasi = new WASI({ version: 'preview1', args: ['sh', '-c', script], env: { PATH: '/bin:/usr/local/bin', PWD: '/' }, preopens: { '/': join(dir, 'root') }, returnOnExit: true, stdout, stderr });
    const instance = new WebAssembly.Instance(new WebAssembly.Module(BOX), { wasi_snapshot_preview1: wasi.wasiImport, dockyard: { spawn: () => 0, signal: () => 0 }, ...unavailableSocketImports() } as WebAssembly.Imports);
    const status = wasi.start(instance);
    closeSync(stdout);
    closeSync(stderr);
    return { status, stdout: readFileSync(join(dir, 'out'), 'utf8'), stderr: readFileSync(join(dir, 'err'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `sh -c` nested `levels` times through dockyard.spawn (each level is a new program), then `echo reached`. */
function nested(levels: number): string {
  let script = 'echo reached';
  for (let i = 0; i < levels; i++) script = `tool sh -c ${JSON.stringify(script).replace(/\$/g, '\\$')}`;
  return script;
}

// A child that traps: see runtime-differences.test.ts (the two runtimes differ there).

const files = {
  '/usr/local/bin/tool': BOX, '/usr/local/bin/small': capMemory(BOX, 24 << 20)!,
  '/srv/plain.sh': 'echo "plain script $1"\n',
};

describe('how deep programs nest (one rule, engine/wasi/process-host.ts maySpawn)', () => {
  it(`a chain of ${SPAWN_MAX_DEPTH} spawned programs runs on both hosts; one more is refused and the shell says so`, async () => {
    const hosts = await bothHosts(files);
    try {
      for (const host of hosts) {
        expect({ host: host.name, ...pick(host.run(['sh', '-c', nested(SPAWN_MAX_DEPTH)])) }).toEqual({ host: host.name, status: 0, stdout: 'reached\n', stderr: '' });
        const deeper = host.run(['sh', '-c', nested(SPAWN_MAX_DEPTH + 1)]);
        expect({ host: host.name, ...pick(deeper) }).toEqual({ host: host.name, status: 126, stdout: '', stderr: 'sh: tool: cannot run: too many nested programs\n' });
      }
    } finally {
      for (const host of hosts) host.dispose();
    }
  });
});

function pick(r: { status: number; stdout: string; stderr: string }): { status: number; stdout: string; stderr: string } {
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

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
  it('a runtime that stubs the import: a clear message and 126', () => {
    expect(withoutSpawn('tool echo hi; echo "status $?"')).toEqual({
      status: 0,
      stdout: 'status 126\n',
      stderr: 'sh: tool: cannot run: this WASI runtime does not provide dockyard.spawn, so box can only run its own applets\n',
    });
  });
  it('applets still work without the import', () => {
    expect(withoutSpawn('echo fine | wc -l')).toEqual({ status: 0, stdout: '1\n', stderr: '' });
  });
});
