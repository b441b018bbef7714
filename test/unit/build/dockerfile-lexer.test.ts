import { describe, expect, it } from 'vitest';
import { lexDockerfile } from '../../../engine/build/dockerfile-lexer.ts';
import { expectDockerfileError } from './dockerfile-error-helper.ts';

const texts = (src: string) => lexDockerfile(src).lines.map((l) => [l.text, l.line, l.endLine]);

describe('lexDockerfile: lines and continuations', () => {
  it('gives one logical line per instruction, with 1-based first and last lines', () => {
    expect(texts('FROM box\n\nRUN a \\\n  b\nCMD c\n')).toEqual([
      ['FROM box', 1, 1],
      ['RUN a   b', 3, 4],
      ['CMD c', 5, 5],
    ]);
  });

  it('drops comment lines, also indented ones and ones inside a continuation', () => {
    const src = '# top\nFROM box\n  # indented\nRUN echo a \\\n# inside\n    # inside too\n  && echo b\n';
    expect(texts(src)).toEqual([
      ['FROM box', 2, 2],
      ['RUN echo a   && echo b', 4, 7],
    ]);
  });

  it('keeps # that is not at the start of a line (shell comments are the shell\'s business)', () => {
    expect(texts('RUN echo a # not a Dockerfile comment')).toEqual([['RUN echo a # not a Dockerfile comment', 1, 1]]);
  });

  it('accepts spaces and tabs after the escape character', () => {
    expect(texts('RUN a \\   \t\n b')).toEqual([['RUN a  b', 1, 2]]);
  });

  it('skips empty continuation lines and warns about them, as Docker does', () => {
    const lexed = lexDockerfile('RUN a \\\n\n   \n  b\n');
    expect(lexed.lines.map((l) => l.text)).toEqual(['RUN a   b']);
    expect(lexed.warnings).toHaveLength(1);
    expect(lexed.warnings[0]).toMatch(/Empty continuation line .* line 1/);
  });

  it('ends a continuation that runs into the end of the file', () => {
    expect(texts('FROM box\nRUN a \\\n')).toEqual([
      ['FROM box', 1, 1],
      ['RUN a', 2, 2],
    ]);
  });

  it('reads CRLF files and a byte-order mark', () => {
    expect(texts('\uFEFFFROM box\r\nRUN a \\\r\n b\r\n')).toEqual([
      ['FROM box', 1, 1],
      ['RUN a  b', 2, 3],
    ]);
  });

  it('does not treat an escaped escape as anything special (Docker continues the line)', () => {
    expect(texts('RUN echo \\\\\nCMD x')).toEqual([['RUN echo \\CMD x', 1, 2]]);
  });
});

describe('lexDockerfile: parser directives', () => {
  it('reads # escape=` and continues lines with the backtick instead', () => {
    const lexed = lexDockerfile('# escape=`\nFROM box\nRUN dir c:\\ `\n  && echo hi\n');
    expect(lexed.directives).toEqual({ escape: '`' });
    expect(lexed.lines.map((l) => l.text)).toEqual(['FROM box', 'RUN dir c:\\   && echo hi']);
  });

  it('records # syntax= and otherwise ignores it; keys are case-insensitive', () => {
    expect(lexDockerfile('# syntax=docker/dockerfile:1\n#ESCAPE = `\nFROM box').directives).toEqual({ escape: '`', syntax: 'docker/dockerfile:1' });
  });

  it('only reads directives at the very top: after a blank line, an instruction or another comment they are comments', () => {
    expect(lexDockerfile('\n# escape=`\nFROM box').directives.escape).toBe('\\');
    expect(lexDockerfile('FROM box\n# escape=`\n').directives.escape).toBe('\\');
    expect(lexDockerfile('# hello\n# escape=`\nFROM box').directives.escape).toBe('\\');
    expect(lexDockerfile('# unknown=1\n# escape=`\nFROM box').directives.escape).toBe('\\');
  });

  it('rejects an escape that is neither backslash nor backtick, naming the line', () => {
    expectDockerfileError(() => lexDockerfile('# escape=x\nFROM box'), 1, "invalid escape token 'x' does not match ` or \\");
  });

  it('rejects the same directive twice, naming the second line', () => {
    expectDockerfileError(() => lexDockerfile('# escape=`\n# escape=\\\nFROM box'), 2, 'only one escape parser directive can be used');
  });
});
