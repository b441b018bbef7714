/**
 * `docker volume create/ls/rm/prune` (inspect lives with the other inspects). `ls` is docker's
 * DRIVER / VOLUME NAME table; prune removes volumes no container uses, only anonymous ones unless
 * --all (docker 23+), and reports the space reclaimed.
 */
import type { CommandSpec } from './command.ts';
import { forEachName } from './each-name.ts';
import { renderList } from './format.ts';
import { confirm } from './prompt.ts';
import { FORMAT_USAGE } from './ps.ts';
import { keyValueMap } from './labels.ts';
import { humanSize } from './units.ts';

/** The label docker puts on volumes created for an anonymous `-v /path`. */
export const ANONYMOUS_LABEL = 'com.docker.volume.anonymous';

export const volumeCreate: CommandSpec = {
  use: '[OPTIONS] [VOLUME]',
  short: 'Create a volume',
  flags: [
    { name: 'label', type: 'list', usage: 'Set metadata for a volume' },
    { name: 'name', type: 'string', usage: 'Specify volume name', hidden: true },
  ],
  args: { max: 1 },
  async run(cx, flags, args) {
    const labels = keyValueMap(flags.list('label'));
    const name = args[0] ?? (flags.string('name') || undefined);
    const volume = await cx.engine.createVolume({ ...(name ? { Name: name } : {}), ...(Object.keys(labels).length ? { Labels: labels } : {}) });
    cx.out(volume.Name + '\n');
    return 0;
  },
};

export const volumeLs: CommandSpec = {
  use: '[OPTIONS]',
  short: 'List volumes',
  flags: [
    { name: 'format', type: 'string', usage: FORMAT_USAGE },
    { name: 'quiet', short: 'q', type: 'bool', usage: 'Only display volume names' },
  ],
  args: { max: 0 },
  async run(cx, flags) {
    const { Volumes, Warnings } = await cx.engine.listVolumes();
    const volumes = [...Volumes].sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0));
    if (flags.bool('quiet')) {
      cx.out(volumes.map((v) => v.Name + '\n').join(''));
    } else {
      const rows = volumes.map((v) => ({
        Name: v.Name,
        Driver: v.Driver,
        Scope: v.Scope,
        Mountpoint: v.Mountpoint,
        CreatedAt: v.CreatedAt,
        Labels: Object.keys(v.Labels ?? {})
          .map((k) => `${k}=${v.Labels[k]}`)
          .join(','),
      }));
      cx.out(
        renderList(flags.string('format'), rows, {
          table: 'table {{.Driver}}\t{{.Name}}',
          headers: { Name: 'VOLUME NAME', Driver: 'DRIVER', Scope: 'SCOPE', Mountpoint: 'MOUNTPOINT', CreatedAt: 'CREATED', Labels: 'LABELS' },
        }),
      );
    }
    for (const w of Warnings ?? []) cx.err(w + '\n');
    return 0;
  },
};

export const volumeRm: CommandSpec = {
  use: '[OPTIONS] VOLUME [VOLUME...]',
  short: 'Remove one or more volumes',
  flags: [{ name: 'force', short: 'f', type: 'bool', usage: 'Force the removal of one or more volumes' }],
  args: { min: 1 },
  async run(cx, flags, args) {
    return forEachName(cx, args, (name) => cx.engine.removeVolume(name, { force: flags.bool('force') }));
  },
};

export const volumePrune: CommandSpec = {
  use: '[OPTIONS]',
  short: 'Remove unused local volumes',
  flags: [
    { name: 'all', short: 'a', type: 'bool', usage: 'Remove all unused volumes, not just anonymous ones' },
    { name: 'force', short: 'f', type: 'bool', usage: 'Do not prompt for confirmation' },
  ],
  args: { max: 0 },
  async run(cx, flags) {
    const all = flags.bool('all');
    const warning = all
      ? 'WARNING! This will remove all local volumes not used by at least one container.\nAre you sure you want to continue?'
      : 'WARNING! This will remove anonymous local volumes not used by at least one container.\nAre you sure you want to continue?';
    if (!flags.bool('force') && !(await confirm(cx, warning))) return 0;
    const report = await cx.engine.pruneVolumes({ all });
    if (report.VolumesDeleted.length) cx.out('Deleted Volumes:\n' + report.VolumesDeleted.map((n) => n + '\n').join('') + '\n');
    cx.out(`Total reclaimed space: ${humanSize(report.SpaceReclaimed)}\n`);
    return 0;
  },
};
