/** Golden tests of box's sh, each run under node:wasi and @wasmer/wasi with identical results. */
import { describe, it } from 'vitest';
import { expectRun, expectSh } from './harness.ts';

describe('sh: words, quotes and variables', () => {
  it('single quotes, double quotes and backslashes', async () => {
    await expectSh(`echo 'a  $HOME \\n' "b  $HOME \\$x \\"q\\"" c\\ d \\$e`, { stdout: 'a  $HOME \\n b  /root $x "q" c d $e\n' });
  });
  it('$VAR, ${VAR}, defaults and lengths', async () => {
    await expectSh('X=world; echo "hello $X" ${X}s ${#X} ${NOPE:-dflt} ${NOPE-unset} ${X:+set}; Y=${Z:=zz}; echo $Z', { stdout: 'hello world worlds 5 dflt unset set\nzz\n' });
  });
  it('prefix and suffix removal', async () => {
    await expectSh('f=/srv/app/main.tar.gz; echo ${f##*/} ${f#*/} ${f%.*} ${f%%.*}', { stdout: 'main.tar.gz srv/app/main.tar.gz /srv/app/main.tar /srv/app/main\n' });
  });
  it('$? after success, failure and not found', async () => {
    await expectSh('true; echo $?; false; echo $?; nosuch 2>/dev/null; echo $?', { stdout: '0\n1\n127\n' });
  });
  it('unquoted expansions are split into fields; quoted ones are not', async () => {
    await expectSh('v="a   b c"; for w in $v; do echo "[$w]"; done; for w in "$v"; do echo "[$w]"; done', { stdout: '[a]\n[b]\n[c]\n[a   b c]\n' });
  });
  it('empty quoted strings stay arguments', async () => {
    await expectSh('set -- "" x ""; echo $#', { stdout: '3\n' });
  });
  it('command substitution with $( ) and backquotes, nested', async () => {
    await expectSh('a=$(echo one); b=`echo two`; echo "$a $b $(echo $(echo three))"', { stdout: 'one two three\n' });
  });
  it('arithmetic expansion', async () => {
    await expectSh('i=3; echo $((i * 2 + 1)) $(( (i + 1) % 3 )) $((10 / 3)) $((i > 2 && i < 5))', { stdout: '7 1 3 1\n' });
  });
  it('globbing matches sorted file names and keeps unmatched patterns', async () => {
    await expectSh('cd /data && echo *.txt; echo *.nothing; echo "*.txt"', { stdout: 'fruits.txt numbers.txt\n*.nothing\n*.txt\n' });
  });
  it('tilde expands to $HOME', async () => {
    await expectSh('echo ~ ~/x', { stdout: '/root /root/x\n' });
  });
  it('comments are ignored', async () => {
    await expectSh('echo a # not this\n# whole line\necho b#c', { stdout: 'a\nb#c\n' });
  });
});

