/**
 * `docker compose`: the global options (`-f`, `-p`) before a subcommand, then the subcommand's
 * own flags, help and argument rules as every docker command has them. A Compose failure prints
 * its message and exits 1, as Compose does.
 */
import { StatusError, type CommandContext, type CommandSpec } from '../command.ts';
import { parseCommandLine } from '../command-line.ts';
import { ShellSyntaxError } from '../shell-words.ts';
import { build } from './build.ts';
import { COMPOSE_VERSION } from './compose-labels.ts';
import { composeContext, type ComposeOptions } from './compose-context.ts';
import { ComposeError } from './compose-error.ts';
import type { ComposeSubcommand } from './compose-subcommand.ts';
import { config } from './config.ts';
import { down } from './down.ts';
import { exec } from './exec.ts';
import { restart, start, stop } from './lifecycle.ts';
import { logs } from './logs.ts';
import { ps } from './ps.ts';
import { run } from './run.ts';
import { up } from './up.ts';

const version: ComposeSubcommand = {
  use: '[OPTIONS]',
  short: 'Show the Docker Compose version information',
  flags: [{ name: 'short', type: 'bool', usage: 'Shows only Compose\'s version number' }],
  async run(ccx, flags) {
    ccx.cx.out(flags.bool('short') ? `${COMPOSE_VERSION}\n` : `Docker Compose version v${COMPOSE_VERSION}\n`);
    return 0;
  },
};

export const SUBCOMMANDS: Record<string, ComposeSubcommand> = { build, config, down, exec, logs, ps, restart, run, start, stop, up, version };

function composeHelp(): string {
  const width = Math.max(...Object.keys(SUBCOMMANDS).map((n) => n.length)) + 3;
  const commands = Object.entries(SUBCOMMANDS)
    .map(([name, sub]) => `  ${name.padEnd(width)}${sub.short}`)
    .join('\n');
  return (
    `\nUsage:  docker compose [OPTIONS] COMMAND\n\nDefine and run multi-container applications with Docker\n\n` +
    `Options:\n  -f, --file stringArray      Compose configuration files\n  -p, --project-name string   Project name\n\n` +
    `Commands:\n${commands}\n\nRun 'docker compose COMMAND --help' for more information on a command.\n`
  );
}

export const compose: CommandSpec = {
  use: '[OPTIONS] COMMAND',
  short: 'Docker Compose',
  flags: [
    { name: 'file', short: 'f', type: 'list', usage: 'Compose configuration files' },
    { name: 'project-name', short: 'p', type: 'string', usage: 'Project name' },
  ],
  interspersed: false,
  help: () => composeHelp(),
  async run(cx, flags, args) {
    const [name, ...rest] = args;
    if (name === undefined || name === 'help') {
      cx.out(composeHelp());
      return 0;
    }
    const sub = SUBCOMMANDS[name];
    if (!sub) throw new StatusError(1, `unknown docker command: "compose ${name}"`);
    const options: ComposeOptions = { files: flags.list('file'), ...(flags.has('project-name') ? { projectName: flags.string('project-name') } : {}) };
    return runSubcommand(cx, `docker compose ${name}`, sub, options, rest);
  },
};

async function runSubcommand(cx: CommandContext, path: string, sub: ComposeSubcommand, options: ComposeOptions, argv: string[]): Promise<number> {
  const parsed = parseCommandLine(path, { ...sub, run: async () => 0 }, argv, cx.io.columns);
  if ('help' in parsed) {
    cx.out(parsed.help);
    return 0;
  }
  try {
    return await sub.run(composeContext({ ...cx, path }, options), parsed.flags, parsed.args);
  } catch (e) {
    if (e instanceof ComposeError || e instanceof ShellSyntaxError) throw new StatusError(1, e.message);
    throw e;
  }
}
