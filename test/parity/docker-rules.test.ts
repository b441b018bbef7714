/**
 * Parity of the Docker rules the oracle (test/oracle) checked against the real Docker Engine and
 * the shared core now gives both engines (issue 21): every process's environment, `-v /path`,
 * `ps -n`/`-l`, `docker images PATTERN`, build --target, SHELL/HEALTHCHECK/ONBUILD, `cd ..` at /,
 * and rmi taking a repository's digest with its last tag.
 */
import { describe, expect } from 'vitest';
import { expectSame, normalized, useParity } from './parity-harness.ts';
import { parityIt } from './open-differences.ts';

const h = useParity(['box']);
const context = (dockerfile: string) => ({ Dockerfile: Buffer.from(dockerfile).toString('base64') });

describe('Docker rules in the shared core, the same on both engines', () => {
  parityIt('the environment: PATH, HOSTNAME, HOME from /etc/passwd, the container Env over them', async () => {
    const plain = await h.both(['run', '--rm', '-h', 'parity', 'box', 'env']);
    expectSame(plain);
    expect(plain.kernel.stdout).toBe('PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\nHOSTNAME=parity\nHOME=/root\nPWD=/\n');
    expectSame(await h.both(['run', '--rm', '-h', 'parity', '-e', 'HOME=/tmp', 'box', 'env']));
    expectSame(await h.both(['run', '--rm', '-w', 'relative', 'box', 'pwd']));
    expectSame(await h.both(['run', '--rm', '-w', '/new/dir', 'box', 'pwd']));
    const created = await h.both(['create', '--name', 'rules-wd', '-w', '/made/here', 'box']);
    expect([created.browser.code, created.kernel.code]).toEqual([0, 0]);
    expectSame(await h.both(['diff', 'rules-wd']));
    expectSame(await h.both(['rm', 'rules-wd']));
  });

  parityIt('-v /path is an anonymous volume; ps -n and -l list every state', async () => {
    // create prints the new container's ID, random on each engine.
    const created = await h.both(['create', '--name', 'rules-anon', '-v', '/data', 'box']);
    expect([created.browser.code, created.kernel.code, created.browser.stderr, created.kernel.stderr]).toEqual([0, 0, '', '']);
    expectSame(await h.both(['inspect', '-f', '{{range .Mounts}}{{.Type}} {{.Destination}} {{.RW}} {{len .Name}}{{end}}', 'rules-anon']));
    expectSame(await h.both(['run', '--name', 'rules-ran', 'box', 'true']));
    expectSame(await h.both(['ps', '-n', '2', '--format', '{{.Names}} {{.State}}']));
    expectSame(await h.both(['ps', '-l', '--format', '{{.Names}}']));
    expectSame(await h.both(['ps', '-a', '--filter', 'bogus=1']));
    expectSame(await h.both(['rename', 'rules-ran', 'rules-renamed']));
    // The refusal names the holder by its ID, random on each engine.
    const taken = await h.both(['rename', 'rules-renamed', 'rules-anon']);
    const scrub = (t: string) => t.replace(/[0-9a-f]{64}/g, '<id>');
    expect([taken.browser.code, scrub(taken.browser.stderr)]).toEqual([taken.kernel.code, scrub(taken.kernel.stderr)]);
    expectSame(await h.both(['ps', '-a', '--format', '{{.Names}}']));
    expectSame(await h.both(['rm', '-v', 'rules-anon', 'rules-renamed']));
  });

  parityIt('docker images PATTERN: the familiar reference, then the name, with globs', async () => {
    expectSame(await h.both(['tag', 'box', 'rules/pattern:1']));
    for (const pattern of ['rules/pattern', 'rules/*', 'rules/pattern:1', '*:1', 'nothing']) {
      expectSame(await h.both(['images', pattern, '--format', '{{.Repository}}:{{.Tag}}']));
    }
    expectSame(await h.both(['rmi', 'rules/pattern:1']));
  });

  parityIt('build --target, SHELL, HEALTHCHECK and ONBUILD give the same images', async () => {
    const contexts = {
      'ctx/stages': context('FROM box AS base\nRUN echo base > /stage\nFROM base AS second\nRUN echo second >> /stage\nFROM box\nRUN echo last > /stage\n'),
      'ctx/config': context('FROM box\nSHELL ["/bin/echo", "via"]\nRUN shell form\nSHELL ["/bin/sh", "-c"]\nHEALTHCHECK --interval=5s CMD true\nONBUILD RUN echo child > /child\n'),
      'ctx/child': context('FROM rules-config\nRUN cat /child\n'),
    };
    const target = await h.both(['build', '--target', 'second', '-t', 'rules-stage', 'ctx/stages'], { contexts });
    expect(normalized(target.browser)).toEqual(normalized(target.kernel));
    expectSame(await h.both(['run', '--rm', 'rules-stage', 'cat', '/stage']));
    const config = await h.both(['build', '-t', 'rules-config', 'ctx/config'], { contexts });
    expect(normalized(config.browser)).toEqual(normalized(config.kernel));
    expectSame(await h.both(['image', 'inspect', '-f', '{{.Id}} {{json .Config.Shell}} {{json .Config.Healthcheck}} {{json .Config.OnBuild}}', 'rules-config']));
    const child = await h.both(['build', '-t', 'rules-child', 'ctx/child'], { contexts });
    expect(normalized(child.browser)).toEqual(normalized(child.kernel));
    expect(child.kernel.stdout).toContain('# Executing 1 build trigger');
    expectSame(await h.both(['history', '--no-trunc', '--format', '{{.CreatedBy}}', 'rules-child']));
  });

  parityIt("cd .. at / stays at / in box's sh", async () => {
    const r = await h.both(['run', '--rm', 'box', 'sh', '-c', 'cd /; cd ..; pwd; cd /tmp/../etc; echo $PWD']);
    expectSame(r);
    expect(r.kernel.stdout).toBe('/\n/etc\n');
  });
});