describe('sh: lists and control flow', () => {
  it('; && ||', async () => {
    await expectSh('true && echo yes; false && echo no; false || echo fallback; true || echo skipped; echo end', { stdout: 'yes\nfallback\nend\n' });
  });
  it('if / elif / else', async () => {
    await expectSh('for n in 1 2 3; do if [ $n -eq 1 ]; then echo one; elif [ $n = 2 ]; then echo two; else echo many; fi; done', { stdout: 'one\ntwo\nmany\n' });
  });
  it('while and until loops with break and continue', async () => {
    await expectSh('i=0; while [ $i -lt 10 ]; do i=$((i+1)); [ $i = 2 ] && continue; [ $i = 5 ] && break; echo $i; done; until [ $i = 0 ]; do i=$((i-1)); done; echo i=$i', { stdout: '1\n3\n4\ni=0\n' });
  });
  it('for over words and over "$@"', async () => {
    await expectRun(['sh', '-c', 'for a in "$@"; do echo "<$a>"; done; echo $# $0', 'prog', 'x y', 'z'], { stdout: '<x y>\n<z>\n2 prog\n' });
  });
  it('case with patterns and alternatives', async () => {
    await expectSh('for f in a.txt b.log c; do case $f in *.txt) echo text;; *.log|*.out) echo log;; *) echo other;; esac; done', { stdout: 'text\nlog\nother\n' });
  });
  it('functions with arguments and return', async () => {
    await expectSh('greet() { echo "hi $1"; return 3; }; greet bob; echo $?', { stdout: 'hi bob\n3\n' });
  });
  it('subshells do not leak variables or cd', async () => {
    await expectSh('x=1; (x=2; cd /tmp; echo in $x $(pwd)); echo out $x $(pwd)', { stdout: 'in 2 /tmp\nout 1 /\n' });
  });
  it('brace groups share the shell and take redirections', async () => {
    await expectSh('{ echo a; echo b; } > /tmp/g; x=1; { x=2; }; cat /tmp/g; echo $x', { stdout: 'a\nb\n2\n' });
  });
  it('! negates a status', async () => {
    await expectSh('! false; echo $?; ! true; echo $?', { stdout: '0\n1\n' });
  });
  it('exit ends the shell with a status', async () => {
    await expectSh('echo before; exit 7; echo after', { stdout: 'before\n', status: 7 });
  });
  it('set -e stops at the first failure, but not in conditions', async () => {
    await expectSh('set -e; if false; then :; fi; false || true; echo alive; false; echo dead', { stdout: 'alive\n', status: 1 });
  });
  it('multi-line scripts with newlines as separators', async () => {
    await expectSh('if true\nthen\n  echo a\nfi\nfor i in 1 2\ndo\n  echo $i\ndone', { stdout: 'a\n1\n2\n' });
  });
});

describe('sh: redirections and pipelines', () => {
  it('> >> < and 2>', async () => {
    await expectSh('echo one > /tmp/f; echo two >> /tmp/f; cat < /tmp/f; ls /nope 2> /tmp/e; cat /tmp/e', { stdout: 'one\ntwo\nls: /nope: No such file or directory\n' });
  });
  it('2>&1 sends stderr where stdout goes, in order', async () => {
    await expectSh('{ echo out; ls /nope; echo out2; } > /tmp/both 2>&1; cat /tmp/both', { stdout: 'out\nls: /nope: No such file or directory\nout2\n' });
  });
  it('>&2 writes to stderr', async () => {
    await expectSh('echo oops >&2; echo fine', { stdout: 'fine\n', stderr: 'oops\n' });
  });
  it('/dev/null swallows output and reads as empty', async () => {
    await expectSh('echo gone > /dev/null; cat /dev/null; wc -l < /dev/null', { stdout: '0\n' });
  });
  it('here-documents, expanded and quoted', async () => {
    await expectSh('N=7\ncat <<EOF\nn=$N\nEOF\ncat <<\'EOF\'\nn=$N\nEOF', { stdout: 'n=7\nn=$N\n' });
  });
  it('pipelines of three stages', async () => {
    await expectSh('cat /data/fruits.txt | sort | uniq -c', { stdout: '      1 Banana\n      2 apple\n      1 banana\n      1 cherry\n' });
  });
  it('an endless producer ends when the consumer has enough: yes | head -n 2', async () => {
    await expectSh('yes | head -n 2; seq 1 1000000 | head -n 1', { stdout: 'y\ny\n1\n' });
  });
  it('a pipeline status is the last stage\'s', async () => {
    await expectSh('false | true; echo $?; true | false; echo $?', { stdout: '0\n1\n' });
  });
  it('while read over a pipe', async () => {
    await expectSh('printf "a b\\nc d\\n" | while read x y; do echo "$y-$x"; done', { stdout: 'b-a\nd-c\n' });
  });
  it('a failed redirection does not run the command', async () => {
    await expectSh('echo hi > /nodir/f; echo $?', { stdout: '1\n', stderr: "sh: can't create /nodir/f: No such file or directory\n" });
  });
});

