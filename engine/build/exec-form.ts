/**
 * Exec form vs shell form, decided as Docker decides it:
 * - text that starts with a valid JSON array of strings is the exec form; like Go's JSON decoder,
 *   only the first JSON value counts, so text after the closing `]` is ignored;
 * - text that is not valid JSON (`[a, b]`, `["a"`, `echo hi`) is the shell form;
 * - a *valid* JSON array holding something other than strings (`["a", 42]`) is an error in Docker
 *   ("when using JSON array syntax, arrays must be comprised of strings only"), and here.
 */

export const NOT_STRING_ARRAY = 'when using JSON array syntax, arrays must be comprised of strings only';

/** Deeper JSON is invalid for Go's decoder too (its limit), so it falls back to the shell form. */
const MAX_DEPTH = 10000;

export class NotStringArrayError extends Error {
  constructor() {
    super(NOT_STRING_ARRAY);
  }
}

/** The exec-form arguments, or undefined for the shell form. Throws NotStringArrayError. */
export function parseJsonArgs(text: string): string[] | undefined {
  const start = text.search(/\S/);
  if (start < 0 || text[start] !== '[') return undefined;
  const scan = scanJsonValue(text, start);
  if (scan === undefined) return undefined;
  if (!scan.topLevelStrings) throw new NotStringArrayError();
  return JSON.parse(text.slice(start, scan.end)) as string[];
}

const HEX = /^[0-9a-fA-F]{4}$/;

/** End of the string starting at `pos` (on its opening quote), or -1 if it is not valid JSON. */
function scanString(s: string, pos: number): number {
  for (let i = pos + 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) return i + 1;
    if (c < 0x20) return -1;
    if (c === 0x5c) {
      const e = s[i + 1];
      if (e === 'u') {
        if (!HEX.test(s.slice(i + 2, i + 6))) return -1;
        i += 5;
      } else if (e !== undefined && '"\\/bfnrt'.includes(e)) {
        i++;
      } else {
        return -1;
      }
    }
  }
  return -1;
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const LITERAL = /true|false|null/y;

function skipSpace(s: string, pos: number): number {
  while (pos < s.length && (s[pos] === ' ' || s[pos] === '\t' || s[pos] === '\n' || s[pos] === '\r')) pos++;
  return pos;
}

/**
 * Checks that a JSON value starts at `pos` (an array: the caller made sure), without recursion,
 * so pathological nesting cannot exhaust the stack. Reports whether the top-level elements are
 * all strings.
 */
function scanJsonValue(s: string, pos: number): { end: number; topLevelStrings: boolean } | undefined {
  // Each open container: 'a' array, 'o' object. `expect` says what may come next.
  const stack: ('a' | 'o')[] = [];
  let topLevelStrings = true;
  type Expect = 'value' | 'value-or-close' | 'comma-or-close' | 'key-or-close' | 'key' | 'colon';
  let expect: Expect = 'value';
  for (;;) {
    pos = skipSpace(s, pos);
    if (pos >= s.length) return undefined;
    const c = s[pos];
    const top = stack[stack.length - 1];
    if (expect === 'comma-or-close') {
      if (c === ',') {
        expect = top === 'a' ? 'value' : 'key';
        pos++;
        continue;
      }
      if ((c === ']' && top === 'a') || (c === '}' && top === 'o')) {
        stack.pop();
        pos++;
        if (stack.length === 0) return { end: pos, topLevelStrings };
        continue;
      }
      return undefined;
    }
    if (expect === 'colon') {
      if (c !== ':') return undefined;
      expect = 'value';
      pos++;
      continue;
    }
    if (expect === 'key' || expect === 'key-or-close') {
      if (c === '}' && expect === 'key-or-close') {
        stack.pop();
        pos++;
        expect = 'comma-or-close';
        if (stack.length === 0) return { end: pos, topLevelStrings };
        continue;
      }
      if (c !== '"') return undefined;
      pos = scanString(s, pos);
      if (pos < 0) return undefined;
      expect = 'colon';
      continue;
    }
    // A value (or, in a fresh array, its closing bracket).
    if (c === ']' && expect === 'value-or-close') {
      stack.pop();
      pos++;
      expect = 'comma-or-close';
      if (stack.length === 0) return { end: pos, topLevelStrings };
      continue;
    }
    if (stack.length === 1 && c !== '"') topLevelStrings = false;
    if (c === '[' || c === '{') {
      if (stack.length >= MAX_DEPTH) return undefined;
      stack.push(c === '[' ? 'a' : 'o');
      expect = c === '[' ? 'value-or-close' : 'key-or-close';
      pos++;
      continue;
    }
    if (c === '"') {
      pos = scanString(s, pos);
      if (pos < 0) return undefined;
    } else {
      const re = c === '-' || (c >= '0' && c <= '9') ? NUMBER : LITERAL;
      re.lastIndex = pos;
      const m = re.exec(s);
      if (!m) return undefined;
      pos += m[0].length;
    }
    if (stack.length === 0) return undefined; // the caller only asks for arrays
    expect = 'comma-or-close';
  }
}
