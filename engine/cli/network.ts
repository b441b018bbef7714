/**
 * `docker network create/ls/rm/connect/disconnect/prune` (inspect lives with the other inspects).
 * `ls` is docker's NETWORK ID / NAME / DRIVER / SCOPE table sorted by name; `rm` goes on past a
 * failure and exits 1; `create`'s checks that docker's CLI makes itself (a gateway needs a subnet)
 * are in the core, worded as the CLI words them.
 */
import type { NetworkCreate } from '../engine.ts';
import { StatusError, type CommandSpec } from './command.ts';
import { forEachName } from './each-name.ts';
import { renderList } from './format.ts';
import { confirm } from './prompt.ts';
import { FORMAT_USAGE } from './ps.ts';
import { errorText } from './report.ts';
import { keyValueMap } from './labels.ts';
import { goTimeString } from './units.ts';
import { truncateId } from '../core/ids.ts';
import { parseTime, unixSeconds } from '../core/clock.ts';
import { EngineError, isEngineError } from '../errors.ts';

export const networkCreate: CommandSpec = {
  use: '[OPTIONS] NETWORK',
  short: 'Create a network',
  flags: [
    { name: 'attachable', type: 'bool', usage: 'Enable manual container attachment' },
    { name: 'driver', short: 'd', type: 'string', usage: 'Driver to manage the Network', default: 'bridge' },
    { name: 'gateway', type: 'list', varName: 'strings', usage: 'IPv4 or IPv6 Gateway for the master subnet' },
    { name: 'internal', type: 'bool', usage: 'Restrict external access to the network' },
    { name: 'ip-range', type: 'list', varName: 'strings', usage: 'Allocate container ip from a sub-range' },
    { name: 'ipv6', type: 'bool', usage: 'Enable or disable IPv6 networking' },
    { name: 'label', type: 'list', usage: 'Set metadata on a network' },
    { name: 'opt', short: 'o', type: 'list', varName: 'map', usage: 'Set driver specific options' },
    { name: 'subnet', type: 'list', varName: 'strings', usage: 'Subnet in CIDR format that represents a network segment' },
  ],
  args: { min: 1, max: 1 },
  async run(cx, flags, args) {
    const subnets = flags.list('subnet');
    const gateways = flags.list('gateway');
    const ranges = flags.list('ip-range');
    // docker's CLI pairs each gateway and range with a subnet before it asks the daemon.
    if (gateways.length > subnets.length || ranges.length > subnets.length) throw new StatusError(1, 'every ip-range or gateway must have a corresponding subnet');
    const request: NetworkCreate = { Name: args[0], Driver: flags.string('driver') };
    if (flags.bool('internal')) request.Internal = true;
    if (flags.bool('attachable')) request.Attachable = true;
    const labels = keyValueMap(flags.list('label'));
    if (Object.keys(labels).length) request.Labels = labels;
    const options = keyValueMap(flags.list('opt'));
    if (Object.keys(options).length) request.Options = options;
    if (subnets.length) {
      request.IPAM = {
        Driver: 'default',
        Config: subnets.map((Subnet, i) => ({ Subnet, ...(gateways[i] ? { Gateway: gateways[i] } : {}), ...(ranges[i] ? { IPRange: ranges[i] } : {}) })),
      };
    }
    if (flags.bool('ipv6')) {
      throw new StatusError(1, errorText(new EngineError('forbidden', 'could not find an available, non-overlapping IPv6 address pool among the defaults to assign to the network')));
    }
    const created = await cx.engine.createNetwork(request);
    cx.out(created.Id + '\n');
    return 0;
  },
};

