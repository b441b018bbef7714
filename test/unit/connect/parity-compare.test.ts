import { describe, expect, it } from 'vitest';
import { compareText } from '../../../web/Parity/line-diff.ts';
import { compareParity, parityArgv, type ParityResult, type SideResult } from '../../../web/Parity/parity-run.ts';

const side = (o: Partial<SideResult>): SideResult => ({ code: 0, stdout: '', stderr: '', containers: [], images: [], tagsAfter: {}, ...o });

describe('the parity view\'s comparison', () => {
  it('pairs differing lines and keeps equal ones aligned', () => {
    const c = compareText('a\nb\nc\n', 'a\nB\nc\nd\n');
    expect(c.same).toBe(false);
    expect(c.rows.map((r) => [r.kind, r.browser, r.kernel])).toEqual([
      ['same', 'a', 'a'],
      ['differs', 'b', 'B'],
      ['same', 'c', 'c'],
      ['differs', undefined, 'd'],
    ]);
    expect(c.onlyKnown).toBe(false);
  });

  it('marks docker version\'s OS/Arch line as the known difference it is, and nothing else', () => {
    const c = compareText('Server:\n  OS/Arch:          wasi/wasm\n', 'Server:\n  OS/Arch:          linux/wasm\n');
    expect(c.onlyKnown).toBe(true);
    expect(c.known.map((k) => k.id)).toEqual(['server-os']);
    expect(compareText('hello\n', 'hallo\n').onlyKnown).toBe(false);
  });

  it('a symlink shown as a file on one side is a difference to look into (links are links on both hosts)', () => {
    const c = compareText('-rwxr-xr-x    1 root     root        198586 Jan  1  1970 /bin/sh\n', 'lrwxrwxrwx    1 root     root             3 Jan  1  1970 /bin/sh -> box\n');
    expect(c.onlyKnown).toBe(false);
    expect(c.known).toEqual([]);
  });

  it('reads the random container IDs of each engine as <container>', () => {
    const b = 'a'.repeat(64);
    const k = 'b'.repeat(64);
    const r: ParityResult = {
      line: 'docker run -d box sleep 9',
      argv: parityArgv('docker run -d box sleep 9'),
      browser: side({ stdout: `${b}\n`, containers: [{ id: b, name: 'x', diff: '' }] }),
      kernel: side({ stdout: `${k}\n`, containers: [{ id: k, name: 'y', diff: '' }] }),
    };
    expect(compareParity(r).agrees).toBe(true);
  });

  it('compares image IDs of tags either side changed; a commit agrees by its layers', () => {
    const build: ParityResult = {
      line: 'docker build -t x .',
      argv: ['build', '-t', 'x', '.'],
      browser: side({ images: [{ tag: 'x:latest', id: 'sha256:1', layers: ['l'] }], tagsAfter: { 'x:latest': 'sha256:1' } }),
      kernel: side({ images: [{ tag: 'x:latest', id: 'sha256:2', layers: ['l'] }], tagsAfter: { 'x:latest': 'sha256:2' } }),
    };
    expect(compareParity(build).agrees).toBe(false);
    expect(compareParity({ ...build, argv: ['commit', 'c', 'x'] }).agrees).toBe(true);
    // Pulled on one engine only, already there on the other: the same ID still agrees.
    const pulled: ParityResult = { ...build, browser: side({ images: [{ tag: 'x:latest', id: 'sha256:1', layers: [] }], tagsAfter: { 'x:latest': 'sha256:1' } }), kernel: side({ tagsAfter: { 'x:latest': 'sha256:1' } }) };
    expect(compareParity(pulled).images).toEqual([{ tag: 'x:latest', browser: 'sha256:1', kernel: 'sha256:1', same: true, sameLayers: false, commit: false }]);
  });

  it('asks for a docker command', () => {
    expect(parityArgv('docker ps -a')).toEqual(['ps', '-a']);
    expect(() => parityArgv('docker')).toThrow(/type a docker command/);
  });
});
