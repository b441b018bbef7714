import type { Change, CommitOptions } from '../engine.ts';
import { EngineError } from '../errors.ts';
import { sha256 } from '../oci/digest.ts';
import { parseReference } from '../oci/reference.ts';
import type { ContainerConfig, ImageConfig } from '../oci/types.ts';
import { writeTar } from '../tar/tar-writer.ts';
import { rfc3339Nano } from './clock.ts';
import { applyCommitChanges } from './config-edit.ts';
import { findContainer } from './container-store.ts';
import type { Core } from './context.ts';
import { lastTagTime, readConfig, recordImage, tagKey } from './image-store.ts';
import { localImage, storeConfig, storeLayer } from './image-writer.ts';
import { appendLayer, buildImage, setConfig, setImageFields, uncompressedLayer } from '../oci/image-builder.ts';
import type { ContainerRecord } from './records.ts';
import { snapshotChanges, snapshotLayer } from './snapshot-layer.ts';

/** The diff_id of a layer with no entries: such a step is recorded as empty_layer, as Docker does. */
export const EMPTY_LAYER = sha256(writeTar([]));

const KIND = { C: 0, A: 1, D: 2 } as const;

/** `docker diff`: the container's changes against its image, Kind 0 changed, 1 added, 2 deleted. */
export async function containerChanges(core: Core, name: string): Promise<Change[]> {
  const c = await findContainer(core, name);
  return (await snapshotChanges(core, c.Id, c.layers)).map((ch) => ({ Path: ch.path, Kind: KIND[ch.kind] }));
}

/** The image config a container runs with, as `docker commit` keeps it. */
export function containerImageConfig(c: ContainerRecord): ContainerConfig {
  const cfg = c.Config;
  return {
    ...(cfg.User ? { User: cfg.User } : {}),
    ...(cfg.ExposedPorts ? { ExposedPorts: structuredClone(cfg.ExposedPorts) as ContainerConfig['ExposedPorts'] } : {}),
    ...(cfg.Env?.length ? { Env: [...cfg.Env] } : {}),
    ...(cfg.Entrypoint ? { Entrypoint: [...cfg.Entrypoint] } : {}),
    ...(cfg.Cmd ? { Cmd: [...cfg.Cmd] } : {}),
    ...(cfg.Volumes ? { Volumes: structuredClone(cfg.Volumes) as ContainerConfig['Volumes'] } : {}),
    ...(cfg.WorkingDir ? { WorkingDir: cfg.WorkingDir } : {}),
    ...(cfg.Labels && Object.keys(cfg.Labels).length ? { Labels: { ...cfg.Labels } } : {}),
    ...(cfg.StopSignal ? { StopSignal: cfg.StopSignal } : {}),
  };
}

/** `docker commit`: the container's changes as a new layer on its image, with its config. */
export async function commit(core: Core, name: string, options: CommitOptions = {}): Promise<{ Id: string }> {
  const c = await findContainer(core, name);
  const tag = options.repo ? tagKey(parseReference(options.tag ? `${options.repo}:${options.tag}` : options.repo)) : undefined;
  let base: ImageConfig | undefined;
  try {
    base = await readConfig(core, c.Image);
  } catch {
    base = undefined; // the image was removed with force; its layers live on under the container
  }
  const config = containerImageConfig(c);
  try {
    applyCommitChanges(config, options.changes ?? []);
  } catch (e) {
    if (e instanceof EngineError) throw e;
    throw new EngineError('invalid-argument', (e as Error).message);
  }
  return core.pinned(c.layers, async () => {
    const layer = await snapshotLayer(core, c.Id, c.layers);
    const empty = layer.diffId === EMPTY_LAYER;
    const created = rfc3339Nano(core.now());
    const step = {
      created,
      created_by: [c.Path, ...c.Args].join(' '),
      ...(options.author ? { author: options.author } : {}),
      ...(options.comment ? { comment: options.comment } : {}),
    };
    let image = await localImage(core, base, c.layers);
    image = setImageFields(image, { created, author: options.author });
    image = setConfig(image, () => config, empty ? step : undefined);
    if (!empty) image = appendLayer(image, uncompressedLayer(layer.tar), step);
    const built = buildImage(image);
    const diffIds = built.config.rootfs.diff_ids;
    return core.pinned([layer.diffId, built.id], async () => {
      if (!empty) await storeLayer(core, layer);
      await storeConfig(core, built);
      await core.imageLock.run(() =>
        recordImage(core, { Id: built.id, layers: diffIds, parent: c.Image, repoDigests: [], lastTagTime: tag ? lastTagTime(core) : '' }, tag ? [tag] : []),
      );
      core.events.emit('container', 'commit', c.Id, { comment: options.comment ?? '', imageID: built.id, imageRef: tag ?? '' });
      return { Id: built.id };
    });
  });
}
