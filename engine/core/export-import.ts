import type { ImportOptions } from '../engine.ts';
import { EngineError } from '../errors.ts';
import { FileTree } from '../layers/file-tree.ts';
import { diffLayer } from '../layers/layer-diff.ts';
import { mergeLayers } from '../layers/merged-view.ts';
import { appendLayer, buildImage, emptyImage, setConfig, uncompressedLayer } from '../oci/image-builder.ts';
import { parseReference } from '../oci/reference.ts';
import type { ContainerConfig } from '../oci/types.ts';
import { gunzipBytes, isGzip } from '../tar/gzip.ts';
import type { TarEntry } from '../tar/tar-entry.ts';
import { writeTar } from '../tar/tar-writer.ts';
import type { Digest } from '../ports.ts';
import { rfc3339Nano } from './clock.ts';
import { applyCommitChanges } from './config-edit.ts';
import { findContainer } from './container-store.ts';
import type { Core } from './context.ts';
import { lastTagTime, recordImage, tagKey } from './image-store.ts';
import { storeConfig, storeLayer } from './image-writer.ts';

/**
 * `docker export`: the container's whole root file system (image layers and writable layer, no
 * volumes - as Docker's) as one tar, written as our layers are (sorted, epoch times), so the same
 * file system gives the same bytes on both hosts.
 */
export async function exportContainer(core: Core, name: string): Promise<Uint8Array> {
  const c = await findContainer(core, name);
  const entries = await core.ports.snapshots.read(c.Id, '/');
  if (!entries) throw new EngineError('internal', `the root file system of ${c.Id.slice(0, 12)} cannot be read`);
  const tar: TarEntry[] = [];
  for (const [path, node] of entries) {
    if (path === '') continue;
    if (node.type === 'file') tar.push({ type: 'file', path, mode: node.mode, content: node.content });
    else if (node.type === 'dir') tar.push({ type: 'dir', path, mode: node.mode });
    else tar.push({ type: 'symlink', path, target: node.target });
  }
  core.events.emit('container', 'export', c.Id, { image: c.Config.Image, name: c.Name.slice(1) });
  return writeTar(tar);
}

/**
 * `docker import`: a tar (gzip too) of a file system becomes a one-layer image, with `--change`
 * instructions in its config and `--message` as the history comment (Docker's default:
 * "Imported from -"). The layer is rewritten as ours are, so the same files give the same image
 * on both hosts, whatever tool wrote the tar.
 */
export async function importImage(core: Core, archive: Uint8Array, options: ImportOptions = {}): Promise<string> {
  const tag = options.reference ? tagKey(parseReference(options.reference)) : undefined;
  const config: ContainerConfig = {};
  try {
    applyCommitChanges(config, options.changes ?? []);
  } catch (e) {
    if (e instanceof EngineError) throw e;
    throw new EngineError('invalid-argument', (e as Error).message);
  }
  let tarBytes = archive;
  if (isGzip(archive)) tarBytes = await gunzipBytes(archive);
  let tree: FileTree;
  try {
    tree = (await mergeLayers([tarBytes])).tree;
  } catch (e) {
    if (e instanceof EngineError && e.code !== 'invalid-content') throw e;
    throw new EngineError('invalid-argument', `archive/tar: invalid tar header: ${(e as Error).message}`);
  }
  const layer = diffLayer(new FileTree(), tree);
  const created = rfc3339Nano(core.now());
  let image = emptyImage({ created });
  image = appendLayer(image, uncompressedLayer(layer.tar), { created, comment: options.message || 'Imported from -' });
  image = setConfig(image, () => config);
  const built = buildImage(image);
  const layers: Digest[] = built.config.rootfs.diff_ids;
  return core.pinned([layer.diffId, built.id], async () => {
    await storeLayer(core, layer);
    await storeConfig(core, built);
    await core.imageLock.run(() => recordImage(core, { Id: built.id, layers, parent: '', repoDigests: [], lastTagTime: tag ? lastTagTime(core) : '' }, tag ? [tag] : []));
    core.events.emit('image', 'import', built.id);
    return built.id;
  });
}
