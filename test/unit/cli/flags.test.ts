import { describe, expect, it } from 'vitest';
import { parseFlags, type FlagSpec } from '../../../engine/cli/flags.ts';
import { splitCommandLine, ShellSyntaxError } from '../../../engine/cli/index.ts';

const SPECS: FlagSpec[] = [
  { name: 'detach', short: 'd', type: 'bool', usage: '' },
  { name: 'interactive', short: 'i', type: 'bool', usage: '' },
  { name: 'tty', short: 't', type: 'bool', usage: '' },
  { name: 'env', short: 'e', type: 'list', usage: '' },
  { name: 'name', type: 'string', usage: '' },
  { name: 'memory', short: 'm', type: 'bytes', usage: '' },
  { name: 'time', short: 'n', type: 'int', usage: '' },
  { name: 'rm', type: 'bool', usage: '' },
];

const parse = (argv: string[], interspersed = true) => parseFlags(argv, SPECS, { interspersed });

describe('pflag grammar', () => {
  it('combines short bool flags: -it and -itd', () => {
    const { flags, args } = parse(['-itd', 'box']);
    expect([flags.bool('interactive'), flags.bool('tty'), flags.bool('detach')]).toEqual([true, true, true]);
    expect(args).toEqual(['box']);
  });

  it.each([
    [['-e', 'A=1'], ['A=1']],
    [['-eA=1'], ['A=1']],
    [['-e=A=1'], ['A=1']],
    [['--env', 'A=1'], ['A=1']],
    [['--env=A=1'], ['A=1']],
    [['-e', 'A=1', '--env=B=2', '-eC=3'], ['A=1', 'B=2', 'C=3']],
    [['-e', 'A=b c'], ['A=b c']],
    [['-ite', 'X=y'], ['X=y']],
  ])('env flag %j gives %j', (argv, env) => {
    expect(parse(argv).flags.list('env')).toEqual(env);
  });

  it('keeps the last value of a repeated scalar flag', () => {
    expect(parse(['--name', 'a', '--name=b']).flags.string('name')).toBe('b');
  });

  it('takes the next word as a value even when it starts with a dash', () => {
    expect(parse(['--name', '-x']).flags.string('name')).toBe('-x');
    expect(parse(['-n', '-1']).flags.int('time')).toBe(-1);
  });

  it('accepts --flag=false for a bool but treats a following word as an argument', () => {
    expect(parse(['--rm=false']).flags.bool('rm')).toBe(false);
    const { flags, args } = parse(['--rm', 'false']);
    expect(flags.bool('rm')).toBe(true);
    expect(args).toEqual(['false']);
  });

  it('stops at the first argument when not interspersed (everything after IMAGE is the command)', () => {
    const { flags, args } = parse(['-d', 'box', 'sh', '-c', 'echo -e hi', '--rm'], false);
    expect(flags.bool('detach')).toBe(true);
    expect(flags.bool('rm')).toBe(false);
    expect(args).toEqual(['box', 'sh', '-c', 'echo -e hi', '--rm']);
  });

  it('keeps parsing after arguments when interspersed', () => {
    const { flags, args } = parse(['a', '--rm', 'b']);
    expect(flags.bool('rm')).toBe(true);
    expect(args).toEqual(['a', 'b']);
  });

  it('ends flags at -- and keeps a lone - as an argument', () => {
    const { flags, args } = parse(['--rm', '--', '-d', '-']);
    expect(flags.bool('detach')).toBe(false);
    expect(args).toEqual(['-d', '-']);
    expect(parse(['-']).args).toEqual(['-']);
  });

  it('parses memory units', () => {
    expect(parse(['-m', '64m']).flags.int('memory')).toBe(64 * 1024 * 1024);
    expect(parse(['--memory=1g']).flags.int('memory')).toBe(1024 ** 3);
  });

  it('notices --help and -h (when -h is not taken)', () => {
    expect(parse(['--help']).help).toBe(true);
    expect(parse(['-h']).help).toBe(true);
    const hostname = parseFlags(['-h', 'web'], [{ name: 'hostname', short: 'h', type: 'string', usage: '' }]);
    expect(hostname.help).toBe(false);
    expect(hostname.flags.string('hostname')).toBe('web');
  });

  it.each([
    [['--foo'], 'unknown flag: --foo'],
    [['--foo=1'], 'unknown flag: --foo'],
    [['-x'], "unknown shorthand flag: 'x' in -x"],
    [['-ix'], "unknown shorthand flag: 'x' in -x"],
    [['--name'], 'flag needs an argument: --name'],
    [['-e'], "flag needs an argument: 'e' in -e"],
    [['-n', 'abc'], 'invalid argument "abc" for "-n, --time" flag: strconv.ParseInt: parsing "abc": invalid syntax'],
    [['--rm=maybe'], 'invalid argument "maybe" for "--rm" flag: strconv.ParseBool: parsing "maybe": invalid syntax'],
    [['-m', '64x'], 'invalid argument "64x" for "-m, --memory" flag: invalid size: \'64x\''],
  ])('%j fails with pflag\'s "%s"', (argv, message) => {
    expect(() => parse(argv)).toThrow(message);
  });
});

describe('splitCommandLine', () => {
  it.each([
    ['docker run -e "A=b c" box', ['docker', 'run', '-e', 'A=b c', 'box']],
    ["docker run box sh -c 'echo $HOME; ls'", ['docker', 'run', 'box', 'sh', '-c', 'echo $HOME; ls']],
    ['  docker   ps  -a  ', ['docker', 'ps', '-a']],
    ['echo "a \\"quoted\\" \\\\ word"', ['echo', 'a "quoted" \\ word']],
    ['echo a\\ b', ['echo', 'a b']],
    ['echo "" \'\'', ['echo', '', '']],
    ['echo a"b"\'c\'', ['echo', 'abc']],
    ['docker ps # list them', ['docker', 'ps']],
    ['echo a#b', ['echo', 'a#b']],
    ['', []],
    ['echo "\\n"', ['echo', '\\n']],
  ])('%s', (line, words) => {
    expect(splitCommandLine(line)).toEqual(words);
  });

  it.each(['echo "open', "echo 'open", 'echo trailing\\'])('reports an incomplete line: %s', (line) => {
    let caught: unknown;
    try {
      splitCommandLine(line);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ShellSyntaxError);
    expect((caught as ShellSyntaxError).incomplete).toBe(true);
  });
});
