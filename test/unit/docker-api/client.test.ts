/**
 * DockerApiEngine round trips: the same sequence of Engine calls, once on the core directly and
 * once through the client -> HTTP/WebSocket -> handler -> core, must give the same results
 * (container and exec IDs are random, so they are compared by their order of appearance).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { DockerApiEngine, type WebSocketConstructor } from '../../../engine/docker-api/client.ts';
import type { Engine, EngineEvent, ProgressEvent } from '../../../engine/engine.ts';
import { EngineError } from '../../../engine/errors.ts';
import { layoutWithBox } from '../core/support/shipped.ts';
import { makeHost, type TestHost } from '../core/support/test-host.ts';
import { eventually, run } from '../core/support/run.ts';
import { startApiHost, type ApiHost } from './support/api-host.ts';

vi.setConfig({ testTimeout: 30_000 });
const CLOCK = Date.parse('2026-11-20T10:00:00Z');
const enc = new TextEncoder();
const dec = new TextDecoder();
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function direct(): Promise<TestHost> {
  const h = makeHost({ layout: await layoutWithBox(), clock: CLOCK });
  cleanups.push(() => h.dispose());
  return h;
}

async function remote(options: { token?: string } = {}): Promise<{ api: ApiHost; engine: DockerApiEngine }> {
  const api = await startApiHost({ pullBox: false, clock: CLOCK });
  cleanups.push(() => api.dispose());
  const engine = new DockerApiEngine({ baseUrl: api.listener.url, WebSocket: WebSocket as unknown as WebSocketConstructor, ...options });
  return { api, engine };
}

async function outcome<T>(p: Promise<T>): Promise<{ ok: T } | { error: { code: string; message: string } }> {
  try {
    return { ok: await p };
  } catch (e) {
    expect(e).toBeInstanceOf(EngineError);
    return { error: { code: (e as EngineError).code, message: (e as EngineError).message } };
  }
}

/** Replace the random IDs (64 hex of containers and execs, and their 12-char short forms) by their order. */
function normalize(value: unknown, randomIds: string[]): unknown {
  let text = JSON.stringify(value);
  randomIds.forEach((id, i) => {
    text = text.split(id).join(`<id${i}>`).split(id.slice(0, 12)).join(`<short${i}>`);
  });
  // the builder's intermediate containers are random too
  text = text.replace(/(Running in |Removed intermediate container )[0-9a-f]{12}/g, '$1<step>');
  return JSON.parse(text);
}

