import type { Engine } from '../engine.ts';
import { EngineError } from '../errors.ts';
import type { HostPorts } from '../ports.ts';
import { containerChanges, commit } from './container-commit.ts';
import { ContainerRunner } from './container-run.ts';
import { createContainer, inspectContainer, listContainers } from './containers.ts';
import { Core, type EngineOptions } from './context.ts';
import { recoverContainers } from './recovery.ts';
import { ExecRunner } from './exec.ts';
import { imageLayers } from './image-layers.ts';
import { removeImage } from './image-remove.ts';
import { tag } from './image-tag.ts';
import { history, inspectImage, listImages } from './image-views.ts';
import { pull } from './pull.ts';
import { push } from './push.ts';
import { loadImages, saveImages } from './save-load.ts';
import { build } from './builder.ts';
import { diskUsage, info, prune, version } from './system.ts';
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
  const ready = recoverContainers(core);

  const engine: HostEngine = {
    ping: async () => 'OK',
    version: async () => version(core),
    info: () => info(core, runner),
    diskUsage: () => diskUsage(core),
    prune: (o) => prune(core, runner, o),
    events: async (listener, options) => core.events.subscribe(listener, options),

    pull: (reference, o) => pull(core, reference, o),
    push: (reference, o) => push(core, reference, o),
    build: (o) => build(core, o),
    listImages: () => listImages(core),
    inspectImage: (reference) => inspectImage(core, reference),
    history: (reference) => history(core, reference),
    imageLayers: (reference) => imageLayers(core, reference),
    tag: (source, target) => tag(core, source, target),
    removeImage: (reference, o) => removeImage(core, reference, o),
    saveImages: (references) => saveImages(core, references),
    loadImages: (archive, o) => loadImages(core, archive, o?.onProgress),

    createContainer: (o) => createContainer(core, o),
    startContainer: (id) => runner.start(id),
    attachContainer: (id, o) => runner.attach(id, o),
    waitContainer: (id, condition) => runner.wait(id, condition),
    stopContainer: (id, o) => runner.stop(id, o?.timeout),
    killContainer: (id, o) => runner.kill(id, o?.signal),
    removeContainer: (id, o) => runner.remove(id, o),
    listContainers: (o) => listContainers(core, o),
    inspectContainer: (id) => inspectContainer(core, id),
    logs: (id, o) => runner.logs(id, o),
    changes: (id) => containerChanges(core, id),
    commit: (id, o) => commit(core, id, o),
    resizeContainer: (id, rows, cols) => runner.resize(id, rows, cols),

    createExec: (id, o) => execs.create(id, o),
    startExec: (id, o) => execs.start(id, o),
    inspectExec: (id) => execs.inspect(id),
    resizeExec: (id, rows, cols) => execs.resize(id, rows, cols),

    createVolume: (o) => createVolume(core, o),
    listVolumes: () => listVolumes(core),
    inspectVolume: (name) => inspectVolume(core, name),
    removeVolume: (name, o) => removeVolume(core, name, o),

    createNetwork: (o) => createNetwork(core, o),
    listNetworks: (o) => listNetworks(core, o),
    inspectNetwork: (name) => inspectNetwork(core, name),
    removeNetwork: (name) => removeNetwork(core, name),
    connectNetwork: (network, container, o) => connectContainer(core, network, container, o),
    disconnectNetwork: (network, container) => disconnectContainer(core, network, container),
    pruneNetworks: () => pruneNetworks(core),

    resolveName: (container, name) => resolveName(core, container, name),
  };
  return guard(engine, ready);
}

/** Nothing but EngineError crosses the API: anything else thrown inside becomes 'internal'. */
function guard<T extends object>(engine: T, ready: Promise<void>): T {
  const wrapped = {} as Record<string, unknown>;
  for (const [name, fn] of Object.entries(engine) as Array<[string, (...args: unknown[]) => Promise<unknown>]>) {
    wrapped[name] = async (...args: unknown[]) => {
      try {
        await ready;
        return await fn(...args);
      } catch (e) {
        if (e instanceof EngineError) throw e;
        throw new EngineError('internal', e instanceof Error ? e.message : String(e));
      }
    };
  }
  return wrapped as unknown as T;
}
