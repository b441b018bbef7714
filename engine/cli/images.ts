/**
 * Image commands that read or change local images: images (image ls), rmi (image rm), tag,
 * history, image prune. Tables and sizes as docker prints them (SIZE with 3 significant digits in
 * decimal units, IDs as 12 hex digits, `<none>` for untagged images, `<missing>` history rows).
 */
import type { ImageSummary } from '../engine.ts';
import { isEngineError } from '../errors.ts';
import type { CommandSpec } from './command.ts';
import { renderList, type ListFormat } from './format.ts';
import { confirm } from './prompt.ts';
import { FORMAT_USAGE } from './ps.ts';
import { errorText } from './report.ts';
import { ellipsis, goTimeString, humanSize, humanSizeWithPrecision, rfc3339, timeAgo, truncateId } from './units.ts';
import { referenceMatches } from '../core/reference-match.ts';

const IMAGES_FORMAT: ListFormat = {
  table: 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}',
  headers: {
    ID: 'IMAGE ID',
    Repository: 'REPOSITORY',
    Tag: 'TAG',
    Digest: 'DIGEST',
    CreatedSince: 'CREATED',
    CreatedAt: 'CREATED AT',
    Size: 'SIZE',
    Containers: 'CONTAINERS',
    VirtualSize: 'VIRTUAL SIZE',
    SharedSize: 'SHARED SIZE',
    UniqueSize: 'UNIQUE SIZE',
  },
};

/** `box:1.0` -> ["box", "1.0"]; the tag is after the last ':' that follows the last '/'. */
export function splitTag(ref: string): [string, string] {
  const colon = ref.lastIndexOf(':');
  if (colon > ref.lastIndexOf('/')) return [ref.slice(0, colon), ref.slice(colon + 1)];
  return [ref, ''];
}

interface ImageRow {
  image: ImageSummary;
  repository: string;
  tag: string;
  digest: string;
}

function imageRows(images: ImageSummary[], filter: string | undefined): ImageRow[] {
  const rows: ImageRow[] = [];
  for (const image of images) {
    const tags = image.RepoTags ?? [];
    const digests = image.RepoDigests ?? [];
    if (tags.length === 0) {
      if (filter) continue;
      const repo = digests.length ? digests[0].split('@')[0] : '<none>';
      rows.push({ image, repository: repo, tag: '<none>', digest: digests[0]?.split('@')[1] ?? '<none>' });
      continue;
    }
    for (const ref of tags) {
      const [repository, tag] = splitTag(ref);
      if (filter && !referenceMatches(filter, ref)) continue;
      const digest = digests.find((d) => d.split('@')[0] === repository)?.split('@')[1] ?? '<none>';
      rows.push({ image, repository, tag, digest });
    }
  }
  return rows;
}

export const images: CommandSpec = {
  use: '[OPTIONS] [REPOSITORY[:TAG]]',
  short: 'List images',
  aliases: 'docker image ls, docker image list, docker images',
  flags: [
    { name: 'all', short: 'a', type: 'bool', usage: 'Show all images (default hides intermediate images)' },
    { name: 'digests', type: 'bool', usage: 'Show digests' },
    { name: 'format', type: 'string', usage: FORMAT_USAGE },
    { name: 'no-trunc', type: 'bool', usage: "Don't truncate output" },
    { name: 'quiet', short: 'q', type: 'bool', usage: 'Only show image IDs' },
  ],
  args: { max: 1 },
  top: 7,
  async run(cx, flags, args) {
    const list = await cx.engine.listImages({ all: flags.bool('all') });
    const trunc = !flags.bool('no-trunc');
    const now = cx.now();
    const rows = imageRows(list, args[0]);
    const id = (image: ImageSummary) => (trunc ? truncateId(image.Id) : image.Id);
    const format = flags.string('format');
    if (flags.bool('quiet') && format !== 'json') {
      const seen = new Set<string>();
      for (const r of rows) {
        if (seen.has(r.image.Id)) continue;
        seen.add(r.image.Id);
        cx.out(id(r.image) + '\n');
      }
      return 0;
    }
    const data = rows.map((r) => ({
      ID: id(r.image),
      Repository: r.repository,
      Tag: r.tag,
      Digest: r.digest,
      CreatedSince: timeAgo(r.image.Created, now),
      CreatedAt: goTimeString(r.image.Created),
      Size: humanSizeWithPrecision(r.image.Size, 3),
      Containers: r.image.Containers < 0 ? 'N/A' : String(r.image.Containers),
      VirtualSize: humanSizeWithPrecision(r.image.Size, 3),
      SharedSize: r.image.SharedSize < 0 ? 'N/A' : humanSizeWithPrecision(r.image.SharedSize, 3),
      UniqueSize: r.image.SharedSize < 0 ? 'N/A' : humanSizeWithPrecision(r.image.Size - r.image.SharedSize, 3),
    }));
    let table = IMAGES_FORMAT.table;
    if (flags.bool('digests')) table = 'table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}';
    cx.out(renderList(format, data, { ...IMAGES_FORMAT, table }));
    return 0;
  },
};

