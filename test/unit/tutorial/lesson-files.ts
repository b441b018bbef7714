/**
 * The lesson files as the tests see them: read from tutorial/lessons/ and parsed with the page's
 * own parser, plus the reading of a step's command lines the way the terminal reads them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMANDS, GROUPS, splitCommandLine } from '../../../engine/cli/index.ts';
import type { CommandSpec } from '../../../engine/cli/command.ts';
import { parseFlags } from '../../../engine/cli/flags.ts';
import { argsError } from '../../../engine/cli/help.ts';
import { parseCommandLine, wordText } from '../../../web/Terminal/shell-syntax.ts';
import { loadLessons, type LessonSet } from '../../../web/Tutorial/lessons.ts';

export const LESSON_ROOT = new URL('../../../tutorial/lessons/', import.meta.url).pathname;

export function lessonSources(): Record<string, string> {
  const sources: Record<string, string> = {};
  for (const lang of readdirSync(LESSON_ROOT)) {
    for (const file of readdirSync(join(LESSON_ROOT, lang))) {
      sources[`/tutorial/lessons/${lang}/${file}`] = readFileSync(join(LESSON_ROOT, lang, file), 'utf8');
    }
  }
  return sources;
}

export function readLessonSet(): LessonSet {
  return loadLessons(lessonSources());
}

/** The host shell's own commands (web/Terminal/host-shell.ts SHELL_COMMANDS) that lessons use. */
export const HOST_COMMANDS = ['cd', 'echo', 'mkdir', 'ls', 'cat', 'rm', 'touch', 'mv', 'pwd', 'clear', 'curl', 'wget'];

export interface DockerUse {
  path: string; // "docker run", "docker volume create"
  spec: CommandSpec;
  args: string[];
  flags: ReturnType<typeof parseFlags>['flags'];
}

/** A fake digest stands in for `{{digest:REF}}`, which the panel fills in from the engine. */
export function withFakeDigests(line: string): string {
  return line.replace(/\{\{digest:([^}\s:@]+)(?::[^}\s]+)?\}\}/g, (_, repo: string) => `${repo}@sha256:${'0'.repeat(64)}`);
}

/**
 * Read one `run:` line as the terminal would: host-shell syntax, then every `docker ...` part with
 * engine/cli's word splitting, command table and flag parser. Throws with the reason it cannot run.
 */
export function readCommandLine(line: string): DockerUse[] {
  const expanded = withFakeDigests(line);
  const uses: DockerUse[] = [];
  for (const command of parseCommandLine(expanded)) {
    const argv = command.words.map(wordText);
    const [name] = argv;
    if (name !== 'docker') {
      if (!HOST_COMMANDS.includes(name)) throw new Error(`"${name}" is neither docker nor a host shell command`);
      continue;
    }
    uses.push(readDocker(argv.slice(1)));
  }
  // The same words through engine/cli's own splitter, where the line is one docker command.
  if (uses.length === 1 && !/[;&|>]/.test(expanded)) {
    const words = splitCommandLine(expanded);
    if (words[0] !== 'docker') throw new Error(`splitCommandLine read "${words[0]}" first`);
    readDocker(words.slice(1));
  }
  return uses;
}

function readDocker(argv: string[]): DockerUse {
  const [first, second, ...rest] = argv;
  let spec: CommandSpec | undefined;
  let path: string;
  let tail: string[];
  if (first && Object.hasOwn(COMMANDS, first)) {
    spec = COMMANDS[first];
    path = `docker ${first}`;
    tail = argv.slice(1);
  } else if (first && Object.hasOwn(GROUPS, first)) {
    const group = GROUPS[first];
    const sub = second && (group.commands[second] ? second : group.alternates?.[second]);
    if (!sub) throw new Error(`docker ${first} has no command "${second}"`);
    spec = group.commands[sub];
    path = `docker ${first} ${sub}`;
    tail = rest;
  } else {
    throw new Error(`"docker ${first}" is not a docker command`);
  }
  const parsed = parseFlags(tail, spec.flags ?? [], { interspersed: spec.interspersed });
  const problem = argsError(path, spec, parsed.args.length);
  if (problem) throw new Error(problem);
  return { path, spec, args: parsed.args, flags: parsed.flags };
}

/** The image a docker command starts from or fetches, if any. */
export function imageOf(use: DockerUse): string | undefined {
  if (use.path === 'docker run' || use.path === 'docker create' || use.path === 'docker pull') return use.args[0];
  return undefined;
}

/** Images a command makes: build tags and tag targets. */
export function imagesMadeBy(use: DockerUse): string[] {
  if (use.path === 'docker build') return use.flags.list('tag');
  if (use.path === 'docker tag') return [use.args[1]];
  return [];
}

/** With Docker's default tag. */
export function normalise(reference: string): string {
  const at = reference.indexOf('@');
  if (at !== -1) return reference.slice(0, at);
  const slash = reference.lastIndexOf('/');
  return reference.slice(slash + 1).includes(':') ? reference : `${reference}:latest`;
}
