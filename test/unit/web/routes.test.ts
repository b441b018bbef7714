import { describe, expect, it } from 'vitest';
import { formatHash, parseHash } from '../../../web/app/routes.ts';
import { resolvePath, displayPath } from '../../../web/Workspace/workspace-paths.ts';

describe('deep links', () => {
  it('open a view and its subject, references with / : @ kept readable', () => {
    expect(parseHash('#/images/box:latest')).toEqual({ view: 'images', subject: 'box:latest' });
    expect(parseHash('#/images/team/app@sha256:abc')).toEqual({ view: 'images', subject: 'team/app@sha256:abc' });
    expect(formatHash({ view: 'images', subject: 'localhost:5000/team/app:v2' })).toBe('#/images/localhost:5000/team/app:v2');
    expect(formatHash({ view: 'workspace', subject: 'my notes/a b.txt' })).toBe('#/workspace/my%20notes/a%20b.txt');
    expect(parseHash(formatHash({ view: 'workspace', subject: 'my notes/a b.txt' }))).toEqual({ view: 'workspace', subject: 'my notes/a b.txt' });
  });

  it('fall back to the workspace for unknown views and keep malformed escapes as typed', () => {
    expect(parseHash('#/nowhere/x')).toEqual({ view: 'workspace' });
    expect(parseHash('')).toEqual({ view: 'workspace' });
    expect(parseHash('#/containers/%E0%A4%A')).toEqual({ view: 'containers', subject: '%E0%A4%A' });
  });
});

describe('workspace paths', () => {
  it('never climb above the workspace root', () => {
    expect(resolvePath('examples/greeter', '../../../../etc/passwd')).toBe('etc/passwd');
    expect(resolvePath('examples', '/README.md')).toBe('README.md');
    expect(resolvePath('examples', '~/a//b/./c')).toBe('a/b/c');
    expect(resolvePath('a/b', '..')).toBe('a');
  });

  it('show the root as ~', () => {
    expect(displayPath('')).toBe('~');
    expect(displayPath('examples/greeter')).toBe('~/examples/greeter');
  });
});
