/**
 * A docker-compatible command line over the Engine API, host-neutral: the playground's terminal
 * and the parity tests run the same `docker ...` on either host through it.
 *
 * API
 * - `runDocker(engine, argv, io): Promise<number>` runs one command (`argv` without the leading
 *   "docker") and resolves with its exit status; it never rejects and never prints a stack trace.
 *   Output goes to `io.stdout`/`io.stderr` as it is produced (container output streams).
 * - `splitCommandLine(line): string[]` splits a typed line into words as a POSIX shell does
 *   (quotes, backslashes, comments; no expansion); throws ShellSyntaxError (with `incomplete`
 *   when the line ends inside a quote) so a terminal can ask for more.
 * - `CliIO` (io.ts): stdout/stderr are required; stdin (for -i and prompts; `read(signal)` must
 *   resolve null without consuming input when the signal aborts), isTTY (needed for `-it`, as
 *   docker's "the input device is not a TTY"), columns (help wrapping), signal (Ctrl-C),
 *   readFile/writeFile (`load -i`, `save -o`), buildContext (`build DIR`), now (clock).
 *
 * Behaviour follows the docker CLI 28 (the client DOCKER-API.md names): texts, tables, exit
 * statuses. Flag errors exit 125 with "unknown flag: --foo / Usage: ... / Run 'docker run --help'
 * for more information"; argument-count errors exit 1 with "docker: 'docker run' requires at
 * least 1 argument ..."; engine errors print "Error response from daemon: <message>" (exit 1, or
 * for run/create-and-start the mapping of errors.ts `exitStatus`: 125/126/127).
 *
 * Ctrl-C (io.signal aborting) during an attached `run`/`start -a` sends SIGINT to the container
 * (docker's --sig-proxy); the CLI keeps waiting and exits with the container's status. During
 * `logs -f`, `exec`, `pull`, `push`, `build` it stops waiting and exits 130.
 */
import type { Engine } from '../engine.ts';
import { StatusError, type CommandContext, type CommandSpec, type GroupSpec } from './command.ts';
import { parseCommandLine } from './command-line.ts';
import { COMMANDS, GROUPS } from './commands.ts';
import { commandHelp, groupHelp, rootHelp, ROOT_FLAGS } from './help.ts';
import type { CliIO } from './io.ts';
import { errorText } from './report.ts';
import { missingImageHint } from './registry-hint.ts';
import { CLIENT_VERSION } from './system.ts';

export type { CliIO } from './io.ts';
export { splitCommandLine, ShellSyntaxError } from './shell-words.ts';
export { COMMANDS, GROUPS } from './commands.ts';
export { CLIENT_VERSION } from './system.ts';

function context(engine: Engine, io: CliIO, path: string): CommandContext {
  return {
    engine,
    io,
    path,
    out: (t) => {
      if (t) io.stdout(t);
    },
    err: (t) => {
      if (t) io.stderr(t);
    },
    now: () => (io.now ? io.now() : Date.now()),
  };
}

async function runCommand(engine: Engine, io: CliIO, path: string, spec: CommandSpec, argv: string[]): Promise<number> {
  const cx = context(engine, io, path);
  const parsed = parseCommandLine(path, spec, argv, io.columns);
  if ('help' in parsed) {
    cx.out(parsed.help);
    return 0;
  }
  return spec.run(cx, parsed.flags, parsed.args);
}

async function runGroup(engine: Engine, io: CliIO, name: string, group: GroupSpec, argv: string[]): Promise<number> {
  const path = `docker ${name}`;
  const [first, ...rest] = argv;
  if (first === undefined) {
    io.stderr(groupHelp(path, group));
    return 0;
  }
  if (first === '--help' || first === '-h') {
    io.stdout(groupHelp(path, group));
    return 0;
  }
  const usage = `\n\nUsage:  ${path} COMMAND\n\nRun '${path} --help' for more information`;
  if (first.startsWith('-') && first !== '-') {
    const message = first.startsWith('--') ? `unknown flag: ${first.split('=')[0]}` : `unknown shorthand flag: '${first[1]}' in ${first}`;
    throw new StatusError(125, message + usage);
  }
  const sub = group.commands[first] ? first : group.alternates?.[first];
  if (!sub || !group.commands[sub]) throw new StatusError(1, `docker: unknown command: ${path} ${first}${usage}`);
  return runCommand(engine, io, `${path} ${sub}`, group.commands[sub], rest);
}