export const networkLs: CommandSpec = {
  use: '[OPTIONS]',
  short: 'List networks',
  flags: [
    { name: 'filter', short: 'f', type: 'list', varName: 'filter', usage: 'Provide filter values (e.g. "driver=bridge")' },
    { name: 'format', type: 'string', usage: FORMAT_USAGE },
    { name: 'no-trunc', type: 'bool', usage: 'Do not truncate the output' },
    { name: 'quiet', short: 'q', type: 'bool', usage: 'Only display network IDs' },
  ],
  args: { max: 0 },
  async run(cx, flags) {
    const filters: Record<string, string[]> = {};
    for (const f of flags.list('filter')) {
      const eq = f.indexOf('=');
      if (eq < 0) throw new StatusError(1, 'bad format of filter (expected name=value)');
      (filters[f.slice(0, eq)] ??= []).push(f.slice(eq + 1));
    }
    const networks = (await cx.engine.listNetworks({ filters })).sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0));
    const trunc = !flags.bool('no-trunc');
    if (flags.bool('quiet')) {
      cx.out(networks.map((n) => (trunc ? truncateId(n.Id) : n.Id) + '\n').join(''));
      return 0;
    }
    const rows = networks.map((n) => ({
      ID: trunc ? truncateId(n.Id) : n.Id,
      Name: n.Name,
      Driver: n.Driver,
      Scope: n.Scope,
      IPv4: String(n.EnableIPv4 ?? true),
      IPv6: String(n.EnableIPv6),
      Internal: String(n.Internal),
      Labels: Object.keys(n.Labels)
        .sort()
        .map((k) => `${k}=${n.Labels[k]}`)
        .join(','),
      CreatedAt: goTimeString(unixSeconds(parseTime(n.Created) ?? 0)),
    }));
    cx.out(
      renderList(flags.string('format'), rows, {
        table: 'table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}',
        headers: { ID: 'NETWORK ID', Name: 'NAME', Driver: 'DRIVER', Scope: 'SCOPE', IPv4: 'IPV4', IPv6: 'IPV6', Internal: 'INTERNAL', Labels: 'LABELS', CreatedAt: 'CREATED AT' },
      }),
    );
    return 0;
  },
};

export const networkRm: CommandSpec = {
  use: '[OPTIONS] NETWORK [NETWORK...]',
  short: 'Remove one or more networks',
  flags: [{ name: 'force', short: 'f', type: 'bool', usage: 'Do not error if the network does not exist' }],
  args: { min: 1 },
  async run(cx, flags, args) {
    return forEachName(cx, args, async (name) => {
      try {
        await cx.engine.removeNetwork(name);
      } catch (e) {
        // -f: a network that is not there is no error and prints nothing.
        if (flags.bool('force') && isEngineError(e, 'not-found')) return null;
        throw e;
      }
    });
  },
};

export const networkConnect: CommandSpec = {
  use: '[OPTIONS] NETWORK CONTAINER',
  short: 'Connect a container to a network',
  flags: [{ name: 'alias', type: 'list', varName: 'strings', usage: 'Add network-scoped alias for the container' }],
  args: { min: 2, max: 2 },
  async run(cx, flags, args) {
    const aliases = flags.list('alias');
    await cx.engine.connectNetwork(args[0], args[1], aliases.length ? { Aliases: aliases } : {});
    return 0;
  },
};

export const networkDisconnect: CommandSpec = {
  use: '[OPTIONS] NETWORK CONTAINER',
  short: 'Disconnect a container from a network',
  flags: [{ name: 'force', short: 'f', type: 'bool', usage: 'Force the container to disconnect from a network' }],
  args: { min: 2, max: 2 },
  async run(cx, flags, args) {
    await cx.engine.disconnectNetwork(args[0], args[1], { force: flags.bool('force') });
    return 0;
  },
};

export const networkPrune: CommandSpec = {
  use: '[OPTIONS]',
  short: 'Remove all unused networks',
  flags: [{ name: 'force', short: 'f', type: 'bool', usage: 'Do not prompt for confirmation' }],
  args: { max: 0 },
  async run(cx, flags) {
    const warning = 'WARNING! This will remove all custom networks not used by at least one container.\nAre you sure you want to continue?';
    if (!flags.bool('force') && !(await confirm(cx, warning))) return 0;
    const { NetworksDeleted } = await cx.engine.pruneNetworks();
    if (NetworksDeleted.length) cx.out('Deleted Networks:\n' + NetworksDeleted.map((n) => n + '\n').join('') + '\n');
    return 0;
  },
};
