/**
 * `docker ps` / `docker container ls`: docker's table (CONTAINER ID, IMAGE, COMMAND, CREATED,
 * STATUS, PORTS, NAMES), IDs and commands truncated unless --no-trunc, `-q`, `-n`/`-l`,
 * `-f status=|name=|id=|ancestor=|health=`, `-s` (SIZE: the writable layer, and the virtual total), and `--format`.
 */
import type { ContainerSummary } from '../engine.ts';
import { StatusError, type CommandSpec } from './command.ts';
import { renderList, type ListFormat } from './format.ts';
import { ellipsis, goTimeString, humanSizeWithPrecision, timeAgo, truncateId } from './units.ts';
import { portFilter, portsColumn } from '../core/port-bindings.ts';
import { healthFilterMatches } from '../core/health-config.ts';
import { errorText } from './report.ts';

const FORMAT_USAGE =
  "Format output using a custom template:\n'table':            Print output in table format with column headers (default)\n'table TEMPLATE':   Print output in table format using the given Go template\n'json':             Print in JSON format\n'TEMPLATE':         Print output using the given Go template.\nRefer to https://docs.docker.com/go/formatting/ for more information about formatting output with templates";
export { FORMAT_USAGE };

const PS_FORMAT: ListFormat = {
  table: 'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}',
  headers: {
    ID: 'CONTAINER ID',
    Image: 'IMAGE',
    Command: 'COMMAND',
    CreatedAt: 'CREATED AT',
    RunningFor: 'CREATED',
    Ports: 'PORTS',
    State: 'STATE',
    Status: 'STATUS',
    Size: 'SIZE',
    Names: 'NAMES',
    Labels: 'LABELS',
    Mounts: 'MOUNTS',
    LocalVolumes: 'LOCAL VOLUMES',
    Networks: 'NETWORKS',
  },
};

/** Go's strconv.Quote for the text docker puts in the COMMAND column. */
function goQuote(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\u009f]/g, (c) => '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0'));
}

/** The SIZE column: the writable layer and, when known, the whole file system (empty unless listed with sizes). */
function sizeText(c: ContainerSummary): string {
  if (c.SizeRw === undefined) return '';
  const rw = humanSizeWithPrecision(c.SizeRw, 3);
  return c.SizeRootFs ? `${rw} (virtual ${humanSizeWithPrecision(c.SizeRootFs, 3)})` : rw;
}

