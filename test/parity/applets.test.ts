/**
 * Parity of the box userland: every applet and every shell feature the tutorial's lessons and the
 * example images use, run as `docker run --rm box ...` through the same runDocker on the browser
 * engine and on the kernel service. stdout, stderr and exit status must be identical.
 */
import { describe, expect } from 'vitest';
import { expectSame, useParity } from './parity-harness.ts';
import { parityIt } from './open-differences.ts';

const h = useParity(['box', 'hello-world']);

/** `docker run --rm box sh -c SCRIPT` */
const sh = (script: string): string[] => ['run', '--rm', 'box', 'sh', '-c', script];
/** `docker run --rm box ARGV...` */
const box = (...argv: string[]): string[] => ['run', '--rm', 'box', ...argv];

const APPLETS: Array<[string, string[]]> = [
  ['echo', box('echo', 'hello', 'world')],
  ['echo -n', box('echo', '-n', 'no newline')],
  ['echo -e escapes', box('echo', '-e', 'a\\tb\\nc\\0101')],
  ['printf formats', box('printf', '%s-%d-%x-%5.2f-%c|%b\\n', 'abc', '42', '255', '3.14159', 'xyz', 'a\\tb')],
  ['cat -n of a file written first', sh('printf "one\\ntwo\\n" > /tmp/f && cat -n /tmp/f')],
  ['cat of a missing file (stderr, 1)', box('cat', '/nope')],
  ['seq', box('seq', '3')],
  ['seq -w -s', box('seq', '-w', '-s', ',', '8', '2', '12')],
  ['true', box('true')],
  ['false (exit 1)', box('false')],
  ['pwd', box('pwd')],
  ['pwd with -w', ['run', '--rm', '-w', '/tmp', 'box', 'pwd']],
  // HOSTNAME is the container's own short ID unless -h names it (random on every engine).
  ['env', ['run', '--rm', '-h', 'parity', 'box', 'env']],
  ['env -i with a variable', box('env', '-i', 'A=1', 'env')],
  ['printenv PATH', box('printenv', 'PATH')],
  ['printenv of an unset variable (exit 1)', box('printenv', 'NOPE')],
  ['printenv with -e (the tutorial: env-a)', ['run', '--rm', '-e', 'GREETING=annyeong', 'box', 'printenv', 'GREETING']],
  ['id', box('id')],
  ['id -u -n', box('sh', '-c', 'id -u; id -g; id -n -u')],
  ['whoami', box('whoami')],
  ['uname', box('uname')],
  ['uname -s -r -m -o', box('uname', '-s', '-r', '-m', '-o')],
  ['uname -a with a set hostname', ['run', '--rm', '-h', 'parity', 'box', 'uname', '-a']],
  ['hostname with a set hostname', ['run', '--rm', '--hostname', 'parity', 'box', 'hostname']],
  ['basename', box('basename', '/a/b/c.txt', '.txt')],
  ['dirname', box('dirname', '/a/b/c.txt')],
  ['date -u -d @0', box('date', '-u', '-d', '@0')],
  ['date -d with a format', box('date', '-d', '2024-02-29 12:34:56', '+%Y-%m-%dT%H:%M:%S %a %j')],
  ['date -R and -I of a fixed date', box('sh', '-c', 'date -R -d @86400; date -I -d @86400')],
  ['sleep', box('sleep', '0.1')],
  ['sleep with a bad argument', box('sleep', 'soon')],
  ['which', box('which', 'sh', 'ls')],
  ['which of a missing command (exit 1)', box('which', 'nope')],
  ['yes | head', sh('yes parity | head -n 3')],
  ['ls /', box('ls', '/')],
  ['ls -a /etc', box('ls', '-a', '/etc')],
  ['ls -1F /', box('ls', '-1F', '/')],
  ['ls -l of files written in the container', sh('mkdir -p /tmp/d && echo 12345 > /tmp/d/a && touch -d @0 /tmp/d/a /tmp/d && ls -l /tmp/d && ls -ld /tmp/d')],
  ['ls -R', sh('mkdir -p /tmp/r/s && touch /tmp/r/x /tmp/r/s/y && ls -R /tmp/r')],
  ['ls of a missing path', box('ls', '/nope')],
  ['find -name -type', sh('mkdir -p /tmp/f/a/b && touch /tmp/f/a/one.txt /tmp/f/a/b/two.txt /tmp/f/three.md && find /tmp/f -name "*.txt" -type f')],
  ['find -maxdepth', box('find', '/etc', '-maxdepth', '1')],
  ['find ! -o -empty', sh('mkdir -p /tmp/e/x && touch /tmp/e/f && echo hi > /tmp/e/g && find /tmp/e -empty -o -name g')],
  ['grep -n -i', sh('printf "Apple\\nbanana\\napple pie\\n" | grep -n -i apple')],
  ['grep -c -v', sh('printf "a\\nb\\na\\n" | grep -c -v a')],
  ['grep -E -o -w', sh('echo "id=42 port=8080 x=y" | grep -E -o "[a-z]+=[0-9]+"')],
  ['grep -q (no match, exit 1)', sh('echo abc | grep -q zzz')],
  ['grep -r -l', sh('mkdir -p /tmp/g/s && echo needle > /tmp/g/s/a && echo hay > /tmp/g/b && grep -r -l needle /tmp/g')],
  ['grep with a bad regex (exit 2)', sh('echo x | grep "a\\(b"')],
  ['sed substitutions and addresses', sh('seq 1 6 | sed -e "2d" -e "s/4/four/" -e "\\$a\\\\end"')],
  ['sed -n p with a regex range', sh('printf "a\\nSTART\\nb\\nEND\\nc\\n" | sed -n "/START/,/END/p"')],
  ['sed -E with groups and y', sh('echo "john smith" | sed -E "s/([a-z]+) ([a-z]+)/\\2, \\1/" | sed "y/abc/ABC/"')],
  ['sed -i in place', sh('echo old > /tmp/s && sed -i s/old/new/ /tmp/s && cat /tmp/s')],
  ['sort -n -r', sh('printf "10\\n9\\n100\\n1\\n" | sort -n -r')],
  ['sort -t -k -u', sh('printf "b:2\\na:3\\nc:1\\na:3\\n" | sort -t : -k 2 -u')],
  ['uniq -c', sh('printf "a\\na\\nb\\nc\\nc\\nc\\n" | uniq -c')],
  ['uniq -d -i', sh('printf "a\\nA\\nb\\n" | uniq -d -i')],
  ['cut -d -f', sh('echo "root:x:0:0:root:/root:/bin/sh" | cut -d : -f 1,6-')],
  ['cut -c', sh('echo abcdefgh | cut -c 2-4,7')],
  ['tr ranges and classes', sh('echo "Hello, World" | tr a-z A-Z; echo "a1b2c3" | tr -d "[:digit:]"; echo "aaabbb" | tr -s ab')],
  ['wc', sh('printf "one two\\nthree\\n" | wc')],
  ['wc -l of a file (the layers example)', sh('seq 1 20000 > /tmp/n && wc -l /tmp/n')],
  ['head -n -c', sh('seq 1 20 | head -n 3; seq 1 20 | head -c 5')],
  ['tail -n +N', sh('seq 1 20 | tail -n 2; seq 1 5 | tail -n +4')],
  ['tee -a', sh('echo one | tee /tmp/t >/dev/null; echo two | tee -a /tmp/t; cat /tmp/t')],
  ['test and [', sh('test -d /etc && echo dir; [ -f /etc ] || echo "not a file"; [ 3 -lt 10 ] && echo lt; test -z "" && echo empty; [ abc = abc ]; echo $?')],
  ['cp -r', sh('mkdir -p /tmp/c/s && echo x > /tmp/c/s/f && cp -r /tmp/c /tmp/c2 && cat /tmp/c2/s/f')],
  ['mv (rename)', sh('echo x > /tmp/a && mv /tmp/a /tmp/b && ls /tmp')],
  ['ln -s then cat through the link', sh('echo target > /tmp/t && ln -s /tmp/t /tmp/l && cat /tmp/l')],
  ['reading through a symlink of the image (/bin/sh -> box)', sh('cat /bin/sh | wc -c; cmp_size=$(cat /bin/box | wc -c); echo $cmp_size')],
  ['ls -l and stat of the image\'s links', sh('ls -l /bin/sh /bin/ls; stat -c "%n %F %s" /bin/sh; stat -L -c "%n %F %s" /bin/sh; ls -1F /bin | head -n 3')],
  // A new link's date is the time it was made on the kernel service, the epoch in the browser
  // (MemFS keeps no times, as for files: see 'ls -l of files written in the container').
  ['ls -l and stat of a new link (its date left out)', sh('echo target > /tmp/t && ln -s /tmp/t /tmp/l && ls -l /tmp/l | sed -E "s/ [A-Z][a-z]{2} +[0-9]+ +[0-9:]+ / /" && stat -c "%n %F %s" /tmp/l && stat -L -c "%n %F %s" /tmp/l && ls -1F /tmp')],
  ['readlink and readlink -f', sh('ln -s ../etc/passwd /tmp/rel && readlink /bin/sh /tmp/rel && readlink -f /bin/ls /tmp/rel /tmp/../bin/sh; readlink /etc/passwd; echo $?')],
  ['a dangling link', sh('ln -s /nowhere /tmp/d; ls -1F /tmp; cat /tmp/d; echo $?; test -L /tmp/d && echo a link; test -e /tmp/d || echo its target missing; echo made > /tmp/d; cat /nowhere')],
  ['a link to a directory, followed in the middle of paths and by cd', sh('mkdir -p /tmp/real/sub && echo in > /tmp/real/sub/f && ln -s /tmp/real /tmp/dl && ls /tmp/dl/sub && cat /tmp/dl/sub/f && cd /tmp/dl/sub && pwd && cat ../sub/f && ls -1F /tmp && rmdir /tmp/dl; rm /tmp/dl && ls /tmp/real')],
  ['a link loop ends in an error, not a hang', sh('ln -s /tmp/b /tmp/a && ln -s /tmp/a /tmp/b && cat /tmp/a; echo $?')],
  ['links cannot climb out of the root (../../.. and / are the root)', sh('ln -s ../../.. /tmp/up && ln -s / /tmp/slash && ls /tmp/up/ && head -n 1 /tmp/slash/../../etc/passwd')],
  ['mkdir -p and rmdir -p', sh('mkdir -p /tmp/x/y/z && rmdir -p /tmp/x/y/z 2>/dev/null; ls /tmp')],
  ['mkdir of an existing dir (exit 1)', box('mkdir', '/etc')],
  ['rm -rf', sh('mkdir -p /tmp/q/w && touch /tmp/q/w/e && rm -rf /tmp/q && ls -a /tmp')],
  ['rm of a missing file', box('rm', '/nope')],
  ['touch -c does not create', sh('touch -c /tmp/none; ls /tmp')],
  ['stat -c of a written file', sh('echo 1234 > /tmp/s && stat -c "%n %s %F %a %U %G" /tmp/s /tmp')],
  ['du -a of written files', sh('mkdir /tmp/du && seq 1 1000 > /tmp/du/a && echo b > /tmp/du/b && du -a /tmp/du')],
  ['stress --vm-bytes under no limit', box('stress', '--vm-bytes', '8M', '--timeout', '0')],
  ['clear', box('clear')],
  ['an unknown applet option', box('ls', '--bogus')],
  ['box --list', box('box', '--list')],
  ['hello-world', ['run', '--rm', 'hello-world']],
  ['the greeter script\'s lines', ['run', '--rm', '-h', 'parity', 'box', 'sh', '-c', 'echo "(container $(hostname), started with: ${*:-no arguments})"', 'sh', 'a', 'b']],
];

