import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { EngineError } from '../../engine/errors.ts';
import type { BlobStore, Digest } from '../../engine/ports.ts';
import { diskLayerTarget } from './disk-layer-target.ts';
import type { DataRoot } from './data-root.ts';
import { mountOverlay, unmount } from '../runtime/mounts.ts';
import { applyLayerOps, layerOps } from '../../engine/layers/layer-ops.ts';
import { readTar } from '../../engine/tar/tar-reader.ts';
import { exists } from './fs-exists.ts';

/** OCI chain ID: the identity of a layer together with everything below it. */
export function chainIds(diffIds: readonly Digest[]): string[] {
  const out: string[] = [];
  let chain = '';
  for (const d of diffIds) {
    chain = chain === '' ? d : `sha256:${createHash('sha256').update(`${chain} ${d}`).digest('hex')}`;
    out.push(chain);
  }
  return out.map((c) => c.slice('sha256:'.length));
}

/**
 * Unpacks image layers to disk, once per chain ID. A layer is applied with the engine's rules
 * (engine/layers/layer-ops.ts) onto an overlay mount of the layers below it, into a fresh upper
 * directory: symlinks of lower layers resolve as they do in the browser's merged tree, and
 * removals become overlay whiteouts (char 0/0, `trusted.overlay.opaque`) written by the kernel
 * itself. The directory appears under `layers/` only when complete (rename), so a crash leaves
 * only staging garbage, removed at start.
 */
export class LayerUnpacker {
  readonly #inflight = new Map<string, Promise<void>>();

  constructor(
    private readonly data: DataRoot,
    private readonly blobs: BlobStore,
  ) {}

  /** The unpacked directories of these layers, bottom first; unpacks what is missing. */
  async dirs(diffIds: readonly Digest[]): Promise<string[]> {
    const chains = chainIds(diffIds);
    const dirs: string[] = [];
    for (let i = 0; i < chains.length; i++) {
      const dir = join(this.data.layers, chains[i]);
      if (!(await exists(dir))) {
        let job = this.#inflight.get(chains[i]);
        if (!job) {
          job = this.#unpack(diffIds[i], dirs.slice(), dir).finally(() => this.#inflight.delete(chains[i]));
          this.#inflight.set(chains[i], job);
        }
        await job;
      }
      dirs.push(dir);
    }
    return dirs;
  }

  async #unpack(diffId: Digest, lower: string[], dir: string): Promise<void> {
    const tar = await this.blobs.get(diffId);
    const staging = join(this.data.layerStaging, randomBytes(8).toString('hex'));
    const upper = join(staging, 'diff');
    const work = join(staging, 'work');
    const view = join(this.data.mounts, `unpack-${randomBytes(8).toString('hex')}`);
    await mkdir(upper, { recursive: true, mode: 0o755 });
    await mkdir(work, { recursive: true });
    try {
      if (lower.length === 0) {
        await applyLayerOps(diskLayerTarget(upper), layerOps(readTar(tar)));
      } else {
        await mkdir(view, { recursive: true });
        await mountOverlay(view, { lower, upper, work });
        try {
          await applyLayerOps(diskLayerTarget(view), layerOps(readTar(tar)));
        } finally {
          await unmount(view);
          await rm(view, { recursive: true, force: true });
        }
      }
      await mkdir(this.data.layers, { recursive: true, mode: 0o700 });
      await rename(upper, dir);
    } catch (e) {
      if (e instanceof EngineError) throw e;
      // A fault of this host (a mount, a rename), not of the layer: the operator's log gets the
      // details, the user no path of the data root.
      console.error(`unpacking layer ${diffId}:`, e);
      throw new EngineError('internal', `failed to register layer ${diffId}: ${(e as NodeJS.ErrnoException).code ?? 'error'} (details in the kernel service's log)`);
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }
}
