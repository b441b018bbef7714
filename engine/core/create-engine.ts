import type { Engine } from '../engine.ts';
import { EngineError } from '../errors.ts';
import type { HostPorts } from '../ports.ts';
import { containerChanges, commit } from './container-commit.ts';
import { ContainerRunner } from './container-run.ts';
import { runContainer } from './run-request.ts';
import { createContainer, inspectContainer, listContainers, renameContainer } from './containers.ts';
import { Core, type EngineOptions } from './context.ts';
import { recoverContainers } from './recovery.ts';
import { ExecRunner } from './exec.ts';
import { HealthMonitor } from './health.ts';
import { imageLayers } from './image-layers.ts';
import { removeImage } from './image-remove.ts';
import { tag } from './image-tag.ts';
import { history, inspectImage, listImages } from './image-views.ts';
import { pull } from './pull.ts';
import { push } from './push.ts';
import { loadImages, saveImages } from './save-load.ts';
import { exportContainer, importImage } from './export-import.ts';
import { getArchive, putArchive, statPath } from './copy.ts';
import { top } from './top.ts';
import { containerStats } from './stats.ts';
import { updateContainerResources } from './update.ts';
import { build } from './builder.ts';
import { diskUsage, info, prune, version } from './system.ts';
import { pruneBuildCache, pruneContainers, pruneImages, pruneVolumes } from './prune.ts';
import { createVolume, inspectVolume, listVolumes, removeVolume } from './volumes.ts';
import { connectContainer, disconnectContainer, resolveName } from './network-endpoints.ts';
import { createNetwork, inspectNetwork, listNetworks, pruneNetworks, removeNetwork } from './networks.ts';

export type { EngineOptions } from './context.ts';

/**
 * The one engine core both hosts share: every Engine operation, over the host's ports. A host
 * adapts storage and process start (HostPorts) and carries this API (comlink, HTTP); it decides
 * nothing the user could see. Every failure leaves as an EngineError.
 */
/** What a host's own engine offers beside the Engine API, for the host's own use (never carried to a client). */
export interface HostEngine extends Engine {
  /**
   * The IPv4 addresses `name` resolves to for a guest of `container`, as Docker's embedded DNS
   * answers on user-defined networks (a container's name, short ID or alias there; running
   * containers only); empty when nothing matches - the default bridge resolves nothing. For the
   * resolver of the guests' sockets (issue 15 §2).
   */
  resolveName(container: string, name: string): Promise<string[]>;
}

export function createEngine(ports: HostPorts, options: EngineOptions = {}): HostEngine {
  const core = new Core(ports, options);
  const runner = new ContainerRunner(core);
  const execs = new ExecRunner(core, runner);
  // Probes of running containers' healthchecks: it follows their start and die events.
  new HealthMonitor(core, execs);
  const ready = recoverContainers(core);

  // Every method goes through `g`: it waits for recovery and lets nothing but EngineError out.
  const g = guarded(ready);
  const engine: HostEngine = {
    ping: g(async () => 'OK' as const),
    version: g(async () => version(core)),
    info: g(() => info(core, runner)),
    diskUsage: g(() => diskUsage(core)),
    prune: g((o) => prune(core, runner, o)),
    pruneContainers: g(() => pruneContainers(core, runner)),
    pruneImages: g((o) => pruneImages(core, o)),
    pruneVolumes: g((o) => pruneVolumes(core, o)),
    pruneBuildCache: g(() => pruneBuildCache(core)),
    events: g(async (listener, options) => core.events.subscribe(listener, options)),

    pull: g((reference, o) => pull(core, reference, o)),
    push: g((reference, o) => push(core, reference, o)),
    build: g((o) => build(core, o)),
    listImages: g(() => listImages(core)),
    inspectImage: g((reference) => inspectImage(core, reference)),
    history: g((reference) => history(core, reference)),
    imageLayers: g((reference) => imageLayers(core, reference)),
    tag: g((source, target) => tag(core, source, target)),
    removeImage: g((reference, o) => removeImage(core, reference, o)),
    saveImages: g((references) => saveImages(core, references)),
    loadImages: g((archive, o) => loadImages(core, archive, o?.onProgress)),
    importImage: g((archive, o) => importImage(core, archive, o)),

    createContainer: g((o) => createContainer(core, o)),
    startContainer: g((id) => runner.start(id)),
    attachContainer: g((id, o) => runner.attach(id, o)),
    waitContainer: g((id, condition) => runner.wait(id, condition)),
    stopContainer: g((id, o) => runner.stop(id, o?.timeout)),
    killContainer: g((id, o) => runner.kill(id, o?.signal)),
    renameContainer: g((id, newName) => renameContainer(core, id, newName)),
    removeContainer: g((id, o) => runner.remove(id, o)),
    listContainers: g((o) => listContainers(core, o)),
    inspectContainer: g((id) => inspectContainer(core, id)),
    logs: g((id, o) => runner.logs(id, o)),
    changes: g((id) => containerChanges(core, id)),
    commit: g((id, o) => commit(core, id, o)),
    exportContainer: g((id) => exportContainer(core, id)),
    top: g((id, psArgs) => top(core, runner, execs, id, psArgs)),
    stats: g((id) => containerStats(core, runner, id)),
    updateContainer: g((id, u) => updateContainerResources(core, runner, id, u)),
    statPath: g((id, path) => statPath(core, id, path)),
    getArchive: g((id, path) => getArchive(core, id, path)),
    putArchive: g((id, path, archive, o) => putArchive(core, id, path, archive, o)),
    resizeContainer: g((id, rows, cols) => runner.resize(id, rows, cols)),
    // Over the guarded calls, so each step is as if called alone.
    run: g((o) => runContainer(engine, o)),

    createExec: g((id, o) => execs.create(id, o)),
    startExec: g((id, o) => execs.start(id, o)),
    inspectExec: g((id) => execs.inspect(id)),
    resizeExec: g((id, rows, cols) => execs.resize(id, rows, cols)),

    createVolume: g((o) => createVolume(core, o)),
    listVolumes: g(() => listVolumes(core)),
    inspectVolume: g((name) => inspectVolume(core, name)),
    removeVolume: g((name, o) => removeVolume(core, name, o)),

    createNetwork: g((o) => createNetwork(core, o)),
    listNetworks: g((o) => listNetworks(core, o)),
    inspectNetwork: g((name) => inspectNetwork(core, name)),
    removeNetwork: g((name) => removeNetwork(core, name)),
    connectNetwork: g((network, container, o) => connectContainer(core, network, container, o)),
    disconnectNetwork: g((network, container) => disconnectContainer(core, network, container)),
    pruneNetworks: g(() => pruneNetworks(core)),

    resolveName: g((container, name) => resolveName(core, container, name)),
  };
  return engine;
}

/** Nothing but EngineError crosses the API: anything else thrown inside becomes 'internal'. */
function guarded(ready: Promise<void>) {
  return <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        await ready;
        return await fn(...args);
      } catch (e) {
        if (e instanceof EngineError) throw e;
        throw new EngineError('internal', e instanceof Error ? e.message : String(e));
      }
    };
}
