/**
 * `npm run kernel` as the parity suite and the connect e2e test start it: a temp data root and
 * socket, a free loopback port, the site's own image layouts (images/layouts - the very files the
 * browser engine pulls from), and the playground origin allowed. Stopping it ends the service and
 * removes whatever it left (runc containers, mounts, cgroups) and the temp directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataRoot } from '../../kernel-node/data-root.ts';
import { cleanupHost } from '../../kernel-node/host-cleanup.ts';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface KernelService {
  url: string;
  port: number;
  token: string;
  /** The start banner, as a learner would read it. */
  banner: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export async function startKernelService(options: { allowOrigin: string[]; playground?: string }): Promise<KernelService> {
  const dir = mkdtempSync(join(tmpdir(), 'dockyard-parity-kernel-'));
  const dataRoot = join(dir, 'root');
  const args = [
    '--import', 'tsx', join(repo, 'kernel-node', 'main.ts'),
    '--data-root', dataRoot, '--socket', join(dir, 'docker.sock'), '--port', '0',
    '--images', join(repo, 'images', 'layouts'),
    ...options.allowOrigin.flatMap((o) => ['--allow-origin', o]),
    ...(options.playground ? ['--playground', options.playground] : []),
  ];
  const child = spawn(process.execPath, args, { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (/playground origins allowed.*\n/.test(out)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`kernel service exited with ${code}:\n${out}${err}`)));
  });
  const port = Number(/tcp:\s+http:\/\/127\.0\.0\.1:(\d+)/.exec(out)![1]);
  const token = /token:\s+([0-9a-f]{64})/.exec(out)![1];
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    token,
    get banner() {
      return out;
    },
    child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await cleanupHost(new DataRoot(dataRoot));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
