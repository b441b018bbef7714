/**
 * Docker's variable substitution for the instructions that support it (ENV, ADD, COPY, WORKDIR,
 * LABEL, EXPOSE, USER, VOLUME, ARG defaults, STOPSIGNAL, FROM with the meta ARGs).
 *
 * It behaves like the Dockerfile frontend's word processor, not like a full shell:
 * - `$name`, `${name}`, `${name:-word}`, `${name-word}`, `${name:+word}`, `${name+word}`,
 *   `${name:?message}`, `${name?message}`; `word` may itself hold substitutions, nested.
 * - single quotes keep everything literal; double quotes keep everything but `$` and the escape
 *   character (which escapes only `"`, `$` and itself there); outside quotes the escape character
 *   makes the next character literal (`\$HOME` stays `$HOME`); quotes are removed.
 * - `$` not followed by a name is a literal `$`; `$1`, `$@` and the other special parameters are
 *   names that are never set, so they expand to nothing, as in Docker.
 * - `${}` is "bad substitution"; an unterminated `${` is "missing '}'".
 *
 * Not supported: the pattern operators `${a#p}`, `${a%p}`, `${a/p/r}` (newer Dockerfile syntax);
 * they fail with "unsupported modifier", never silently.
 */

/** Resolves a variable: its value, or undefined when it is not set. */
export type Lookup = (name: string) => string | undefined;

/** A substitution error, without the line: the caller adds that. */
export class ExpansionError extends Error {}

/** Nested `${a:-${b:-...}}` deeper than this is refused (real files nest two or three levels). */
export const MAX_NESTING = 1000;
/** One expanded word may not grow past this: `ENV a=$a$a` repeated would otherwise double forever. */
export const MAX_EXPANDED_LENGTH = 1 << 20;

const NAME_CHAR = /[\p{L}\p{Nd}_]/u;
const DIGIT = /\p{Nd}/u;
const SPECIAL_PARAMS = new Set(['@', '*', '#', '?', '-', '$', '!', '0']);
const SPACE = /\s/;

/** Collects the whitespace-split words of an expansion, keeping quoted text whole. */
class WordCollector {
  words: string[] = [];
  private word = '';

  addChar(ch: string): void {
    if (SPACE.test(ch)) {
      if (this.word.length > 0) {
        this.words.push(this.word);
        this.word = '';
      }
    } else {
      this.word += ch;
    }
  }

  addSplit(s: string): void {
    for (const ch of s) this.addChar(ch);
  }

  addRaw(s: string): void {
    this.word += s;
  }

  finish(): string[] {
    if (this.word.length > 0) this.words.push(this.word);
    this.word = '';
    return this.words;
  }
}

class Expander {
  private pos = 0;
  private depth = 0;

  constructor(
    private readonly src: string,
    private readonly lookup: Lookup,
    private readonly escape: string,
  ) {}

  private peek(): string | undefined {
    return this.pos < this.src.length ? this.src[this.pos] : undefined;
  }

  private next(): string | undefined {
    return this.pos < this.src.length ? this.src[this.pos++] : undefined;
  }

  /** Reads up to `stop` (consumed) or the end of input when `stop` is undefined. */
  run(stop: string | undefined, collect: boolean): { result: string; words: string[] } {
    if (++this.depth > MAX_NESTING) throw new ExpansionError(`syntax error: substitutions nested more than ${MAX_NESTING} deep`);
    const out: string[] = [];
    let length = 0;
    const words = new WordCollector();
    const append = (s: string): void => {
      length += s.length;
      if (length > MAX_EXPANDED_LENGTH) throw new ExpansionError(`the expanded value is longer than ${MAX_EXPANDED_LENGTH} characters`);
      out.push(s);
    };
    for (;;) {
      const ch = this.peek();
      if (ch === undefined) break;
      if (stop !== undefined && ch === stop) {
        this.pos++;
        this.depth--;
        return { result: out.join(''), words: [] };
      }
      if (ch === '$') {
        const value = this.dollar();
        append(value);
        if (collect) words.addSplit(value);
      } else if (ch === "'") {
        const value = this.singleQuoted();
        append(value);
        if (collect) words.addRaw(value);
      } else if (ch === '"') {
        const value = this.doubleQuoted();
        append(value);
        if (collect) words.addRaw(value);
      } else if (ch === this.escape) {
        this.pos++;
        const escaped = this.next();
        if (escaped === undefined) break;
        append(escaped);
        if (collect) words.addRaw(escaped);
      } else {
        // Plain text: take the whole run up to the next special character in one slice.
        let end = this.pos + 1;
        while (end < this.src.length) {
          const c = this.src[end];
          if (c === '$' || c === "'" || c === '"' || c === this.escape || c === stop) break;
          end++;
        }
        const text = this.src.slice(this.pos, end);
        this.pos = end;
        append(text);
        if (collect) words.addSplit(text);
      }
    }
    if (stop !== undefined) throw new ExpansionError(`unexpected end of statement while looking for matching ${stop}`);
    this.depth--;
    return { result: out.join(''), words: collect ? words.finish() : [] };
  }

