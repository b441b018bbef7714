/**
 * The shape of a command and of the command tree, as cobra gives the docker CLI its structure:
 * a command has a usage line, a one-line description, flags, an argument rule and a run function;
 * a group (`container`, `image`, `volume`, `system`) holds commands. A command can be mounted at
 * several paths (`docker ps` and `docker container ls`); the path it was called by is the one its
 * messages name.
 */
import type { Engine } from '../engine.ts';
import type { FlagSpec, FlagValues } from './flags.ts';
import type { CliIO } from './io.ts';

/** Ends a command with an exit status; `message` (if any) goes to stderr as its own line. */
export class StatusError extends Error {
  constructor(
    readonly status: number,
    message = '',
  ) {
    super(message);
  }
}

export interface ArgRule {
  min?: number;
  max?: number;
}

export interface CommandSpec {
  /** The usage line after the command's path: `[OPTIONS] IMAGE [COMMAND] [ARG...]`. */
  use: string;
  short: string;
  /** Docker's "Aliases:" line, e.g. `docker container run, docker run`. */
  aliases?: string;
  flags?: FlagSpec[];
  /** false: flags end at the first argument (run, create, exec). */
  interspersed?: boolean;
  args?: ArgRule;
  /** Position in "Common Commands" of `docker --help`. */
  top?: number;
  /** Its own `--help` text, for a command with subcommands of its own (`docker compose`). */
  help?(columns: number | undefined): string;
  run(cx: CommandContext, flags: FlagValues, args: string[]): Promise<number>;
}

export interface GroupSpec {
  short: string;
  commands: Record<string, CommandSpec>;
  /** Extra names a subcommand answers to (cobra Aliases): `list` -> `ls`. */
  alternates?: Record<string, string>;
}

/** What a running command may use. */
export interface CommandContext {
  engine: Engine;
  io: CliIO;
  /** The path the command was invoked by: `docker container ls`. */
  path: string;
  out(text: string): void;
  err(text: string): void;
  /** Milliseconds since the epoch, for "2 seconds ago". */
  now(): number;
}
