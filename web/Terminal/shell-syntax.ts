/**
 * The grammar of the terminal's host shell - the part of sh a Docker tutorial types: words with
 * '...' and "..." quoting and backslash escapes; `$NAME`, `${NAME}`, `$?` and `$(command)` (or
 * `...`) left as parts of a word to expand when the command runs (`false; echo $?` must see the
 * status of `false`); `NAME=value` before a command; `>`/`>>` redirection of stdout to a workspace
 * file; lists joined by `;`, `&&` and `||`. Pipes and background jobs are refused with a message
 * rather than misread. shell-expand.ts turns the words into a command's argv.
 */

/** A piece of a word. `quoted`: inside "..." (or '...'), so an expansion's result is not split into words. */
export type Part =
  | { kind: 'text'; text: string; quoted: boolean }
  | { kind: 'param'; name: string; quoted: boolean }
  | { kind: 'command'; line: string; quoted: boolean };

export type Word = Part[];

export interface Assignment {
  name: string;
  value: Word;
}

export interface SimpleCommand {
  /** `NAME=value` words before the command's name (all of the command when `words` is empty). */
  assignments: Assignment[];
  words: Word[];
  redirect?: { target: Word; append: boolean };
  /** How this command joins the one before it. */
  after: ';' | '&&' | '||';
}

export class ShellSyntaxError extends Error {}

type Op = ';' | '&&' | '||' | '>' | '>>' | '|' | '&';
type Token = { word: Word } | { op: Op };

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
/** The parameters with one-character names the shell knows. */
const SPECIAL = '?$#0';

class Scanner {
  i = 0;
  constructor(readonly line: string) {}

  /** `$...` at i (the `$` itself): a parameter, a command substitution, or a plain `$`. */
  dollar(quoted: boolean): Part {
    const line = this.line;
    const next = line[this.i + 1];
    if (next === '(') {
      if (line[this.i + 2] === '(') throw new ShellSyntaxError('arithmetic $((...)) is not supported in this shell; put it in single quotes for a container\'s sh');
      const end = this.closing(this.i + 2, ')');
      const part: Part = { kind: 'command', line: line.slice(this.i + 2, end), quoted };
      this.i = end + 1;
      return part;
    }
    if (next === '{') {
      const end = line.indexOf('}', this.i + 2);
      if (end === -1) throw new ShellSyntaxError("unexpected EOF while looking for matching `}'");
      const name = line.slice(this.i + 2, end);
      if (!(NAME.exec(name)?.[0] === name || (name.length === 1 && SPECIAL.includes(name)))) throw new ShellSyntaxError(`\${${name}}: bad substitution`);
      this.i = end + 1;
      return { kind: 'param', name, quoted };
    }
    if (next !== undefined && SPECIAL.includes(next)) {
      this.i += 2;
      return { kind: 'param', name: next, quoted };
    }
    const name = NAME.exec(line.slice(this.i + 1))?.[0];
    if (name) {
      this.i += 1 + name.length;
      return { kind: 'param', name, quoted };
    }
    this.i += 1;
    return { kind: 'text', text: '$', quoted };
  }

  /** `...` at i: the command inside backquotes. */
  backquote(quoted: boolean): Part {
    const end = this.line.indexOf('`', this.i + 1);
    if (end === -1) throw new ShellSyntaxError("unexpected EOF while looking for matching ``'");
    const part: Part = { kind: 'command', line: this.line.slice(this.i + 1, end), quoted };
    this.i = end + 1;
    return part;
  }

  /** The index of the `)` that closes a `$(` whose text starts at `from`, past nested parentheses and quotes. */
  closing(from: number, close: ')'): number {
    let depth = 0;
    for (let j = from; j < this.line.length; j++) {
      const ch = this.line[j];
      if (ch === '\\') j += 1;
      else if (ch === "'") {
        j = this.line.indexOf("'", j + 1);
        if (j === -1) break;
      } else if (ch === '"') {
        for (j += 1; j < this.line.length && this.line[j] !== '"'; j++) if (this.line[j] === '\\') j += 1;
      } else if (ch === '(') depth += 1;
      else if (ch === close) {
        if (depth === 0) return j;
        depth -= 1;
      }
    }
    throw new ShellSyntaxError("unexpected EOF while looking for matching `)'");
  }
}

