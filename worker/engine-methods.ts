/**
 * The Engine API's method names (for the comlink wrappers on both sides) and the cross-tab writer
 * lock: two tabs share one IndexedDB, and the core's own locks only serialise one tab, so every
 * operation that checks then writes engine records runs under one Web Lock per database (held as
 * a lease, store/writer-lease.ts).
 */
import type { Engine } from '../engine/engine.ts';
import { WriterLease } from './store/writer-lease.ts';

export const ENGINE_METHODS = [
  'ping', 'version', 'info', 'diskUsage', 'prune', 'events',
  'pull', 'push', 'build', 'listImages', 'inspectImage', 'history', 'imageLayers', 'tag', 'removeImage', 'saveImages', 'loadImages',
  'createContainer', 'startContainer', 'attachContainer', 'waitContainer', 'stopContainer', 'killContainer', 'removeContainer',
  'listContainers', 'inspectContainer', 'logs', 'changes', 'commit', 'resizeContainer',
  'createExec', 'startExec', 'inspectExec', 'resizeExec',
  'createVolume', 'listVolumes', 'inspectVolume', 'removeVolume',
  'createNetwork', 'listNetworks', 'inspectNetwork', 'removeNetwork', 'connectNetwork', 'disconnectNetwork', 'pruneNetworks',
] as const satisfies ReadonlyArray<keyof Engine>;

/** Operations that check then write records or blobs; the long-running parts of a container are not among them. */
const WRITERS = new Set<keyof Engine>([
  'prune', 'pull', 'build', 'tag', 'removeImage', 'loadImages', 'createContainer', 'startContainer', 'removeContainer', 'commit',
  'createExec', 'createVolume', 'removeVolume',
  'createNetwork', 'removeNetwork', 'connectNetwork', 'disconnectNetwork', 'pruneNetworks',
]);

export function writerLease(dbName: string): WriterLease {
  return new WriterLease(`${dbName}:writer`);
}

export function withWriterLock(engine: Engine, lease: WriterLease): Engine {
  const wrapped = { ...engine } as Record<string, unknown>;
  for (const name of WRITERS) {
    const fn = engine[name] as (...a: unknown[]) => Promise<unknown>;
    wrapped[name] = (...args: unknown[]) => lease.run(() => fn(...args));
  }
  return wrapped as unknown as Engine;
}