/** The sequence: images, a run with stdin, a named container's life, exec, volumes, errors, build, save/load. */
async function scenario(engine: Engine): Promise<{ observed: unknown[]; ids: string[] }> {
  const observed: unknown[] = [];
  const ids: string[] = [];
  const see = (label: string, v: unknown) => observed.push([label, v]);

  see('ping', await engine.ping());
  const v = await engine.version();
  see('version', { ApiVersion: v.ApiVersion, MinAPIVersion: v.MinAPIVersion, Os: v.Os, Arch: v.Arch });
  const progress: ProgressEvent[] = [];
  see('pull', await engine.pull('box', { onProgress: (e) => progress.push(e) }));
  see('pull progress', progress);
  see('pull missing', await outcome(engine.pull('nosuch')));
  see('images', await engine.listImages());
  see('history', await engine.history('box'));
  see('layers', await engine.imageLayers('box'));
  await engine.tag('box', 'rt/copy:1');
  see('inspect tagged', await engine.inspectImage('rt/copy:1'));
  see('rmi', await engine.removeImage('rt/copy:1'));
  see('rmi missing', await outcome(engine.removeImage('rt/copy:1')));

  const r1 = await run(engine, { Image: 'box', Cmd: ['sh', '-c', 'cat; echo err >&2; exit 3'], name: 'rt-run' }, { stdin: 'through stdin\n' });
  ids.push(r1.id);
  see('run', { code: r1.code, stdout: r1.stdout, stderr: r1.stderr });
  see('inspect run', await engine.inspectContainer('rt-run'));
  see('logs', (await engine.logs('rt-run')).map((e) => [e.stream, e.time, dec.decode(e.data)]));
  see('logs tail', (await engine.logs('rt-run', { tail: 1, stderr: false })).map((e) => dec.decode(e.data)));
  const tty = await run(engine, { Image: 'box', Cmd: ['sh', '-c', 'echo tty out'], Tty: true, name: 'rt-tty' });
  ids.push(tty.id);
  see('tty run', { code: tty.code, stdout: tty.stdout });
  see('tty logs', (await engine.logs('rt-tty')).map((e) => [e.stream, dec.decode(e.data)]));

  const made = await engine.createContainer({ Image: 'box', Cmd: ['sh', '-c', 'echo x > /tmp/made; rm /etc/hostname'], name: 'rt-diff', Labels: { k: 'v' } });
  ids.push(made.Id);
  see('create', made);
  see('create again', await outcome(engine.createContainer({ Image: 'box', name: 'rt-diff' })));
  await engine.startContainer('rt-diff');
  see('wait', await engine.waitContainer('rt-diff'));
  see('start exited twice', await outcome(engine.stopContainer('rt-diff')));
  see('changes', await engine.changes('rt-diff'));
  const committed = await engine.commit('rt-diff', { repo: 'rt-committed', tag: '1', changes: ['CMD ["cat", "/tmp/made"]'] });
  see('commit', committed);
  see('list all', (await engine.listContainers({ all: true })).sort((x, y) => x.Names[0].localeCompare(y.Names[0])));

  const bg = await engine.createContainer({ Image: 'box', Cmd: ['sleep', '60'], name: 'rt-bg' });
  ids.push(bg.Id);
  await engine.startContainer('rt-bg');
  see('start twice', await outcome(engine.startContainer('rt-bg')));
  see('rm running', await outcome(engine.removeContainer('rt-bg')));
  const events: EngineEvent[] = [];
  const off = await engine.events((e) => events.push(e));
  const exec = await engine.createExec('rt-bg', { Cmd: ['sh', '-c', 'cat; echo e-err >&2; exit 5'], AttachStdin: true, AttachStdout: true, AttachStderr: true });
  ids.push(exec.Id);
  let execOut = '';
  let died: (code: number) => void = () => {};
  const execEnded = new Promise<number>((resolve) => (died = resolve));
  const off2 = await engine.events((e) => {
    if (e.Action === 'exec_die' && e.Actor.Attributes.execID === exec.Id) died(Number(e.Actor.Attributes.exitCode));
  });
  const stream = await engine.startExec(exec.Id, { stdin: true, onOutput: (s, d) => (execOut += `${s}:${dec.decode(d)}`) });
  await stream.write(enc.encode('exec input\n'));
  await stream.closeStdin();
  const code = await execEnded;
  // the exec's end is heard only after all its output
  see('exec', { code, execOut });
  see('inspect exec', await engine.inspectExec(exec.Id));
  off2();
  await engine.killContainer('rt-bg');
  see('kill stopped', await outcome(engine.killContainer('rt-bg')));
  see('wait killed', await engine.waitContainer('rt-bg'));
  await engine.removeContainer('rt-bg');
  // events from a remote engine arrive over their own stream: wait for the last one before leaving
  await eventually(async () => events.some((e) => e.Action === 'destroy'));
  off();
  see('events', events.map((e) => [e.Type, e.Action, e.Actor.ID, e.Actor.Attributes]));

  see('volume create', await engine.createVolume({ Name: 'rtvol', Labels: { a: 'b' } }));
  see('volumes', await engine.listVolumes());
  see('volume inspect', await engine.inspectVolume('rtvol'));
  await engine.removeVolume('rtvol');
  see('volume gone', await outcome(engine.inspectVolume('rtvol')));

  const buildProgress: ProgressEvent[] = [];
  const built = await engine.build({
    context: { Dockerfile: enc.encode('FROM box\nARG WHO\nRUN echo "hi $WHO" > /greeting\nCMD ["cat", "/greeting"]\n'), 'extra.txt': enc.encode('x') },
    tags: ['rt-built'],
    buildArgs: { WHO: 'there' },
    onProgress: (e) => buildProgress.push(e),
  });
  see('build', built);
  see('build progress', buildProgress);
  see('bad build', await outcome(engine.build({ context: { Dockerfile: enc.encode('FROM box\nNOPE x\n') } })));
  const archive = await engine.saveImages(['rt-built']);
  see('save size', archive.length);
  await engine.removeImage('rt-built');
  const loadProgress: ProgressEvent[] = [];
  see('load', await engine.loadImages(archive, { onProgress: (e) => loadProgress.push(e) }));
  see('load progress', loadProgress);
  see('missing container', await outcome(engine.inspectContainer('nosuch')));
  const df = await engine.diskUsage();
  // with one fixed clock, containers created at the same instant are listed in ID order: random
  see('df', { ...df, Containers: df.Containers.sort((x, y) => x.Names[0].localeCompare(y.Names[0])) });
  see('info', await engine.info());
  return { observed, ids };
}

