import type { Part, Word } from './shell-syntax.ts';

/**
 * Expanding a command's words as sh does, just before it runs: parameters and command substitutions
 * are filled in, and what an unquoted one gave is split into words at blanks (so
 * `docker rm $(docker ps -aq)` gets one argument per container, and none when there are none),
 * while "$(...)" stays one word. No globbing: `*` is a plain character here.
 */
export interface Expander {
  /** A parameter's value; undefined when unset (it expands to nothing). */
  param(name: string): string | undefined;
  /** Run a command line and give its standard output (a subshell: `$(...)`). */
  substitute(line: string): Promise<string>;
}

async function value(part: Part, x: Expander): Promise<string> {
  if (part.kind === 'text') return part.text;
  if (part.kind === 'param') return x.param(part.name) ?? '';
  // Trailing newlines of a substitution's output are dropped, as sh does.
  return (await x.substitute(part.line)).replace(/\n+$/, '');
}

/** The words a command's words become (field splitting on blanks for unquoted expansions). */
export async function expandWords(words: readonly Word[], x: Expander): Promise<string[]> {
  const fields: string[] = [];
  for (const word of words) fields.push(...(await expandFields(word, x)));
  return fields;
}

async function expandFields(word: Word, x: Expander): Promise<string[]> {
  const fields: string[] = [];
  let current = '';
  let has = false; // the current field exists, even if empty ("" is a word)
  const end = () => {
    if (has) fields.push(current);
    current = '';
    has = false;
  };
  for (const part of word) {
    const text = await value(part, x);
    if (part.kind === 'text' || part.quoted) {
      current += text;
      has = true;
      continue;
    }
    const pieces = text.split(/[ \t\n]+/);
    pieces.forEach((piece, i) => {
      if (i > 0) end();
      if (piece) {
        current += piece;
        has = true;
      }
    });
  }
  end();
  return fields;
}

/** One word without splitting: a redirection's file name, an assignment's value. */
export async function expandWord(word: Word, x: Expander): Promise<string> {
  let out = '';
  for (const part of word) out += await value(part, x);
  return out;
}
