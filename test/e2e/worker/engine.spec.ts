/**
 * The browser engine end to end in Chromium: the engine worker (IndexedDB stores, container
 * Workers) driven through comlink exactly as the playground drives it.
 */
import { test, expect, type Page } from '@playwright/test';
import { probeWasm } from './probe.ts';

declare global {
  interface Window {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    dockyard: any;
  }
}

const DOCKERFILE = 'FROM scratch\nCOPY probe /bin/probe\nENTRYPOINT ["/bin/probe"]\nCMD ["hello"]\n';

async function openPage(page: Page) {
  await page.goto('/test/browser/engine.html');
  await expect(page.locator('#status')).toHaveText('ready');
}

/** Build the probe image into database `db` as `probe:1`. */
async function buildProbe(page: Page, db: string) {
  return page.evaluate(
    async ([db, bytes, dockerfile]) => {
      const engine = window.dockyard.engine(db);
      const lines: string[] = [];
      const result = await engine.build({
        context: { Dockerfile: new TextEncoder().encode(dockerfile), probe: new Uint8Array(bytes) },
        tags: ['probe:1'],
        onProgress: (e: { stream?: string }) => e.stream && lines.push(e.stream),
      });
      return { result, output: lines.join('') };
    },
    [db, probeWasm(), DOCKERFILE] as const,
  );
}

