import type { HostPorts } from '../ports.ts';
import type { Digest } from '../ports.ts';
import { ContainerRecords } from './container-store.ts';
import { EventBus } from './events.ts';
import { Mutex } from './mutex.ts';

/** Options of `createEngine`; every one has a default. */
export interface EngineOptions {
  /**
   * The registry name the core hands the RegistryClient for references without a registry
   * (`box`, `docker.io/library/box`). Default "builtin": the host routes it to the built-in OCI
   * layouts (engine/registry/oci-layout-registry.ts), so `docker pull box` works offline.
   */
  builtinRegistry?: string;
  /** `docker info`'s Name and ID. */
  name?: string;
  id?: string;
  /** Seconds `stop` waits after SIGTERM before SIGKILL, when the caller gives none (Docker: 10). */
  stopTimeoutSeconds?: number;
  /**
   * The `created` time (RFC 3339) of the steps of a build FROM scratch. A build FROM an image uses
   * that image's `created` instead; never the clock, so the same Dockerfile and context give the
   * same image ID on both hosts (parity). Default: the Unix epoch, as the layer tars' mtimes.
   */
  buildEpoch?: string;
}

export type ResolvedOptions = Required<EngineOptions>;

/** What every part of the core shares: the host's ports, the clock, the event bus and the locks. */
export class Core {
  readonly options: ResolvedOptions;
  readonly events: EventBus;
  /** The 'containers' bucket with this engine's changes not yet committed (container-store.ts). */
  readonly containers: ContainerRecords;
  /** Serialises changes to images, tags and layer blobs (pull commit, tag, rmi, prune, build commit). */
  readonly imageLock = new Mutex();
  /** Serialises container and volume record changes that check-then-write (names, volume refs). */
  readonly containerLock = new Mutex();
  /** Blobs being written by an operation that has not recorded them yet: the collector keeps them. */
  readonly #pins = new Map<Digest, number>();

  readonly ports: HostPorts;

  constructor(ports: HostPorts, options: EngineOptions = {}) {
    this.options = {
      builtinRegistry: options.builtinRegistry ?? 'builtin',
      name: options.name ?? ports.platform.name,
      id: options.id ?? 'DOCKYARD',
      stopTimeoutSeconds: options.stopTimeoutSeconds ?? 10,
      buildEpoch: options.buildEpoch ?? '1970-01-01T00:00:00Z',
    };
    this.ports = ports;
    this.events = new EventBus(() => this.now());
    this.containers = new ContainerRecords(ports.metadata);
  }

  now(): number {
    return this.ports.now ? this.ports.now() : Date.now();
  }

  /** Keep `digests` from the garbage collector while `fn` runs. */
  async pinned<T>(digests: Iterable<Digest>, fn: () => Promise<T>): Promise<T> {
    const list = [...digests];
    for (const d of list) this.#pins.set(d, (this.#pins.get(d) ?? 0) + 1);
    try {
      return await fn();
    } finally {
      for (const d of list) {
        const n = (this.#pins.get(d) ?? 1) - 1;
        if (n <= 0) this.#pins.delete(d);
        else this.#pins.set(d, n);
      }
    }
  }

  pin(digest: Digest): () => void {
    this.#pins.set(digest, (this.#pins.get(digest) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const n = (this.#pins.get(digest) ?? 1) - 1;
      if (n <= 0) this.#pins.delete(digest);
      else this.#pins.set(digest, n);
    };
  }

  isPinned(digest: Digest): boolean {
    return this.#pins.has(digest);
  }
}
