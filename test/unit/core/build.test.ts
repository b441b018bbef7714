import { describe, it, expect, afterEach, beforeAll } from 'vitest';
import { gzipSync } from 'fflate';
import type { BuildOptions } from '../../../engine/engine.ts';
import { writeTar } from '../../../engine/tar/tar-writer.ts';
import { layoutWithBox } from './support/shipped.ts';
import { makeHost, type TestHost } from './support/test-host.ts';
import { run } from './support/run.ts';
import type { Layout } from './support/oci-fixtures.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const hosts: TestHost[] = [];
let layout: Layout;
beforeAll(async () => {
  layout = await layoutWithBox();
});
afterEach(() => hosts.splice(0).forEach((h) => h.dispose()));

function host(): TestHost {
  const h = makeHost({ layout });
  hosts.push(h);
  return h;
}

/** Rename a tar member in place (same length), fixing the header checksum: a hostile archive. */
function renameEntry(tar: Uint8Array, from: string, to: string): void {
  const needle = enc(from);
  for (let at = 0; at + 512 <= tar.length; at += 512) {
    if (!needle.every((b, i) => tar[at + i] === b)) continue;
    tar.set(enc(to), at);
    tar.fill(0x20, at + 148, at + 156);
    const sum = tar.subarray(at, at + 512).reduce((n, b) => n + b, 0);
    tar.set(enc(sum.toString(8).padStart(6, '0') + '\0 '), at + 148);
    return;
  }
  throw new Error(`no member ${from}`);
}

function context(files: Record<string, string>): Record<string, Uint8Array> {
  return Object.fromEntries(Object.entries(files).map(([k, v]) => [k, enc(v)]));
}

async function build(h: TestHost, options: Omit<BuildOptions, 'onProgress'>): Promise<{ id: string; lines: string[]; status: string[] }> {
  const lines: string[] = [];
  const status: string[] = [];
  const result = await h.engine.build({ ...options, onProgress: (e) => (e.stream !== undefined ? lines.push(e.stream) : e.status && status.push(e.status)) });
  return { id: result.ImageId, lines: lines.join('').split('\n').filter(Boolean), status };
}

const APP = context({
  Dockerfile: [
    'FROM box',
    'ENV GREETING=hello',
    'WORKDIR /app',
    'COPY hello.txt .',
    'RUN echo "$GREETING from run" > /app/run.txt && cat /app/hello.txt',
    'CMD ["cat", "/app/run.txt"]',
    '',
  ].join('\n'),
  'hello.txt': 'hi from the context\n',
});

