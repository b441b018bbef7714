/**
 * `docker logs`: stdout entries to stdout, stderr entries to stderr, `-t` prefixes each entry with
 * its RFC 3339 nano timestamp, `-n/--tail`, `-f` follows until the container exits or Ctrl-C.
 * With follow, the engine delivers every entry (past and new) through onEntry.
 */
import type { LogEntry } from '../ports.ts';
import { EXIT_INTERRUPTED, interrupted } from './attach.ts';
import { StatusError, type CommandSpec } from './command.ts';

export const logs: CommandSpec = {
  use: '[OPTIONS] CONTAINER',
  short: 'Fetch the logs of a container',
  aliases: 'docker container logs, docker logs',
  flags: [
    { name: 'details', type: 'bool', usage: 'Show extra details provided to logs' },
    { name: 'follow', short: 'f', type: 'bool', usage: 'Follow log output' },
    { name: 'tail', short: 'n', type: 'string', usage: 'Number of lines to show from the end of the logs', default: 'all' },
    { name: 'timestamps', short: 't', type: 'bool', usage: 'Show timestamps' },
  ],
  args: { min: 1, max: 1 },
  async run(cx, flags, args) {
    const tailText = flags.string('tail');
    let tail: number | 'all' = 'all';
    if (tailText !== 'all' && tailText !== '') {
      if (!/^-?\d+$/.test(tailText)) throw new StatusError(1, `Error response from daemon: invalid value for "tail": "${tailText}"`);
      const n = Number(tailText);
      tail = n < 0 ? 'all' : n;
    }
    const timestamps = flags.bool('timestamps');
    // Docker puts a line's log attributes (from --log-opt labels/env) and a space after the timestamp;
    // our containers have none, so --details adds the space alone, as Docker's does for them.
    const details = flags.bool('details') ? ' ' : '';
    const decoders = { stdout: new TextDecoder(), stderr: new TextDecoder() };
    let stopped = false;
    let delivered = 0;
    const print = (entry: LogEntry) => {
      if (stopped) return;
      delivered++;
      const text = (timestamps ? entry.time + ' ' : '') + details + decoders[entry.stream].decode(entry.data, { stream: true });
      if (entry.stream === 'stderr') cx.err(text);
      else cx.out(text);
    };
    const follow = flags.bool('follow');
    const fetching = cx.engine.logs(args[0], { stdout: true, stderr: true, follow, tail, timestamps, ...(follow ? { onEntry: print } : {}) });
    if (!follow) {
      for (const entry of await fetching) print(entry);
      return 0;
    }
    fetching.catch(() => {});
    const outcome = await Promise.race([fetching, interrupted(cx)]);
    if (outcome === 'interrupted') {
      stopped = true;
      return EXIT_INTERRUPTED;
    }
    // An engine that returns the entries instead of streaming them still gets them shown.
    if (delivered === 0) for (const entry of outcome) print(entry);
    return 0;
  },
};
