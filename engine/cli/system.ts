/**
 * `docker version`, `docker info`, `docker system df`, `docker system prune`, laid out as docker
 * lays them out (version's aligned key column, info's indented sections, df's table, prune's
 * warning list and "Total reclaimed space").
 */
import type { DiskUsage } from '../engine.ts';
import { StatusError, type CommandContext, type CommandSpec } from './command.ts';
import { renderList } from './format.ts';
import { Template, TemplateError } from './go-template.ts';
import { confirm } from './prompt.ts';
import { bytesSize, humanSize, humanSizeWithPrecision, timeAgo, truncateId } from './units.ts';

/** This client's version, as `docker version` shows under "Client:". */
export const CLIENT_VERSION = '0.1.0';

function keyLines(indent: string, pairs: Array<[string, string]>, width: number): string {
  return pairs.map(([k, v]) => `${indent}${(k + ':').padEnd(width)}${v}\n`).join('');
}

function formatFlag(usage: string) {
  return { name: 'format', short: 'f', type: 'string' as const, usage };
}

function formatted(cx: CommandContext, format: string, data: unknown): boolean {
  if (!format) return false;
  try {
    cx.out(new Template(format).execute(data) + '\n');
  } catch (e) {
    if (e instanceof TemplateError) throw new StatusError(1, `template parsing error: ${e.message}`);
    throw e;
  }
  return true;
}

export const version: CommandSpec = {
  use: '[OPTIONS]',
  short: 'Show the Docker version information',
  flags: [formatFlag('Format output using a custom template')],
  args: { max: 0 },
  top: 11,
  async run(cx, flags) {
    const server = await cx.engine.version();
    const client = { Version: CLIENT_VERSION, ApiVersion: server.ApiVersion, Context: 'default' };
    if (formatted(cx, flags.string('format'), { Client: client, Server: server })) return 0;
    let text = 'Client:\n';
    text += keyLines(' ', [['Version', client.Version], ['API version', client.ApiVersion], ['Context', client.Context]], 19);
    text += '\nServer:\n';
    const components = server.Components?.length ? server.Components : [{ Name: 'Engine', Version: server.Version, Details: {} as Record<string, string> }];
    for (const c of components) {
      text += ` ${c.Name}:\n`;
      if (c.Name === 'Engine') {
        text += keyLines('  ', [
          ['Version', server.Version],
          ['API version', `${server.ApiVersion} (minimum version ${server.MinAPIVersion})`],
          ['Go version', server.GoVersion],
          ['Git commit', server.GitCommit],
          ['Built', server.BuildTime],
          ['OS/Arch', `${server.Os}/${server.Arch}`],
          ['Experimental', 'false'],
        ], 18);
      } else {
        text += keyLines('  ', [['Version', c.Version], ...Object.entries(c.Details ?? {})], 18);
      }
    }
    cx.out(text);
    return 0;
  },
};