describe('DockerApiEngine', () => {
  it('gives the same results as the core for the same sequence of calls', async () => {
    const local = await direct();
    const { engine } = await remote();
    const a = await scenario(local.engine);
    const b = await scenario(engine);
    const left = normalize(a.observed, a.ids) as Array<[string, unknown]>;
    const right = normalize(b.observed, b.ids) as Array<[string, unknown]>;
    expect(right.map(([label]) => label)).toEqual(left.map(([label]) => label));
    for (let i = 0; i < left.length; i++) expect(right[i], `${left[i][0]}`).toEqual(left[i]);
  }, 120_000);

  it('rebuilds errors with the code of their status and Docker\'s message', async () => {
    const { engine } = await remote();
    await engine.pull('box');
    const missing = await outcome(engine.inspectContainer('nosuch'));
    expect(missing).toEqual({ error: { code: 'not-found', message: 'No such container: nosuch' } });
    const refused = await outcome(engine.createContainer({ Image: 'box', HostConfig: { Binds: ['/etc:/host'] } }));
    expect(refused).toMatchObject({ error: { code: 'invalid-argument' } });
    const unreachable = new DockerApiEngine({ baseUrl: 'http://127.0.0.1:1' });
    expect(await outcome(unreachable.ping())).toMatchObject({ error: { code: 'unavailable' } });
  });

  it('sends its token as the header and as a WebSocket subprotocol', async () => {
    const { api, engine } = await remote({ token: 'tok123' });
    const seen: string[] = [];
    api.listener.server.prependListener('request', (req) => seen.push(`http ${req.headers['x-dockyard-token']}`));
    api.listener.server.prependListener('upgrade', (req) => seen.push(`ws ${req.headers['sec-websocket-protocol']}`));
    await engine.pull('box');
    const r = await run(engine, { Image: 'box', Cmd: ['echo', 'x'] });
    expect(r.stdout).toBe('x\n');
    expect(seen).toContain('http tok123');
    expect(seen.filter((s) => s.startsWith('ws '))).toEqual([expect.stringMatching(/^ws dockyard\.attach\.v1, ?dockyard\.token\.tok123$/)]);
  });

  it('rejects an attach to a missing container with not-found, over the WebSocket', async () => {
    const { engine } = await remote();
    expect(await outcome(engine.attachContainer('nosuch', { onOutput: () => {} }))).toEqual({ error: { code: 'not-found', message: 'No such container: nosuch' } });
    expect(await outcome(engine.startExec('nosuch', { onOutput: () => {} }))).toEqual({ error: { code: 'not-found', message: 'No such exec instance: nosuch' } });
  });
});
