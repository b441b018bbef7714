import { execFile, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchKernel } from './launch.ts';
import { writeBuiltinLayouts } from './layouts.ts';

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
  const kernel = await launchKernel({ dataRoot, socket, images, allowOrigin: ['http://localhost:5173'] });
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
    port: kernel.port,
    token: kernel.token,
    child: kernel.child,
    docker,
    stop: () => kernel.stop(),
  };
}
