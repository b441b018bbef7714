/** `docker update`: the memory limit (the one resource this engine can change), per container as docker's CLI reports it. */
import { StatusError, type CommandSpec } from './command.ts';
import { errorText } from './report.ts';
import { ramInBytes } from './units.ts';

function size(flag: string, text: string): number {
  if (flag === 'memory-swap' && text === '-1') return -1;
  try {
    return ramInBytes(text);
  } catch (e) {
    throw new StatusError(125, `invalid argument "${text}" for "--${flag}" flag: ${(e as Error).message}\nSee 'docker update --help'.`);
  }
}

export const update: CommandSpec = {
  use: '[OPTIONS] CONTAINER [CONTAINER...]',
  short: 'Update configuration of one or more containers',
  aliases: 'docker container update, docker update',
  flags: [
    { name: 'memory', short: 'm', type: 'string', usage: 'Memory limit' },
    { name: 'memory-swap', type: 'string', usage: 'Swap limit equal to memory plus swap: -1 to enable unlimited swap' },
  ],
  args: { min: 1 },
  async run(cx, flags, names) {
    if (!flags.has('memory') && !flags.has('memory-swap')) throw new StatusError(1, 'you must provide one or more flags when using this command');
    const change = {
      ...(flags.has('memory') ? { Memory: size('memory', flags.string('memory')) } : {}),
      ...(flags.has('memory-swap') ? { MemorySwap: size('memory-swap', flags.string('memory-swap')) } : {}),
    };
    const errors: string[] = [];
    const warnings: string[] = [];
    for (const name of names) {
      try {
        warnings.push(...(await cx.engine.updateContainer(name, change)).Warnings);
        cx.out(name + '\n');
      } catch (e) {
        errors.push(errorText(e));
      }
    }
    if (warnings.length) cx.out(warnings.join('\n') + '\n');
    if (errors.length) throw new StatusError(1, errors.join('\n'));
    return 0;
  },
};
