import { describe, expect, it } from 'vitest';
import { COMMANDS, GROUPS } from '../../../engine/cli/index.ts';
import { docker, fakeEngine } from './fake-engine.ts';

describe('docker with no arguments and --help', () => {
  it('prints the usage and command list on stderr and exits 0', async () => {
    const r = await docker(fakeEngine(), 'docker');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^\nUsage:  docker \[OPTIONS\] COMMAND\n\nA self-sufficient runtime for containers\n\nCommon Commands:\n  run         Create and run a new container from an image\n  exec        Execute a command in a running container\n  ps          List containers\n/);
    expect(r.stderr).toContain('\nManagement Commands:\n  container   Manage containers\n  image       Manage images\n  network     Manage networks\n  system      Manage Docker\n  volume      Manage volumes\n');
    expect(r.stderr).toContain("\n\nRun 'docker COMMAND --help' for more information on a command.\n");
    expect(r.stderr.endsWith('https://docs.docker.com/go/guides/\n')).toBe(true);
  });

  it('--help prints the same on stdout', async () => {
    const bare = await docker(fakeEngine(), 'docker');
    const help = await docker(fakeEngine(), 'docker --help');
    expect(help.status).toBe(0);
    expect(help.stdout).toBe(bare.stderr);
  });

  it('lists every command that is not in Common Commands under Commands, sorted', async () => {
    const r = await docker(fakeEngine(), 'docker --help');
    const section = r.stdout.split('\nCommands:\n')[1].split('\n\n')[0];
    const names = section.split('\n').map((l) => l.trim().split(/\s+/)[0]);
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(expect.arrayContaining(['commit', 'create', 'diff', 'history', 'inspect', 'kill', 'load', 'logs', 'rm', 'rmi', 'save', 'start', 'stop', 'tag', 'wait']));
  });

  it('prints the version with -v', async () => {
    const r = await docker(fakeEngine(), 'docker --version');
    expect(r.stdout).toMatch(/^Docker version \S+, build \S+\n$/);
  });
});

describe('command help', () => {
  it('docker run --help has docker\'s layout', async () => {
    const r = await docker(fakeEngine(), 'docker run --help', { columns: 200 });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^\nUsage:  docker run \[OPTIONS\] IMAGE \[COMMAND\] \[ARG\.\.\.\]\n\nCreate and run a new container from an image\n\nAliases:\n  docker container run, docker run\n\nOptions:\n/);
    expect(r.stdout).toContain('  -d, --detach ');
    expect(r.stdout).toContain('  -e, --env list ');
    expect(r.stdout).toContain('  -m, --memory bytes ');
    expect(r.stdout).toContain('      --name string ');
    expect(r.stdout).toMatch(/--pull string +Pull image before running \("always", "missing", "never"\) \(default "missing"\)/);
    expect(r.stdout).toMatch(/--sig-proxy +Proxy received signals to the process \(default true\)\n/);
    expect(r.stdout.endsWith('\n')).toBe(true);
    expect(r.stdout.endsWith('\n\n')).toBe(false);
  });

  it('aligns every usage 3 spaces after the longest flag and sorts flags by name', async () => {
    const r = await docker(fakeEngine(), 'docker stop --help');
    expect(r.stdout).toBe(
      '\nUsage:  docker stop [OPTIONS] CONTAINER [CONTAINER...]\n\nStop one or more running containers\n\nAliases:\n  docker container stop, docker stop\n\nOptions:\n' +
        '  -s, --signal string   Signal to send to the container\n' +
        '  -t, --timeout int     Seconds to wait before killing the container\n',
    );
  });

  it('wraps long usages at the terminal width as pflag does', async () => {
    const r = await docker(fakeEngine(), 'docker run --help', { columns: 80 });
    expect(r.stdout).toContain(
      '      --rm                             Automatically remove the container\n                                       and its associated anonymous\n                                       volumes when it exits\n',
    );
  });

  it('wraps multi-line usages under their column', async () => {
    const r = await docker(fakeEngine(), 'docker ps --help');
    const lines = r.stdout.split('\n');
    const at = lines.findIndex((l) => l.startsWith('      --format string'));
    const column = lines[at].indexOf('Format output');
    expect(lines[at + 1].slice(0, column).trim()).toBe('');
    expect(lines[at + 1].slice(column)).toMatch(/^'table':/);
    expect(lines.every((l) => l.length <= 80)).toBe(true);
  });

  it('-h is help for commands without a -h flag, and hostname for run', async () => {
    const ps = await docker(fakeEngine(), 'docker ps -h');
    expect(ps.stdout).toContain('Usage:  docker ps [OPTIONS]');
    const engine = fakeEngine();
    await docker(engine, 'docker run -d -h web box');
    expect(engine.calls.find((c) => c[0] === 'createContainer')?.[1]).toMatchObject({ Hostname: 'web' });
  });

  it('every command and every group answers --help with exit 0', async () => {
    for (const name of Object.keys(COMMANDS)) {
      const r = await docker(fakeEngine(), `docker ${name} --help`);
      expect(r.status, name).toBe(0);
      expect(r.stdout, name).toContain(`Usage:  docker ${name}`);
    }
    for (const [group, spec] of Object.entries(GROUPS)) {
      const r = await docker(fakeEngine(), `docker ${group} --help`);
      expect(r.stdout).toContain(`Usage:  docker ${group} COMMAND`);
      for (const sub of Object.keys(spec.commands)) {
        const s = await docker(fakeEngine(), `docker ${group} ${sub} --help`);
        expect(s.status, `${group} ${sub}`).toBe(0);
        expect(s.stdout).toContain(`Usage:  docker ${group} ${sub}`);
      }
    }
  });

  it('docker help run and docker image ls --help name their own path', async () => {
    expect((await docker(fakeEngine(), 'docker help run')).stdout).toContain('Usage:  docker run [OPTIONS]');
    const ls = await docker(fakeEngine(), 'docker image ls --help');
    expect(ls.stdout).toContain('Usage:  docker image ls [OPTIONS] [REPOSITORY[:TAG]]');
    expect(ls.stdout).toContain('Aliases:\n  docker image ls, docker image list, docker images\n');
  });

  it('a group alone prints its commands on stderr', async () => {
    const r = await docker(fakeEngine(), 'docker volume');
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(
      '\nUsage:  docker volume COMMAND\n\nManage volumes\n\nCommands:\n' +
        '  create      Create a volume\n  inspect     Display detailed information on one or more volumes\n  ls          List volumes\n  prune       Remove unused local volumes\n  rm          Remove one or more volumes\n' +
        "\nRun 'docker volume COMMAND --help' for more information on a command.\n",
    );
  });
});