describe('sh: builtins', () => {
  it('cd and pwd, cd -', async () => {
    await expectSh('cd /data; pwd; cd /tmp; cd -; cd; pwd', { stdout: '/data\n/data\n/root\n' });
  });
  it('cd works on the path as written: .. at / stays at /, no .. or . in $PWD', async () => {
    await expectSh('cd /; cd ..; pwd; echo $PWD; cd /tmp/../data/./; pwd; cd ../../..; pwd; cd data; pwd; cd -', { stdout: '/\n/\n/data\n/\n/data\n/\n' });
  });
  it('cd to a missing directory fails', async () => {
    await expectSh('cd /missing; echo $?', { stdout: '1\n', stderr: "sh: cd: can't cd to /missing: No such file or directory\n" });
  });
  it('export makes variables visible to applets; plain ones are not', async () => {
    await expectSh('A=1; export B=2; printenv A; printenv B; C=3 printenv C; printenv C; echo ${C:-none}', { stdout: '2\n3\nnone\n' });
  });
  it('unset, shift, set --', async () => {
    await expectSh('X=1; unset X; echo "[$X]"; set -- a b c; shift; echo $@ $#', { stdout: '[]\nb c 2\n' });
  });
  it('eval and . (source)', async () => {
    await expectSh('echo "V=sourced" > /tmp/lib.sh; . /tmp/lib.sh; eval "echo \\$V"', { stdout: 'sourced\n' });
  });
  it('read splits a line into variables', async () => {
    await expectSh('read a b; echo "$b|$a"', { stdout: 'two three|one\n' }, { stdin: 'one two three\n' });
  });
  it('type and command -v', async () => {
    await expectSh('type cd; command -v ls; command -v nosuch; echo $?', { stdout: 'cd is a shell builtin\n/bin/ls\n1\n' });
  });
  it('unknown command: not found, 127', async () => {
    await expectSh('foo', { stderr: 'sh: foo: not found\n', status: 127 });
  });
  it('a directory is not a command: 126', async () => {
    await expectSh('/tmp', { stderr: 'sh: /tmp: Permission denied\n', status: 126 });
  });
  it('syntax errors are reported with status 2', async () => {
    await expectSh('if true; then echo x; fi fi', { stderr: 'sh: syntax error: unexpected "fi"\n', status: 2 });
    await expectSh('echo "unterminated', { stderr: 'sh: syntax error: unexpected end of file\n', status: 2 });
  });
});

describe('sh: scripts and stdin', () => {
  const script = '#!/bin/sh\n# a script\necho "script $0 got $# args: $1"\nexit 4\n';
  it('sh FILE ARGS', async () => {
    await expectRun(['sh', '/tmp/s.sh', 'x'], { stdout: 'script /tmp/s.sh got 1 args: x\n', status: 4 }, { files: { '/tmp/s.sh': script } });
  });
  it('#!/bin/sh scripts run by path, from PATH, and keep the caller\'s state', async () => {
    await expectSh('cd /tmp; ./s.sh a; echo "status $?"; PATH=$PATH:/tmp s.sh b; pwd', { stdout: 'script ./s.sh got 1 args: a\nstatus 4\nscript /tmp/s.sh got 1 args: b\n/tmp\n' }, { files: { '/tmp/s.sh': script } });
  });
  it('a script sees exported variables only', async () => {
    await expectSh('A=local; export B=exported; sh /tmp/v.sh', { stdout: '[] [exported]\n' }, { files: { '/tmp/v.sh': 'echo "[$A] [$B]"\n' } });
  });
  it('sh reads commands from stdin without a prompt when stdin is not a terminal', async () => {
    await expectRun(['sh'], { stdout: 'a\n1\n2\n' }, { stdin: 'echo a\nfor i in 1 2\ndo echo $i\ndone\n' });
  });
  it('sh -i prints the busybox-style prompt on stderr', async () => {
    await expectRun(['sh', '-i'], { stdout: 'hi\n/tmp\n', stderr: '/ # / # /tmp # \n' }, { stdin: 'echo hi\ncd /tmp; pwd\n' });
  });
  it('exit status of the last command read from stdin', async () => {
    await expectRun(['sh'], { stdout: 'x\n', status: 3 }, { stdin: 'echo x\n(exit 3)\n' });
  });
  it('sh -c nested in sh -c', async () => {
    await expectSh('X=outer; sh -c "echo inner; exit 5"; echo "back $? $X"', { stdout: 'inner\nback 5 outer\n' });
  });
  it('/bin/ls and friends run as applets in-process', async () => {
    await expectSh('/bin/ls /data; /bin/cat /etc/hostname', { stdout: 'fruits.txt\nnumbers.txt\ntable.csv\nbox-test\n' });
  });
});
