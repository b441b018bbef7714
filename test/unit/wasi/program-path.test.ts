import { describe, it, expect } from 'vitest';
import { DEFAULT_PATH, findProgram, lookupProgram, programCandidates, type PathKind } from '../../../engine/wasi/program-path.ts';

describe('program lookup (both hosts)', () => {
  const files = new Set(['/bin/sh', '/usr/local/bin/greet', '/app/run.sh']);
  const isFile = (p: string) => files.has(p);

  it('looks a bare name up in PATH, first match wins', () => {
    expect(findProgram('greet', ['PATH=/usr/local/bin:/bin'], '/', isFile)).toBe('/usr/local/bin/greet');
    expect(findProgram('sh', ['PATH=/usr/local/bin:/bin'], '/', isFile)).toBe('/bin/sh');
  });

  it("uses Docker's default PATH when the environment has none", () => {
    expect(programCandidates('sh', [], '/')).toEqual(DEFAULT_PATH.split(':').map((d) => `${d}/sh`));
  });

  it('takes a name with a slash as a path from the working directory, never from PATH', () => {
    expect(findProgram('./run.sh', ['PATH=/bin'], '/app', isFile)).toBe('/app/run.sh');
    expect(findProgram('bin/sh', ['PATH=/bin'], '/app', isFile)).toBeUndefined();
  });

  it('finds nothing for an empty or missing name', () => {
    expect(findProgram('', [], '/', isFile)).toBeUndefined();
    expect(findProgram('nosuch', ['PATH=/bin'], '/', isFile)).toBeUndefined();
  });
});

describe("a command that cannot run: Docker's status and words (both hosts)", () => {
  const kinds = new Map<string, PathKind>([['/bin/sh', 'file'], ['/etc', 'dir'], ['/usr/bin/tools', 'dir'], ['/bin/tools', 'file']]);
  const kindOf = (p: string) => kinds.get(p);

  it('a directory named by path is 126 "permission denied", as Docker 20.10 says (docker run box /etc)', () => {
    expect(lookupProgram('/etc', [], '/', kindOf)).toEqual({ exitCode: 126, error: 'exec: "/etc": permission denied' });
    expect(lookupProgram('../etc', [], '/root', kindOf)).toEqual({ exitCode: 126, error: 'exec: "../etc": permission denied' });
  });

  it('a directory in a PATH entry is passed over, as execvp does', () => {
    expect(lookupProgram('tools', ['PATH=/usr/bin:/bin'], '/', kindOf)).toEqual({ path: '/bin/tools' });
  });

  it('nothing there is 127, worded for a path or for a name', () => {
    expect(lookupProgram('/nosuch', [], '/', kindOf)).toEqual({ exitCode: 127, error: 'exec: "/nosuch": stat /nosuch: no such file or directory' });
    expect(lookupProgram('nosuch', ['PATH=/bin'], '/', kindOf)).toEqual({ exitCode: 127, error: 'exec: "nosuch": executable file not found in $PATH' });
    expect(lookupProgram('', [], '/', kindOf)).toEqual({ exitCode: 127, error: 'exec: no command given' });
  });

  it('finds a file the way findProgram does', () => {
    expect(lookupProgram('sh', ['PATH=/usr/bin:/bin'], '/', kindOf)).toEqual({ path: '/bin/sh' });
  });
});