async function dispatch(engine: Engine, argv: string[], io: CliIO): Promise<number> {
  let i = 0;
  // Global flags before the command (docker parses them up to the first non-flag).
  for (; i < argv.length && argv[i].startsWith('-') && argv[i] !== '-'; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') {
      if (a === '-h') io.stderr('Flag shorthand -h has been deprecated, use --help\n');
      io.stdout(rootHelp(COMMANDS, GROUPS, io.columns));
      return 0;
    }
    if (a === '--version' || a === '-v') {
      io.stdout(`Docker version ${CLIENT_VERSION}, build dockyard\n`);
      return 0;
    }
    if (a === '--') {
      i++;
      break;
    }
    const known = ROOT_FLAGS.map((f) => f.name);
    const message = a.startsWith('--') ? `unknown flag: ${a.split('=')[0]}` : `unknown shorthand flag: '${a[1]}' in ${a}`;
    if (!known.includes(a.replace(/^-+/, ''))) {
      throw new StatusError(125, `${message}\n\nUsage:  docker [OPTIONS] COMMAND [ARG...]\n\nRun 'docker --help' for more information`);
    }
  }
  const [name, ...rest] = argv.slice(i);
  if (name === undefined) {
    io.stderr(rootHelp(COMMANDS, GROUPS, io.columns));
    return 0;
  }
  if (name === 'help') {
    if (rest.length === 0) {
      io.stdout(rootHelp(COMMANDS, GROUPS, io.columns));
      return 0;
    }
    const [topic, sub] = rest;
    if (COMMANDS[topic] && rest.length === 1) {
      io.stdout(COMMANDS[topic].help?.(io.columns) ?? commandHelp(`docker ${topic}`, COMMANDS[topic], io.columns));
      return 0;
    }
    const group = GROUPS[topic];
    if (group && rest.length === 1) {
      io.stdout(groupHelp(`docker ${topic}`, group));
      return 0;
    }
    const subName = group && sub ? (group.commands[sub] ? sub : group.alternates?.[sub]) : undefined;
    if (group && subName && group.commands[subName] && rest.length === 2) {
      io.stdout(commandHelp(`docker ${topic} ${subName}`, group.commands[subName], io.columns));
      return 0;
    }
    throw new StatusError(1, `unknown help topic: ${rest.join(' ')}`);
  }
  if (COMMANDS[name]) return runCommand(engine, io, `docker ${name}`, COMMANDS[name], rest);
  if (GROUPS[name]) return runGroup(engine, io, name, GROUPS[name], rest);
  throw new StatusError(1, `docker: '${name}' is not a docker command.\nSee 'docker --help'`);
}

/** Run one docker command line (`argv` without "docker"); resolves with its exit status. */
export async function runDocker(engine: Engine, argv: string[], io: CliIO): Promise<number> {
  try {
    return await dispatch(engine, argv, io);
  } catch (e) {
    // After Docker's words for an image the registry lacks: the line naming what it has.
    const hint = (text: string) => {
      const line = missingImageHint(text);
      return line ? `${line}\n` : '';
    };
    if (e instanceof StatusError) {
      if (e.message) io.stderr((e.message.endsWith('\n') ? e.message : e.message + '\n') + hint(e.message));
      return e.status === 0 ? 1 : e.status;
    }
    // An engine failure is the daemon's error: docker exits 1 for it outside run/create.
    io.stderr(errorText(e) + '\n' + hint(errorText(e)));
    return 1;
  }
}
