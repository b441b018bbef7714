/**
 * Help and usage texts in the docker CLI's shapes (docker 28: cobra templates from
 * docker/cli cli/cobra.go, flag listings as pflag's FlagUsagesWrapped, argument errors as
 * cli/required.go). The wording of our commands is ours; the layout is docker's.
 */
import type { CommandSpec, GroupSpec } from './command.ts';
import type { FlagSpec } from './flags.ts';

export const ROOT_SHORT = 'A self-sufficient runtime for containers';
const MIN_NAME_PADDING = 11;
const ADDITIONAL_HELP = 'For more help on how to use Docker, head to https://docs.docker.com/go/guides/';

export function useLine(path: string, spec: CommandSpec): string {
  return spec.use ? `${path} ${spec.use}` : path;
}

function varName(spec: FlagSpec): string {
  if (spec.type === 'bool') return '';
  return spec.varName ?? spec.type;
}

function defaultText(spec: FlagSpec): string {
  const d = spec.default;
  if (d === undefined || d === false || d === '' || d === 0) return '';
  return typeof d === 'string' ? ` (default ${JSON.stringify(d)})` : ` (default ${d})`;
}

/** pflag's wrap: continuation lines start at column `indent`; `width` 0 means no wrapping. */
function wrapUsage(indent: number, width: number, text: string): string {
  const pad = (n: number) => ' '.repeat(n);
  let room = width - indent;
  let result = '';
  if (room < 24) {
    indent = 16;
    room = width - indent;
    result += '\n' + pad(indent);
  }
  if (room < 24) return text.split('\n').join('\n' + pad(indent));
  const slop = 5;
  room -= slop;
  const take = (s: string): [string, string] => {
    if (room + slop > s.length) return [s, ''];
    const head = s.slice(0, room);
    const breakAt = Math.max(head.lastIndexOf(' '), head.lastIndexOf('\t'), head.lastIndexOf('\n'));
    if (breakAt <= 0) return [s, ''];
    const newline = head.lastIndexOf('\n');
    if (newline > 0 && newline < breakAt) return [s.slice(0, newline), s.slice(newline + 1)];
    return [s.slice(0, breakAt), s.slice(breakAt + 1)];
  };
  let [line, rest] = take(text);
  result += line.split('\n').join('\n' + pad(indent));
  while (rest !== '') {
    [line, rest] = take(rest);
    result += '\n' + pad(indent) + line.split('\n').join('\n' + pad(indent));
  }
  return result;
}

/** The "Options:" block: flags sorted by name, usage aligned 3 spaces after the longest flag. */
export function flagUsages(specs: FlagSpec[], columns = 80): string {
  const visible = specs.filter((s) => !s.hidden).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const heads = visible.map((s) => {
    let head = s.short ? `  -${s.short}, --${s.name}` : `      --${s.name}`;
    const v = varName(s);
    if (v) head += ' ' + v;
    return head;
  });
  const longest = Math.max(0, ...heads.map((h) => h.length));
  const indent = longest + 3;
  return visible
    .map((s, i) => heads[i] + ' '.repeat(indent - heads[i].length) + wrapUsage(indent, columns - 1, s.usage + defaultText(s)))
    .map((line) => line.replace(/\s+$/, ''))
    .join('\n');
}

function commandLine(name: string, short: string): string {
  return `  ${name.padEnd(MIN_NAME_PADDING)} ${short}`;
}

/** `docker run --help`. */
export function commandHelp(path: string, spec: CommandSpec, columns = 80): string {
  let text = `\nUsage:  ${useLine(path, spec)}\n\n${spec.short}`;
  if (spec.aliases) text += `\n\nAliases:\n  ${spec.aliases}`;
  const flags = spec.flags ?? [];
  if (flags.some((f) => !f.hidden)) text += `\n\nOptions:\n${flagUsages(flags, columns)}`;
  return text + '\n';
}

/** `docker image --help` (and `docker image` alone, on stderr). */
export function groupHelp(path: string, group: GroupSpec): string {
  const names = Object.keys(group.commands).sort();
  let text = `\nUsage:  ${path} COMMAND\n\n${group.short}\n\nCommands:\n`;
  text += names.map((n) => commandLine(n, group.commands[n].short)).join('\n');
  text += `\n\nRun '${path} COMMAND --help' for more information on a command.\n`;
  return text;
}

export const ROOT_FLAGS: FlagSpec[] = [{ name: 'version', short: 'v', type: 'bool', usage: 'Print version information and quit' }];

/** `docker --help` (and `docker` alone, on stderr). */
export function rootHelp(commands: Record<string, CommandSpec>, groups: Record<string, GroupSpec>, columns = 80): string {
  const names = Object.keys(commands).sort();
  const top = names.filter((n) => commands[n].top !== undefined).sort((a, b) => (commands[a].top ?? 0) - (commands[b].top ?? 0));
  const rest = names.filter((n) => commands[n].top === undefined);
  let text = `\nUsage:  docker [OPTIONS] COMMAND\n\n${ROOT_SHORT}`;
  text += '\n\nCommon Commands:\n' + top.map((n) => commandLine(n, commands[n].short)).join('\n');
  text += '\n\nManagement Commands:\n' + Object.keys(groups).sort().map((n) => commandLine(n, groups[n].short)).join('\n');
  text += '\n\nCommands:\n' + rest.map((n) => commandLine(n, commands[n].short)).join('\n');
  text += `\n\nGlobal Options:\n${flagUsages(ROOT_FLAGS, columns)}`;
  text += `\n\nRun 'docker COMMAND --help' for more information on a command.\n\n${ADDITIONAL_HELP}\n`;
  return text;
}

const plural = (word: string, n: number) => (n === 1 ? word : word + 's');

/** The argument-count error of cli/required.go, or undefined when the count is fine. */
export function argsError(path: string, spec: CommandSpec, count: number): string | undefined {
  const min = spec.args?.min ?? 0;
  const max = spec.args?.max ?? Infinity;
  if (count >= min && count <= max) return undefined;
  const usage = `\n\nUsage:  ${useLine(path, spec)}\n\n`;
  if (max === 0) return `docker: '${path}' accepts no arguments${usage}Run '${path} --help' for more information`;
  if (min === max) return `docker: '${path}' requires ${min} ${plural('argument', min)}${usage}Run '${path} --help' for more information`;
  if (max === Infinity) return `docker: '${path}' requires at least ${min} ${plural('argument', min)}${usage}See '${path} --help' for more information`;
  if (min === 0) return `docker: '${path}' requires at most ${max} ${plural('argument', max)}${usage}Run '${path} --help' for more information`;
  return `docker: '${path}' requires at least ${min} and at most ${max} ${plural('argument', max)}${usage}Run '${path} --help' for more information`;
}

/** A flag parsing error as docker's FlagErrorFunc shows it (exit status 125). */
export function flagErrorText(path: string, spec: CommandSpec, message: string): string {
  return `${message}\n\nUsage:  ${useLine(path, spec)}\n\nRun '${path} --help' for more information`;
}
