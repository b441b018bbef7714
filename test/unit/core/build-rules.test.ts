import { describe, it, expect } from 'vitest';
import { copySources, isIgnored, loadContext, parseDockerignore } from '../../../engine/core/build-context.ts';
import { applyCommitChanges, applyToConfig, resolveWorkdir, type ConfigEditState } from '../../../engine/core/config-edit.ts';
import { mergeConfig, parseBind } from '../../../engine/core/container-config.ts';
import { parseDockerfile } from '../../../engine/build/dockerfile.ts';
import type { ContainerConfig } from '../../../engine/oci/types.ts';

const enc = (s: string) => new TextEncoder().encode(s);

describe('.dockerignore', () => {
  it('lets the last matching pattern decide, matches parents, and supports ** and !', () => {
    const p = parseDockerignore('# comment\n\nnode_modules\n*.log\n!keep.log\ndocs/**/*.tmp\n/abs/x\n');
    expect(isIgnored('node_modules/a/b.js', p)).toBe(true);
    expect(isIgnored('debug.log', p)).toBe(true);
    expect(isIgnored('keep.log', p)).toBe(false);
    expect(isIgnored('sub/debug.log', p)).toBe(false); // * does not cross a "/", as Docker's
    expect(isIgnored('docs/a/b/c.tmp', p)).toBe(true);
    expect(isIgnored('docs/c.tmp', p)).toBe(true);
    expect(isIgnored('abs/x', p)).toBe(true);
    expect(isIgnored('src/main.c', p)).toBe(false);
  });

  it('never drops the Dockerfile or .dockerignore, and refuses paths outside the context', () => {
    const ctx = loadContext({ Dockerfile: enc('FROM box'), '.dockerignore': enc('*\n'), 'a.txt': enc('a') }, 'Dockerfile');
    expect([...ctx.keys()].sort()).toEqual(['.dockerignore', 'Dockerfile']);
    expect(() => loadContext({ '../etc/passwd': enc('x') }, 'Dockerfile')).toThrow(/outside the context/);
  });
});

describe('COPY sources', () => {
  const ctx = new Map(Object.entries({ 'a.txt': enc('a'), 'b.txt': enc('b'), 'src/x.c': enc('x'), 'src/sub/y.c': enc('y') }));
  it('expands globs, copies a directory as its contents, and tells a single file apart', () => {
    expect(copySources(ctx, ['*.txt'], 'COPY')).toEqual({ files: [{ from: 'a.txt', rel: 'a.txt' }, { from: 'b.txt', rel: 'b.txt' }], single: false, named: 2 });
    expect(copySources(ctx, ['src'], 'COPY')).toEqual({ files: [{ from: 'src/sub/y.c', rel: 'sub/y.c' }, { from: 'src/x.c', rel: 'x.c' }], single: false, named: 1 });
    expect(copySources(ctx, ['./a.txt'], 'COPY').single).toBe(true);
    expect(copySources(ctx, ['.'], 'COPY').files).toHaveLength(4);
  });
  it('refuses sources outside the context or missing', () => {
    expect(() => copySources(ctx, ['../x'], 'COPY')).toThrow('COPY failed: forbidden path outside the build context: ../x');
    expect(() => copySources(ctx, ['nope*'], 'ADD')).toThrow('ADD failed: file not found in build context or excluded by .dockerignore: stat nope*: file does not exist');
  });
});

describe('config instructions', () => {
  function apply(config: ContainerConfig, text: string, state: ConfigEditState = {}): ContainerConfig {
    for (const i of parseDockerfile(`FROM scratch\n${text}\n`).stages[0].instructions) applyToConfig(config, i, state);
    return config;
  }
  it('ENV replaces by key; CMD shell form wraps in /bin/sh -c; EXPOSE adds /tcp', () => {
    const c = apply({ Env: ['PATH=/bin', 'A=1'] }, 'ENV A=2 B=3\nCMD echo hi\nEXPOSE 80 53/udp');
    expect(c.Env).toEqual(['PATH=/bin', 'A=2', 'B=3']);
    expect(c.Cmd).toEqual(['/bin/sh', '-c', 'echo hi']);
    expect(Object.keys(c.ExposedPorts!)).toEqual(['80/tcp', '53/udp']);
  });
  it("ENTRYPOINT drops the base image's CMD but keeps one set earlier in the same build", () => {
    expect(apply({ Cmd: ['sh'] }, 'ENTRYPOINT ["echo"]').Cmd).toBeUndefined();
    expect(apply({ Cmd: ['sh'] }, 'CMD ["x"]\nENTRYPOINT ["echo"]').Cmd).toEqual(['x']);
  });
  it('WORKDIR is relative to the previous one', () => {
    expect(resolveWorkdir('/app', 'src/../lib')).toBe('/app/lib');
    expect(resolveWorkdir(undefined, 'rel')).toBe('/rel');
    expect(resolveWorkdir('/a', '/b')).toBe('/b');
  });
  it('commit --change takes config instructions only', () => {
    const c: ContainerConfig = { Cmd: ['sh'] };
    applyCommitChanges(c, ['ENV MODE=prod', 'WORKDIR /srv', 'USER nobody']);
    expect(c).toEqual({ Cmd: ['sh'], Env: ['MODE=prod'], WorkingDir: '/srv', User: 'nobody' });
    expect(() => applyCommitChanges(c, ['COPY a b'])).toThrow('copy is not a valid change command');
  });
});

describe('create rules', () => {
  it('keeps the image Cmd with the image Entrypoint, and an empty Cmd is no Cmd', () => {
    const m = mergeConfig({ Entrypoint: ['/bin/app'], Cmd: ['--help'] }, { Image: 'x', Cmd: [] });
    expect([m.Entrypoint, m.Cmd]).toEqual([['/bin/app'], ['--help']]);
  });
  it('parses binds and normalises targets', () => {
    expect(parseBind('data:/var//lib/./x:ro')).toEqual({ volume: 'data', target: '/var/lib/x', readOnly: true });
    expect(() => parseBind('data:/a/../etc')).toThrow(/must not contain/);
  });
});
