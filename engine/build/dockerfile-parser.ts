import { dockerfileError, quoteForMessage } from './dockerfile-error.ts';
import { lexDockerfile, type LogicalLine } from './dockerfile-lexer.ts';
import type {
  ArgDefinition,
  ArgInstruction,
  CommandForm,
  Dockerfile,
  HealthcheckInstruction,
  Instruction,
  InstructionKind,
  Stage,
} from './dockerfile-types.ts';
import { NotStringArrayError, parseJsonArgs } from './exec-form.ts';
import { extractFlags, splitCommand, splitQuotedWords, splitWhitespace } from './shell-words.ts';

const KINDS: readonly InstructionKind[] = [
  'FROM', 'RUN', 'CMD', 'ENTRYPOINT', 'COPY', 'ADD', 'ENV', 'LABEL', 'ARG', 'WORKDIR', 'EXPOSE',
  'USER', 'VOLUME', 'STOPSIGNAL', 'SHELL', 'HEALTHCHECK', 'ONBUILD', 'MAINTAINER',
];
const KIND_SET = new Set<string>(KINDS);

type FlagType = 'string' | 'bool';
// The flags each instruction accepts; any other is "unknown flag", as in Docker. COPY/ADD --link
// only changes how BuildKit caches, not the result, so it is accepted and has no effect here.
const FLAGS: Partial<Record<InstructionKind, Record<string, FlagType>>> = {
  FROM: { platform: 'string' },
  COPY: { from: 'string', chown: 'string', chmod: 'string', link: 'bool' },
  ADD: { chown: 'string', chmod: 'string', link: 'bool' },
  HEALTHCHECK: { interval: 'string', timeout: 'string', 'start-period': 'string', 'start-interval': 'string', retries: 'string' },
};
// BuildKit-only RUN flags: they need mounts, networks or privileges a WASI build step does not have.
const UNSUPPORTED_RUN_FLAGS = new Set(['mount', 'network', 'security']);