export const rmi: CommandSpec = {
  use: '[OPTIONS] IMAGE [IMAGE...]',
  short: 'Remove one or more images',
  aliases: 'docker image rm, docker image remove, docker rmi',
  flags: [
    { name: 'force', short: 'f', type: 'bool', usage: 'Force removal of the image' },
    { name: 'no-prune', type: 'bool', usage: 'Do not delete untagged parents' },
  ],
  args: { min: 1 },
  async run(cx, flags, args) {
    let failed = false;
    for (const name of args) {
      try {
        const removed = await cx.engine.removeImage(name, { force: flags.bool('force'), noprune: flags.bool('no-prune') });
        for (const r of removed) {
          if (r.Untagged) cx.out(`Untagged: ${r.Untagged}\n`);
          if (r.Deleted) cx.out(`Deleted: ${r.Deleted}\n`);
        }
      } catch (e) {
        cx.err(errorText(e) + '\n');
        // As docker: with -f, a missing image is reported but is not a failure.
        if (!(flags.bool('force') && isEngineError(e, 'not-found'))) failed = true;
      }
    }
    return failed ? 1 : 0;
  },
};

export const tag: CommandSpec = {
  use: 'SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]',
  short: 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE',
  aliases: 'docker image tag, docker tag',
  args: { min: 2, max: 2 },
  async run(cx, _flags, args) {
    await cx.engine.tag(args[0], args[1]);
    return 0;
  },
};

const HISTORY_FORMAT: ListFormat = {
  table: 'table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}',
  headers: { ID: 'IMAGE', CreatedSince: 'CREATED', CreatedAt: 'CREATED AT', CreatedBy: 'CREATED BY', Size: 'SIZE', Comment: 'COMMENT' },
};

export const history: CommandSpec = {
  use: '[OPTIONS] IMAGE',
  short: 'Show the history of an image',
  aliases: 'docker image history, docker history',
  flags: [
    { name: 'format', type: 'string', usage: FORMAT_USAGE },
    { name: 'human', short: 'H', type: 'bool', usage: 'Print sizes and dates in human readable format', default: true },
    { name: 'no-trunc', type: 'bool', usage: "Don't truncate output" },
    { name: 'quiet', short: 'q', type: 'bool', usage: 'Only show image IDs' },
  ],
  args: { min: 1, max: 1 },
  async run(cx, flags, args) {
    const entries = await cx.engine.history(args[0]);
    const trunc = !flags.bool('no-trunc');
    const human = flags.bool('human');
    const now = cx.now();
    const id = (s: string) => (trunc && s !== '<missing>' ? truncateId(s) : s);
    if (flags.bool('quiet')) {
      cx.out(entries.map((h) => id(h.Id) + '\n').join(''));
      return 0;
    }
    const rows = entries.map((h) => {
      const createdBy = h.CreatedBy.replace(/\t/g, ' ');
      return {
        ID: id(h.Id),
        CreatedSince: human ? timeAgo(h.Created, now) : rfc3339(h.Created),
        CreatedAt: rfc3339(h.Created),
        CreatedBy: trunc ? ellipsis(createdBy, 45) : createdBy,
        Size: human ? humanSizeWithPrecision(h.Size, 3) : String(h.Size),
        Comment: h.Comment,
        Tags: (h.Tags ?? []).join(', '),
      };
    });
    cx.out(renderList(flags.string('format'), rows, HISTORY_FORMAT));
    return 0;
  },
};

export const imagePrune: CommandSpec = {
  use: '[OPTIONS]',
  short: 'Remove unused images',
  flags: [
    { name: 'all', short: 'a', type: 'bool', usage: 'Remove all unused images, not just dangling ones' },
    { name: 'force', short: 'f', type: 'bool', usage: 'Do not prompt for confirmation' },
  ],
  args: { max: 0 },
  async run(cx, flags) {
    const all = flags.bool('all');
    const warning = all
      ? 'WARNING! This will remove all images without at least one container associated to them.\nAre you sure you want to continue?'
      : 'WARNING! This will remove all dangling images.\nAre you sure you want to continue?';
    if (!flags.bool('force') && !(await confirm(cx, warning))) return 0;
    const report = await cx.engine.pruneImages({ all });
    const lines = report.ImagesDeleted.flatMap((r) => [...(r.Untagged ? [`untagged: ${r.Untagged}`] : []), ...(r.Deleted ? [`deleted: ${r.Deleted}`] : [])]);
    if (lines.length) cx.out('Deleted Images:\n' + lines.map((l) => l + '\n').join('') + '\n');
    cx.out(`Total reclaimed space: ${humanSize(report.SpaceReclaimed)}\n`);
    return 0;
  },
};