function tokenize(line: string): Token[] {
  const tokens: Token[] = [];
  const s = new Scanner(line);
  let word: Word = [];
  let inWord = false;
  const text = (t: string, quoted: boolean) => {
    const last = word[word.length - 1];
    if (last?.kind === 'text' && last.quoted === quoted) last.text += t;
    else word.push({ kind: 'text', text: t, quoted });
    inWord = true;
  };
  const push = (part: Part) => {
    if (part.kind === 'text') text(part.text, part.quoted);
    else word.push(part);
    inWord = true;
  };
  const endWord = () => {
    if (inWord) tokens.push({ word });
    word = [];
    inWord = false;
  };
  while (s.i < line.length) {
    const ch = line[s.i];
    if (ch === "'") {
      const close = line.indexOf("'", s.i + 1);
      if (close === -1) throw new ShellSyntaxError("unexpected EOF while looking for matching `''");
      text(line.slice(s.i + 1, close), true);
      s.i = close + 1;
    } else if (ch === '"') {
      inWord = true;
      s.i += 1;
      let closed = false;
      while (s.i < line.length) {
        const c = line[s.i];
        if (c === '"') {
          closed = true;
          s.i += 1;
          break;
        }
        if (c === '\\' && s.i + 1 < line.length && '"\\$`'.includes(line[s.i + 1])) {
          text(line[s.i + 1], true);
          s.i += 2;
        } else if (c === '$') push(s.dollar(true));
        else if (c === '`') push(s.backquote(true));
        else {
          text(c, true);
          s.i += 1;
        }
      }
      if (!closed) throw new ShellSyntaxError('unexpected EOF while looking for matching `"\'');
      if (word.length === 0) text('', true); // "" is an empty word, not none
    } else if (ch === '\\') {
      if (s.i + 1 < line.length) text(line[s.i + 1], true);
      s.i += 2;
    } else if (ch === '$') {
      push(s.dollar(false));
    } else if (ch === '`') {
      push(s.backquote(false));
    } else if (ch === ' ' || ch === '\t') {
      endWord();
      s.i += 1;
    } else if (ch === '#' && !inWord) {
      break; // a comment to the end of the line
    } else if (ch === ';' || ch === '|' || ch === '&' || ch === '>') {
      endWord();
      const two = line.slice(s.i, s.i + 2);
      if (two === '&&' || two === '||' || two === '>>') {
        tokens.push({ op: two });
        s.i += 2;
      } else {
        tokens.push({ op: ch as Op });
        s.i += 1;
      }
    } else {
      text(ch, false);
      s.i += 1;
    }
  }
  endWord();
  return tokens;
}

/** A word as written, expansions shown as `$NAME` / `$(...)`: for readers that run nothing (lesson checks). */
export function wordText(word: Word): string {
  return word.map((p) => (p.kind === 'text' ? p.text : p.kind === 'param' ? `\${${p.name}}` : `$(${p.line})`)).join('');
}

/** `NAME=value` as the first words of a command: the name, and the rest of the word as its value. */
function assignment(word: Word): Assignment | null {
  const first = word[0];
  if (first?.kind !== 'text' || first.quoted) return null;
  const m = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(first.text);
  if (!m) return null;
  const rest = first.text.slice(m[0].length);
  return { name: m[1], value: [...(rest ? [{ ...first, text: rest }] : []), ...word.slice(1)] };
}

export function parseCommandLine(line: string): SimpleCommand[] {
  const commands: SimpleCommand[] = [];
  let current: SimpleCommand = { assignments: [], words: [], after: ';' };
  const empty = (c: SimpleCommand) => c.words.length === 0 && c.assignments.length === 0;
  const tokens = tokenize(line);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if ('word' in token) {
      const a = current.words.length === 0 ? assignment(token.word) : null;
      if (a) current.assignments.push(a);
      else current.words.push(token.word);
      continue;
    }
    switch (token.op) {
      case '>':
      case '>>': {
        const target = tokens[i + 1];
        if (!target || !('word' in target)) throw new ShellSyntaxError(`syntax error near unexpected token \`${target && 'op' in target ? target.op : 'newline'}'`);
        current.redirect = { target: target.word, append: token.op === '>>' };
        i += 1;
        break;
      }
      case '|':
        throw new ShellSyntaxError('pipes (|) are not supported in this shell; type `help` for what it does');
      case '&':
        throw new ShellSyntaxError('background jobs are not supported here; use `docker run -d`');
      default:
        if (empty(current)) throw new ShellSyntaxError(`syntax error near unexpected token \`${token.op}'`);
        commands.push(current);
        current = { assignments: [], words: [], after: token.op };
    }
  }
  if (!empty(current)) commands.push(current);
  else if (current.redirect) throw new ShellSyntaxError('syntax error: a redirection needs a command');
  else if (commands.length > 0 && current.after !== ';') throw new ShellSyntaxError('syntax error: unexpected end of line');
  return commands;
}
