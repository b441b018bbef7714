import type { Volume } from '../engine.ts';
import { EngineError } from '../errors.ts';
import { rfc3339Nano } from './clock.ts';
import { checkVolumeName } from './container-config.ts';
import { containerRecords } from './container-store.ts';
import type { Core } from './context.ts';
import { randomId } from './ids.ts';
import type { VolumeRecord } from './records.ts';

/** Named and anonymous volumes: the core keeps names and references, the host keeps the data. */

export function mountpoint(name: string): string {
  return `/var/lib/docker/volumes/${name}/_data`;
}

function view(r: VolumeRecord): Volume {
  return { Name: r.Name, Driver: 'local', Mountpoint: mountpoint(r.Name), Scope: 'local', Labels: { ...r.Labels }, Options: {}, CreatedAt: r.CreatedAt };
}

function noSuchVolume(name: string): EngineError {
  return new EngineError('not-found', `get ${name}: no such volume`);
}

/** Create a volume; creating an existing name returns it unchanged (as Docker's). Callers may hold containerLock. */
export async function ensureVolume(core: Core, name: string | undefined, labels: Record<string, string> = {}, anonymous = false): Promise<Volume> {
  const volumeName = name || randomId();
  checkVolumeName(volumeName);
  const existing = await core.ports.metadata.get<VolumeRecord>('volumes', volumeName);
  if (existing) return view(existing);
  await core.ports.volumes.create(volumeName);
  const record: VolumeRecord = { Name: volumeName, CreatedAt: rfc3339Nano(core.now()), Labels: { ...labels }, anonymous };
  await core.ports.metadata.batch([{ op: 'put', bucket: 'volumes', key: volumeName, value: record }]);
  core.events.emit('volume', 'create', volumeName, { driver: 'local' });
  return view(record);
}

export async function createVolume(core: Core, options: { Name?: string; Labels?: Record<string, string> } = {}): Promise<Volume> {
  return core.containerLock.run(() => ensureVolume(core, options.Name, options.Labels ?? {}));
}

export async function listVolumes(core: Core): Promise<{ Volumes: Volume[]; Warnings: string[] }> {
  return { Volumes: (await core.ports.metadata.list<VolumeRecord>('volumes')).map(([, r]) => view(r)), Warnings: [] };
}

export async function inspectVolume(core: Core, name: string): Promise<Volume> {
  const r = await core.ports.metadata.get<VolumeRecord>('volumes', name);
  if (!r) throw noSuchVolume(name);
  return view(r);
}

/** IDs of the containers (any state) that mount a volume. */
export async function volumeUsers(core: Core, name: string): Promise<string[]> {
  return (await containerRecords(core)).filter((c) => c.Mounts.some((m) => m.Name === name)).map((c) => c.Id);
}

/** Remove a volume no container uses ('conflict' otherwise, even with force - as Docker's). Callers may hold containerLock. */
export async function deleteVolume(core: Core, name: string, options: { force?: boolean } = {}): Promise<void> {
  const r = await core.ports.metadata.get<VolumeRecord>('volumes', name);
  if (!r) {
    if (options.force) return;
    throw noSuchVolume(name);
  }
  const users = await volumeUsers(core, name);
  if (users.length) throw new EngineError('conflict', `remove ${name}: volume is in use - [${users.join(', ')}]`);
  await core.ports.volumes.remove(name);
  await core.ports.metadata.batch([{ op: 'delete', bucket: 'volumes', key: name }]);
  core.events.emit('volume', 'destroy', name, { driver: 'local' });
}

export async function removeVolume(core: Core, name: string, options: { force?: boolean } = {}): Promise<void> {
  return core.containerLock.run(() => deleteVolume(core, name, options));
}
