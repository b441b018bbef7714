import { describe, it, expect } from 'vitest';
import { DEFAULT_PATH, findProgram, programCandidates } from '../../../engine/wasi/program-path.ts';

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
