/**
 * Compose against the kernel service, from two independent clients of its Engine API:
 * Debian's docker-compose 1.29 (Python, docker-py, its own call sequence) brings a web + kv
 * project with a volume up, lists, reads logs, execs and takes it down with -v; then our own
 * `docker compose` (engine/cli over the HTTP client) does the same, and the real docker CLI lists
 * what each made by Compose's labels. No port is published: a host port, fixed or ephemeral, may
 * be another program's on a shared machine (the unit tests cover publishing, on virtual ports).
 * The services trap SIGTERM, so a stop takes a second at most, not the 10 s grace period of a
 * PID 1 that ignores it.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { DockerApiEngine, type WebSocketConstructor } from '../../engine/docker-api/client.ts';
import { runDocker } from '../../engine/cli/index.ts';
import { tempDir } from './harness.ts';
import { startService, type RunningService } from './service.ts';

let svc: RunningService;
const dir = tempDir('dockyard-compose-');
const project = join(dir, 'hits');

const COMPOSE_FILE = `version: "3.8"
services:
  web:
    image: box
    command: sh -c 'trap "exit 0" TERM; echo web up; while true; do sleep 1; done'
    expose: ["80"]
    depends_on: [kv]
  kv:
    image: box
    command: sh -c 'trap "exit 0" TERM; echo kv up; echo saved > /data/db; while true; do sleep 1; done'
    volumes: [kvdata:/data]
volumes:
  kvdata:
`;

beforeAll(async () => {
  svc = await startService(dir);
  mkdirSync(project, { recursive: true });
  writeFileSync(join(project, 'docker-compose.yml'), COMPOSE_FILE);
  const pulled = await svc.docker(['pull', 'box']);
  if (pulled.code !== 0) throw new Error(pulled.stderr);
});

afterAll(async () => {
  await svc?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function dockerCompose(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('docker-compose', args, { cwd: project, env: { PATH: process.env.PATH, HOME: dir, DOCKER_HOST: `unix://${svc.socket}` } }, (e, stdout, stderr) =>
      resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const lines = (text: string) => text.trim().split('\n').filter(Boolean);
const listed = async (filter: string) => lines((await svc.docker(['ps', '-a', '--filter', filter, '--format', '{{.Names}}'])).stdout).sort();

describe('docker-compose 1.29 against the kernel service', () => {
  it('up -d, ps, logs, exec, down -v', async () => {
    const up = await dockerCompose(['up', '-d']);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stderr).toContain('Creating network "hits_default" with the default driver');
    expect(up.stderr).toContain('Creating volume "hits_kvdata" with default driver');
    expect(up.stderr).toMatch(/Creating hits_kv_1 +\.\.\. done/);
    expect(up.stderr).toMatch(/Creating hits_web_1 +\.\.\. done/);
    expect(await listed('label=com.docker.compose.project=hits')).toEqual(['hits_kv_1', 'hits_web_1']);
    expect(await listed('label=com.docker.compose.service=web')).toEqual(['hits_web_1']);

    const ps = await dockerCompose(['ps']);
    expect(ps.code).toBe(0);
    const rows = lines(ps.stdout).slice(2);
    expect(rows.map((r) => r.split(/\s+/)[0])).toEqual(['hits_kv_1', 'hits_web_1']);
    expect(rows.every((r) => / Up /.test(r))).toBe(true);

    let logs = '';
    for (let i = 0; i < 100 && !logs.includes('kv up'); i++) {
      logs = (await dockerCompose(['logs', '--no-color', 'kv'])).stdout;
      if (!logs.includes('kv up')) await new Promise((r) => setTimeout(r, 100));
    }
    expect(logs).toMatch(/^kv_1 +\| kv up$/m);
    const exec = await dockerCompose(['exec', '-T', 'kv', 'cat', '/data/db']);
    expect(exec).toMatchObject({ code: 0, stdout: 'saved\n' });

    const down = await dockerCompose(['down', '-v']);
    expect(down.code, down.stderr).toBe(0);
    expect(down.stderr).toContain('Removing network hits_default');
    expect(down.stderr).toContain('Removing volume hits_kvdata');
    expect(await listed('label=com.docker.compose.project=hits')).toEqual([]);
    expect((await svc.docker(['volume', 'ls', '-q'])).stdout).toBe('');
    expect((await svc.docker(['network', 'ls', '--format', '{{.Name}}'])).stdout).not.toContain('hits_default');
  });
});

describe('our docker compose over the kernel client', () => {
  it('up -d, ps, exec, down -v - and the real docker CLI sees what it made', async () => {
    const engine = new DockerApiEngine({ baseUrl: `http://127.0.0.1:${svc.port}`, token: svc.token, WebSocket: WebSocket as unknown as WebSocketConstructor });
    const run = async (line: string[]) => {
      let stdout = '';
      let stderr = '';
      const code = await runDocker(engine, ['compose', ...line], {
        stdout: (t) => (stdout += t),
        stderr: (t) => (stderr += t),
        workingDir: project,
        readFile: async (path) => new Uint8Array(await import('node:fs/promises').then((fs) => fs.readFile(join(project, path)))),
      });
      return { code, stdout, stderr };
    };
    const up = await run(['up', '-d']);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stderr).toContain(' Container hits-web-1  Started\n');
    expect(await listed('label=com.docker.compose.project=hits')).toEqual(['hits-kv-1', 'hits-web-1']);
    expect((await svc.docker(['network', 'inspect', '-f', '{{index .Labels "com.docker.compose.network"}}', 'hits_default'])).stdout).toBe('default\n');
    const ps = await run(['ps', '--services']);
    expect(ps.stdout).toBe('kv\nweb\n');
    expect(await run(['exec', '-T', 'kv', 'sh', '-c', 'sleep 1; cat /data/db'])).toMatchObject({ code: 0, stdout: 'saved\n' });
    const down = await run(['down', '-v']);
    expect(down.code, down.stderr).toBe(0);
    expect(down.stderr).toContain(' Volume "hits_kvdata"  Removed\n');
    expect(await listed('label=com.docker.compose.project=hits')).toEqual([]);
  });
});
