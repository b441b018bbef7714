import { describe, it, expect } from 'vitest';
import { familiarName, familiarRepository, formatReference, parseReference, qualifiedName } from '../../../engine/oci/reference.ts';

const D = 'sha256:' + 'ab'.repeat(32);

describe('parseReference', () => {
  it.each([
    ['box', { path: 'box', tag: 'latest' }, 'box:latest'],
    ['box:1.0', { path: 'box', tag: '1.0' }, 'box:1.0'],
    ['team/app', { path: 'team/app', tag: 'latest' }, 'team/app:latest'],
    ['localhost:5000/team/app:v2', { domain: 'localhost:5000', path: 'team/app', tag: 'v2' }, 'localhost:5000/team/app:v2'],
    ['localhost/app', { domain: 'localhost', path: 'app', tag: 'latest' }, 'localhost/app:latest'],
    ['registry.example.com/a/b/c:x_1', { domain: 'registry.example.com', path: 'a/b/c', tag: 'x_1' }, 'registry.example.com/a/b/c:x_1'],
    [`box@${D}`, { path: 'box', digest: D }, `box@${D}`],
    [`box:1.0@${D}`, { path: 'box', tag: '1.0', digest: D }, 'box:1.0'],
    ['docker.io/library/x', { path: 'x', tag: 'latest' }, 'x:latest'],
    ['docker.io/team/x:1', { path: 'team/x', tag: '1' }, 'team/x:1'],
    ['[::1]:5000/app', { domain: '[::1]:5000', path: 'app', tag: 'latest' }, '[::1]:5000/app:latest'],
    ['x/a.b__c-d---e/f_g.h:' + 'T'.repeat(128), { path: 'x/a.b__c-d---e/f_g.h', tag: 'T'.repeat(128) }, 'x/a.b__c-d---e/f_g.h:' + 'T'.repeat(128)],
  ])('%s', (input, expected, familiar) => {
    const ref = parseReference(input);
    expect(ref).toEqual(expected);
    expect(familiarName(ref)).toBe(familiar);
    expect(parseReference(formatReference(ref))).toEqual(ref);
  });

  it('HOSTILE 17: bad names and tags are refused with a message that says what is wrong', () => {
    const cases: [string, RegExp][] = [
      ['A/b', /^invalid reference format: repository name \(A\/b\) must be lowercase$/],
      ['Box', /repository name \(Box\) must be lowercase/],
      ['../etc', /component "\.\." in \(\.\.\/etc\)/],
      ['a//b', /repository name \(a\/\/b\) has an empty path component/],
      ['a/', /empty path component/],
      ['box:.x', /tag "\.x" must start with a letter, digit or "_"/],
      ['box:' + 'a'.repeat(129), /tag is 129 characters long \(at most 128\)/],
      ['box:', /tag "" must start/],
      ['box@sha256:../../x', /digest in "box@sha256:\.\.\/\.\.\/x": invalid digest/],
      ['box@sha256:' + 'AB'.repeat(32), /hex must be lowercase/],
      ['box@md5:abc', /unsupported digest algorithm/],
      ['-box', /component "-box"/],
      ['a..b', /component "a\.\.b"/],
      ['', /empty reference/],
      ['box latest', /whitespace/],
      [':tag', /has no repository name/],
      ['ab'.repeat(32), /cannot be a 64-character hexadecimal string/],
      ['a/'.repeat(128) + 'b', /must not be longer than 255 characters/],
      ['bad_host:x/app', /registry "bad_host:x" has an invalid port/],
      ['bad_host:5000/app', /registry host "bad_host:5000" is not a valid host name/],
    ];
    for (const [input, message] of cases) {
      let error: { code?: string; message?: string } = {};
      try {
        parseReference(input);
      } catch (e) {
        error = e as typeof error;
      }
      expect(error.code, input).toBe('invalid-argument');
      expect(error.message, input).toMatch(message);
    }
  });
});

describe('names as Docker prints them', () => {
  it('familiarRepository is the REPOSITORY column, qualifiedName the full form', () => {
    expect(familiarRepository(parseReference('localhost:5000/team/app:v2'))).toBe('localhost:5000/team/app');
    expect(qualifiedName(parseReference('box'))).toBe('docker.io/library/box:latest');
    expect(qualifiedName(parseReference('team/app:1'))).toBe('docker.io/team/app:1');
    expect(formatReference(parseReference(`box:1@${D}`))).toBe(`box:1@${D}`);
  });
});