test.describe('browser engine', () => {
  // Builds and runs on a 2-core machine shared with other suites: generous, not a timing claim.
  test.setTimeout(180_000);

  test('build an image from a Dockerfile, then run it: output streamed before the exit', async ({ page }) => {
    await openPage(page);
    const db = `t-run-${Date.now()}`;
    const built = await buildProbe(page, db);
    expect(built.output).toContain('Step 1/4 : FROM scratch');
    expect(built.result.Tags).toEqual(['probe:1']);
    const run = await page.evaluate((db) => window.dockyard.dockerRun(db, { Image: 'probe:1', HostConfig: { AutoRemove: true } }), db);
    expect(run.stdout).toBe('Hello from Dockyard!\n');
    expect(run.exit).toEqual({ StatusCode: 0, Error: null });
    expect(run.firstOutputAt).toBeGreaterThanOrEqual(0);
    expect(run.firstOutputAt).toBeLessThanOrEqual(run.exitAt);
    // --rm: gone once it exited.
    await expect.poll(() => page.evaluate((db) => window.dockyard.engine(db).listContainers({ all: true }).then((l: unknown[]) => l.length), db)).toBe(0);
  });

  test('pull box and hello-world from the site\'s built-in registry, run hello-world and box echo', async ({ page }) => {
    await openPage(page);
    const db = `t-pull-${Date.now()}`;
    const pulled = await page.evaluate(async (db) => {
      const engine = window.dockyard.engine(db);
      const events: string[] = [];
      const box = await engine.pull('box', { onProgress: (e: { status?: string }) => e.status && events.push(e.status) });
      const hello = await engine.pull('hello-world');
      return { box: box.RepoTags, os: box.Os, arch: box.Architecture, hello: hello.RepoTags, events };
    }, db);
    expect(pulled.box).toEqual(['box:latest']);
    expect(pulled.hello).toEqual(['hello-world:latest']);
    expect([pulled.os, pulled.arch]).toEqual(['wasi', 'wasm']);
    expect(pulled.events.join('\n')).toContain('Pull complete');
    const hello = await page.evaluate((db) => window.dockyard.dockerRun(db, { Image: 'hello-world', HostConfig: { AutoRemove: true } }), db);
    expect(hello.exit.StatusCode).toBe(0);
    expect(hello.stdout).toContain('Hello from Dockyard!');
    const echo = await page.evaluate((db) => window.dockyard.dockerRun(db, { Image: 'box', Cmd: ['echo', 'hi', 'there'], HostConfig: { AutoRemove: true } }), db);
    expect(echo).toMatchObject({ stdout: 'hi there\n', exit: { StatusCode: 0 } });
    const sh = await page.evaluate((db) => window.dockyard.dockerRun(db, { Image: 'box', Cmd: ['sh', '-c', 'echo $((6*7)) > /answer; cat /answer; cat /etc/hostname | wc -c'], Hostname: 'abc', HostConfig: { AutoRemove: true } }), db);
    expect(sh.stdout).toBe('42\n4\n');
    // Applets are symlinks to /bin/box: by name, by path and in a listing.
    const applets = await page.evaluate((db) => window.dockyard.dockerRun(db, { Image: 'box', Cmd: ['sh', '-c', '/bin/echo by-path; ls /bin | grep -c "^echo$"'], HostConfig: { AutoRemove: true } }), db);
    expect(applets.stdout).toBe('by-path\n1\n');
    // A second pull finds every layer: nothing is stored twice.
    const again = await page.evaluate(async (db) => {
      const engine = window.dockyard.engine(db);
      const events: string[] = [];
      await engine.pull('box', { onProgress: (e: { status?: string }) => e.status && events.push(e.status) });
      return events.join('\n');
    }, db);
    expect(again).toContain('Image is up to date');
  });

  test('containers of one image run one after another: none sees what another changed, each has its own hostname', async ({ page }) => {
    // A process Worker keeps the root of a container that changed no file for the next container
    // of the same image (worker/process/kept-root.ts): every change must still stay with its container.
    await openPage(page);
    const db = `t-roots-${Date.now()}`;
    const out = await page.evaluate(async (db) => {
      const engine = window.dockyard.engine(db);
      await engine.pull('box');
      const sh = async (script: string, extra: Record<string, unknown> = {}) => {
        const r = await window.dockyard.dockerRun(db, { Image: 'box', Cmd: ['sh', '-c', script], ...extra });
        return `${r.stdout}${r.stderr}[${r.exit.StatusCode}]`;
      };
      const o: Record<string, unknown> = {};
      o.first = await sh('cat /etc/hostname', { Hostname: 'first', HostConfig: { AutoRemove: true } });
      o.second = await sh('cat /etc/hostname', { Hostname: 'second', HostConfig: { AutoRemove: true } });
      o.wrote = await sh('echo x > /made; mkdir /dir; rm /bin/cat; mv /etc/passwd /moved; ls /made /dir', { HostConfig: { AutoRemove: true } });
      o.after = await sh('ls /made /dir /moved 2>&1; cat /etc/passwd | wc -l; cat /etc/hostname', { Hostname: 'after', HostConfig: { AutoRemove: true } });
      // Appended by a redirection of a spawned program (the host writes that file, not the guest).
      o.spawned = await sh('echo spawned >> /etc/motd; /bin/echo child >> /etc/motd; cat /etc/motd', { HostConfig: { AutoRemove: true } });
      o.clean = await sh('cat /etc/motd 2>&1', { HostConfig: { AutoRemove: true } });
      // A program compiled for one container is never run for another whose file differs.
      o.copied = await sh('cp /bin/box /tmp/echo; /tmp/echo one', { HostConfig: { AutoRemove: true } });
      o.replaced = await sh('echo not-a-program > /tmp/echo; /tmp/echo two', { HostConfig: { AutoRemove: true } });
      // Kept containers: diff shows the changes of the one that made them, nothing for the other.
      const { Id: quiet } = await engine.createContainer({ Image: 'box', Cmd: ['echo', 'quiet'] });
      await engine.startContainer(quiet);
      await engine.waitContainer(quiet, 'not-running');
      const { Id: busy } = await engine.createContainer({ Image: 'box', Cmd: ['sh', '-c', 'echo data > /tmp-file'] });
      await engine.startContainer(busy);
      await engine.waitContainer(busy, 'not-running');
      o.quietDiff = await engine.changes(quiet);
      o.busyDiff = await engine.changes(busy);
      o.afterBusy = await sh('cat /tmp-file 2>&1', { HostConfig: { AutoRemove: true } });
      return o;
    }, db);
    expect(out.first).toBe('first\n[0]');
    expect(out.second).toBe('second\n[0]');
    expect(out.wrote).toBe('/made\n\n/dir:\n[0]');
    expect(out.after).toBe('ls: /made: No such file or directory\nls: /dir: No such file or directory\nls: /moved: No such file or directory\n2\nafter\n[0]');
    expect(out.spawned).toBe('spawned\nchild\n[0]');
    expect(out.clean).toBe('cat: /etc/motd: No such file or directory\n[1]');
    expect(out.copied).toBe('one\n[0]');
    // Not a module: sh runs it as a script of its own, as it would have without the earlier container.
    expect(out.replaced).toBe('sh: not-a-program: not found\n[127]');
    expect(out.quietDiff).toEqual([]);
    expect(out.busyDiff).toEqual([{ Kind: 1, Path: '/tmp-file' }]);
    expect(out.afterBusy).toBe('cat: /tmp-file: No such file or directory\n[1]');
  });

  test('containers: create/start/wait/logs/inspect/ps/diff/commit/rm with Docker\'s rules', async ({ page }) => {
    await openPage(page);
    const db = `t-cmds-${Date.now()}`;
    await buildProbe(page, db);
    const r = await page.evaluate(async (db) => {
      const engine = window.dockyard.engine(db);
      const out: Record<string, unknown> = {};
      const { Id } = await engine.createContainer({ name: 'writer', Image: 'probe:1', Cmd: ['write', '/etc/greeting', 'hi'], Env: ['A=1'] });
      out.created = (await engine.inspectContainer('writer')).State.Status;
      await engine.startContainer(Id);
      out.wait = await engine.waitContainer(Id);
      const inspect = await engine.inspectContainer(Id);
      out.state = { Status: inspect.State.Status, ExitCode: inspect.State.ExitCode, OOMKilled: inspect.State.OOMKilled, finished: inspect.State.FinishedAt !== '0001-01-01T00:00:00Z' };
      out.ps = (await engine.listContainers()).length;
      out.psAll = (await engine.listContainers({ all: true })).map((c: { Names: string[] }) => c.Names[0]);
      out.diff = await engine.changes(Id);
      const { Id: imageId } = await engine.commit(Id, { repo: 'probe', tag: 'greeting' });
      out.committed = (await engine.inspectImage('probe:greeting')).Id === imageId;
      const read = await window.dockyard.dockerRun(db, { Image: 'probe:greeting', Cmd: ['read', '/etc/greeting'], HostConfig: { AutoRemove: true } });
      out.readBack = read.stdout;
      const failing = await window.dockyard.dockerRun(db, { name: 'failing', Image: 'probe:1', Cmd: ['stderr'] });
      out.logs = (await engine.logs(failing.Id, { stdout: true, stderr: true })).map((e: { stream: string; data: Uint8Array }) => `${e.stream}:${window.dockyard.decode(e.data)}`);
      const restarted = await engine.startContainer('failing').then(() => engine.waitContainer('failing'));
      out.restarted = restarted.StatusCode;
      out.logsAfterRestart = (await engine.logs('failing', { stderr: true })).length;
      out.rmRunningRefused = null;
      await engine.removeContainer('writer');
      out.afterRm = (await engine.listContainers({ all: true })).map((c: { Names: string[] }) => c.Names[0]);
      out.missing = await engine.inspectContainer('writer').catch((e: { code: string; message: string }) => `${e.code}: ${e.message}`);
      return out;
    }, db);
    expect(r.created).toBe('created');
    expect(r.wait).toEqual({ StatusCode: 0, Error: null });
    expect(r.state).toEqual({ Status: 'exited', ExitCode: 0, OOMKilled: false, finished: true });
    expect(r.ps).toBe(0);
    expect(r.psAll).toEqual(['/writer']);
    // FROM scratch has no /etc: both are added.
    expect(r.diff).toEqual([{ Path: '/etc', Kind: 1 }, { Path: '/etc/greeting', Kind: 1 }]);
    expect(r.committed).toBe(true);
    expect(r.readBack).toBe('hi');
    expect(r.logs).toEqual(['stderr:to stderr\n']);
    expect(r.restarted).toBe(0);
    expect(r.logsAfterRestart).toBe(2);
    expect(r.afterRm).toEqual(['/failing']);
    expect(r.missing).toMatch(/^not-found: /);
  });

  test('HOSTILE 29 + 30 through the engine: stop a runaway loop (137), --memory ends with OOMKilled', async ({ page }) => {
    await openPage(page);
    const db = `t-limits-${Date.now()}`;
    await buildProbe(page, db);
    const r = await page.evaluate(async (db) => {
      const engine = window.dockyard.engine(db);
      const { Id } = await engine.createContainer({ Image: 'probe:1', Cmd: ['loop'] });
      await engine.startContainer(Id);
      const running = (await engine.inspectContainer(Id)).State.Running;
      // The page stays responsive while the loop runs.
      const tick = await new Promise((resolve) => setTimeout(() => resolve('tick'), 10));
      await engine.stopContainer(Id, { timeout: 0 });
      const stopped = (await engine.inspectContainer(Id)).State;
      const oom = await window.dockyard.dockerRun(db, { Image: 'probe:1', Cmd: ['hog'], HostConfig: { Memory: 16 * 1024 * 1024 } });
      const oomState = (await engine.inspectContainer(oom.Id)).State;
      return { running, tick, stopped: [stopped.ExitCode, stopped.OOMKilled, stopped.Status], oom: [oom.exit.StatusCode, oomState.ExitCode, oomState.OOMKilled] };
    }, db);
    expect(r.running).toBe(true);
    expect(r.tick).toBe('tick');
    expect(r.stopped).toEqual([137, false, 'exited']);
    expect(r.oom).toEqual([137, 137, true]);
  });

  test('a command run again starts on the process made ready for it, with its own stdin, exec and output', async ({ page }) => {
    // After a container ends, its Worker makes the same command's process ready for the next
    // container of the image (process-worker.ts prepareSpare): the next one must still get its own
    // stdin channel, its own exec requests and its own output.
    await openPage(page);
    const db = `t-spare-${Date.now()}`;
    const r = await page.evaluate(async (db) => {
      const engine = window.dockyard.engine(db);
      await engine.pull('box');
      const Cmd = ['sh', '-c', 'read x; echo got:$x; cat /etc/hostname'];
      const first = await window.dockyard.dockerRun(db, { Image: 'box', Cmd, Hostname: 'one', HostConfig: { AutoRemove: true } });
      const { Id } = await engine.createContainer({ Image: 'box', Cmd, Hostname: 'two', OpenStdin: true, AttachStdin: true, HostConfig: { AutoRemove: true } });
      let out = '';
      const stream = await engine.attachContainer(Id, { stdin: true, stdout: true, stderr: true, onOutput: (_fd: number, d: Uint8Array) => (out += window.dockyard.decode(d)) });
      const exited = engine.waitContainer(Id, 'next-exit');
      await engine.startContainer(Id);
      // The main process waits in `read`: an exec is served meanwhile.
      const exec = await engine.createExec(Id, { Cmd: ['echo', 'from-exec'], AttachStdout: true });
      let execOut = '';
      await engine.startExec(exec.Id, { stdout: true, onOutput: (_fd: number, d: Uint8Array) => (execOut += window.dockyard.decode(d)) });
      for (let i = 0; i < 200 && (await engine.inspectExec(exec.Id)).Running; i++) await new Promise((r) => setTimeout(r, 20));
      await stream.write(new TextEncoder().encode('typed\n'));
      const exit = await exited;
      await stream.detach();
      const third = await window.dockyard.dockerRun(db, { Image: 'box', Cmd, Hostname: 'three', HostConfig: { AutoRemove: true } });
      return { first: first.stdout, second: out, execOut, exit: exit.StatusCode, third: third.stdout };
    }, db);
    expect(r.first).toBe('got:\none\n');
    expect(r.execOut).toBe('from-exec\n');
    expect(r.second).toBe('got:typed\ntwo\n');
    expect(r.exit).toBe(0);
    expect(r.third).toBe('got:\nthree\n');
  });

  test('interactive stdin through attach, exec and diff on a running container', async ({ page }) => {
    await openPage(page);
    const db = `t-it-${Date.now()}`;
    await buildProbe(page, db);
    const r = await page.evaluate(async (db) => {
      const engine = window.dockyard.engine(db);
      const { Id } = await engine.createContainer({ Image: 'probe:1', Cmd: ['cat'], OpenStdin: true, AttachStdin: true });
      let out = '';
      const stream = await engine.attachContainer(Id, { stdin: true, stdout: true, onOutput: (_fd: number, d: Uint8Array) => (out += window.dockyard.decode(d)) });
      await engine.startContainer(Id);
      await stream.write(new TextEncoder().encode('ping\n'));
      for (let i = 0; i < 200 && !out.includes('> ping'); i++) await new Promise((r) => setTimeout(r, 20));
      const echoed = out;
      // The main process waits for stdin: exec and diff are served meanwhile.
      const exec = await engine.createExec(Id, { Cmd: ['probe', 'write', '/made-by-exec', 'x'], AttachStdout: true });
      let execOut = '';
      await engine.startExec(exec.Id, { stdout: true, onOutput: (_fd: number, d: Uint8Array) => (execOut += window.dockyard.decode(d)) });
      for (let i = 0; i < 200 && (await engine.inspectExec(exec.Id)).Running; i++) await new Promise((r) => setTimeout(r, 20));
      const execState = await engine.inspectExec(exec.Id);
      const liveDiff = await engine.changes(Id);
      await stream.closeStdin();
      const wait = await engine.waitContainer(Id);
      return { echoed, execExit: execState.ExitCode, liveDiff, wait };
    }, db);
    expect(r.echoed).toBe('> ping\n');
    expect(r.execExit).toBe(0);
    expect(r.liveDiff).toEqual([{ Path: '/made-by-exec', Kind: 1 }]);
    expect(r.wait.StatusCode).toBe(0);
  });

  test('volumes keep their data across containers; images, tag, history, rmi, system df, save/load', async ({ page }) => {
    await openPage(page);
    const db = `t-img-${Date.now()}`;
    await buildProbe(page, db);
    const r = await page.evaluate(async (db) => {
      const engine = window.dockyard.engine(db);
      const out: Record<string, unknown> = {};
      await engine.createVolume({ Name: 'data' });
      await window.dockyard.dockerRun(db, { Image: 'probe:1', Cmd: ['write', '/data/f', 'in a volume'], HostConfig: { Binds: ['data:/data'], AutoRemove: true } });
      out.fromVolume = (await window.dockyard.dockerRun(db, { Image: 'probe:1', Cmd: ['read', '/data/f'], HostConfig: { Binds: ['data:/data'], AutoRemove: true } })).stdout;
      out.volumes = (await engine.listVolumes()).Volumes.map((v: { Name: string }) => v.Name);
      await engine.tag('probe:1', 'probe:again');
      out.images = (await engine.listImages()).flatMap((i: { RepoTags: string[] }) => i.RepoTags).sort();
      out.history = (await engine.history('probe:1')).map((h: { CreatedBy: string }) => h.CreatedBy);
      // With a second tag, rmi only untags.
      out.untag = await engine.removeImage('probe:again');
      const c = await engine.createContainer({ Image: 'probe:1' });
      out.rmiInUse = await engine.removeImage('probe:1').then(() => 'removed', (e: { code: string }) => e.code);
      await engine.removeContainer(c.Id);
      out.df = (await engine.diskUsage()).Images.length;
      const archive = await engine.saveImages(['probe:1']);
      out.rmi = (await engine.removeImage('probe:1')).map((x: object) => Object.keys(x)[0]);
      out.afterRmi = (await engine.listImages()).length;
      out.loaded = await engine.loadImages(archive);
      out.runLoaded = (await window.dockyard.dockerRun(db, { Image: 'probe:1', HostConfig: { AutoRemove: true } })).stdout;
      return out;
    }, db);
    expect(r.fromVolume).toBe('in a volume');
    expect(r.volumes).toEqual(['data']);
    expect(r.images).toEqual(['probe:1', 'probe:again']);
    expect(r.history).toHaveLength(3);
    expect(r.untag).toEqual([{ Untagged: 'probe:again' }]);
    expect(r.rmiInUse).toBe('conflict');
    expect(r.df).toBe(1);
    expect(r.rmi).toEqual(['Untagged', 'Deleted', 'Deleted']);
    expect(r.afterRmi).toBe(0);
    expect(r.loaded).toEqual(['probe:1']);
    expect(r.runLoaded).toBe('Hello from Dockyard!\n');
  });

  test('system and the rest: version, info, events, kill, logs -f/--tail/-t, layers, volume inspect/rm, prune', async ({ page }) => {
    await openPage(page);
    const db = `t-sys-${Date.now()}`;
    await buildProbe(page, db);
    const r = await page.evaluate(async (db) => {
      const engine = window.dockyard.engine(db);
      const out: Record<string, unknown> = {};
      out.ping = await engine.ping();
      const version = await engine.version();
      out.version = [version.Os, version.Arch];
      const info = await engine.info();
      out.info = [info.OSType, info.Images];
      const events: string[] = [];
      const unsubscribe = await engine.events((e: { Type: string; Action: string }) => events.push(`${e.Type} ${e.Action}`));
      const { Id } = await engine.createContainer({ name: 'sleeper', Image: 'probe:1', Cmd: ['sleep', '60000'] });
      await engine.startContainer(Id);
      const followed: string[] = [];
      const follow = engine.logs(Id, { follow: true, timestamps: true, onEntry: (e: { data: Uint8Array }) => followed.push(window.dockyard.decode(e.data)) });
      for (let i = 0; i < 200 && followed.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      await engine.resizeContainer(Id, 40, 120);
      await engine.killContainer(Id);
      out.killed = (await engine.waitContainer(Id)).StatusCode;
      await follow;
      out.followed = followed;
      const tail = await engine.logs(Id, { tail: 1, timestamps: true });
      out.tailTime = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z$/.test(tail[0].time);
      out.layers = (await engine.imageLayers('probe:1')).map((l: { emptyLayer: boolean; changes: Array<{ path: string; kind: string }> }) => [l.emptyLayer, l.changes.map((c) => `${c.kind} ${c.path}`)]);
      await engine.createVolume({ Name: 'v1' });
      out.volume = (await engine.inspectVolume('v1')).Name;
      await engine.removeVolume('v1');
      out.volumeGone = await engine.inspectVolume('v1').then(() => 'still there', (e: { code: string }) => e.code);
      await new Promise((r) => setTimeout(r, 50));
      unsubscribe();
      out.events = events;
      const pruned = await engine.prune({ all: true });
      out.pruned = [pruned.ContainersDeleted.length, pruned.ImagesDeleted.length > 0];
      out.after = [(await engine.listContainers({ all: true })).length, (await engine.listImages()).length];
      return out;
    }, db);
    expect(r.ping).toBe('OK');
    expect(r.version).toEqual(['wasi', 'wasm']);
    expect(r.info).toEqual(['wasi', 1]);
    expect(r.killed).toBe(137);
    expect(r.followed).toEqual(['sleeping\n']);
    expect(r.tailTime).toBe(true);
    // COPY adds a layer; ENTRYPOINT and CMD are metadata only (empty layers).
    expect(r.layers).toEqual([[false, ['A /bin', 'A /bin/probe']], [true, []], [true, []]]);
    expect(r.volume).toBe('v1');
    expect(r.volumeGone).toBe('not-found');
    expect(r.events).toEqual(expect.arrayContaining(['container create', 'container start', 'container kill', 'container die', 'volume create', 'volume destroy']));
    expect(r.pruned).toEqual([1, true]);
    expect(r.after).toEqual([0, 0]);
  });
});
