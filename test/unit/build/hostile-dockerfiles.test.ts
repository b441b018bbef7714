import { describe, expect, it } from 'vitest';
import { parseDockerfile } from '../../../engine/build/dockerfile.ts';
import type { Instruction } from '../../../engine/build/dockerfile-types.ts';
import { expectDockerfileError } from './dockerfile-error-helper.ts';

// HOSTILE-INPUTS.md item 31: each case gives the correct result or an error naming the line.
describe('HOSTILE 31: Dockerfiles', () => {
  it('line continuations with comments inside', () => {
    const df = parseDockerfile(['FROM box', 'RUN echo one \\', '# a comment line', '    # an indented one', '  && echo two \\', '', '  && echo three', 'CMD ["x"]'].join('\n'));
    const [run, cmd] = df.stages[0].instructions;
    expect(run).toMatchObject({ kind: 'RUN', line: 2, endLine: 7, form: 'shell', args: ['echo one   && echo two   && echo three'] });
    expect(cmd).toMatchObject({ kind: 'CMD', line: 8 });
  });

  it('# escape= directive', () => {
    const df = parseDockerfile(['# escape=`', 'FROM box', 'WORKDIR C:\\work\\$DIR', 'COPY `$literal C:\\dest\\', 'RUN dir `', '  /w'].join('\n'));
    expect(df.directives.escape).toBe('`');
    expect(df.stages[0].instructions).toMatchObject([
      { kind: 'WORKDIR', path: 'C:\\work\\' },
      { kind: 'COPY', sources: ['$literal'], dest: 'C:\\dest\\' },
      { kind: 'RUN', args: ['dir   /w'], line: 5, endLine: 6 },
    ]);
  });

  it('JSON vs shell form: ["a","b"] is exec, invalid JSON is shell, ["a",42] is Docker\'s error naming the line', () => {
    const df = parseDockerfile('FROM box\nCMD ["a","b"]\nCMD ["a", 42\nCMD [a, b]');
    expect(df.stages[0].instructions).toMatchObject([
      { form: 'exec', args: ['a', 'b'] },
      { form: 'shell', args: ['["a", 42'] },
      { form: 'shell', args: ['[a, b]'] },
    ]);
    // Docker (BuildKit and the classic builder) refuse a valid JSON array with a non-string in
    // it rather than running it through the shell; we do the same.
    expectDockerfileError(() => parseDockerfile('FROM box\nRUN true\nCMD ["a",42]'), 3, 'when using JSON array syntax, arrays must be comprised of strings only');
  });

  it('ARG before FROM', () => {
    const df = parseDockerfile('ARG BASE=box\nFROM $BASE\nENV OUTSIDE=$BASE\nARG BASE\nENV INSIDE=$BASE');
    expect(df.stages[0].from.image).toBe('box');
    expect(df.stages[0].instructions).toMatchObject([{ pairs: [['OUTSIDE', '']] }, { kind: 'ARG' }, { pairs: [['INSIDE', 'box']] }]);
  });

  it('ENV overriding ARG', () => {
    const df = parseDockerfile('FROM box\nARG V=arg\nENV V=env\nWORKDIR /$V', { buildArgs: { V: 'cli' } });
    expect(df.stages[0].instructions[2]).toMatchObject({ kind: 'WORKDIR', path: '/env' });
  });

  it('${a:-${b:-c}}', () => {
    const df = parseDockerfile('FROM box\nENV X=${a:-${b:-c}}\nARG b=B\nENV Y=${a:-${b:-c}}');
    expect(df.stages[0].instructions).toMatchObject([{ pairs: [['X', 'c']] }, { kind: 'ARG' }, { pairs: [['Y', 'B']] }]);
  });

  it('${} (error)', () => {
    expectDockerfileError(() => parseDockerfile('FROM box\n\nLABEL a=${}'), 3, 'bad substitution');
    expectDockerfileError(() => parseDockerfile('ARG X\nFROM box:${}'), 2, 'bad substitution');
  });

  it('unterminated ${', () => {
    expectDockerfileError(() => parseDockerfile('FROM box\nENV A=${B'), 2, "missing '}'");
    expectDockerfileError(() => parseDockerfile('FROM box\nUSER ${B:-${C}'), 2, "missing '}'");
    expectDockerfileError(() => parseDockerfile('FROM box\nRUN ok\nEXPOSE ${'), 3, "missing '}'");
  });

  describe('a 70 KB line', { timeout: 60_000 }, () => {
    const big = 'x'.repeat(70 * 1024);

    it('in RUN, ENV, COPY and a JSON CMD is parsed whole', () => {
      const df = parseDockerfile(`FROM box\nRUN echo ${big}\nENV BIG="${big}"\nCOPY ${big} /d\nCMD ["${big}"]\nENV COPY=$BIG`);
      const [run, env, copy, cmd, again] = df.stages[0].instructions as Instruction[];
      expect(run).toMatchObject({ args: [`echo ${big}`] });
      expect(env).toMatchObject({ pairs: [['BIG', big]] });
      expect(copy).toMatchObject({ sources: [big] });
      expect(cmd).toMatchObject({ form: 'exec', args: [big] });
      expect(again).toMatchObject({ pairs: [['COPY', big]] });
    });

    it('made of 70 KB of continuations is one instruction', () => {
      const parts = Array.from({ length: 10_000 }, (_, i) => `a${i} \\`).join('\n');
      const df = parseDockerfile(`FROM box\nRUN ${parts}\n  end\nCMD x`);
      const [run, cmd] = df.stages[0].instructions;
      expect(run).toMatchObject({ line: 2, endLine: 10_002 });
      expect((run as { args: string[] }).args[0].endsWith('a9999   end')).toBe(true);
      expect(cmd.line).toBe(10_003);
    });

    it('of nested ${a:-${a:-... is an error naming the line, not a stack overflow', () => {
      const nested = '${a:-'.repeat(14_000);
      expectDockerfileError(() => parseDockerfile(`FROM box\nENV A=${nested}`), 2, 'nested more than');
      expectDockerfileError(() => parseDockerfile(`FROM box\nENV A=${nested}x${'}'.repeat(14_000)}`), 2, 'nested more than');
    });

    it('of [[[[ in CMD is the shell form (Go\'s JSON depth limit), not a stack overflow', () => {
      const df = parseDockerfile(`FROM box\nCMD ${'['.repeat(70_000)}`);
      expect(df.stages[0].instructions[0]).toMatchObject({ form: 'shell' });
    });

    it('of quotes and escapes is handled in one pass', () => {
      const df = parseDockerfile(`FROM box\nENV A=${'"a\\"b"'.repeat(10_000)}`);
      expect((df.stages[0].instructions[0] as { pairs: string[][] }).pairs[0][1]).toBe('a"b'.repeat(10_000));
    });

    it('of ONBUILD ONBUILD ONBUILD ... is refused without recursing', () => {
      expectDockerfileError(() => parseDockerfile(`FROM box\n${'ONBUILD '.repeat(9_000)}RUN x`), 2, 'Chaining ONBUILD');
    });

    it('naming an unknown instruction gives a short message naming the line', () => {
      const message = expectDockerfileError(() => parseDockerfile(`FROM box\n${big}`), 2, 'unknown instruction');
      expect(message.length).toBeLessThan(200);
    });

    it('of 35,000 variable references that would grow past the size limit is an error naming the line', () => {
      const df = ['FROM box', 'ENV A=0123456789abcdef0123456789abcdef'];
      for (let i = 0; i < 20; i++) df.push('ENV A=$A$A');
      expectDockerfileError(() => parseDockerfile(df.join('\n')), 18, 'longer than');
      expectDockerfileError(() => parseDockerfile(`FROM box\nENV A=${'x'.repeat(60)}\nENV B=${'$A'.repeat(35_000)}`), 3, 'longer than');
    });
  });

  // The machine running tests may be busy: a generous limit, so only a hang fails (no timing is asserted).
  describe('10^5 instructions', { timeout: 60_000 }, () => {
    it('are all parsed, in order, with their line numbers', () => {
      const lines = ['FROM box'];
      for (let i = 0; i < 100_000; i++) lines.push(i % 2 === 0 ? `RUN echo ${i}` : `ENV V${i % 10}=${i}`);
      const df = parseDockerfile(lines.join('\n'));
      const ins = df.stages[0].instructions;
      expect(ins).toHaveLength(100_000);
      expect(ins[99_998]).toMatchObject({ kind: 'RUN', line: 100_000, args: ['echo 99998'] });
      expect(ins[99_999]).toMatchObject({ kind: 'ENV', line: 100_001, pairs: [['V9', '99999']] });
    });

    it('with ARGs and expansions throughout stay linear (each ARG and ENV seen once)', () => {
      const lines = ['ARG M=0', 'FROM box'];
      for (let i = 0; i < 50_000; i++) lines.push(`ARG A${i}=${i}`, `WORKDIR /w/$A${i}`);
      const df = parseDockerfile(lines.join('\n'), { buildArgs: { A49999: 'last' } });
      const ins = df.stages[0].instructions;
      expect(ins).toHaveLength(100_000);
      expect(ins[99_999]).toMatchObject({ kind: 'WORKDIR', path: '/w/last', line: 100_002 });
      expect(df.warnings).toEqual([]);
    });

    it('across 10^4 stages', () => {
      const lines: string[] = [];
      for (let i = 0; i < 10_000; i++) lines.push(`FROM ${i === 0 ? 'box' : `s${i - 1}`} AS s${i}`, `COPY --from=s${i} /a /a`.replace(`s${i} `, i === 0 ? 'box ' : `s${i - 1} `));
      const df = parseDockerfile(lines.join('\n'));
      expect(df.stages).toHaveLength(10_000);
      expect(df.stages[9_999].from).toMatchObject({ image: 's9998', baseStage: 9_998 });
      expect(df.stages[9_999].instructions[0]).toMatchObject({ fromStage: 9_998 });
    });

    it('of comment lines, also inside one continuation, are skipped in one pass', () => {
      const comments = Array.from({ length: 100_000 }, (_, i) => `# comment ${i}`).join('\n');
      const df = parseDockerfile(`${comments}\nFROM box\nRUN a \\\n${comments}\n  b\nCMD c`);
      expect(df.stages[0].from.line).toBe(100_001);
      expect(df.stages[0].instructions).toMatchObject([
        { kind: 'RUN', args: ['a   b'], line: 100_002, endLine: 200_003 },
        { kind: 'CMD', line: 200_004 },
      ]);
    });

    it('an error in the last one names its line', () => {
      const lines = ['FROM box'];
      for (let i = 0; i < 100_000; i++) lines.push(`RUN echo ${i}`);
      lines.push('FORM x');
      expectDockerfileError(() => parseDockerfile(lines.join('\n')), 100_002, 'unknown instruction: FORM');
    });
  });
});
