import { join } from 'node:path';

/**
 * The layout of the kernel service's data root (default /var/lib/dockyard). One place for every
 * path, so start-up cleanup and the stores agree on where things live.
 */
export class DataRoot {
  constructor(readonly root: string) {}

  get blobs(): string {
    return join(this.root, 'blobs', 'sha256');
  }
  /** Staging for blobs being written; emptied at start (a crash leaves only garbage here). */
  get blobStaging(): string {
    return join(this.root, 'blobs', 'staging');
  }
  get metadata(): string {
    return join(this.root, 'metadata');
  }
  get logs(): string {
    return join(this.root, 'logs');
  }
  get volumes(): string {
    return join(this.root, 'volumes');
  }
  /** Unpacked layers, one directory per chain ID (a layer's upper dir depends on the layers below). */
  get layers(): string {
    return join(this.root, 'layers');
  }
  get layerStaging(): string {
    return join(this.root, 'layers-staging');
  }
  get containers(): string {
    return join(this.root, 'containers');
  }
  /** Temporary mount points (layer unpacking, lower views for `changes`); unmounted at start. */
  get mounts(): string {
    return join(this.root, 'mnt');
  }
  /** The read-only runtime root every container's bundle uses, and the bundled WASI runner. */
  get runtime(): string {
    return join(this.root, 'runtime');
  }
  /** runc's state directory (`runc --root`), ours alone so cleanup never touches other runc users. */
  get runcState(): string {
    return join(this.root, 'runc');
  }
  /** Warm spare containers (spare-container.ts): bundle and guest-root mount point, per ID. */
  get spares(): string {
    return join(this.root, 'spares');
  }
  /** The network's host helper (kernel-node/net/port-proxy.c, compiled at every start). */
  get network(): string {
    return join(this.root, 'network');
  }
  container(key: string): string {
    return join(this.containers, key);
  }
}
