/** Golden tests of box's applets, each run on both hosts' process adapters with identical results. */
import { describe, expect, it } from 'vitest';
import { capMemory } from '../../../engine/wasi/memory-limit.ts';
import { BOX, expectRun, expectSh } from './harness.ts';

const APPLETS = ['[', 'basename', 'cat', 'clear', 'cp', 'cut', 'date', 'dirname', 'du', 'echo', 'env', 'false', 'find', 'getent', 'grep', 'head',
  'hostname', 'httpd', 'id', 'ip', 'ln', 'ls', 'mkdir', 'mv', 'nc', 'nslookup', 'printenv', 'printf', 'pwd', 'readlink', 'rm', 'rmdir', 'sed', 'seq', 'sh', 'sleep', 'sort', 'stat',
  'stress', 'tail', 'tee', 'test', 'timeout', 'touch', 'tr', 'true', 'uname', 'uniq', 'wc', 'wget', 'which', 'whoami', 'yes'];

describe('box: timeout', () => {
  it('ends a command that runs past SECS with 124 and only it: the shell goes on; a quick one keeps its status', async () => {
    await expectSh("timeout 1 sleep 30; echo \"slept: $?\"; timeout 1 sh -c 'while :; do :; done'; echo \"spun: $?\"; timeout 5 sh -c 'echo quick; exit 3'; echo \"quick: $?\"", {
      stdout: 'slept: 124\nspun: 124\nquick\nquick: 3\n',
    });
  });
  it('a bad number or signal: a message and status 1', async () => {
    await expectSh('timeout x true; echo $?; timeout -s NOPE 1 true; echo $?', { stdout: '1\n1\n', stderr: "timeout: invalid number 'x'\ntimeout: unknown signal 'NOPE'\n" });
  });
});

describe('box: readlink', () => {
  it('prints nothing with status 1 for a file that is not a link; -f prints the full path, the last component may be missing', async () => {
    await expectSh('readlink /etc/passwd; echo $?; readlink -f /tmp/../etc//passwd; cd /etc && readlink -f passwd ./new; readlink -f /nope/x; echo $?', { stdout: '1\n/etc/passwd\n/etc/passwd\n/etc/new\n1\n' });
  });
});