const STAGE_NAME = /^[a-z][a-z0-9-_.]*$/;
const URL_SOURCE = /^[a-z][a-z0-9+.-]*:\/\/|^git@/i;
const HEREDOC = /^<<-?["']?[A-Za-z_][A-Za-z0-9_]*["']?$/;

/** A parse failure located by the caller: the message only. */
class SyntaxProblem extends Error {}

function fail(message: string): never {
  throw new SyntaxProblem(message);
}

/** Optimal-string-alignment distance, for "did you mean" on a misspelt instruction. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

function unknownInstruction(command: string): never {
  const upper = command.toUpperCase();
  let suggestion: string | undefined;
  if (upper.length <= 20) {
    let best = upper.length > 5 ? 3 : 2;
    for (const k of KINDS) {
      const dist = editDistance(upper, k);
      if (dist < best) {
        best = dist;
        suggestion = k;
      }
    }
  }
  fail(`unknown instruction: ${quoteIfLong(upper)}${suggestion ? ` (did you mean ${suggestion.toLowerCase()}?)` : ''}`);
}

function quoteIfLong(s: string): string {
  return s.length > 80 ? quoteForMessage(s) : s;
}

const NO_FLAGS: ReadonlyMap<string, string> = new Map();

function parseFlags(kind: InstructionKind, words: string[]): ReadonlyMap<string, string> {
  if (words.length === 0) return NO_FLAGS;
  const allowed = FLAGS[kind] ?? {};
  const flags = new Map<string, string>();
  for (const word of words) {
    const body = word.startsWith('--') ? word.slice(2) : word;
    const eq = body.indexOf('=');
    const name = eq >= 0 ? body.slice(0, eq) : body;
    if (kind === 'RUN' && UNSUPPORTED_RUN_FLAGS.has(name)) {
      fail(`RUN --${name} is not supported by this builder (there are no mounts, networks or privileges in a WASI build step)`);
    }
    const type = Object.hasOwn(allowed, name) ? allowed[name] : undefined;
    if (type === undefined) fail(`unknown flag: ${quoteIfLong(name)}`);
    if (flags.has(name)) fail(`duplicate flag specified: ${name}`);
    let value = eq >= 0 ? body.slice(eq + 1) : undefined;
    if (type === 'bool') {
      value = (value ?? 'true').toLowerCase();
      if (value !== 'true' && value !== 'false') fail(`expecting boolean value for flag ${name}, not: ${value}`);
    } else if (value === undefined) {
      fail(`missing a value on flag: ${name}`);
    }
    flags.set(name, value);
  }
  return flags;
}

/** Exec form if `rest` is a JSON array of strings, else shell form; Docker's "maybe JSON". */
function commandForm(rest: string): { form: CommandForm; args: string[] } {
  let json: string[] | undefined;
  try {
    json = parseJsonArgs(rest);
  } catch (e) {
    if (e instanceof NotStringArrayError) fail(e.message);
    throw e;
  }
  return json ? { form: 'exec', args: json } : { form: 'shell', args: [rest] };
}

/** JSON array, or whitespace-separated words: COPY, ADD, VOLUME. */
function listForm(rest: string): { form: CommandForm; args: string[] } {
  const c = commandForm(rest);
  return c.form === 'exec' ? c : { form: 'shell', args: splitWhitespace(rest) };
}

/** Docker's ENV/LABEL syntax: `K=V K2="v 2"`, or the legacy `K V` (value = the rest of the line). */
function nameValuePairs(kind: 'ENV' | 'LABEL', rest: string, escape: string): [string, string][] {
  const words = splitQuotedWords(rest, escape);
  if (words.length === 0) fail(`${kind} requires at least one argument`);
  let pairs: [string, string][];
  if (!words[0].includes('=')) {
    const { command: key, rest: value } = splitCommand(rest);
    if (value === '') fail(`${kind} must have two arguments`);
    pairs = [[key, value]];
  } else {
    pairs = words.map((w) => {
      const eq = w.indexOf('=');
      if (eq < 0) fail(`Syntax error - can't find = in ${quoteForMessage(w)}. Must be of the form: name=value`);
      return [w.slice(0, eq), w.slice(eq + 1)];
    });
  }
  for (const [k] of pairs) if (k === '') fail(`${kind} names can not be blank`);
  return pairs;
}

/** ADD takes local files only: a URL or git source is refused with a way out. */
export function checkAddSource(source: string): void {
  if (URL_SOURCE.test(source)) {
    fail(`ADD from a URL or git repository is not supported: ${quoteForMessage(source)} (download it into the build context and COPY it)`);
  }
}

function checkNoHeredoc(kind: InstructionKind, words: string[]): void {
  for (const w of words) {
    if (HEREDOC.test(w)) fail(`${kind} with a heredoc (${w}) is not supported by this builder`);
  }
}

const DURATION_UNITS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** Go's time.ParseDuration (no sign): `30s`, `1m30s`, `1.5h`, `0`. Nanoseconds. */
function parseDuration(flag: string, text: string): number {
  if (text === '0') return 0;
  const re = /([0-9]*(?:\.[0-9]*)?)(ns|us|µs|μs|ms|s|m|h)/y;
  let pos = 0;
  let total = 0;
  while (pos < text.length) {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m || m[1] === '' || m[1] === '.') fail(`invalid duration for --${flag}: ${quoteForMessage(text)}`);
    total += Number(m[1]) * DURATION_UNITS[m[2]];
    pos = re.lastIndex;
  }
  if (text === '') fail(`invalid duration for --${flag}: ""`);
  return Math.round(total);
}

