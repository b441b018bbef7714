/**
 * The cross-tab writer lock: two tabs share one IndexedDB, and the core's own locks only serialise
 * one tab, so every operation that checks then writes engine records runs under one Web Lock per
 * database (held as a lease, store/writer-lease.ts). The long-running parts of a container (attach,
 * wait, the process itself) are not under it: `run` takes it for its create and its start only.
 */
import type { Engine } from '../engine/engine.ts';
import { runContainer } from '../engine/core/run-request.ts';
import { WriterLease } from './store/writer-lease.ts';

export function writerLease(dbName: string): WriterLease {
  return new WriterLease(`${dbName}:writer`);
}

/** `engine` with its writers (the operations that check then write records or blobs) under `lease`. */
export function withWriterLock(engine: Engine, lease: WriterLease): Engine {
  const locked =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> =>
      lease.run(() => fn(...args));
  const writers = {
    prune: locked(engine.prune),
    pruneContainers: locked(engine.pruneContainers),
    pruneImages: locked(engine.pruneImages),
    pruneVolumes: locked(engine.pruneVolumes),
    pruneBuildCache: locked(engine.pruneBuildCache),
    pull: locked(engine.pull),
    build: locked(engine.build),
    tag: locked(engine.tag),
    removeImage: locked(engine.removeImage),
    loadImages: locked(engine.loadImages),
    importImage: locked(engine.importImage),
    putArchive: locked(engine.putArchive),
    updateContainer: locked(engine.updateContainer),
    createContainer: locked(engine.createContainer),
    startContainer: locked(engine.startContainer),
    removeContainer: locked(engine.removeContainer),
    renameContainer: locked(engine.renameContainer),
    commit: locked(engine.commit),
    createExec: locked(engine.createExec),
    createVolume: locked(engine.createVolume),
    removeVolume: locked(engine.removeVolume),
    createNetwork: locked(engine.createNetwork),
    removeNetwork: locked(engine.removeNetwork),
    connectNetwork: locked(engine.connectNetwork),
    disconnectNetwork: locked(engine.disconnectNetwork),
    pruneNetworks: locked(engine.pruneNetworks),
  } satisfies Partial<Engine>;
  const steps = { ...engine, ...writers };
  return { ...steps, run: (o) => runContainer(steps, o) };
}