describe('box: dispatch', () => {
  it('box --list lists every applet, sorted', async () => {
    await expectRun(['box', '--list'], { stdout: `${APPLETS.join('\n')}\n` });
  });
  it('box APPLET ARGS and argv[0] dispatch', async () => {
    await expectRun(['box', 'echo', 'via', 'box'], { stdout: 'via box\n' });
    await expectRun(['/bin/echo', 'by', 'name'], { stdout: 'by name\n' }, { files: { '/bin/echo': { link: 'box' } } });
  });
  it('an unknown applet', async () => {
    await expectRun(['box', 'nosuch'], { stderr: 'box: applet not found: nosuch\n', status: 127 });
  });
  it('every applet answers --help with its usage', async () => {
    const results = await expectSh(APPLETS.filter((a) => !['[', 'echo', 'test', 'true', 'false'].includes(a)).map((a) => `${a} --help | head -n 1`).join('; '), {
      stdout: expect.any(String) as unknown as string,
    });
    for (const line of results[0].stdout.trim().split('\n')) expect(line).toMatch(/^Usage: [a-z[]+ /);
    expect(results[0].stdout.trim().split('\n')).toHaveLength(APPLETS.length - 5);
  });
  it('a bad option prints a message and the usage', async () => {
    await expectSh('ls -Z', { stderr: "ls: invalid option -- 'Z'\nUsage: ls [-1aAlRdhFC] [FILE]...\n", status: 1 });
  });
});

describe('echo and printf', () => {
  it('echo -n and -e', async () => {
    await expectSh('echo -n a; echo b; echo -e "x\\ty\\n\\0101"; echo "raw\\n"; echo -e "stop\\cnot"; echo', { stdout: 'ab\nx\ty\nA\nraw\\n\nstop\n' });
  });
  it('printf conversions, widths and reuse of the format', async () => {
    await expectSh('printf "%s=%d\\n" a 1 b 2; printf "[%5s][%-4s][%03d][%x][%.2f][%c]\\n" hi yo 7 255 3.14159 zebra; printf "%%\\n"', { stdout: 'a=1\nb=2\n[   hi][yo  ][007][ff][3.14][z]\n%\n' });
  });
});

describe('files', () => {
  it('cat, cat -n, cat -', async () => {
    await expectSh('cat /etc/hostname /etc/hostname; echo in | cat -n - /etc/hostname; cat /nope; echo $?', {
      stdout: 'box-test\nbox-test\n     1\tin\n     2\tbox-test\n1\n',
      stderr: 'cat: /nope: No such file or directory\n',
    });
  });
  it('mkdir -p, rmdir, rm -rf', async () => {
    await expectSh('mkdir /tmp/a; mkdir /tmp/a; mkdir -p /tmp/a/b/c; ls -R /tmp/a; rmdir /tmp/a/b/c; rm -rf /tmp/a; ls /tmp; rm /nope; rm -f /nope; echo $?', {
      stdout: '/tmp/a:\nb\n\n/tmp/a/b:\nc\n\n/tmp/a/b/c:\n0\n',
      stderr: "mkdir: can't create directory '/tmp/a': File exists\nrm: can't stat '/nope': No such file or directory\n",
    });
  });
  it('rm refuses a directory without -r', async () => {
    await expectSh('mkdir /tmp/d; rm /tmp/d', { stderr: "rm: '/tmp/d' is a directory\n", status: 1 });
  });
  it('cp, cp -r, mv into a directory and renaming', async () => {
    await expectSh('cp /etc/hostname /tmp/h; cat /tmp/h; cp -r /data /tmp/d2; ls /tmp/d2; cp /data /tmp/x; mv /tmp/h /tmp/h2; mv /tmp/h2 /tmp/d2; ls /tmp /tmp/d2', {
      stdout: 'box-test\nfruits.txt\nnumbers.txt\ntable.csv\n/tmp:\nd2\n\n/tmp/d2:\nfruits.txt\nh2\nnumbers.txt\ntable.csv\n',
      stderr: "cp: omitting directory '/data'\n",
    });
  });
  it('touch creates files; -c does not', async () => {
    await expectSh('touch /tmp/new; touch -c /tmp/none; ls /tmp; wc -c < /tmp/new', { stdout: 'new\n0\n' });
  });
  it('ls -1, -a, -l with busybox columns, -d, -F', async () => {
    await expectSh('cd /data; ls; ls -a; ls -l; ls -ld /data; ls -F /bin | head -n 2', {
      stdout: 'fruits.txt\nnumbers.txt\ntable.csv\n.\n..\nfruits.txt\nnumbers.txt\ntable.csv\n' +
        'total 3\n' +
        '-rw-r--r--    1 root     root            33 Jan  1  1970 fruits.txt\n' +
        '-rw-r--r--    1 root     root            11 Jan  1  1970 numbers.txt\n' +
        '-rw-r--r--    1 root     root            39 Jan  1  1970 table.csv\n' +
        'drwxr-xr-x    2 root     root          4096 Jan  1  1970 /data\n' +
        'box*\ncat*\n',
    });
  });
  it('ls of a missing file', async () => {
    await expectSh('ls /data/nope /etc/hostname', { stdout: '/etc/hostname\n', stderr: 'ls: /data/nope: No such file or directory\n', status: 1 });
  });
  it('ls -lh', async () => {
    await expectSh('ls -lh /data/fruits.txt /srv/big', { stdout: '-rw-r--r--    1 root     root            33 Jan  1  1970 /data/fruits.txt\n-rw-r--r--    1 root     root          146K Jan  1  1970 /srv/big\n' }, { files: { '/srv/big': 'x'.repeat(150000) } });
  });
  it('find -name, -type, -maxdepth, sorted', async () => {
    await expectSh('find /data; find / -name "*.txt"; find /etc /tmp -type d; find / -maxdepth 1 -type d', {
      stdout: '/data\n/data/fruits.txt\n/data/numbers.txt\n/data/table.csv\n/data/fruits.txt\n/data/numbers.txt\n/etc\n/tmp\n/\n/bin\n/data\n/etc\n/root\n/tmp\n',
    });
  });
  it('du -s, du -h, du', async () => {
    await expectSh('du /data; du -s /data; du -sh /data; du -a /data', { stdout: '3\t/data\n3\t/data\n3.0K\t/data\n1\t/data/fruits.txt\n1\t/data/numbers.txt\n1\t/data/table.csv\n3\t/data\n' });
  });
  it('stat and stat -c', async () => {
    await expectSh('stat /data/fruits.txt; stat -c "%n %s %F %a %U" /data /etc/hostname', {
      stdout: '  File: /data/fruits.txt\n  Size: 33        \tBlocks: 1          regular file\nAccess: (0644/-rw-r--r--)  Uid: (    0/    root)   Gid: (    0/    root)\nModify: 1970-01-01 00:00:00.000000000 +0000\n' +
        '/data 4096 directory 755 root\n/etc/hostname 9 regular file 644 root\n',
    });
  });
  it('stat of a missing file', async () => {
    await expectSh('stat /nope', { stderr: "stat: can't stat '/nope': No such file or directory\n", status: 1 });
  });
  it('tee writes stdout and files; -a appends', async () => {
    await expectSh('echo a | tee /tmp/t1 /tmp/t2; echo b | tee -a /tmp/t1 > /dev/null; cat /tmp/t1 /tmp/t2', { stdout: 'a\na\nb\na\n' });
  });
  it('basename and dirname', async () => {
    await expectSh('basename /a/b/c.txt; basename /a/b/c.txt .txt; basename /a/b/; basename /; dirname /a/b/c; dirname c; dirname /a; dirname /a/b/', { stdout: 'c.txt\nc\nb\n/\n/a/b\n.\n/\n/a\n' });
  });
  it('which finds files in PATH', async () => {
    await expectSh('which ls sh; which nosuch; echo $?', { stdout: '/bin/ls\n/bin/sh\n1\n' });
  });
});

describe('text', () => {
  it('head and tail', async () => {
    await expectSh('seq 20 | head -n 3; seq 20 | tail -n 2; seq 5 | tail -n +4; seq 10 | head -2; head -c 4 /etc/hostname; echo; seq 12 | head | wc -l; seq 12 | tail | head -n 1', { stdout: '1\n2\n3\n19\n20\n4\n5\n1\n2\nbox-\n10\n3\n' });
  });
  it('wc -l -w -c and the busybox columns', async () => {
    await expectSh('wc -l /data/fruits.txt; wc -w < /data/table.csv; echo hello world | wc; wc -c /etc/hostname /data/numbers.txt', {
      stdout: '5 /data/fruits.txt\n3\n        1         2        12\n9 /etc/hostname\n11 /data/numbers.txt\n20 total\n',
    });
  });
  it('grep -i -v -n -c, regular expressions, files', async () => {
    await expectSh('grep an /data/fruits.txt; grep -i ^b /data/fruits.txt; grep -c apple /data/fruits.txt; grep -vn a /data/fruits.txt; grep -E "^(ch|Ba)" /data/fruits.txt; grep -F . /data/table.csv; echo $?; grep -l ana /data/*', {
      stdout: 'banana\nBanana\nbanana\nBanana\n2\n3:cherry\ncherry\nBanana\n1\n/data/fruits.txt\n/data/table.csv\n',
    });
  });
  it('grep with several files prefixes names; -o, -w, -x, -q', async () => {
    await expectSh('grep -n 1 /data/numbers.txt /data/table.csv; echo "foo food foo" | grep -o foo; echo "foo food" | grep -w -c food; grep -x apple /data/fruits.txt; grep -q cherry /data/fruits.txt && echo found', {
      stdout: '/data/numbers.txt:1:10\n/data/numbers.txt:3:100\n/data/numbers.txt:4:1\n/data/table.csv:2:ana,31,lisbon\nfoo\nfoo\nfoo\n1\napple\napple\nfound\n',
    });
  });
  it('grep status: 0 match, 1 none, 2 error', async () => {
    await expectSh('grep zzz /data/fruits.txt; echo $?; grep x /nope; echo $?', { stdout: '1\n2\n', stderr: 'grep: /nope: No such file or directory\n' });
  });
  it('sort -r -n -u -k -t', async () => {
    await expectSh('sort /data/fruits.txt; sort -r -u /data/fruits.txt; sort -n /data/numbers.txt; sort /data/numbers.txt; sort -t, -k2 -n /data/table.csv', {
      stdout: 'Banana\napple\napple\nbanana\ncherry\ncherry\nbanana\napple\nBanana\n1\n9\n10\n100\n1\n10\n100\n9\nname,age,city\nbo,25,oslo\nana,31,lisbon\n',
    });
  });
  it('uniq and uniq -c -d -u', async () => {
    await expectSh('printf "a\\na\\nb\\nc\\nc\\nc\\n" > /tmp/u; uniq /tmp/u; uniq -c /tmp/u; uniq -d /tmp/u; uniq -u /tmp/u', { stdout: 'a\nb\nc\n      2 a\n      1 b\n      3 c\na\nc\nb\n' });
  });
  it('cut -d -f and -c', async () => {
    await expectSh('cut -d, -f1,3 /data/table.csv; cut -c1-3 /etc/hostname; echo "a:b:c:d" | cut -d: -f2-; echo nodelim | cut -d: -f2', { stdout: 'name,city\nana,lisbon\nbo,oslo\nbox\nb:c:d\nnodelim\n' });
  });
  it('tr ranges, classes, -d and -s', async () => {
    await expectSh('echo hello | tr a-z A-Z; echo hello | tr "[:lower:]" "[:upper:]"; echo "a-b-c" | tr -d -; echo "aa  bb" | tr -s " a"; echo abc | tr abc x', { stdout: 'HELLO\nHELLO\nabc\na bb\nxxx\n' });
  });
  it("sed 's///' with flags, -n and p, d, addresses, -i", async () => {
    await expectSh('echo "a b a" | sed "s/a/X/"; echo "a b a" | sed "s/a/X/g"; echo "hello" | sed "s/\\(h\\)\\(e\\)/\\2\\1/"; echo abc | sed -E "s/(b)/[\\1&]/"; seq 5 | sed -n 2p; seq 5 | sed "2,4d"; seq 3 | sed -n "/2/p"; seq 3 | sed "\\$d"; cp /etc/hostname /tmp/h; sed -i "s/box/BOX/" /tmp/h; cat /tmp/h; echo a/b | sed "s|/|:|"', {
      stdout: 'X b a\nX b X\nehllo\na[bb]c\n2\n1\n5\n2\n1\n2\nBOX-test\na:b\n',
    });
  });
  it('seq forms', async () => {
    await expectSh('seq 3; seq 2 4; seq 1 3 10; seq 3 -1 1; seq -s , 3; seq -w 8 10', { stdout: '1\n2\n3\n2\n3\n4\n1\n4\n7\n10\n3\n2\n1\n1,2,3\n08\n09\n10\n' });
  });
  it('yes with a string', async () => {
    await expectSh('yes hello | head -n 3', { stdout: 'hello\nhello\nhello\n' });
  });
});

describe('system', () => {
  it('pwd, whoami, id, hostname', async () => {
    await expectSh('pwd; whoami; id; id -u; id -un; hostname', { stdout: '/\nroot\nuid=0(root) gid=0(root) groups=0(root)\n0\nroot\nbox-test\n' });
  });
  it('uname tells what we are: WASI on wasm32', async () => {
    await expectSh('uname; uname -m; uname -a', { stdout: 'WASI\nwasm32\nWASI box-test preview1 box-1.0 wasm32 WASI\n' });
  });
  it('env, env -i, env VAR=x cmd, printenv (PWD is how a host passes the working directory)', async () => {
    await expectRun(['sh', '-c', 'env; env -i A=1 env; env B=2 printenv B; printenv HOME NOPE; echo $?'], {
      stdout: 'PATH=/bin:/usr/bin:/usr/local/bin\nHOME=/root\nX=1\nPWD=/\nA=1\n2\n/root\n1\n',
    }, { env: { X: '1' } });
  });
  it('date with -d, -u, +FORMAT, -R and -I: always UTC', async () => {
    await expectSh('date -d @0; date -u -d "2024-02-29 13:45:00" "+%Y-%m-%d %H:%M:%S %Z"; date -d @86400 -R; date -d @1700000000 -I; date -d garbage', {
      stdout: 'Thu Jan  1 00:00:00 UTC 1970\n2024-02-29 13:45:00 UTC\nFri, 02 Jan 1970 00:00:00 +0000\n2023-11-14\n',
      stderr: "date: invalid date 'garbage'\n",
      status: 1,
    });
  });
  it('date without arguments prints the current time', async () => {
    const [a] = await expectSh('date +%Y | wc -c', { stdout: '5\n' });
    expect(a.status).toBe(0);
  });
  it('sleep accepts fractions and units; rejects garbage', async () => {
    await expectSh('sleep 0.01; sleep 0.01s; echo slept; sleep x', { stdout: 'slept\n', stderr: "sleep: invalid number 'x'\n", status: 1 });
  });
  it('true, false, test and [', async () => {
    await expectSh('true; echo $?; false; echo $?; test -f /etc/hostname && echo file; [ -d /etc ] && echo dir; [ -e /nope ] || echo missing; [ -s /tmp ] ; [ abc = abc -a 1 -lt 2 ] && echo both; [ ! -z "x" ] && echo nonempty; test 10 -gt 9; echo $?; [ "(" a = b ")" -o 1 -eq 1 ] && echo paren; [ 1 -eq x ]; echo $?', {
      stdout: '0\n1\nfile\ndir\nmissing\nboth\nnonempty\n0\nparen\n2\n',
      stderr: "[: invalid number 'x'\n",
    });
  });
  it('[ without ] is an error', async () => {
    await expectSh('[ 1 = 1', { stderr: '[: missing ]\n', status: 2 });
  });
  it('clear writes the terminal codes', async () => {
    await expectSh('clear', { stdout: '\u001b[H\u001b[J' });
  });
});

describe('stress', () => {
  it('--vm-bytes allocates step by step, then (with --timeout) exits', async () => {
    await expectSh('stress --vm-bytes 8M --vm-step 4M --timeout 0', { stdout: 'stress: allocating 8 MiB in steps of 4 MiB\nstress: 4 MiB allocated\nstress: 8 MiB allocated\nstress: holding 8 MiB\n' });
  });
  it('--cpu with --timeout stops', async () => {
    await expectSh('stress --cpu --timeout 0.01', { stdout: 'stress: burning one CPU\n' });
  });
  it('past the memory limit the allocation fails: stress says so and exits 137, as after an OOM kill', async () => {
    const results = await expectSh('stress --vm-bytes 64M --vm-step 4M', {
      stdout: 'stress: allocating 64 MiB in steps of 4 MiB\nstress: 4 MiB allocated\nstress: 8 MiB allocated\nstress: 12 MiB allocated\nstress: 16 MiB allocated\nstress: 20 MiB allocated\n',
      stderr: "stress: out of memory after 20 MiB: the container's memory limit was reached\n",
      status: 137,
    }, { files: { '/bin/sh': capMemory(BOX, 24 << 20)! } });
    for (const r of results) expect(r).toMatchObject({ trapped: false, oomKilled: false });
  });
  it('bad arguments', async () => {
    await expectSh('stress --vm-bytes lots', { stderr: "stress: bad size 'lots'\n", status: 1 });
  });
});