describe('build', () => {
  it("prints Docker's legacy builder steps and builds a runnable image", async () => {
    const h = host();
    const { id, lines, status } = await build(h, { context: APP, tags: ['app'] });
    expect(status[0]).toBe('Pulling from library/box');
    const short = id.slice(7, 19);
    const masked = lines.map((l) => l.replace(/ [0-9a-f]{12}$/, ' <id>'));
    expect(masked).toEqual([
      'Step 1/6 : FROM box',
      ' ---> <id>',
      'Step 2/6 : ENV GREETING=hello',
      ' ---> Running in <id>',
      ' ---> Removed intermediate container <id>',
      ' ---> <id>',
      'Step 3/6 : WORKDIR /app',
      ' ---> Running in <id>',
      ' ---> Removed intermediate container <id>',
      ' ---> <id>',
      'Step 4/6 : COPY hello.txt .',
      ' ---> <id>',
      'Step 5/6 : RUN echo "$GREETING from run" > /app/run.txt && cat /app/hello.txt',
      ' ---> Running in <id>',
      'hi from the context',
      ' ---> Removed intermediate container <id>',
      ' ---> <id>',
      'Step 6/6 : CMD ["cat", "/app/run.txt"]',
      ' ---> Running in <id>',
      ' ---> Removed intermediate container <id>',
      ' ---> <id>',
      'Successfully built <id>',
      'Successfully tagged app:latest',
    ]);
    expect(lines.at(-2)).toBe(`Successfully built ${short}`);
    expect(lines.at(-3)).toBe(` ---> ${short}`);
    const r = await run(h.engine, { Image: 'app' });
    expect(r.stdout).toBe('hello from run\n');
    const image = await h.engine.inspectImage('app');
    expect(image.Config).toMatchObject({ Cmd: ['cat', '/app/run.txt'], WorkingDir: '/app' });
    expect(image.Config.Env).toContain('GREETING=hello');
    const history = await h.engine.history('app');
    expect(history.map((e) => e.CreatedBy)).toEqual([
      '/bin/sh -c #(nop)  CMD ["cat" "/app/run.txt"]',
      '/bin/sh -c echo "$GREETING from run" > /app/run.txt && cat /app/hello.txt',
      expect.stringMatching(/^\/bin\/sh -c #\(nop\) COPY file:[0-9a-f]{64} in \. $/),
      '/bin/sh -c #(nop) WORKDIR /app',
      '/bin/sh -c #(nop)  ENV GREETING=hello',
      'CMD ["sh"]',
      'ADD box-rootfs / # images/box: /bin/box and its applets',
    ]);
    expect(history.map((e) => e.Size)).toEqual([0, 'hello from run\n'.length, 'hi from the context\n'.length, 0, 0, 0, history.at(-1)!.Size]);
    expect(history[0].Id).toBe(id);
    expect(history[5].Id).toBe((await h.engine.inspectImage('box')).Id);
    expect((await h.engine.inspectImage('app')).RootFS.Layers).toHaveLength(4);
  });

  it('uses the cache on a second build and gives the same image ID; a changed file busts it from its COPY on', async () => {
    const h = host();
    const first = await build(h, { context: APP, tags: ['app'] });
    const second = await build(h, { context: APP, tags: ['app'] });
    expect(second.id).toBe(first.id);
    expect(second.lines.filter((l) => l === ' ---> Using cache')).toHaveLength(5);
    expect(second.lines.some((l) => l.startsWith(' ---> Running in'))).toBe(false);
    const changed = await build(h, { context: { ...APP, 'hello.txt': enc('changed\n') } });
    expect(changed.lines.filter((l) => l === ' ---> Using cache')).toHaveLength(2);
    expect(changed.lines).toContain('changed');
    const fresh = await build(h, { context: APP, noCache: true });
    expect(fresh.lines).not.toContain(' ---> Using cache');
    expect(fresh.id).toBe(first.id);
  });

  it('gives the same image ID on another engine (the parity rule)', async () => {
    const a = await build(host(), { context: APP });
    const b = await build(host(), { context: APP });
    expect(b.id).toBe(a.id);
  });

  it("fails a RUN that exits non-zero with Docker's message and tags nothing", async () => {
    const h = host();
    const err = await h.engine
      .build({ context: context({ Dockerfile: 'FROM box\nRUN echo before; false\n' }), tags: ['bad'] })
      .then(() => undefined, (e: Error) => e);
    expect(err?.message).toBe("The command '/bin/sh -c echo before; false' returned a non-zero code: 1");
    expect((await h.engine.listImages()).flatMap((i) => i.RepoTags)).toEqual(['box:latest']);
  });

  it('honours .dockerignore, globs and directory sources, and Docker destination rules', async () => {
    const h = host();
    const ctx = context({
      Dockerfile: 'FROM box\nCOPY *.txt /docs/\nCOPY src /code\nCOPY one.md /single.md\nCMD ["sh", "-c", "ls /docs /code; cat /single.md"]\n',
      '.dockerignore': '# secrets\nsecret.txt\nsrc/**/*.log\n',
      'a.txt': 'a',
      'b.txt': 'b',
      'secret.txt': 'hidden',
      'one.md': 'one\n',
      'src/main.c': 'int main;',
      'src/deep/x.log': 'log',
      'src/deep/y.c': 'y',
    });
    await build(h, { context: ctx, tags: ['ctx'] });
    const r = await run(h.engine, { Image: 'ctx' });
    expect(r.stdout).toBe('/code:\ndeep\nmain.c\n\n/docs:\na.txt\nb.txt\none\n');
    const many = await h.engine.build({ context: context({ Dockerfile: 'FROM box\nCOPY a.txt b.txt /dest\n', 'a.txt': '', 'b.txt': '' }) }).then(() => undefined, (e: Error) => e);
    expect(many?.message).toBe('When using COPY with more than one source file, the destination must be a directory and end with a /');
    const missing = await h.engine.build({ context: context({ Dockerfile: 'FROM box\nCOPY secret.txt /\n', 'secret.txt': 'x', '.dockerignore': 'secret.txt' }) }).then(() => undefined, (e: Error) => e);
    expect(missing?.message).toBe('COPY failed: file not found in build context or excluded by .dockerignore: stat secret.txt: file does not exist');
  });

  it('passes build args to RUN and records them in history; multi-stage COPY --from', async () => {
    const h = host();
    const ctx = context({
      Dockerfile: ['FROM box AS make', 'ARG WHO=nobody', 'RUN echo "made by $WHO" > /artifact', 'FROM box', 'COPY --from=make /artifact /artifact', 'CMD ["cat", "/artifact"]', ''].join('\n'),
    });
    const { lines } = await build(h, { context: ctx, tags: ['multi'], buildArgs: { WHO: 'tester' } });
    expect(lines.filter((l) => l.startsWith('Step ')).map((l) => l.split(' : ')[0])).toEqual(['Step 1/6', 'Step 2/6', 'Step 3/6', 'Step 4/6', 'Step 5/6', 'Step 6/6']);
    expect((await run(h.engine, { Image: 'multi' })).stdout).toBe('made by tester\n');
    expect(lines.at(-3)).toMatch(/^ ---> [0-9a-f]{12}$/);
    const unused = await build(h, { context: ctx, buildArgs: { WHO: 'tester', EXTRA: '1' } });
    expect(unused.lines).toContain('[Warning] One or more build-args [EXTRA] were not consumed');
    const history = await h.engine.history('multi');
    expect(history.map((e) => e.CreatedBy)).toContain(history.find((e) => e.CreatedBy.includes('COPY'))!.CreatedBy);
  });

  it('unpacks a local tar archive named by ADD, confined to the root', async () => {
    const h = host();
    const archive = writeTar([
      { type: 'dir', path: 'pkg' },
      { type: 'file', path: 'pkg/readme', content: enc('from the archive\n') },
      { type: 'symlink', path: 'pkg/link', target: 'readme' },
      { type: 'file', path: 'aa/aa/escape', content: enc('x') },
    ]);
    renameEntry(archive, 'aa/aa/escape', '../../escape');
    const bad = await h.engine.build({ context: { Dockerfile: enc('FROM box\nADD bundle.tar.gz /opt/\n'), 'bundle.tar.gz': gzipSync(archive) } }).then(() => undefined, (e: Error & { code?: string }) => e);
    expect(bad?.code).toBe('invalid-content');
    const good = writeTar([
      { type: 'dir', path: 'pkg' },
      { type: 'file', path: 'pkg/readme', content: enc('from the archive\n') },
      { type: 'symlink', path: 'pkg/link', target: 'readme' },
    ]);
    await build(h, { context: { Dockerfile: enc('FROM box\nADD bundle.tar.gz /opt\nCOPY bundle.tar.gz /raw/\nCMD ["sh", "-c", "cat /opt/pkg/link; ls /raw"]\n'), 'bundle.tar.gz': gzipSync(good) }, tags: ['unpacked'] });
    expect((await run(h.engine, { Image: 'unpacked' })).stdout).toBe('from the archive\nbundle.tar.gz\n');
  });

  it('adds --label as a last step, and prints only the ID with quiet', async () => {
    const h = host();
    const events: Array<{ stream?: string; aux?: { ID?: string } }> = [];
    const result = await h.engine.build({ context: context({ Dockerfile: 'FROM box\nCMD ["true"]\n' }), labels: { team: 'docs' }, quiet: true, onProgress: (e) => events.push(e) });
    expect(events.filter((e) => e.stream)).toEqual([]);
    expect(events.filter((e) => e.aux)).toEqual([{ aux: { ID: result.ImageId } }]);
    expect((await h.engine.inspectImage(result.ImageId)).Config.Labels).toEqual({ team: 'docs' });
    const { lines } = await build(h, { context: context({ Dockerfile: 'FROM box\nCMD ["true"]\n' }), labels: { team: 'docs' } });
    expect(lines.filter((l) => l.startsWith('Step 3/3 : LABEL'))).toEqual(['Step 3/3 : LABEL "team"="docs"']);
  });

  it('fails FROM an image no registry has', async () => {
    const h = host();
    const e = await h.engine.build({ context: context({ Dockerfile: 'FROM nothere\n' }) }).then(() => undefined, (e: Error & { code?: string }) => e);
    expect(e?.code).toBe('not-found');
  });

  it('refuses a missing Dockerfile and reports a parse error with its line', async () => {
    const h = host();
    const none = await h.engine.build({ context: {} }).then(() => undefined, (e: Error & { code?: string }) => e);
    expect(none?.message).toBe('Cannot locate specified Dockerfile: Dockerfile');
    const bad = await h.engine.build({ context: context({ Dockerfile: 'FROM box\nNOPE x\n' }) }).then(() => undefined, (e: Error & { code?: string }) => e);
    expect(bad?.code).toBe('invalid-argument');
    expect(bad?.message).toMatch(/line 2/);
  });
});
