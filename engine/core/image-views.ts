import type { HistoryEntry, ImageInspect, ImageSummary } from '../engine.ts';
import type { HistoryEntry as OciHistoryEntry, ImageConfig } from '../oci/types.ts';
import type { Digest } from '../ports.ts';
import { parseTime, unixSeconds } from './clock.ts';
import type { Core } from './context.ts';
import { allTags, imageRecords, readConfig, resolveImage, tagsOf } from './image-store.ts';
import { imageSize, layerSize } from './layer-sizes.ts';
import type { ImageRecord } from './records.ts';

/** `docker images`, `docker image inspect`, `docker history`: read-only views of local images. */

function createdSeconds(config: ImageConfig): number {
  const ms = parseTime(config.created);
  return ms === undefined ? 0 : unixSeconds(ms);
}

export async function inspectImage(core: Core, name: string): Promise<ImageInspect> {
  const { record, config } = await resolveImage(core, name);
  const history = config.history ?? [];
  return {
    Id: record.Id,
    RepoTags: await tagsOf(core, record.Id),
    RepoDigests: [...record.repoDigests],
    Parent: record.parent,
    Comment: history.length ? (history[history.length - 1].comment ?? '') : '',
    Created: config.created ?? '',
    Author: config.author ?? '',
    Config: { ...(config.config ?? {}) },
    Architecture: config.architecture,
    Os: config.os,
    Size: await imageSize(core, record.layers),
    RootFS: { Type: 'layers', Layers: [...record.layers] },
    Metadata: { LastTagTime: record.lastTagTime },
  };
}

/** Image summaries, newest first; SharedSize counts layers another image also has; Containers counts users. */
export async function listImages(core: Core): Promise<ImageSummary[]> {
  const records = await imageRecords(core);
  const tags = await allTags(core);
  const containers = await core.containers.list();
  const layerUsers = new Map<Digest, number>();
  for (const r of records) for (const l of new Set(r.layers)) layerUsers.set(l, (layerUsers.get(l) ?? 0) + 1);
  const out: ImageSummary[] = [];
  for (const r of records) {
    const config = await readConfig(core, r.Id);
    let shared = 0;
    for (const l of new Set(r.layers)) if ((layerUsers.get(l) ?? 0) > 1) shared += await layerSize(core, l);
    out.push({
      Id: r.Id,
      ParentId: r.parent,
      RepoTags: await tagsOf(core, r.Id, tags),
      RepoDigests: [...r.repoDigests],
      Created: createdSeconds(config),
      Size: await imageSize(core, r.layers),
      SharedSize: shared,
      Labels: { ...(config.config?.Labels ?? {}) },
      Containers: containers.filter((c) => c.Image === r.Id).length,
    });
  }
  return out.sort((a, b) => b.Created - a.Created || (a.Id < b.Id ? -1 : 1));
}

/**
 * `docker history`: newest first. An entry carries an image ID (and that image's tags) where a
 * local image ends at exactly that step - the image itself at the top, its base image further
 * down - and `<missing>` elsewhere, as Docker shows for steps it has no image for.
 */
export async function history(core: Core, name: string): Promise<HistoryEntry[]> {
  const { record, config } = await resolveImage(core, name);
  const steps: OciHistoryEntry[] = config.history?.length ? config.history : record.layers.map(() => ({ created: config.created, created_by: '' }));
  const tags = await allTags(core);
  const labels = new Map<number, Digest>();
  for (const other of await imageRecords(core)) {
    if (other.Id === record.Id) continue;
    const otherConfig = await readConfig(core, other.Id);
    if (isPrefixImage(otherConfig, other, config, record)) labels.set((otherConfig.history?.length ?? 0) - 1, other.Id);
  }
  labels.set(steps.length - 1, record.Id);

  const entries: HistoryEntry[] = [];
  let layerIndex = 0;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    const size = step.empty_layer ? 0 : record.layers[layerIndex] ? await layerSize(core, record.layers[layerIndex]) : 0;
    if (!step.empty_layer) layerIndex++;
    const id = labels.get(i);
    const ms = parseTime(step.created);
    entries.push({
      Id: id ?? '<missing>',
      Created: ms === undefined ? 0 : unixSeconds(ms),
      CreatedBy: step.created_by ?? '',
      Tags: id ? await tagsOf(core, id, tags) : null,
      Size: size,
      Comment: step.comment ?? '',
    });
  }
  return entries.reverse();
}

function isPrefixImage(base: ImageConfig, baseRecord: ImageRecord, config: ImageConfig, record: ImageRecord): boolean {
  const a = base.history ?? [];
  const b = config.history ?? [];
  if (a.length === 0 || a.length >= b.length || baseRecord.layers.length > record.layers.length) return false;
  if (!baseRecord.layers.every((l, i) => record.layers[i] === l)) return false;
  return a.every((h, i) => h.created === b[i].created && h.created_by === b[i].created_by && !!h.empty_layer === !!b[i].empty_layer);
}
