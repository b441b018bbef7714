import type { CommandSpec } from '../command.ts';
import type { FlagValues } from '../flags.ts';
import type { ComposeContext } from './compose-context.ts';

/** A `docker compose` subcommand: a command's shape, run with the compose context. */
export interface ComposeSubcommand extends Omit<CommandSpec, 'run'> {
  run(ccx: ComposeContext, flags: FlagValues, args: string[]): Promise<number>;
}