export const info: CommandSpec = {
  use: '[OPTIONS]',
  short: 'Display system-wide information',
  aliases: 'docker system info, docker info',
  flags: [formatFlag('Format output using a custom template')],
  args: { max: 0 },
  top: 12,
  async run(cx, flags) {
    const i = await cx.engine.info();
    if (formatted(cx, flags.string('format'), i)) return 0;
    let text = `Client:\n Version:    ${CLIENT_VERSION}\n Context:    default\n Debug Mode: false\n\nServer:\n`;
    text += ` Containers: ${i.Containers}\n  Running: ${i.ContainersRunning}\n  Paused: ${i.ContainersPaused}\n  Stopped: ${i.ContainersStopped}\n`;
    text += ` Images: ${i.Images}\n Server Version: ${i.ServerVersion}\n Storage Driver: ${i.Driver}\n`;
    text += ` Swarm: ${i.Swarm.LocalNodeState}\n`;
    if (i.SecurityOptions.length) {
      text += ' Security Options:\n';
      for (const opt of i.SecurityOptions) {
        const fields = Object.fromEntries(opt.split(',').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
        text += `  ${fields.name ?? opt}\n`;
        for (const [k, v] of Object.entries(fields)) if (k !== 'name') text += `   ${k[0].toUpperCase()}${k.slice(1)}: ${v}\n`;
      }
    }
    text += ` Kernel Version: ${i.KernelVersion}\n Operating System: ${i.OperatingSystem}\n OSType: ${i.OSType}\n Architecture: ${i.Architecture}\n`;
    text += ` CPUs: ${i.NCPU}\n Total Memory: ${bytesSize(i.MemTotal)}\n Name: ${i.Name}\n ID: ${i.ID}\n`;
    cx.out(text);
    return 0;
  },
};

function percent(part: number, total: number): string {
  return total > 0 ? ` (${Math.trunc((part * 100) / total)}%)` : '';
}

function dfSummary(du: DiskUsage): Array<Record<string, string>> {
  let imageUsed = 0;
  for (const img of du.Images) if (img.Containers > 0 && img.SharedSize !== -1) imageUsed += img.Size - img.SharedSize;
  const imageReclaim = Math.max(0, du.LayersSize - imageUsed);
  const containerSize = du.Containers.reduce((n, c) => n + c.SizeRw, 0);
  const containerReclaim = du.Containers.filter((c) => c.State !== 'running').reduce((n, c) => n + c.SizeRw, 0);
  const volumeSize = du.Volumes.reduce((n, v) => n + Math.max(0, v.UsageData.Size), 0);
  const volumeReclaim = du.Volumes.filter((v) => v.UsageData.RefCount === 0).reduce((n, v) => n + Math.max(0, v.UsageData.Size), 0);
  return [
    { Type: 'Images', TotalCount: String(du.Images.length), Active: String(du.Images.filter((i) => i.Containers > 0).length), Size: humanSize(du.LayersSize), Reclaimable: humanSize(imageReclaim) + percent(imageReclaim, du.LayersSize) },
    { Type: 'Containers', TotalCount: String(du.Containers.length), Active: String(du.Containers.filter((c) => c.State === 'running').length), Size: humanSize(containerSize), Reclaimable: humanSize(containerReclaim) + percent(containerReclaim, containerSize) },
    { Type: 'Local Volumes', TotalCount: String(du.Volumes.length), Active: String(du.Volumes.filter((v) => v.UsageData.RefCount > 0).length), Size: humanSize(volumeSize), Reclaimable: humanSize(volumeReclaim) + percent(volumeReclaim, volumeSize) },
    { Type: 'Build Cache', TotalCount: String(du.BuildCache.length), Active: '0', Size: humanSize(0), Reclaimable: humanSize(0) },
  ];
}

function dfVerbose(du: DiskUsage, now: number): string {
  let text = 'Images space usage:\n\n';
  text += renderList('', du.Images.flatMap((img) => {
    const tags = img.RepoTags.length ? img.RepoTags : ['<none>:<none>'];
    return tags.map((t) => {
      const colon = t.lastIndexOf(':');
      return {
        Repository: t.slice(0, colon), Tag: t.slice(colon + 1), ID: truncateId(img.Id), CreatedSince: timeAgo(img.Created, now),
        Size: humanSizeWithPrecision(img.Size, 3), SharedSize: img.SharedSize < 0 ? 'N/A' : humanSizeWithPrecision(img.SharedSize, 3),
        UniqueSize: img.SharedSize < 0 ? 'N/A' : humanSizeWithPrecision(img.Size - img.SharedSize, 3), Containers: String(img.Containers),
      };
    });
  }), {
    table: 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}\t{{.SharedSize}}\t{{.UniqueSize}}\t{{.Containers}}',
    headers: { Repository: 'REPOSITORY', Tag: 'TAG', ID: 'IMAGE ID', CreatedSince: 'CREATED', Size: 'SIZE', SharedSize: 'SHARED SIZE', UniqueSize: 'UNIQUE SIZE', Containers: 'CONTAINERS' },
  });
  text += '\nContainers space usage:\n\n';
  text += renderList('', du.Containers.map((c) => ({
    ID: truncateId(c.Id), Image: c.Image, Command: JSON.stringify(c.Command.length > 20 ? [...c.Command].slice(0, 19).join('') + '…' : c.Command),
    LocalVolumes: String((c.Mounts ?? []).length), Size: humanSizeWithPrecision(c.SizeRw, 3), RunningFor: timeAgo(c.Created, now), Status: c.Status,
    Names: c.Names.map((n) => n.replace(/^\//, '')).join(','),
  })), {
    table: 'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.LocalVolumes}}\t{{.Size}}\t{{.RunningFor}}\t{{.Status}}\t{{.Names}}',
    headers: { ID: 'CONTAINER ID', Image: 'IMAGE', Command: 'COMMAND', LocalVolumes: 'LOCAL VOLUMES', Size: 'SIZE', RunningFor: 'CREATED', Status: 'STATUS', Names: 'NAMES' },
  });
  text += '\nLocal Volumes space usage:\n\n';
  text += renderList('', du.Volumes.map((v) => ({ Name: v.Name, Links: String(v.UsageData.RefCount), Size: humanSizeWithPrecision(Math.max(0, v.UsageData.Size), 3) })), {
    table: 'table {{.Name}}\t{{.Links}}\t{{.Size}}',
    headers: { Name: 'VOLUME NAME', Links: 'LINKS', Size: 'SIZE' },
  });
  text += '\nBuild cache usage: 0B\n\n';
  text += renderList('', [], { table: 'table {{.ID}}\t{{.Type}}\t{{.Size}}\t{{.CreatedSince}}\t{{.LastUsedSince}}\t{{.UsageCount}}\t{{.Shared}}', headers: { ID: 'CACHE ID', Type: 'CACHE TYPE', Size: 'SIZE', CreatedSince: 'CREATED', LastUsedSince: 'LAST USED', UsageCount: 'USAGE', Shared: 'SHARED' } });
  return text;
}

export const systemDf: CommandSpec = {
  use: '[OPTIONS]',
  short: 'Show docker disk usage',
  flags: [
    { name: 'format', type: 'string', usage: 'Format output using a custom template' },
    { name: 'verbose', short: 'v', type: 'bool', usage: 'Show detailed information on space usage' },
  ],
  args: { max: 0 },
  async run(cx, flags) {
    const du = await cx.engine.diskUsage();
    if (flags.bool('verbose')) {
      cx.out(dfVerbose(du, cx.now()));
      return 0;
    }
    cx.out(renderList(flags.string('format'), dfSummary(du), {
      table: 'table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}',
      headers: { Type: 'TYPE', TotalCount: 'TOTAL', Active: 'ACTIVE', Size: 'SIZE', Reclaimable: 'RECLAIMABLE' },
    }));
    return 0;
  },
};

export const systemPrune: CommandSpec = {
  use: '[OPTIONS]',
  short: 'Remove unused data',
  flags: [
    { name: 'all', short: 'a', type: 'bool', usage: 'Remove all unused images not just dangling ones' },
    { name: 'force', short: 'f', type: 'bool', usage: 'Do not prompt for confirmation' },
    { name: 'volumes', type: 'bool', usage: 'Prune anonymous volumes' },
  ],
  args: { max: 0 },
  async run(cx, flags) {
    const all = flags.bool('all');
    const volumes = flags.bool('volumes');
    const warnings = ['all stopped containers', 'all networks not used by at least one container'];
    if (volumes) warnings.push('all anonymous volumes not used by at least one container');
    warnings.push(all ? 'all images without at least one container associated to them' : 'all dangling images');
    warnings.push(all ? 'all build cache' : 'unused build cache');
    const message = 'WARNING! This will remove:\n' + warnings.map((w) => `  - ${w}\n`).join('') + '\nAre you sure you want to continue?';
    if (!flags.bool('force') && !(await confirm(cx, message))) return 0;
    const report = await cx.engine.prune({ all, volumes });
    // After the containers: a network only they were on is unused now (docker prunes in this order).
    const { NetworksDeleted } = await cx.engine.pruneNetworks();
    let text = '';
    if (report.ContainersDeleted.length) text += 'Deleted Containers:\n' + report.ContainersDeleted.map((id) => id + '\n').join('') + '\n';
    if (NetworksDeleted.length) text += 'Deleted Networks:\n' + NetworksDeleted.map((n) => n + '\n').join('') + '\n';
    if (report.VolumesDeleted.length) text += 'Deleted Volumes:\n' + report.VolumesDeleted.map((n) => n + '\n').join('') + '\n';
    if (report.ImagesDeleted.length) {
      text += 'Deleted Images:\n';
      for (const r of report.ImagesDeleted) {
        if (r.Untagged) text += `untagged: ${r.Untagged}\n`;
        if (r.Deleted) text += `deleted: ${r.Deleted}\n`;
      }
      text += '\n';
    }
    cx.out(text + `Total reclaimed space: ${humanSize(report.SpaceReclaimed)}\n`);
    return 0;
  },
};
