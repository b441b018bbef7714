import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { mountsUnder } from '../../kernel-node/runtime/mounts.ts';
import { aheadPeer } from '../../kernel-node/net/kernel-network.ts';
import { NETNS_DIR, NetnsNames } from '../../kernel-node/net/netns-names.ts';
import { DataRoot } from '../../kernel-node/store/data-root.ts';

/**
 * What a running service may hold between runs without it being a leftover: its warm spare
 * (kernel-node/runtime/spare-container.ts), booted for the next container - one runc container, the shared
 * mount of its root, its runc process. A spare whose ID is a container's ran that container and
 * counts as it. More than one idle spare is a leftover; these helpers then hide none.
 */
export function idleSpares(dataRoot: string): string[] {
  const dir = join(dataRoot, 'spares');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((id) => !existsSync(join(dataRoot, 'containers', id)));
}

/** True for a runc ID, a mount point or a command line of the one idle spare. */
export function ofIdleSpare(dataRoot: string): (text: string) => boolean {
  const idle = idleSpares(dataRoot);
  return (text) => idle.length === 1 && text.includes(idle[0]);
}

// Each helper looks at the host first and at the spares after: a spare the service boots in
// between (a run's end refills it) would otherwise show up unexplained.

/** runc containers in the service's state directory, but its idle spare. */
export function runcLeft(dataRoot: string): string[] {
  const ids = execFileSync('runc', ['--root', join(dataRoot, 'runc'), 'list', '-q']).toString().split('\n');
  const spare = ofIdleSpare(dataRoot);
  return ids.filter((id) => id && !spare(id));
}

/** Mounts under the data root, but the idle spare's root. */
export async function mountsLeft(dataRoot: string): Promise<string[]> {
  const mounts = await mountsUnder(dataRoot);
  const spare = ofIdleSpare(dataRoot);
  return mounts.filter((m) => !spare(m));
}

/** The service's network namespaces but its own and its idle spare's (kernel-node/net/netns-names.ts). */
export async function netnsLeft(dataRoot: string): Promise<string[]> {
  const names = new NetnsNames(dataRoot);
  const present = await names.present();
  const idle = idleSpares(dataRoot);
  // The one idle spare's namespace is made ahead for its container; more than one spare hides none.
  const spare = idle.length === 1 ? names.container(idle[0]) : undefined;
  return present.filter((n) => n !== names.service && n !== spare);
}

/**
 * Network devices in the service's namespace but its loopback, docker0 (kept, as Docker's) and the
 * idle spare's link made ahead (kernel-network.ts aheadPeer): bridges and veth ends of containers gone.
 */
export function linksLeft(dataRoot: string): string[] {
  const service = new NetnsNames(dataRoot).service;
  if (!existsSync(join(NETNS_DIR, service))) return [];
  const out = execFileSync('ip', ['-n', service, '-o', 'link', 'show']).toString();
  const idle = idleSpares(dataRoot);
  const spare = idle.length === 1 ? aheadPeer(idle[0]) : undefined;
  return out
    .split('\n')
    .map((l) => /^\d+:\s+([^:@\s]+)/.exec(l)?.[1])
    .filter((n): n is string => n !== undefined && n !== 'lo' && n !== 'docker0' && n !== spare);
}

/** Userland proxies (port-proxy.c) of this data root still running. */
export function proxiesLeft(dataRoot: string): number[] {
  const helper = join(new DataRoot(dataRoot).network, 'port-proxy');
  const pids: number[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (readFileSync(join('/proc', pid, 'cmdline')).toString().split('\0')[0] === helper) pids.push(Number(pid));
    } catch {
      // It ended while we looked.
    }
  }
  return pids;
}
