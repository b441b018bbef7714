/**
 * How Docker cuts an instruction's text into pieces before any variable is expanded: the command
 * word, the `--flags` that follow it, and the words of ENV/LABEL/ARG (quotes kept, so expansion
 * can still tell quoted from unquoted text).
 */

const WHITESPACE = /[\t\v\f\r ]+/;
const IS_SPACE = /\s/;

/** `RUN  echo hi` -> { command: 'RUN', rest: 'echo hi' } (the text is already trimmed). */
export function splitCommand(text: string): { command: string; rest: string } {
  const m = WHITESPACE.exec(text);
  if (!m) return { command: text, rest: '' };
  return { command: text.slice(0, m.index), rest: text.slice(m.index + m[0].length) };
}

/** Splits on runs of blanks, as Docker does for FROM, EXPOSE and the shell form of COPY/ADD/VOLUME. */
export function splitWhitespace(text: string): string[] {
  if (text === '') return [];
  return text.split(WHITESPACE);
}

/**
 * Takes the leading `--name[=value]` words off an instruction's arguments. Quotes inside a flag
 * are removed and the escape character makes the next character literal; a bare `--` ends the flags.
 */
export function extractFlags(rest: string, escape: string): { flags: string[]; rest: string } {
  const flags: string[] = [];
  let pos = 0;
  for (;;) {
    while (pos < rest.length && IS_SPACE.test(rest[pos])) pos++;
    if (pos >= rest.length) return { flags, rest: '' };
    if (!rest.startsWith('--', pos)) return { flags, rest: rest.slice(pos) };
    const parts: string[] = [];
    let quote: string | undefined;
    let sawQuote = false;
    for (; pos < rest.length; pos++) {
      const ch = rest[pos];
      if (quote === undefined && IS_SPACE.test(ch)) break;
      if (quote === undefined && (ch === '"' || ch === "'")) {
        quote = ch;
        sawQuote = true;
        continue;
      }
      if (quote !== undefined && ch === quote) {
        quote = undefined;
        continue;
      }
      if (ch === escape && (quote === undefined || quote === '"')) {
        if (pos + 1 < rest.length) parts.push(rest[++pos]);
        continue;
      }
      parts.push(ch);
    }
    const word = parts.join('');
    if (word === '--') return { flags, rest: rest.slice(pos).replace(/^\s+/, '') };
    if (word !== '' || sawQuote) flags.push(word);
  }
}

/**
 * Splits on unquoted whitespace, keeping the quotes and escape characters in the words (they are
 * removed later, when the word is expanded). Used for ENV, LABEL and ARG.
 */
export function splitQuotedWords(text: string, escape: string): string[] {
  const words: string[] = [];
  let start = -1;
  let quote: string | undefined;
  for (let pos = 0; pos < text.length; pos++) {
    const ch = text[pos];
    if (start < 0) {
      if (IS_SPACE.test(ch)) continue;
      start = pos;
    }
    if (quote === undefined) {
      if (IS_SPACE.test(ch)) {
        words.push(text.slice(start, pos));
        start = -1;
      } else if (ch === '"' || ch === "'") {
        quote = ch;
      } else if (ch === escape) {
        pos++;
      }
    } else if (ch === quote) {
      quote = undefined;
    } else if (ch === escape && quote === '"') {
      pos++;
    }
  }
  if (start >= 0) words.push(text.slice(start));
  return words;
}
