import { describe, expect, it } from 'vitest';
import { NOT_STRING_ARRAY, parseJsonArgs } from '../../../engine/build/exec-form.ts';

describe('parseJsonArgs: exec form or shell form, as Docker decides', () => {
  it.each([
    ['["a","b"]', ['a', 'b']],
    ['[ "a" , "b" ]', ['a', 'b']],
    ['\t["a",\t"b"]\t', ['a', 'b']],
    ['[]', []],
    ['[""]', ['']],
    ['["\\u0041\\n\\"\\\\\\/", "♥"]', ['A\n"\\/', '♥']],
    // Like Go's JSON decoder, only the first value counts; what follows it is ignored.
    ['["a"] trailing words', ['a']],
  ])('%s is the exec form %j', (text, args) => {
    expect(parseJsonArgs(text)).toEqual(args);
  });

  it.each([
    'echo hi',
    '[a, b]',
    '["a"',
    '["a",]',
    '["a" "b"]',
    "['a']",
    '["bad \\x escape"]',
    '["a",42', // invalid JSON before any type check: shell form
    '["raw\ttab"]',
    '',
  ])('%j is the shell form', (text) => {
    expect(parseJsonArgs(text)).toBeUndefined();
  });

  it.each(['["a",42]', '["a",true]', '["a",null]', '["a",["b"]]', '["a",{"k":"v"}]', '[1]'])(
    '%s, valid JSON but not all strings, is an error as in Docker',
    (text) => {
      expect(() => parseJsonArgs(text)).toThrow(NOT_STRING_ARRAY);
    },
  );

  it('falls back to the shell form for JSON nested past Go\'s depth limit, without recursion', () => {
    expect(parseJsonArgs('['.repeat(70_000))).toBeUndefined();
    expect(parseJsonArgs('['.repeat(20_000) + ']'.repeat(20_000))).toBeUndefined();
  });
});
