import { EngineError } from '../errors.ts';
import type { Core } from './context.ts';
import type { ContainerRecord } from './records.ts';

/** Container records: how a name, ID or prefix finds one, and read-modify-write under the lock. */

export function noSuchContainer(name: string): EngineError {
  return new EngineError('not-found', `No such container: ${name}`);
}

export async function containerRecords(core: Core): Promise<ContainerRecord[]> {
  return (await core.ports.metadata.list<ContainerRecord>('containers')).map(([, c]) => c);
}

/** Docker's lookup order: full ID, then name (with or without the leading "/"), then a unique ID prefix. */
export async function findContainer(core: Core, name: string): Promise<ContainerRecord> {
  if (typeof name !== 'string' || name === '') throw noSuchContainer(String(name));
  const exact = await core.ports.metadata.get<ContainerRecord>('containers', name);
  if (exact) return exact;
  const all = await containerRecords(core);
  const wanted = name.startsWith('/') ? name : '/' + name;
  const byName = all.find((c) => c.Name === wanted);
  if (byName) return byName;
  if (/^[0-9a-f]+$/.test(name)) {
    const matches = all.filter((c) => c.Id.startsWith(name));
    if (matches.length === 1) return matches[0];
    if (matches.length > 1) throw new EngineError('invalid-argument', `multiple IDs found with provided prefix: ${name}`);
  }
  throw noSuchContainer(name);
}

export async function putContainer(core: Core, record: ContainerRecord): Promise<void> {
  await core.ports.metadata.batch([{ op: 'put', bucket: 'containers', key: record.Id, value: record }]);
}

/** Change a stored container record; returns the new record (undefined if it is gone). */
export async function updateContainer(core: Core, id: string, change: (c: ContainerRecord) => void): Promise<ContainerRecord | undefined> {
  return core.containerLock.run(async () => {
    const record = await core.ports.metadata.get<ContainerRecord>('containers', id);
    if (!record) return undefined;
    change(record);
    await putContainer(core, record);
    return record;
  });
}
