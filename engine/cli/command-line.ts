/**
 * One command's words as cobra reads them for docker: pflag's errors exit 125 with the usage,
 * `--help` asks for the command's help, a wrong number of arguments exits 1 - the same for every
 * command, `docker compose`'s subcommands included.
 */
import { StatusError, type CommandSpec } from './command.ts';
import { FlagError, parseFlags, type FlagValues } from './flags.ts';
import { argsError, commandHelp, flagErrorText } from './help.ts';

export type ParsedCommand = { help: string } | { flags: FlagValues; args: string[] };

export function parseCommandLine(path: string, spec: CommandSpec, argv: string[], columns: number | undefined): ParsedCommand {
  let parsed;
  try {
    parsed = parseFlags(argv, spec.flags ?? [], { interspersed: spec.interspersed });
  } catch (e) {
    if (e instanceof FlagError) throw new StatusError(125, flagErrorText(path, spec, e.message));
    throw e;
  }
  if (parsed.help || (parsed.flags.spec('help') && parsed.flags.bool('help'))) {
    return { help: spec.help ? spec.help(columns) : commandHelp(path, spec, columns) };
  }
  const problem = argsError(path, spec, parsed.args.length);
  if (problem) throw new StatusError(1, problem);
  return { flags: parsed.flags, args: parsed.args };
}
