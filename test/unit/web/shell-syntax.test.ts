import { describe, expect, it } from 'vitest';
import { parseCommandLine, ShellSyntaxError } from '../../../web/Terminal/shell-syntax.ts';

describe('the host shell grammar', () => {
  it('splits words with quotes and escapes as sh does', () => {
    expect(parseCommandLine(`docker run -e 'A=b c' box sh -c "echo \\"hi\\" \\$HOME" a\\ b`)).toEqual([
      { argv: ['docker', 'run', '-e', 'A=b c', 'box', 'sh', '-c', 'echo "hi" $HOME', 'a b'], after: ';' },
    ]);
  });

  it('reads redirection and lists joined by ; && ||', () => {
    expect(parseCommandLine('echo hi > a.txt && cat a.txt; echo x>>log || true')).toEqual([
      { argv: ['echo', 'hi'], redirect: { path: 'a.txt', append: false }, after: ';' },
      { argv: ['cat', 'a.txt'], after: '&&' },
      { argv: ['echo', 'x'], redirect: { path: 'log', append: true }, after: ';' },
      { argv: ['true'], after: '||' },
    ]);
  });

  it('keeps > inside quotes as text and drops comments', () => {
    expect(parseCommandLine('echo "a > b" # not this')).toEqual([{ argv: ['echo', 'a > b'], after: ';' }]);
  });

  it('refuses what it cannot run with a message rather than a wrong reading', () => {
    expect(() => parseCommandLine('echo "open')).toThrow(ShellSyntaxError);
    expect(() => parseCommandLine('ls | grep x')).toThrow(/pipes are not supported/);
    expect(() => parseCommandLine('sleep 1 &')).toThrow(/docker run -d/);
    expect(() => parseCommandLine('echo >')).toThrow(/unexpected token `newline'/);
    expect(() => parseCommandLine('&& ls')).toThrow(/unexpected token `&&'/);
    expect(() => parseCommandLine('ls &&')).toThrow(/unexpected end of line/);
  });

  it('gives nothing to run for a blank line', () => {
    expect(parseCommandLine('   ')).toEqual([]);
  });
});
