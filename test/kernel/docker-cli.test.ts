import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idleSpares, mountsLeft, runcLeft } from './leftovers.ts';
import { tempDir } from './harness.ts';
import { startService, type RunningService } from './service.ts';

let svc: RunningService;
const dir = tempDir('dockyard-cli-');

beforeAll(async () => {
  svc = await startService(dir);
});

afterAll(async () => {
  await svc?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function ok(args: string[], options?: Parameters<RunningService['docker']>[1]): Promise<string> {
  const r = await svc.docker(args, options);
  if (r.code !== 0) throw new Error(`docker ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

/** fetch() will not send a forged Host header; node:http will. */
function statusWithHost(port: number, host: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/_ping', headers: { Host: host, 'x-dockyard-token': token } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

/** The container's init process: runc's pid file is in its own bundle, or in the warm spare's it started in. */
describe('the real docker CLI against the kernel service', () => {
  it('docker version and info', async () => {
    const v = await ok(['version', '--format', '{{.Server.APIVersion}} {{.Server.Os}}']);
    expect(v.trim()).toBe('1.50 linux');
    const info = await ok(['info', '--format', '{{.OSType}} {{.Architecture}} {{.Swarm.LocalNodeState}}']);
    expect(info.trim()).toBe('linux wasm inactive');
  });

  it('docker pull and images', async () => {
    const r = await svc.docker(['pull', 'box']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Status: Downloaded newer image for box:latest');
    const images = await ok(['images', '--format', '{{.Repository}}:{{.Tag}}']);
    expect(images.split('\n')).toContain('box:latest');
  });

  it('docker run --rm hello-world (auto-pull), and nothing is left', async () => {
    const r = await svc.docker(['run', '--rm', 'hello-world']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Hello from Dock(er|yard)!/);
    expect(r.stderr).toContain('Unable to find image');
    expect((await ok(['ps', '-aq'])).trim()).toBe('');
  });

  it('exit statuses: the program own, 127 for a missing command', async () => {
    expect((await svc.docker(['run', '--rm', 'box', 'sh', '-c', 'exit 3'])).code).toBe(3);
    expect((await svc.docker(['run', '--rm', 'box', 'no-such-program'])).code).toBe(127);
  });

  it('docker run -i with piped stdin', async () => {
    expect(await ok(['run', '-i', '--rm', 'box', 'cat'], { input: 'piped line 1\npiped line 2\n' })).toBe('piped line 1\npiped line 2\n');
  });

  it('docker run -d, logs -f until stop, inspect, ps -a', async () => {
    const id = (await ok(['run', '-d', '--name', 'ticker', 'box', 'sh', '-c', 'echo tick; while true; do sleep 1; done'])).trim();
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    const follow = spawn('docker', ['logs', '-f', 'ticker'], { env: { ...process.env, DOCKER_HOST: `unix://${svc.socket}`, DOCKER_CONFIG: join(dir, 'docker-config') } });
    let followed = '';
    follow.stdout.on('data', (d: Buffer) => (followed += d.toString()));
    const followEnded = new Promise<number | null>((r) => follow.once('exit', r));
    for (let i = 0; i < 100 && !followed.includes('tick'); i++) await new Promise((r) => setTimeout(r, 50));
    expect(followed).toBe('tick\n');
    expect((await ok(['ps', '--format', '{{.Names}} {{.State}}'])).trim()).toBe('ticker running');
    expect((await ok(['stop', '-t', '2', 'ticker'])).trim()).toBe('ticker');
    expect(await followEnded).toBe(0);
    const state = JSON.parse(await ok(['inspect', '--format', '{{json .State}}', 'ticker'])) as { Status: string; ExitCode: number; OOMKilled: boolean };
    // A sh without a trap is a PID 1 that ignores SIGTERM, as with Docker: killed after the 2 s.
    expect(state).toMatchObject({ Status: 'exited', ExitCode: 137, OOMKilled: false });
    expect(await ok(['ps', '-a', '--format', '{{.Names}} {{.Status}}'])).toMatch(/^ticker Exited \(137\) /m);
    await ok(['rm', 'ticker']);
  });

  it('docker exec, diff, commit, history, tag, rmi, rm -f', async () => {
    await ok(['run', '-d', '--name', 'work', 'box', 'sh', '-c', 'while true; do sleep 1; done']);
    expect(await ok(['exec', 'work', 'sh', '-c', 'echo made by exec > /made; rm /etc/hostname 2>/dev/null; cat /made'])).toBe('made by exec\n');
    // A terminal's output is raw bytes (a pty's CRLF), even what comes before the attachment is set up.
    for (let i = 0; i < 3; i++) expect(await ok(['exec', '-t', 'work', 'echo', 'on a terminal'])).toBe('on a terminal\r\n');
    const diff = (await ok(['diff', 'work'])).trim().split('\n');
    expect(diff).toContain('A /made');
    const id = (await ok(['commit', '-c', 'CMD ["cat", "/made"]', 'work', 'committed:v1'])).trim();
    expect(id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await ok(['run', '--rm', 'committed:v1'])).toBe('made by exec\n');
    const history = await ok(['history', '--format', '{{.CreatedBy}}', 'committed:v1']);
    expect(history.split('\n')[0]).toContain('while true');
    await ok(['tag', 'committed:v1', 'committed:v2']);
    expect(await ok(['images', '--format', '{{.Repository}}:{{.Tag}}', 'committed'])).toContain('committed:v2');
    expect(await ok(['rmi', 'committed:v2'])).toBe('Untagged: committed:v2\n');
    expect((await ok(['rm', '-f', 'work'])).trim()).toBe('work');
    expect((await ok(['ps', '-aq', '--filter', 'name=work'])).trim()).toBe('');
  });

  it('docker volume create/ls/rm, and a volume outlives its container', async () => {
    expect((await ok(['volume', 'create', 'keep'])).trim()).toBe('keep');
    expect(await ok(['volume', 'ls', '--format', '{{.Name}} {{.Driver}}'])).toContain('keep local');
    await ok(['run', '--rm', '-v', 'keep:/data', 'box', 'sh', '-c', 'echo persisted > /data/f']);
    expect(await ok(['run', '--rm', '-v', 'keep:/data', 'box', 'cat', '/data/f'])).toBe('persisted\n');
    expect((await ok(['volume', 'rm', 'keep'])).trim()).toBe('keep');
  });

  it('DOCKER_BUILDKIT=0 docker build, then run the image', async () => {
    const ctx = join(dir, 'ctx');
    mkdirSync(ctx, { recursive: true });
    writeFileSync(join(ctx, 'Dockerfile'), 'FROM box\nRUN echo built > /built.txt\nCOPY hello.txt /hello.txt\nCMD ["cat", "/built.txt", "/hello.txt"]\n');
    writeFileSync(join(ctx, 'hello.txt'), 'from the context\n');
    const r = await svc.docker(['build', '-t', 'built:1', '.'], { cwd: ctx, env: { DOCKER_BUILDKIT: '0' } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Step 2/4 : RUN echo built > /built.txt');
    expect(r.stdout).toMatch(/Successfully built [0-9a-f]{12}\nSuccessfully tagged built:1\n/);
    expect(await ok(['run', '--rm', 'built:1'])).toBe('built\nfrom the context\n');
  });

  it('docker save and load', async () => {
    const tar = join(dir, 'saved.tar');
    await ok(['save', '-o', tar, 'built:1']);
    expect(readFileSync(tar).length).toBeGreaterThan(1024);
    await ok(['rmi', 'built:1']);
    expect((await ok(['load', '-i', tar])).trim()).toBe('Loaded image: built:1');
    expect(await ok(['run', '--rm', 'built:1'])).toBe('built\nfrom the context\n');
  });

  it('docker system df', async () => {
    const df = await ok(['system', 'df', '--format', '{{.Type}} {{.TotalCount}}']);
    expect(df).toMatch(/^Images [1-9]/m);
    expect(df).toMatch(/^Local Volumes 0$/m);
  });

  it('isolation inside a container (HOSTILE 24): no capabilities, NoNewPrivs, masked /proc, pids and memory limits set', async () => {
    const id = (await ok(['run', '-d', '--memory', '64m', 'box', 'sh', '-c', 'while true; do sleep 1; done'])).trim();
    // State.Pid is the host's number of the container's process (Docker's too): the one in its cgroup.
    const pid = Number((await ok(['inspect', '--format', '{{.State.Pid}}', id])).trim());
    expect(readFileSync(`/sys/fs/cgroup/pids/dockyard/dockyard-${id}/cgroup.procs`, 'utf8').split('\n')).toContain(String(pid));
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    expect(status).toMatch(/^CapEff:\s+0000000000000000$/m);
    expect(status).toMatch(/^CapBnd:\s+0000000000000000$/m);
    expect(status).toMatch(/^NoNewPrivs:\s+1$/m);
    expect(readFileSync(`/proc/${pid}/mountinfo`, 'utf8')).toMatch(/ \/proc\/keys /);
    expect(Number(readFileSync(`/sys/fs/cgroup/memory/dockyard/dockyard-${id}/memory.limit_in_bytes`, 'utf8'))).toBeGreaterThanOrEqual(64 << 20);
    expect(readFileSync(`/sys/fs/cgroup/pids/dockyard/dockyard-${id}/pids.max`, 'utf8').trim()).toBe('128');
    await ok(['rm', '-f', id]);
    // Out of memory -> 137 + OOMKilled: runtime.test.ts (a real allocator) and test/parity/limits-volumes
    // (box's stress, the container's own process and a program it starts, on both engines).
  });

  it('HOSTILE 25: WORKDIR /proc/self/fd/7 stays confined', async () => {
    const ctx = join(dir, 'ctx25');
    mkdirSync(ctx, { recursive: true });
    writeFileSync(join(ctx, 'Dockerfile'), 'FROM box\nWORKDIR /proc/self/fd/7\nCMD ["sh", "-c", "pwd; ls /"]\n');
    const b = await svc.docker(['build', '-t', 'weird:1', '.'], { cwd: ctx, env: { DOCKER_BUILDKIT: '0' } });
    expect(b.code).toBe(0);
    const r = await svc.docker(['run', '--rm', 'weird:1']);
    expect(r.stdout).not.toMatch(/dockyard|rootfs|wasi-runner/);
    expect(r.stdout).toContain('/proc/self/fd/7');
  });

  it('the TCP listener: token, Host and Origin checks (HOSTILE 19-22), and the docker CLI with HttpHeaders', async () => {
    const url = `http://127.0.0.1:${svc.port}`;
    const h = { 'x-dockyard-token': svc.token };
    expect((await fetch(`${url}/_ping`)).status).toBe(401);
    expect((await fetch(`${url}/_ping?token=${svc.token}`)).status).toBe(401);
    expect((await fetch(`${url}/_ping`, { headers: { 'x-dockyard-token': 'f'.repeat(64) } })).status).toBe(401);
    const okPing = await fetch(`${url}/_ping`, { headers: h });
    expect(okPing.status).toBe(200);
    expect(await okPing.text()).toBe('OK');
    expect(okPing.headers.get('access-control-allow-origin')).toBeNull();
    expect(await statusWithHost(svc.port, `evil.example:${svc.port}`, svc.token)).toBe(403);
    expect(await statusWithHost(svc.port, `localhost:${svc.port}`, svc.token)).toBe(200);
    const foreign = await fetch(`${url}/_ping`, { headers: { ...h, Origin: 'https://evil.example' } });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('content-type')).toBe('application/json');
    const playground = await fetch(`${url}/_ping`, { headers: { ...h, Origin: 'http://localhost:5173' } });
    expect(playground.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    for (const hostConfig of [{ Privileged: true }, { Binds: ['/:/host'] }, { CapAdd: ['SYS_ADMIN'] }, { PidMode: 'host' }, { NetworkMode: 'host' }, { Devices: [{ PathOnHost: '/dev/sda', PathInContainer: '/dev/sda', CgroupPermissions: 'rwm' }] }]) {
      const r = await fetch(`${url}/v1.50/containers/create`, { method: 'POST', headers: { ...h, 'Content-Type': 'application/json' }, body: JSON.stringify({ Image: 'box', HostConfig: hostConfig }) });
      expect(r.status, JSON.stringify(hostConfig)).toBe(400);
      expect(r.headers.get('content-type')).toBe('application/json');
    }
    const cfg = join(dir, 'tcp-config');
    mkdirSync(cfg, { recursive: true });
    writeFileSync(join(cfg, 'config.json'), JSON.stringify({ HttpHeaders: { 'X-Dockyard-Token': svc.token } }));
    const r = await svc.docker(['run', '--rm', 'box', 'echo', 'over tcp'], { env: { DOCKER_HOST: `tcp://127.0.0.1:${svc.port}`, DOCKER_CONFIG: cfg } });
    expect(r.stdout).toBe('over tcp\n');
    const refused = await svc.docker(['ps'], { env: { DOCKER_HOST: `tcp://127.0.0.1:${svc.port}` } });
    expect(refused.code).not.toBe(0);
  });

  it('the unix socket is root-only (0600)', () => {
    expect(execFileSync('stat', ['-c', '%a', svc.socket]).toString().trim()).toBe('600');
  });

  it('leaves no runc container or mount behind once containers are removed (but the warm spare for the next run)', async () => {
    expect((await ok(['ps', '-aq'])).trim()).toBe('');
    expect(idleSpares(svc.dataRoot).length).toBeLessThanOrEqual(1);
    expect(runcLeft(svc.dataRoot)).toEqual([]);
    expect(await mountsLeft(svc.dataRoot)).toEqual([]);
    expect(readdirSync(join(svc.dataRoot, 'containers'))).toEqual([]);
  });
});
