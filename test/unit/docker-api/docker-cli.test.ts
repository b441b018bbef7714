/**
 * The real docker CLI (28.x, client only, installed on these machines) against the API on loopback,
 * with DOCKER_API_VERSION unset so it negotiates from our ping.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useDockerCli } from './support/real-docker-cli.ts';

const cli = useDockerCli();
const docker = cli.docker;

describe('the docker CLI against the API', { timeout: 60_000 }, () => {
  it('version and info', async () => {
    const v = await docker(['version', '--format', '{{.Server.Version}} {{.Server.APIVersion}} {{.Server.Os}}/{{.Server.Arch}}']);
    expect(v).toMatchObject({ code: 0, stdout: '0.1.0 1.50 linux/wasm\n' });
    const info = await docker(['info', '--format', '{{.ServerVersion}} {{.OSType}} {{.Architecture}} {{.Swarm.LocalNodeState}} {{.Images}}']);
    expect(info).toMatchObject({ code: 0, stdout: '0.1.0 linux wasm inactive 1\n' });
  });

  it('pull, images, history, tag, inspect, rmi', async () => {
    const pull = await docker(['pull', 'box:1.0']);
    expect(pull.code, pull.stderr).toBe(0);
    expect(pull.stdout).toContain('1.0: Pulling from library/box');
    expect(pull.stdout).toMatch(/Status: (Downloaded newer image|Image is up to date) for box:1.0/);
    expect(pull.stdout.trim().split('\n').at(-1)).toBe('docker.io/library/box:1.0');
    const missing = await docker(['pull', 'nosuch']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nosuch/);
    expect((await docker(['tag', 'box', 'cli/copy:v2'])).code).toBe(0);
    const images = await docker(['images', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}']);
    const lines = images.stdout.trim().split('\n').sort();
    const id = lines.find((l) => l.startsWith('box:latest'))!.split(' ')[1];
    expect(id).toMatch(/^[0-9a-f]{12}$/);
    expect(lines).toEqual(expect.arrayContaining([`box:1.0 ${id}`, `box:latest ${id}`, `cli/copy:v2 ${id}`]));
    const history = await docker(['history', '--format', '{{.ID}}|{{.CreatedBy}}', 'cli/copy:v2']);
    expect(history.stdout.split('\n')[0]).toBe(`${id}|CMD ["sh"]`);
    expect(history.stdout).toContain('<missing>|');
    const inspect = await docker(['inspect', '--format', '{{.Os}}/{{.Architecture}} {{json .RepoTags}}', 'cli/copy:v2']);
    expect(inspect.code).toBe(0);
    expect(inspect.stdout).toMatch(/^wasi\/wasm \[.*"cli\/copy:v2".*\]\n$/);
    const rmi = await docker(['rmi', 'cli/copy:v2']);
    expect(rmi).toMatchObject({ code: 0, stdout: 'Untagged: cli/copy:v2\n' });
    const gone = await docker(['inspect', 'cli/copy:v2']);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('No such object: cli/copy:v2');
  });

  it('pull -a brings every tag the registry has; a tag with -a is refused', async () => {
    const all = await docker(['pull', '-a', 'box']);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).not.toContain('Using default tag');
    expect(all.stdout).toContain('1.0: Pulling from library/box');
    expect(all.stdout).toContain('latest: Pulling from library/box');
    expect(all.stdout.trim().split('\n').at(-1)).toBe('docker.io/library/box');
    const tags = await docker(['images', 'box', '--format', '{{.Tag}}']);
    expect(tags.stdout.trim().split('\n').sort()).toEqual(['1.0', 'latest']);
    const refused = await docker(['pull', '-a', 'box:1.0']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("tag can't be used with --all-tags/-a");
  });

  it('run --rm, run with an exit status, ps -a, logs, rm', async () => {
    const hello = await docker(['run', '--rm', 'box', 'echo', 'hello from box']);
    expect(hello).toMatchObject({ code: 0, stdout: 'hello from box\n' });
    const status = await docker(['run', '--name', 'cli-exit', 'box', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
    expect(status).toMatchObject({ code: 3, stdout: 'out\n', stderr: 'err\n' });
    const ps = await docker(['ps', '-a', '--format', '{{.Names}}|{{.Image}}|{{.Status}}']);
    expect(ps.stdout).toMatch(/^cli-exit\|box\|Exited \(3\) /m);
    expect(ps.stdout).not.toContain('hello from box');
    const logs = await docker(['logs', 'cli-exit']);
    expect(logs).toMatchObject({ code: 0, stdout: 'out\n', stderr: 'err\n' });
    const rm = await docker(['rm', 'cli-exit']);
    expect(rm).toMatchObject({ code: 0, stdout: 'cli-exit\n' });
    const notFound = await docker(['run', '--rm', 'box', 'nosuchcmd']);
    expect(notFound.code).toBe(127);
  });

  it('run -i with piped stdin, run -d + exec + stop, rm -f', async () => {
    const piped = await docker(['run', '-i', '--rm', 'box', 'sh', '-c', 'cat; echo end'], { stdin: 'one\ntwo\n' });
    expect(piped).toMatchObject({ code: 0, stdout: 'one\ntwo\nend\n' });
    const started = await docker(['run', '-d', '--name', 'cli-bg', 'box', 'sleep', '60']);
    expect(started.code, started.stderr).toBe(0);
    expect(started.stdout.trim()).toMatch(/^[0-9a-f]{64}$/);
    const exec = await docker(['exec', 'cli-bg', 'sh', '-c', 'echo in exec; exit 6']);
    expect(exec).toMatchObject({ code: 6, stdout: 'in exec\n' });
    const execIn = await docker(['exec', '-i', 'cli-bg', 'cat'], { stdin: 'via exec\n' });
    expect(execIn).toMatchObject({ code: 0, stdout: 'via exec\n' });
    // A terminal's output is raw bytes, even what comes before the attachment is set up.
    for (let i = 0; i < 3; i++) expect(await docker(['exec', '-t', 'cli-bg', 'echo', 'on a terminal'])).toMatchObject({ code: 0, stdout: 'on a terminal\n' });
    const stop = await docker(['stop', '-t', '1', 'cli-bg']);
    expect(stop).toMatchObject({ code: 0, stdout: 'cli-bg\n' });
    const rm = await docker(['rm', '-f', 'cli-bg']);
    expect(rm.code).toBe(0);
  });

  it('refuses a privileged run and a host bind with the daemon\'s message and 125', async () => {
    const privileged = await docker(['run', '--rm', '--privileged', 'box', 'true']);
    expect(privileged.code).toBe(125);
    expect(privileged.stderr).toContain('Error response from daemon: Privileged is not allowed');
    const bind = await docker(['run', '--rm', '-v', '/:/host', 'box', 'true']);
    expect(bind.code).toBe(125);
    expect(bind.stderr).toContain('host directories cannot be mounted here');
  });

  it('volume create, ls, rm', async () => {
    expect(await docker(['volume', 'create', 'clivol'])).toMatchObject({ code: 0, stdout: 'clivol\n' });
    const written = await docker(['run', '--rm', '-v', 'clivol:/data', 'box', 'sh', '-c', 'echo kept > /data/f']);
    expect(written.code, written.stderr).toBe(0);
    const read = await docker(['run', '--rm', '-v', 'clivol:/data', 'box', 'cat', '/data/f']);
    expect(read).toMatchObject({ code: 0, stdout: 'kept\n' });
    const ls = await docker(['volume', 'ls', '--format', '{{.Driver}} {{.Name}}']);
    expect(ls.stdout.split('\n')).toContain('local clivol');
    expect(await docker(['volume', 'rm', 'clivol'])).toMatchObject({ code: 0, stdout: 'clivol\n' });
  });

  it('diff, commit, legacy build, save and load, system df', async () => {
    const made = await docker(['run', '--name', 'cli-diff', 'box', 'sh', '-c', 'echo a > /tmp/new']);
    expect(made.code).toBe(0);
    const diff = await docker(['diff', 'cli-diff']);
    expect(diff.stdout).toBe('C /tmp\nA /tmp/new\n');
    const commit = await docker(['commit', 'cli-diff', 'cli-committed:1']);
    expect(commit.stdout).toMatch(/^sha256:[0-9a-f]{64}\n$/);
    const ctx = mkdtempSync(join(cli.home, 'ctx-'));
    writeFileSync(join(ctx, 'Dockerfile'), 'FROM box\nCOPY note.txt /note.txt\nCMD ["cat", "/note.txt"]\n');
    writeFileSync(join(ctx, 'note.txt'), 'built by the legacy builder\n');
    const build = await docker(['build', '-t', 'cli-built', ctx], { env: { DOCKER_BUILDKIT: '0' } });
    expect(build.code, build.stderr).toBe(0);
    expect(build.stdout).toContain('Step 1/3 : FROM box');
    expect(build.stdout).toMatch(/Successfully built [0-9a-f]{12}\n/);
    expect(build.stdout).toContain('Successfully tagged cli-built:latest');
    const ran = await docker(['run', '--rm', 'cli-built']);
    expect(ran).toMatchObject({ code: 0, stdout: 'built by the legacy builder\n' });
    const tar = join(cli.home, 'built.tar');
    expect((await docker(['save', '-o', tar, 'cli-built'])).code).toBe(0);
    expect((await docker(['rmi', 'cli-built'])).code).toBe(0);
    const load = await docker(['load', '-i', tar]);
    expect(load).toMatchObject({ code: 0, stdout: 'Loaded image: cli-built:latest\n' });
    const df = await docker(['system', 'df', '--format', '{{.Type}}']);
    expect(df.stdout.split('\n').filter(Boolean)).toEqual(['Images', 'Containers', 'Local Volumes', 'Build Cache']);
    expect((await docker(['rm', 'cli-diff'])).code).toBe(0);
  });
});