  private singleQuoted(): string {
    const start = this.pos + 1;
    const end = this.src.indexOf("'", start);
    if (end < 0) {
      this.pos = this.src.length;
      throw new ExpansionError('unexpected end of statement while looking for matching single-quote');
    }
    this.pos = end + 1;
    return this.src.slice(start, end);
  }

  private doubleQuoted(): string {
    this.pos++;
    const out: string[] = [];
    for (;;) {
      const ch = this.peek();
      if (ch === undefined) throw new ExpansionError('unexpected end of statement while looking for matching double-quote');
      if (ch === '"') {
        this.pos++;
        return out.join('');
      }
      if (ch === '$') {
        out.push(this.dollar());
        continue;
      }
      this.pos++;
      if (ch === this.escape) {
        const after = this.peek();
        if (after === undefined) continue;
        if (after === '"' || after === '$' || after === this.escape) {
          this.pos++;
          out.push(after);
          continue;
        }
      }
      out.push(ch);
    }
  }

  private name(): string {
    const first = this.peek();
    if (first === undefined) return '';
    if (DIGIT.test(first)) {
      const start = this.pos;
      while (this.pos < this.src.length && DIGIT.test(this.src[this.pos])) this.pos++;
      return this.src.slice(start, this.pos);
    }
    if (SPECIAL_PARAMS.has(first)) {
      this.pos++;
      return first;
    }
    const start = this.pos;
    while (this.pos < this.src.length && NAME_CHAR.test(this.src[this.pos])) this.pos++;
    return this.src.slice(start, this.pos);
  }

  private dollar(): string {
    this.pos++; // the $
    if (this.peek() !== '{') {
      const name = this.name();
      if (name === '') return '$';
      return this.lookup(name) ?? '';
    }
    this.pos++; // the {
    const first = this.peek();
    if (first === undefined) throw new ExpansionError("syntax error: missing '}'");
    if (first === '{' || first === '}' || first === ':') throw new ExpansionError('syntax error: bad substitution');
    const name = this.name();
    let op = this.next();
    if (op === undefined) throw new ExpansionError("syntax error: missing '}'");
    if (op === '}') return this.lookup(name) ?? '';
    let modifier = op;
    let nullIsUnset = false;
    if (op === ':') {
      nullIsUnset = true;
      op = this.next();
      if (op === undefined) throw new ExpansionError("syntax error: missing '}'");
      modifier += op;
    }
    if (op !== '-' && op !== '+' && op !== '?') throw new ExpansionError(`unsupported modifier (${modifier}) in substitution`);
    let word: string;
    try {
      word = this.run('}', false).result;
    } catch (e) {
      const unterminated = e instanceof ExpansionError && /^(unexpected end|syntax error: missing)/.test(e.message);
      if (unterminated && this.peek() === undefined) throw new ExpansionError("syntax error: missing '}'");
      throw e;
    }
    const value = this.lookup(name);
    const unset = value === undefined || (nullIsUnset && value === '');
    switch (op) {
      case '-':
        return unset ? word : (value ?? '');
      case '+':
        return unset ? '' : word;
      default:
        if (value === undefined) throw new ExpansionError(`${name}: ${word || 'is not allowed to be unset'}`);
        if (nullIsUnset && value === '') throw new ExpansionError(`${name}: ${word || 'is not allowed to be empty'}`);
        return value;
    }
  }
}

/** Expands one word: substitutions done, quotes and escapes removed, inner whitespace kept. */
export function expandWord(word: string, lookup: Lookup, escape: string): string {
  return new Expander(word, lookup, escape).run(undefined, false).result;
}

/** Expands, then splits on unquoted whitespace (what EXPOSE does with `EXPOSE $PORTS`). */
export function expandWords(word: string, lookup: Lookup, escape: string): string[] {
  return new Expander(word, lookup, escape).run(undefined, true).words;
}