export function containerRow(c: ContainerSummary, trunc: boolean, now: number): Record<string, unknown> {
  const names = c.Names.map((n) => n.replace(/^\//, ''));
  return {
    ID: trunc ? truncateId(c.Id) : c.Id,
    Image: c.Image || '<no image>',
    Command: goQuote(trunc ? ellipsis(c.Command, 20) : c.Command),
    CreatedAt: goTimeString(c.Created),
    RunningFor: timeAgo(c.Created, now),
    Ports: portsColumn(c.Ports ?? []),
    State: c.State,
    Status: c.Status,
    Size: sizeText(c),
    Names: trunc ? (names.find((n) => !n.includes('/')) ?? '') : names.join(','),
    Labels: Object.keys(c.Labels ?? {})
      .map((k) => `${k}=${c.Labels[k]}`)
      .sort()
      .join(','),
    Mounts: (c.Mounts ?? []).map((m) => (trunc ? ellipsis(m.Name || m.Source, 15) : m.Name || m.Source)).join(','),
    LocalVolumes: String((c.Mounts ?? []).filter((m) => m.Driver === 'local').length),
    Networks: Object.keys(c.NetworkSettings?.Networks ?? {})
      .sort()
      .join(','),
  };
}

function matches(c: ContainerSummary, filters: string[]): boolean {
  for (const f of filters) {
    const eq = f.indexOf('=');
    const key = f.slice(0, eq);
    const value = f.slice(eq + 1);
    const ok =
      key === 'status'
        ? c.State === value
        : key === 'name'
          ? c.Names.some((n) => n.replace(/^\//, '').includes(value))
          : key === 'id'
            ? c.Id.startsWith(value)
            : key === 'ancestor'
              ? c.Image === value || c.Image.split(':')[0] === value || c.ImageID.replace(/^sha256:/, '').startsWith(value.replace(/^sha256:/, ''))
              : key === 'label'
                ? value.includes('=')
                  ? c.Labels?.[value.slice(0, value.indexOf('='))] === value.slice(value.indexOf('=') + 1)
                  : value in (c.Labels ?? {})
                : key === 'network'
                  ? Object.entries(c.NetworkSettings?.Networks ?? {}).some(([name, e]) => name === value || (value.length > 0 && e.NetworkID.startsWith(value)))
                  : key === 'publish' || key === 'expose'
                    ? portFilter(key, value)(c.Ports ?? [])
                    : key === 'health'
                      ? healthFilterMatches(value, c.Health)
                      : true;
    if (!ok) return false;
  }
  return true;
}

const FILTER_KEYS = ['status', 'name', 'id', 'ancestor', 'label', 'network', 'publish', 'expose', 'health'];

export const ps: CommandSpec = {
  use: '[OPTIONS]',
  short: 'List containers',
  aliases: 'docker container ls, docker container list, docker container ps, docker ps',
  flags: [
    { name: 'all', short: 'a', type: 'bool', usage: 'Show all containers (default shows just running)' },
    { name: 'filter', short: 'f', type: 'list', varName: 'filter', usage: 'Filter output based on conditions provided' },
    { name: 'format', type: 'string', usage: FORMAT_USAGE },
    { name: 'last', short: 'n', type: 'int', usage: 'Show n last created containers (includes all states)', default: -1 },
    { name: 'latest', short: 'l', type: 'bool', usage: 'Show the latest created container (includes all states)' },
    { name: 'no-trunc', type: 'bool', usage: "Don't truncate output" },
    { name: 'quiet', short: 'q', type: 'bool', usage: 'Only display container IDs' },
    { name: 'size', short: 's', type: 'bool', usage: 'Display total file sizes' },
  ],
  args: { max: 0 },
  top: 3,
  async run(cx, flags) {
    const filters = flags.list('filter');
    for (const f of filters) {
      const eq = f.indexOf('=');
      if (eq < 0) throw new StatusError(1, `bad format of filter (expected name=value)`);
      const key = f.slice(0, eq);
      if (!FILTER_KEYS.includes(key)) throw new StatusError(1, `Error response from daemon: Invalid filter '${key}'`);
      if (key === 'health') {
        try {
          healthFilterMatches(f.slice(eq + 1), undefined);
        } catch (e) {
          throw new StatusError(1, errorText(e));
        }
      }
    }
    let last = flags.int('last');
    if (flags.bool('latest')) last = 1;
    const all = flags.bool('all') || last > 0 || filters.some((f) => f.startsWith('status='));
    let format = flags.string('format');
    // As docker: -s adds the SIZE column; a template that shows .Size asks for sizes by itself.
    const size = flags.bool('size') || (format?.includes('.Size') ?? false);
    if (flags.bool('size') && !format) format = PS_FORMAT.table + '\t{{.Size}}';
    let list = (await cx.engine.listContainers(size ? { all, size } : { all })).filter((c) => matches(c, filters));
    if (last > 0) list = [...list].sort((a, b) => b.Created - a.Created).slice(0, last);
    const trunc = !flags.bool('no-trunc');
    const now = cx.now();
    const rows = list.map((c) => containerRow(c, trunc, now));
    if (flags.bool('quiet') && format !== 'json') {
      cx.out(rows.map((r) => r.ID + '\n').join(''));
      return 0;
    }
    cx.out(renderList(format, rows, PS_FORMAT));
    return 0;
  },
};
