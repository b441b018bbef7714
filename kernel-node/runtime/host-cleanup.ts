import { execFile } from 'node:child_process';
import { readdir, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { DataRoot } from '../store/data-root.ts';
import { mountsUnder, unmount } from './mounts.ts';
import { CGROUP_PARENT, runcId } from './runc-runtime.ts';
import { removeNetworkNamespaces } from '../net/kernel-network.ts';

const run = promisify(execFile);
const CGROUP_ROOT = '/sys/fs/cgroup';

export interface CleanupReport {
  containers: string[];
  mounts: string[];
  cgroups: string[];
}

/**
 * What a crash or `kill -9` of the service leaves behind, removed at start (and by tests at the
 * end): runc containers in our runc state directory (a warm spare among them), mounts under the
 * data root, the network namespaces (kernel-node/net/), the cgroups of our containers and spares, staging directories. Only what belongs to this data root is touched.
 */
export async function cleanupHost(data: DataRoot, runc = 'runc'): Promise<CleanupReport> {
  const report: CleanupReport = { containers: [], mounts: [], cgroups: [] };
  let ids: string[] = [];
  try {
    const { stdout } = await run(runc, ['--root', data.runcState, 'list', '--quiet']);
    ids = stdout.split('\n').filter((s) => s !== '');
  } catch {
    ids = [];
  }
  for (const id of ids) {
    await run(runc, ['--root', data.runcState, 'kill', id, 'KILL']).catch(() => undefined);
    await run(runc, ['--root', data.runcState, 'delete', '--force', id]).catch(() => undefined);
    report.containers.push(id);
  }
  for (const m of await mountsUnder(data.root)) {
    await unmount(m);
    report.mounts.push(m);
  }
  await rm(data.mounts, { recursive: true, force: true });
  const spares = await readdir(data.spares).catch(() => [] as string[]);
  // Never a recursive removal through a mount that would not go: it could reach a container's layer.
  if ((await mountsUnder(data.spares)).length === 0) await rm(data.spares, { recursive: true, force: true });
  await rm(data.layerStaging, { recursive: true, force: true });
  await rm(data.blobStaging, { recursive: true, force: true });
  // The containers' network namespaces (their veths) and the service's own (the bridges).
  await removeNetworkNamespaces(data.root);
  const keys = await readdir(data.containers).catch(() => [] as string[]);
  report.cgroups = await removeCgroups(new Set([...keys, ...spares].map(runcId)));
  return report;
}

/** Our containers' cgroups, in every v1 hierarchy (and the unified one, where runc may put them too). */
export async function removeCgroups(ids: Set<string>): Promise<string[]> {
  const removed: string[] = [];
  for (const controller of await readdir(CGROUP_ROOT).catch(() => [] as string[])) {
    const parent = join(CGROUP_ROOT, controller, CGROUP_PARENT);
    for (const name of await readdir(parent).catch(() => [] as string[])) {
      if (!ids.has(name)) continue;
      const dir = join(parent, name);
      // A cgroup directory is removed with rmdir (its files are not real); processes are gone by now.
      await rmdir(dir)
        .then(() => removed.push(dir))
        .catch(() => undefined);
    }
  }
  return removed;
}

/** Cgroups of ours still present (tests assert none is left). */
export async function leftoverCgroups(ids: Set<string>): Promise<string[]> {
  const left: string[] = [];
  for (const controller of await readdir(CGROUP_ROOT).catch(() => [] as string[])) {
    const parent = join(CGROUP_ROOT, controller, CGROUP_PARENT);
    for (const name of await readdir(parent).catch(() => [] as string[])) if (ids.has(name)) left.push(join(parent, name));
  }
  return left;
}
