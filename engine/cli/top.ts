/** `docker top`: the engine's process list of a running container, laid out as docker's CLI does (tabwriter, min width 20). */
import type { CommandSpec } from './command.ts';
import { tabwrite } from './table.ts';

export const top: CommandSpec = {
  use: 'CONTAINER [ps OPTIONS]',
  short: 'Display the running processes of a container',
  aliases: 'docker container top, docker top',
  interspersed: false,
  args: { min: 1 },
  async run(cx, _flags, [container, ...psArgs]) {
    const list = await cx.engine.top(container, psArgs.join(' '));
    cx.out(tabwrite([list.Titles, ...list.Processes].map((cells) => cells.join('\t')), 20));
    return 0;
  },
};
