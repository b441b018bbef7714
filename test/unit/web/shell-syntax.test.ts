import { describe, expect, it } from 'vitest';
import { parseCommandLine, ShellSyntaxError, type SimpleCommand, type Word } from '../../../web/Terminal/shell-syntax.ts';
import { expandWords, type Expander } from '../../../web/Terminal/shell-expand.ts';

/** The words as plain text, for commands without expansions. */
const literal = (words: Word[]) => words.map((w) => w.map((p) => (p.kind === 'text' ? p.text : `<${p.kind}>`)).join(''));
const shape = (commands: SimpleCommand[]) =>
  commands.map((c) => ({
    argv: literal(c.words),
    ...(c.redirect ? { redirect: { path: literal([c.redirect.target])[0], append: c.redirect.append } } : {}),
    after: c.after,
  }));

const vars: Expander = {
  param: (name) => ({ EMPTY: '', TWO: ' a  b ', '?': '3' })[name],
  substitute: async (line) => `<${line}>\n\n`,
};

describe('the host shell grammar', () => {
  it('splits words with quotes and escapes as sh does', () => {
    expect(shape(parseCommandLine(`docker run -e 'A=b c' box sh -c "echo \\"hi\\" \\$HOME" a\\ b`))).toEqual([
      { argv: ['docker', 'run', '-e', 'A=b c', 'box', 'sh', '-c', 'echo "hi" $HOME', 'a b'], after: ';' },
    ]);
  });

  it('reads redirection and lists joined by ; && ||', () => {
    expect(shape(parseCommandLine('echo hi > a.txt && cat a.txt; echo x>>log || true'))).toEqual([
      { argv: ['echo', 'hi'], redirect: { path: 'a.txt', append: false }, after: ';' },
      { argv: ['cat', 'a.txt'], after: '&&' },
      { argv: ['echo', 'x'], redirect: { path: 'log', append: true }, after: ';' },
      { argv: ['true'], after: '||' },
    ]);
  });

  it('keeps > inside quotes as text and drops comments', () => {
    expect(shape(parseCommandLine('echo "a > b" # not this'))).toEqual([{ argv: ['echo', 'a > b'], after: ';' }]);
  });

  it('leaves $NAME, ${NAME}, $? and $(...) to expand when the command runs; single quotes keep them as text', () => {
    const [c] = parseCommandLine(`echo $? "\${HOME}/x" '$NAME' $(docker ps -q --filter "name=a b") \`date\` $ 5$`);
    expect(c.words).toEqual([
      [{ kind: 'text', text: 'echo', quoted: false }],
      [{ kind: 'param', name: '?', quoted: false }],
      [{ kind: 'param', name: 'HOME', quoted: true }, { kind: 'text', text: '/x', quoted: true }],
      [{ kind: 'text', text: '$NAME', quoted: true }],
      [{ kind: 'command', line: 'docker ps -q --filter "name=a b"', quoted: false }],
      [{ kind: 'command', line: 'date', quoted: false }],
      [{ kind: 'text', text: '$', quoted: false }],
      [{ kind: 'text', text: '5$', quoted: false }],
    ]);
  });

  it('finds the ) that closes $( past nested parentheses and quotes', () => {
    const [c] = parseCommandLine('echo $(echo "(" $(echo ")") \')\')');
    expect(c.words[1]).toEqual([{ kind: 'command', line: `echo "(" $(echo ")") ')'`, quoted: false }]);
  });

  it('reads NAME=value at the start of a command as an assignment, elsewhere as a word', () => {
    const [c] = parseCommandLine('A=1 B="x y" docker run -e C=2 box');
    expect(c.assignments.map((a) => [a.name, literal([a.value])[0]])).toEqual([['A', '1'], ['B', 'x y']]);
    expect(literal(c.words)).toEqual(['docker', 'run', '-e', 'C=2', 'box']);
    expect(parseCommandLine("'A=1'")[0].assignments).toEqual([]);
  });

  it('refuses what it cannot run with a message rather than a wrong reading', () => {
    expect(() => parseCommandLine('echo "open')).toThrow(ShellSyntaxError);
    expect(() => parseCommandLine('echo $(open')).toThrow(/matching `\)'/);
    expect(() => parseCommandLine('echo ${a b}')).toThrow(/bad substitution/);
    expect(() => parseCommandLine('docker run box sh -c "i=$((i+1))"')).toThrow(/arithmetic .* single quotes/);
    expect(parseCommandLine("docker run box sh -c 'i=$((i+1))'")[0].words[5]).toEqual([{ kind: 'text', text: 'i=$((i+1))', quoted: true }]);
    expect(() => parseCommandLine('ls | grep x')).toThrow(/pipes/);
    expect(() => parseCommandLine('sleep 1 &')).toThrow(/docker run -d/);
    expect(() => parseCommandLine('echo >')).toThrow(/unexpected token `newline'/);
    expect(() => parseCommandLine('&& ls')).toThrow(/unexpected token `&&'/);
    expect(() => parseCommandLine('ls &&')).toThrow(/unexpected end of line/);
  });

  it('gives nothing to run for a blank line', () => {
    expect(parseCommandLine('   ')).toEqual([]);
  });
});

describe('expansion', () => {
  const expand = async (line: string) => expandWords(parseCommandLine(line)[0].words, vars);

  it('splits an unquoted expansion at blanks, keeps a quoted one whole, and drops an empty unquoted one', async () => {
    expect(await expand('x $TWO "$TWO" $EMPTY "$EMPTY" $UNSET')).toEqual(['x', 'a', 'b', ' a  b ', '']);
  });

  it('joins an expansion to the text around it as sh does', async () => {
    expect(await expand('x pre$TWO"post" [$?]')).toEqual(['x', 'pre', 'a', 'b', 'post', '[3]']);
  });

  it('drops the trailing newlines of a substitution', async () => {
    expect(await expand('x "$(ls)"')).toEqual(['x', '<ls>']);
  });
});
