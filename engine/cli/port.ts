/**
 * `docker port CONTAINER [PRIVATE_PORT[/PROTO]]`: the published ports of a running container as
 * docker prints them ("80/tcp -> 0.0.0.0:8080", IPv6 in brackets), or for one port only its
 * host addresses; a port that is not published is docker's error.
 */
import { StatusError, type CommandSpec } from './command.ts';
import { parsePortKey, portLines } from '../core/port-bindings.ts';
import { isEngineError } from '../errors.ts';

export const port: CommandSpec = {
  use: 'CONTAINER [PRIVATE_PORT[/PROTO]]',
  short: 'List port mappings or a specific mapping for the container',
  aliases: 'docker container port, docker port',
  flags: [],
  args: { min: 1, max: 2 },
  async run(cx, _flags, args) {
    const [name, asked] = args;
    const c = await cx.engine.inspectContainer(name);
    let only;
    if (asked !== undefined) {
      try {
        only = parsePortKey(asked);
      } catch (e) {
        if (isEngineError(e)) throw new StatusError(1, `Error: ${e.message}`);
        throw e;
      }
    }
    const lines = portLines(c.NetworkSettings?.Ports ?? {}, only);
    if (asked !== undefined && lines.length === 0) throw new StatusError(1, `Error: No public port '${asked}' published for ${name}`);
    cx.out(lines.map((l) => l + '\n').join(''));
    return 0;
  },
};
