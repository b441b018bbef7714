/**
 * `npm run kernel` as the parity suite and the connect e2e test start it: a temp data root and
 * socket, a free loopback port, the site's own image layouts (images/layouts - the very files the
 * browser engine pulls from), and the playground origin allowed. Stopping it ends the service and
 * removes whatever it left (runc containers, mounts, cgroups) and the temp directory.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchKernel, repo } from '../kernel/launch.ts';

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
  const kernel = await launchKernel({ ...options, dataRoot: join(dir, 'root'), socket: join(dir, 'docker.sock'), images: join(repo, 'images', 'layouts') });
  return {
    url: `http://127.0.0.1:${kernel.port}`,
    port: kernel.port,
    token: kernel.token,
    get banner() {
      return kernel.banner;
    },
    child: kernel.child,
    async stop() {
      await kernel.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
