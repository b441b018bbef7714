import { describe, expect, it } from 'vitest';
import { format } from '../../../web/i18n/messages.ts';
import { MemoryFiles, testShell } from './shell-fakes.ts';

describe('the host shell, as a Docker tutorial uses sh', () => {
  it('$? is the status of the command before, also within one line', async () => {
    const { run } = testShell();
    expect((await run('docker fail; echo $?')).out).toBe('[fail]\n1\n');
    expect((await run('echo $?')).out).toBe('0\n');
    expect((await run('false')).status).toBe(1);
    expect((await run('echo "status: $?" ${?}')).out).toBe('status: 1 1\n');
    expect((await run('nosuch; echo $?')).out).toBe('127\n');
  });

  it('runs && and || by the status, and ; regardless', async () => {
    const { run } = testShell();
    expect((await run('false && echo no || echo yes; echo end')).out).toBe('yes\nend\n');
    expect((await run('true && echo a && false || echo b')).out).toBe('a\nb\n');
  });

  it('$(...) gives a command its output, split into words unless quoted, none when empty', async () => {
    const { run } = testShell();
    expect((await run('docker rm $(echo "a  b" c)')).out).toBe('[rm]\n[a]\n[b]\n[c]\n');
    expect((await run('docker run -e "X=$(echo one two)" box')).out).toBe('[run]\n[-e]\n[X=one two]\n[box]\n');
    expect((await run('docker rm $(true)')).out).toBe('[rm]\n');
    expect((await run('echo `echo back`quoted')).out).toBe('backquoted\n');
    expect((await run('echo $(echo $(echo nested))')).out).toBe('nested\n');
  });

  it('a substitution runs in a subshell: its cd stays inside', async () => {
    const { run, shell } = testShell(new MemoryFiles({ 'a/f': '' }));
    shell.cwd = '';
    expect((await run('echo $(cd a; pwd); pwd')).out).toBe('~/a\n~\n');
  });

  it('keeps variables: NAME=value, export, ${NAME}, unset; single quotes keep $ as text', async () => {
    const { run } = testShell();
    expect((await run('NAME=web; export PORT=8080; echo $NAME:${PORT} \'$NAME\' "$NAME"')).out).toBe('web:8080 $NAME web\n');
    expect((await run('export')).out).toContain("export NAME='web'\n");
    expect((await run('unset NAME; echo [$NAME]')).out).toBe('[]\n');
    expect((await run('export 1x=2')).err).toBe("sh: export: `1x=2': not a valid identifier\n");
    expect((await run('echo $HOME $ alone')).out).toBe('~ $ alone\n');
  });

  it('refuses NAME=value before a command with a hint instead of dropping it', async () => {
    const { run } = testShell();
    const r = await run('X=1 docker ps');
    expect(r.status).toBe(1);
    expect(r.err).toContain('export X=...');
    expect(r.out).toBe('');
  });

  it('cd - goes back and prints where; without a previous directory it says so', async () => {
    const { run, shell } = testShell(new MemoryFiles({ 'app/Dockerfile': '', 'examples/x': '' }));
    shell.cwd = 'examples';
    expect(await run('cd -')).toMatchObject({ err: 'sh: cd: OLDPWD not set\n', status: 1 });
    await run('cd ~/app');
    expect((await run('cd -; pwd; echo $OLDPWD')).out).toBe('~/examples\n~/examples\n~/app\n');
    expect((await run('cd -')).out).toBe('~/app\n');
  });

  it('writes a redirection to a file whose name may be expanded', async () => {
    const { run, files } = testShell();
    await run('export F=out.txt; echo one > $F; echo two >> "$F"');
    expect(files.text('out.txt')).toBe('one\ntwo\n');
  });

  it('edit creates a file that is not there yet and opens it; a missing folder is an error', async () => {
    const { run, files, edited, shell } = testShell(new MemoryFiles({ 'accapp/.keep': '' }));
    shell.cwd = 'accapp';
    const r = await run('edit Dockerfile');
    expect(r.out).toBe('Created ~/accapp/Dockerfile and opened it in the editor.\n');
    expect(files.stat('accapp/Dockerfile')?.kind).toBe('file');
    expect(edited).toEqual(['accapp/Dockerfile']);
    expect((await run('edit Dockerfile')).out).toBe('Opened ~/accapp/Dockerfile in the editor.\n');
    expect(await run('edit nosuch/Dockerfile')).toMatchObject({ err: 'edit: nosuch/Dockerfile: No such file or directory\n', status: 1 });
    expect(files.stat('accapp/nosuch')).toBeUndefined();
  });

  it('speaks the page language in its own text, sh and docker words stay as they are', async () => {
    const { run } = testShell(new MemoryFiles(), { text: (key, params) => format('ko', key, params) });
    expect((await run('edit new.txt')).out).toBe('~/new.txt 파일을 만들고 편집기에서 열었습니다.\n');
    const help = (await run('help')).out;
    expect(help).toContain('bash가 아닙니다');
    expect(help).toContain('파이프(|)');
    expect((await run('nosuch')).err).toBe('sh: nosuch: command not found. 이 셸의 명령은 `help`로 볼 수 있습니다.\n');
    expect((await run('ls | wc')).err).toContain('파이프');
  });

  it('help says what the shell is and what it does not do, wrapped to the terminal', async () => {
    const { run } = testShell();
    const help = (await run('help')).out;
    expect(help).toContain('not bash');
    expect(help).toMatch(/no pipes \(\|\), background jobs \(&\), wildcards/);
    for (const line of help.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    expect(help).toMatch(/\n {2}export +set a variable/);
  });

  it('an interrupted command gives status 130 and the rest of the line does not run', async () => {
    const controller = new AbortController();
    const { run } = testShell(new MemoryFiles(), {
      docker: async () => {
        controller.abort();
        return 0;
      },
    });
    expect(await run('docker run box; echo after', controller.signal)).toMatchObject({ out: '', status: 130 });
  });

  it('sleep waits, and stops at Ctrl-C', async () => {
    const { run } = testShell();
    expect((await run('sleep 0 && echo woke')).out).toBe('woke\n');
    expect((await run('sleep x')).err).toBe("sleep: invalid time interval 'x'\n");
    const controller = new AbortController();
    const pending = run('sleep 100; echo no', controller.signal);
    controller.abort();
    expect(await pending).toMatchObject({ out: '', status: 130 });
  });
});
