import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanupHost } from '../../kernel-node/host-cleanup.ts';
import { DataRoot } from '../../kernel-node/data-root.ts';
import { writeBuiltinLayouts } from './layouts.ts';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface RunningService {
  dir: string;
  dataRoot: string;
  socket: string;
  port: number;
  token: string;
  child: ChildProcess;
  /** `docker` against the unix socket. */
  docker(args: string[], options?: { input?: string; env?: Record<string, string>; cwd?: string }): Promise<{ code: number; stdout: string; stderr: string }>;
  stop(): Promise<void>;
}

/** `npm run kernel` on a temp data root, socket and free port, with the built-in layouts assembled in the temp dir. */
export async function startService(dir: string): Promise<RunningService> {
  const images = join(dir, 'layouts');
  await writeBuiltinLayouts(images);
  const dataRoot = join(dir, 'root');
  const socket = join(dir, 'docker.sock');
  const child = spawn(process.execPath, ['--import', 'tsx', join(repo, 'kernel-node', 'main.ts'), '--data-root', dataRoot, '--socket', socket, '--port', '0', '--images', images, '--allow-origin', 'http://localhost:5173'], {
    cwd: repo,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (/playground origins allowed/.test(out)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`service exited with ${code}: ${out}${err}`)));
  });
  const port = Number(/tcp:\s+http:\/\/127\.0\.0\.1:(\d+)/.exec(out)![1]);
  const token = /token:\s+([0-9a-f]{64})/.exec(out)![1];
  const dockerConfig = join(dir, 'docker-config');
  mkdirSync(dockerConfig, { recursive: true });
  writeFileSync(join(dockerConfig, 'config.json'), '{}');
  const docker: RunningService['docker'] = (args, options = {}) =>
    new Promise((resolve) => {
      const p = execFile('docker', args, { cwd: options.cwd ?? dir, env: { PATH: process.env.PATH, HOME: dir, DOCKER_HOST: `unix://${socket}`, DOCKER_CONFIG: dockerConfig, ...options.env }, maxBuffer: 64 << 20 }, (e, stdout, stderr) =>
        resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
      if (options.input !== undefined) p.stdin!.end(options.input);
      else p.stdin!.end();
    });
  return {
    dir,
    dataRoot,
    socket,
    port,
    token,
    child,
    docker,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      await cleanupHost(new DataRoot(dataRoot));
    },
  };
}