function healthcheck(base: { line: number; endLine: number; original: string }, flags: ReadonlyMap<string, string>, rest: string): HealthcheckInstruction {
  const { command: type, rest: cmd } = splitCommand(rest);
  const upper = type.toUpperCase();
  if (upper === 'NONE') {
    if (cmd !== '' || flags.size > 0) fail('HEALTHCHECK NONE takes no arguments');
    return { kind: 'HEALTHCHECK', ...base, none: true };
  }
  if (upper !== 'CMD') fail(`Unknown type ${quoteForMessage(type)} in HEALTHCHECK (try CMD)`);
  if (cmd === '') fail('Missing command after HEALTHCHECK CMD');
  const out: HealthcheckInstruction = { kind: 'HEALTHCHECK', ...base, none: false, ...commandForm(cmd) };
  const durations = [['interval', 'interval'], ['timeout', 'timeout'], ['start-period', 'startPeriod'], ['start-interval', 'startInterval']] as const;
  for (const [flag, field] of durations) {
    const text = flags.get(flag);
    if (text === undefined) continue;
    const ns = parseDuration(flag, text);
    if (ns !== 0 && ns < 1e6) fail(`--${flag} cannot be less than 1ms`);
    out[field] = ns;
  }
  const retries = flags.get('retries');
  if (retries !== undefined) {
    if (!/^-?[0-9]+$/.test(retries)) fail(`invalid --retries value: ${quoteForMessage(retries)}`);
    const n = Number(retries);
    if (n < 0) fail(`--retries cannot be negative (${n})`);
    out.retries = n;
  }
  return out;
}

function requireArgs(kind: InstructionKind, ok: boolean, what = 'at least one argument'): void {
  if (!ok) fail(`${kind} requires ${what}`);
}

/** One instruction from its logical line. Throws SyntaxProblem (message only). */
function parseInstruction(ll: LogicalLine, escape: string): Instruction {
  const { command, rest: afterCommand } = splitCommand(ll.text);
  const kind = command.toUpperCase() as InstructionKind;
  if (!KIND_SET.has(kind)) unknownInstruction(command);
  const { flags: flagWords, rest } = extractFlags(afterCommand, escape);
  const flags = parseFlags(kind, flagWords);
  const base = { line: ll.line, endLine: ll.endLine, original: ll.text };
  const need = (ok: boolean, what?: string): void => requireArgs(kind, ok, what);
  switch (kind) {
    case 'FROM': {
      const words = splitWhitespace(rest);
      let name: string | undefined;
      if (words.length === 3 && words[1].toLowerCase() === 'as') {
        name = words[2].toLowerCase();
        if (!STAGE_NAME.test(name)) fail(`invalid name for build stage: ${quoteForMessage(words[2])}, name can't start with a number or contain symbols`);
      } else if (words.length !== 1) {
        fail('FROM requires either one or three arguments');
      }
      const platform = flags.get('platform');
      return { kind, ...base, image: words[0], ...(platform !== undefined ? { platform } : {}), ...(name ? { name } : {}) };
    }
    case 'RUN':
    case 'CMD':
    case 'ENTRYPOINT': {
      need(rest !== '');
      const c = commandForm(rest);
      if (kind === 'RUN' && c.form === 'shell') checkNoHeredoc(kind, splitWhitespace(rest));
      return { kind, ...base, ...c };
    }
    case 'COPY':
    case 'ADD': {
      const { args } = listForm(rest);
      if (args.length < 2) fail(`${kind} requires at least two arguments, but only one was provided. Destination could not be determined.`);
      const sources = args.slice(0, -1);
      checkNoHeredoc(kind, sources);
      if (kind === 'ADD') sources.forEach(checkAddSource);
      const opt = (k: string): Record<string, string> => (flags.has(k) ? { [k]: flags.get(k) as string } : {});
      return { kind, ...base, sources, dest: args[args.length - 1], ...(kind === 'COPY' ? opt('from') : {}), ...opt('chown'), ...opt('chmod') };
    }
    case 'ENV':
    case 'LABEL':
      return { kind, ...base, pairs: nameValuePairs(kind, rest, escape) };
    case 'ARG': {
      const words = splitQuotedWords(rest, escape);
      need(words.length > 0);
      const args = words.map((w): ArgDefinition => {
        const eq = w.indexOf('=');
        const name = eq >= 0 ? w.slice(0, eq) : w;
        if (name === '') fail('ARG names can not be blank');
        return eq >= 0 ? { name, default: w.slice(eq + 1) } : { name };
      });
      return { kind, ...base, args };
    }
    case 'WORKDIR':
      need(rest !== '', 'exactly one argument');
      return { kind, ...base, path: rest };
    case 'EXPOSE': {
      const ports = splitWhitespace(rest);
      need(ports.length > 0);
      return { kind, ...base, ports };
    }
    case 'USER':
      need(rest !== '', 'exactly one argument');
      return { kind, ...base, user: rest };
    case 'VOLUME': {
      const { args } = listForm(rest);
      need(args.length > 0);
      return { kind, ...base, paths: args };
    }
    case 'STOPSIGNAL':
      need(rest !== '', 'exactly one argument');
      return { kind, ...base, signal: rest };
    case 'SHELL': {
      need(rest !== '');
      const c = commandForm(rest);
      if (c.form !== 'exec') fail('SHELL requires the arguments to be in JSON form');
      need(c.args.length > 0);
      return { kind, ...base, args: c.args };
    }
    case 'HEALTHCHECK':
      need(rest !== '');
      return healthcheck(base, flags, rest);
    case 'ONBUILD': {
      need(rest !== '');
      // Checked before parsing the trigger, so `ONBUILD ONBUILD ONBUILD ...` never recurses.
      const trigger = splitCommand(rest).command.toUpperCase();
      if (trigger === 'ONBUILD') fail('Chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed');
      if (trigger === 'FROM' || trigger === 'MAINTAINER') fail(`${trigger} isn't allowed as an ONBUILD trigger`);
      const instruction = parseInstruction({ ...ll, text: rest }, escape);
      return { kind, ...base, trigger: rest, instruction };
    }
    case 'MAINTAINER':
      need(rest !== '', 'exactly one argument');
      return { kind, ...base, maintainer: rest };
  }
}