describe('usage errors', () => {
  it('an unknown flag exits 125 with the usage line', async () => {
    const r = await docker(fakeEngine(), 'docker run --foo box');
    expect(r.status).toBe(125);
    expect(r.stderr).toBe("unknown flag: --foo\n\nUsage:  docker run [OPTIONS] IMAGE [COMMAND] [ARG...]\n\nRun 'docker run --help' for more information\n");
  });

  it('an unknown shorthand exits 125', async () => {
    const r = await docker(fakeEngine(), 'docker ps -x');
    expect(r.status).toBe(125);
    expect(r.stderr).toBe("unknown shorthand flag: 'x' in -x\n\nUsage:  docker ps [OPTIONS]\n\nRun 'docker ps --help' for more information\n");
  });

  it('a missing argument names the command and its usage (exit 1, as docker 28)', async () => {
    const r = await docker(fakeEngine(), 'docker run');
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("docker: 'docker run' requires at least 1 argument\n\nUsage:  docker run [OPTIONS] IMAGE [COMMAND] [ARG...]\n\nSee 'docker run --help' for more information\n");
  });

  it.each([
    ['docker exec box', "docker: 'docker exec' requires at least 2 arguments"],
    ['docker tag a', "docker: 'docker tag' requires 2 arguments"],
    ['docker ps extra', "docker: 'docker ps' accepts no arguments"],
    ['docker commit a b c', "docker: 'docker commit' requires at least 1 and at most 2 arguments"],
    ['docker images a b', "docker: 'docker images' requires at most 1 argument"],
    ['docker container ls x', "docker: 'docker container ls' accepts no arguments"],
  ])('%s: %s', async (line, first) => {
    const r = await docker(fakeEngine(), line);
    expect(r.status).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe(first);
  });

  it('an unknown command is not a docker command', async () => {
    const r = await docker(fakeEngine(), 'docker frobnicate');
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("docker: 'frobnicate' is not a docker command.\nSee 'docker --help'\n");
  });

  it('an unknown subcommand of a group', async () => {
    const r = await docker(fakeEngine(), 'docker image frob');
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("docker: unknown command: docker image frob\n\nUsage:  docker image COMMAND\n\nRun 'docker image --help' for more information\n");
  });

  it('an unknown global flag exits 125', async () => {
    const r = await docker(fakeEngine(), 'docker --frob ps');
    expect(r.status).toBe(125);
    expect(r.stderr.split('\n')[0]).toBe('unknown flag: --frob');
  });

  it('a bad flag value exits 125 with pflag\'s text', async () => {
    const r = await docker(fakeEngine(), 'docker run -m lots box');
    expect(r.status).toBe(125);
    expect(r.stderr.split('\n')[0]).toBe('invalid argument "lots" for "-m, --memory" flag: invalid size: \'lots\'');
  });
});
