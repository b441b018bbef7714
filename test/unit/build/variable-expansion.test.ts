import { describe, expect, it } from 'vitest';
import { ExpansionError, MAX_EXPANDED_LENGTH, expandWord, expandWords } from '../../../engine/build/variable-expansion.ts';

const env: Record<string, string> = { A: 'a', EMPTY: '', SPACED: 'x  y', PORTS: '80 443/udp', B: 'b' };
const lookup = (n: string) => (Object.hasOwn(env, n) ? env[n] : undefined);
const x = (w: string, escape = '\\') => expandWord(w, lookup, escape);

describe('expandWord: the substitutions Docker supports', () => {
  it.each([
    ['$A', 'a'],
    ['${A}', 'a'],
    ['pre$A/post', 'pre' + 'a/post'],
    ['${A}_x', 'a_x'],
    ['$A_x', ''], // the name is A_x, unset
    ['$UNSET', ''],
    ['${UNSET:-d}', 'd'],
    ['${EMPTY:-d}', 'd'],
    ['${A:-d}', 'a'],
    ['${UNSET-d}', 'd'],
    ['${EMPTY-d}', ''],
    ['${A:+alt}', 'alt'],
    ['${EMPTY:+alt}', ''],
    ['${EMPTY+alt}', 'alt'],
    ['${UNSET+alt}', ''],
    ['${UNSET:-${B:-c}}', 'b'],
    ['${UNSET:-${UNSET2:-c}}', 'c'],
    ['${UNSET:-${UNSET2:-${A}x}}y', 'axy'],
    ['${A:?must be set}', 'a'],
    ['$', '$'],
    ['a$', 'a$'],
    ['$ a', '$ a'],
    ['$1', ''],
    ['$@', ''],
    ['$$', ''],
    ['${UNSET:-a b}', 'a b'],
  ])('%s -> %j', (word, expected) => {
    expect(x(word)).toBe(expected);
  });

  it('treats single quotes as literal and removes them', () => {
    expect(x("'$A ${B}'")).toBe('$A ${B}');
  });

  it('expands inside double quotes, where the escape character escapes only ", $ and itself', () => {
    expect(x('"$A b"')).toBe('a b');
    expect(x('"\\$A"')).toBe('$A');
    expect(x('"a\\"b"')).toBe('a"b');
    expect(x('"a\\nb"')).toBe('a\\nb');
    expect(x('"a\\\\b"')).toBe('a\\b');
  });

  it('makes the next character literal after the escape character outside quotes', () => {
    expect(x('\\$A')).toBe('$A');
    expect(x('\\${A}')).toBe('${A}');
    expect(x('a\\ b')).toBe('a b');
    expect(x('C:\\dir')).toBe('C:dir'); // as Docker: use `# escape=`` for Windows paths
    expect(x('trailing\\')).toBe('trailing');
  });

  it('uses the backtick as the escape character when the file says so', () => {
    expect(x('`$A', '`')).toBe('$A');
    expect(x('C:\\dir\\$A', '`')).toBe('C:\\dir\\a');
  });

  it.each([
    ['${}', 'syntax error: bad substitution'],
    ['${:-x}', 'syntax error: bad substitution'],
    ['${{A}}', 'syntax error: bad substitution'],
    ['${', "syntax error: missing '}'"],
    ['${A', "syntax error: missing '}'"],
    ['${A:-x', "syntax error: missing '}'"],
    ['${A:-${B:-c}', "syntax error: missing '}'"],
    ["${A:-'x}", "syntax error: missing '}'"],
    ['${UNSET:?}', 'UNSET: is not allowed to be unset'],
    ['${EMPTY:?need it}', 'EMPTY: need it'],
    ['${A/a/b}', 'unsupported modifier (/) in substitution'],
    ['${A#a}', 'unsupported modifier (#) in substitution'],
    ['${A:x}', 'unsupported modifier (:x) in substitution'],
    ["'open", 'unexpected end of statement while looking for matching single-quote'],
    ['"open', 'unexpected end of statement while looking for matching double-quote'],
  ])('%s fails with %j', (word, message) => {
    expect(() => x(word)).toThrow(new ExpansionError(message));
  });
});

describe('expandWords: expansion, then splitting on unquoted blanks', () => {
  it('splits what a variable expands to, but not quoted text', () => {
    expect(expandWords('$PORTS 8080', lookup, '\\')).toEqual(['80', '443/udp', '8080']);
    expect(expandWords('"$SPACED" $SPACED', lookup, '\\')).toEqual(['x  y', 'x', 'y']);
    expect(expandWords('  ', lookup, '\\')).toEqual([]);
  });
});

describe('expansion limits', () => {
  it('refuses nesting deeper than its limit instead of exhausting the stack', () => {
    const deep = '${a:-'.repeat(20000) + 'x' + '}'.repeat(20000);
    expect(() => x(deep)).toThrow(/nested more than \d+ deep/);
  });

  it('handles reasonable nesting', () => {
    const nested = '${a:-'.repeat(200) + 'x' + '}'.repeat(200);
    expect(x(nested)).toBe('x');
  });

  it('refuses a word that would expand past the size limit', () => {
    const big = 'y'.repeat(MAX_EXPANDED_LENGTH / 2 + 1);
    expect(() => expandWord('$V$V', (n) => (n === 'V' ? big : undefined), '\\')).toThrow(/longer than/);
  });
});