const SHELL: Array<[string, string]> = [
  ['pipes', 'seq 1 5 | grep -v 3 | wc -l'],
  ['&& and ||', 'true && echo yes; false || echo no; false && echo never; echo $?'],
  ['redirections > >> < 2>&1', 'echo one > /tmp/r; echo two >> /tmp/r; wc -l < /tmp/r; cat /nope 2>&1; ls /nope 2>/dev/null; echo done'],
  ['redirect then read back (the tutorial: fs-a)', 'echo mine > /tmp/note && cat /tmp/note'],
  ['variables and defaults', 'A=1; B=; echo "$A ${B:-default} ${C-unset} ${#A} ${A:+set}"'],
  ['command substitution', 'echo "now $(echo inner) and `echo back`"'],
  ['arithmetic', 'i=6; echo $((i * 7)) $((i / 4)) $((i % 4)) $(( (i + 2) << 1 ))'],
  ['if / elif / else', 'for n in 1 2 3; do if [ $n = 1 ]; then echo one; elif [ $n = 2 ]; then echo two; else echo many; fi; done'],
  ['for over a glob', 'mkdir /tmp/g && touch /tmp/g/b /tmp/g/a /tmp/g/c.txt && for f in /tmp/g/*; do echo "file $f"; done'],
  ['while read', 'printf "x 1\\ny 2\\n" | while read name value; do echo "$name=$value"; done'],
  ['case', 'for w in add list other; do case "$w" in add) echo adding;; list|ls) echo listing;; *) echo "usage: $w";; esac; done'],
  ['functions and return', 'f() { echo "in f: $1"; return 3; }; f arg; echo "status $?"'],
  ['positional parameters', 'set -- a "b c" d; echo $#; for x in "$@"; do echo "[$x]"; done; echo "$*"'],
  ['export and unset', 'export X=exported; sh -c "echo child sees \\$X"; unset X; echo "after: ${X:-gone}"'],
  ['cd and subshells', 'cd /etc && pwd; (cd /tmp && pwd); pwd'],
  ['here-document', 'cat <<EOF\nline $((1+1))\n  indented\nEOF'],
  ['quoting', 'echo "double $HOME" \'single $HOME\' back\\ slash "nested \\"q\\""'],
  ['set -e stops at a failure', 'set -e; echo before; false; echo after'],
  ['exit with a status', 'echo leaving; exit 42'],
  ['command not found (127)', 'nosuchcommand arg'],
  ['a directory as a command (126)', '/etc'],
  ['syntax error', 'if then fi'],
  ['$? and ! negation', '! false; echo $?; ! true; echo $?'],
  ['sh running a script file with arguments', 'printf "echo script \\$0 got \\$1 \\$2\\n" > /tmp/s.sh && sh /tmp/s.sh one two'],
  ['stdout and stderr interleaved', 'echo out1; echo err1 >&2; echo out2; echo err2 >&2'],
];