/** Parses one logical line, turning a problem into an error that names its line. */
export function parseLogicalLine(ll: LogicalLine, escape: string): Instruction {
  try {
    return parseInstruction(ll, escape);
  } catch (e) {
    if (e instanceof SyntaxProblem) throw dockerfileError(ll.line, e.message, ll.endLine);
    throw e;
  }
}

/** Runs `fn`, turning a SyntaxProblem from it into an error naming `line`. */
export function atLine<T>(line: number, endLine: number, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof SyntaxProblem) throw dockerfileError(line, e.message, endLine);
    throw e;
  }
}

/**
 * The Dockerfile as written: instructions grouped into stages, nothing expanded. Stage names
 * must be unique; instructions other than ARG before the first FROM are an error, as in Docker.
 */
export function parseDockerfileSyntax(text: string): Dockerfile {
  const lexed = lexDockerfile(text);
  const escape = lexed.directives.escape;
  const metaArgs: ArgInstruction[] = [];
  const stages: Stage[] = [];
  const names = new Map<string, number>();
  for (const ll of lexed.lines) {
    const instruction = parseLogicalLine(ll, escape);
    if (instruction.kind === 'FROM') {
      if (instruction.name !== undefined) {
        if (names.has(instruction.name)) throw dockerfileError(ll.line, `duplicate stage name ${quoteForMessage(instruction.name)}`, ll.endLine);
        names.set(instruction.name, stages.length);
      }
      stages.push({ ...(instruction.name !== undefined ? { name: instruction.name } : {}), index: stages.length, from: instruction, instructions: [] });
    } else if (stages.length > 0) {
      stages[stages.length - 1].instructions.push(instruction);
    } else if (instruction.kind === 'ARG') {
      metaArgs.push(instruction);
    } else {
      throw dockerfileError(ll.line, `no build stage in current context: ${instruction.kind} before the first FROM (only ARG may come before it)`, ll.endLine);
    }
  }
  if (lexed.lines.length === 0) throw dockerfileError(Math.max(1, lexed.lineCount), 'file with no instructions');
  if (stages.length === 0) {
    const last = lexed.lines[lexed.lines.length - 1];
    throw dockerfileError(last.line, 'dockerfile contains no stages to build: add a FROM', last.endLine);
  }
  return { directives: lexed.directives, metaArgs, stages, warnings: lexed.warnings };
}
