import { dockerfileError } from './dockerfile-error.ts';
import type { Directives } from './dockerfile-types.ts';

/** One instruction's text: physical lines joined at the escape character, comment lines dropped. */
export interface LogicalLine {
  text: string;
  line: number;
  endLine: number;
}

export interface LexedDockerfile {
  directives: Directives;
  lines: LogicalLine[];
  warnings: string[];
  /** Number of physical lines, for errors about the file as a whole. */
  lineCount: number;
}

// Docker's parser-directive shape: `# key=value` on the first lines, before anything else.
const DIRECTIVE = /^#[ \t]*([a-zA-Z][a-zA-Z0-9]*)[ \t]*=[ \t]*(.+?)[ \t]*$/;
const KNOWN_DIRECTIVES = new Set(['escape', 'syntax', 'check']);

const SPACE = /\s/;

function firstNonSpace(s: string): number {
  let i = 0;
  while (i < s.length && SPACE.test(s[i])) i++;
  return i;
}

function trimLeft(s: string): string {
  const i = firstNonSpace(s);
  return i === 0 ? s : s.slice(i);
}

function isComment(s: string): boolean {
  return s[firstNonSpace(s)] === '#';
}

/** If `s` ends with the escape character (spaces and tabs after it allowed), the text before it. */
function stripContinuation(s: string, escape: string): string | undefined {
  let i = s.length - 1;
  while (i >= 0 && (s[i] === ' ' || s[i] === '\t')) i--;
  return i >= 0 && s[i] === escape ? s.slice(0, i) : undefined;
}

/**
 * Splits a Dockerfile into instructions the way Docker's parser reads lines:
 * - parser directives (`# escape=`, `# syntax=`, `# check=`) only at the very top; the first line
 *   that is not one (a blank line included) ends them; an unknown key is an ordinary comment;
 * - a line whose first non-blank character is `#` is a comment, also inside a continuation;
 * - a line ending with the escape character continues on the next; blank lines inside a
 *   continuation are skipped with a warning, as Docker does.
 */
export function lexDockerfile(text: string): LexedDockerfile {
  const physical = text.split('\n');
  if (physical.length > 0 && physical[physical.length - 1] === '') physical.pop();
  for (let i = 0; i < physical.length; i++) {
    const l = physical[i];
    if (l.endsWith('\r')) physical[i] = l.slice(0, -1);
  }
  if (physical.length > 0 && physical[0].startsWith('\uFEFF')) physical[0] = physical[0].slice(1);

  const directives: Directives = { escape: '\\' };
  const warnings: string[] = [];
  const lines: LogicalLine[] = [];
  const seen = new Set<string>();
  let i = 0;

  for (; i < physical.length; i++) {
    const match = DIRECTIVE.exec(trimLeft(physical[i]));
    if (!match) break;
    const key = match[1].toLowerCase();
    if (!KNOWN_DIRECTIVES.has(key)) break;
    if (seen.has(key)) throw dockerfileError(i + 1, `only one ${key} parser directive can be used`);
    seen.add(key);
    const value = match[2];
    if (key === 'escape') {
      if (value !== '\\' && value !== '`') throw dockerfileError(i + 1, `invalid escape token '${value}' does not match \` or \\`);
      directives.escape = value;
    } else if (key === 'syntax') {
      directives.syntax = value;
    }
  }

  const escape = directives.escape;
  while (i < physical.length) {
    const first = physical[i];
    i++;
    const start = i;
    let head = trimLeft(first);
    if (head[0] === '#') continue;
    const continued = stripContinuation(head, escape);
    if (continued === undefined) {
      if (head !== '') lines.push({ text: head.trim(), line: start, endLine: start });
      continue;
    }
    head = continued;
    const parts = [head];
    let last = start;
    let emptyContinuation = false;
    let open = true;
    while (open && i < physical.length) {
      const next = physical[i];
      i++;
      if (isComment(next)) continue;
      if (firstNonSpace(next) === next.length) {
        emptyContinuation = true;
        continue;
      }
      const body = stripContinuation(next, escape);
      last = i;
      if (body === undefined) {
        parts.push(next);
        open = false;
      } else {
        parts.push(body);
      }
    }
    const joined = parts.join('').trim();
    if (joined === '') continue;
    if (emptyContinuation) {
      warnings.push(`[WARNING]: Empty continuation line found in the instruction on line ${start} (empty continuation lines will become errors in a future release)`);
    }
    lines.push({ text: joined, line: start, endLine: last });
  }
  return { directives, lines, warnings, lineCount: physical.length };
}