describe('box applets', () => {
  for (const [name, argv] of APPLETS) {
    parityIt(name, async () => {
      expectSame(await h.both(argv));
    });
  }
});

describe('symbolic links: the same on both, and what Docker shows', () => {
  parityIt('ln -s, reading through it, readlink, stat and ls -F of new and image links', async () => {
    const r = await h.both(sh('echo target > /tmp/t && ln -s /tmp/t /tmp/l && cat /tmp/l && readlink /tmp/l /bin/sh && stat -c "%n %F %s" /tmp/l /bin/sh && [ "$(cat /bin/sh | wc -c)" = "$(wc -c < /bin/box)" ] && echo same bytes && ls -1F /tmp'));
    expectSame(r);
    expect(r.kernel).toMatchObject({ code: 0, stderr: '', stdout: 'target\n/tmp/t\nbox\n/tmp/l symbolic link 6\n/bin/sh symbolic link 3\nsame bytes\nl@\nt\n' });
  });
});

describe('shell features', () => {
  for (const [name, script] of SHELL) {
    parityIt(name, async () => {
      expectSame(await h.both(sh(script)));
    });
  }
});

describe('docker run around the process', () => {
  parityIt('stdin piped to run -i', async () => {
    const argv = ['run', '--rm', '-i', 'box', 'sh', '-c', 'while read l; do echo "got $l"; done; echo eof'];
    expectSame(await h.both(argv, { stdin: 'one\ntwo\n' }));
  });

  parityIt('--entrypoint replaces the image entrypoint', async () => {
    expectSame(await h.both(['run', '--rm', '--entrypoint', 'echo', 'box', 'from', 'entrypoint']));
  });

  parityIt('an image command that does not exist: 127', async () => {
    const r = await h.both(['run', '--rm', 'box', 'nosuchcmd']);
    expectSame(r);
    expect(r.kernel.code).toBe(127);
  });

  parityIt('a directory as the command: 126, as docker', async () => {
    const r = await h.both(['run', '--rm', 'box', '/etc']);
    expect(r.kernel.code).toBe(126);
    expectSame(r);
  });

  parityIt('the default hostname is the container\'s short ID on both (the tutorial: ns-a)', async () => {
    for (const side of ['browser', 'kernel'] as const) {
      const run = side === 'browser' ? h.onBrowser : h.onKernel;
      const name = `ns-${side}`;
      const out = await run(['run', '--name', name, 'box', 'hostname']);
      const id = await run(['inspect', '-f', '{{.Id}}', name]);
      expect(out.code, side).toBe(0);
      expect(out.stdout, side).toBe(id.stdout.slice(0, 12) + '\n');
      await run(['rm', name]);
    }
  });

  parityIt('/etc/hostname and /etc/hosts are written per container as docker does', async () => {
    expectSame(await h.both(['run', '--rm', '-h', 'parity', 'box', 'sh', '-c', 'cat /etc/hostname /etc/hosts']));
  });

  parityIt('files from the image keep the layer\'s modification time (the epoch)', async () => {
    expectSame(await h.both(sh('stat -c "%n %Y" /etc/passwd /etc /bin/box; ls -l /etc/passwd')));
  });
});
