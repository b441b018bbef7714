/**
 * `npm run kernel` as a child process for the tests: started with the given arguments, ready once
 * its banner has printed the playground line, its TCP port and token read from that banner.
 * `stop` ends it and removes what it left on the host (runc containers, mounts, cgroups).
 * test/kernel/service.ts and test/parity/kernel-service.ts start it this way.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataRoot } from '../../kernel-node/store/data-root.ts';
import { cleanupHost } from '../../kernel-node/runtime/host-cleanup.ts';

export const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface LaunchedKernel {
  port: number;
  token: string;
  /** Everything it has printed so far: the start banner, as a learner would read it. */
  readonly banner: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export async function launchKernel(options: { dataRoot: string; socket: string; images: string; allowOrigin: string[]; playground?: string }): Promise<LaunchedKernel> {
  const args = [
    '--import', 'tsx', join(repo, 'kernel-node', 'main.ts'),
    '--data-root', options.dataRoot, '--socket', options.socket, '--port', '0',
    '--images', options.images,
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
  return {
    port: Number(/tcp:\s+http:\/\/127\.0\.0\.1:(\d+)/.exec(out)![1]),
    token: /token:\s+([0-9a-f]{64})/.exec(out)![1],
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
      await cleanupHost(new DataRoot(options.dataRoot));
    },
  };
}
