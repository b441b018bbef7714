/**
 * `docker stats --no-stream`: one sample per container, the figures computed from Docker's
 * StatsJSON as docker's CLI computes them (CPU % over the two samples, memory without the page
 * cache, binary units for memory, decimal for I/O), laid out by its default table or --format.
 */
import type { ContainerStats } from '../engine.ts';
import { StatusError, type CommandSpec } from './command.ts';
import { renderList } from './format.ts';
import { bytesSize, humanSizeWithPrecision } from './units.ts';

const TABLE = 'table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}';
const HEADERS = { ID: 'CONTAINER ID', Container: 'CONTAINER', Name: 'NAME', CPUPerc: 'CPU %', MemUsage: 'MEM USAGE / LIMIT', MemPerc: 'MEM %', NetIO: 'NET I/O', BlockIO: 'BLOCK I/O', PIDs: 'PIDS' };

function cpuPercent(s: ContainerStats): number {
  const cpuDelta = s.cpu_stats.cpu_usage.total_usage - s.precpu_stats.cpu_usage.total_usage;
  const systemDelta = s.cpu_stats.system_cpu_usage - s.precpu_stats.system_cpu_usage;
  const cpus = s.cpu_stats.online_cpus || 0;
  return systemDelta > 0 && cpuDelta > 0 ? (cpuDelta / systemDelta) * cpus * 100 : 0;
}

/** docker's calculateMemUsageUnixNoCache: usage less the inactive file cache (cgroup v1 or v2 name). */
function memoryUsed(m: ContainerStats['memory_stats']): number {
  const usage = m.usage ?? 0;
  const cache = m.stats?.total_inactive_file ?? m.stats?.inactive_file;
  return cache !== undefined && cache < usage ? usage - cache : usage;
}

function io(read: number, written: number): string {
  return `${humanSizeWithPrecision(read, 3)} / ${humanSizeWithPrecision(written, 3)}`;
}

function row(s: ContainerStats, noTrunc: boolean): Record<string, unknown> {
  const used = memoryUsed(s.memory_stats);
  const limit = s.memory_stats.limit ?? 0;
  const nets = Object.values(s.networks ?? {});
  const blk = s.blkio_stats.io_service_bytes_recursive ?? [];
  const sum = (op: string) => blk.filter((b) => b.op.toLowerCase() === op).reduce((n, b) => n + b.value, 0);
  return {
    ID: noTrunc ? s.id : s.id.slice(0, 12),
    Container: s.name.replace(/^\//, ''),
    Name: s.name.replace(/^\//, ''),
    CPUPerc: `${cpuPercent(s).toFixed(2)}%`,
    MemUsage: `${bytesSize(used)} / ${bytesSize(limit)}`,
    MemPerc: `${(limit > 0 ? (used / limit) * 100 : 0).toFixed(2)}%`,
    NetIO: io(nets.reduce((n, x) => n + x.rx_bytes, 0), nets.reduce((n, x) => n + x.tx_bytes, 0)),
    BlockIO: io(sum('read'), sum('write')),
    PIDs: String(s.pids_stats.current ?? 0),
  };
}


export const stats: CommandSpec = {
  use: '[OPTIONS] [CONTAINER...]',
  short: 'Display a live stream of container(s) resource usage statistics',
  aliases: 'docker container stats, docker stats',
  flags: [
    { name: 'all', short: 'a', type: 'bool', usage: 'Show all containers (default shows just running)' },
    { name: 'format', type: 'string', usage: 'Format output using a custom template' },
    { name: 'no-stream', type: 'bool', usage: 'Disable streaming stats and only pull the first result' },
    { name: 'no-trunc', type: 'bool', usage: 'Do not truncate output' },
  ],
  async run(cx, flags, args) {
    if (!flags.bool('no-stream')) throw new StatusError(1, 'docker stats: the live view is not supported by this terminal yet: use docker stats --no-stream');
    const names = args.length ? args : (await cx.engine.listContainers({ all: flags.bool('all') })).map((c) => c.Id);
    const rows: Array<Record<string, unknown>> = [];
    for (const name of names) rows.push(row(await cx.engine.stats(name), flags.bool('no-trunc')));
    cx.out(renderList(flags.string('format'), rows, { table: TABLE, headers: HEADERS }));
    return 0;
  },
};
