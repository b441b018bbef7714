import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { mountsUnder } from '../../kernel-node/runtime/mounts.ts';

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
