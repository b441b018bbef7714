/**
 * Healthchecks on the engine core (engine/core/health.ts, health-config.ts) with the test host:
 * the probe runs as an exec in the running container, State.Health as Docker 20.10 shows it
 * (checked against dockerd 20.10.24), `docker ps` STATUS and `--filter health=`, the events, and
 * the create-time checks. Probes run every 10-20 ms here; every wait is for a state, not a time.
 */
import { describe, expect, it } from 'vitest';
import type { ContainerCreate, EngineEvent, HealthState } from '../../../engine/engine.ts';
import type { TestHost } from './support/test-host.ts';
import { boxHosts } from './support/box-hosts.ts';
import { eventually } from './support/run.ts';
import { docker } from '../cli/fake-engine.ts';
import { createEngine } from '../../../engine/core/create-engine.ts';

const boxes = boxHosts();
const MS = 1e6;

async function started(h: TestHost, create: Omit<ContainerCreate, 'Image'>): Promise<{ id: string; events: EngineEvent[] }> {
  const { Id } = await h.engine.createContainer({ Image: 'box', Cmd: ['sleep', '1000'], ...create });
  const events: EngineEvent[] = [];
  h.engine.events((e) => {
    if (e.Actor.ID === Id) events.push(e);
  });
  await h.engine.startContainer(Id);
  return { id: Id, events };
}

async function health(h: TestHost, id: string): Promise<HealthState | undefined> {
  return (await h.engine.inspectContainer(id)).State.Health;
}

/** Wait (bounded: ~60 s) until the container's health satisfies `test`, then give it. */
async function healthWhen(h: TestHost, id: string, test: (s: HealthState) => boolean): Promise<HealthState> {
  let last: HealthState | undefined;
  await eventually(async () => {
    last = await health(h, id);
    return last !== undefined && test(last);
  }, 6000);
  return last!;
}

async function stopped(h: TestHost, id: string): Promise<void> {
  await h.engine.killContainer(id);
}

describe('a probe that passes', () => {
  it('starting at start, healthy after the first probe, its output in the log; ps says so', async () => {
    const h = await boxes.host({ pulled: true });
    const { id, events } = await started(h, { Healthcheck: { Test: ['CMD-SHELL', 'echo hi'], Interval: 10 * MS } });
    expect(await health(h, id)).toEqual({ Status: 'starting', FailingStreak: 0, Log: [] });
    expect((await docker(h.engine, `docker ps --format '{{.Status}}' --filter id=${id}`)).stdout).toBe('Up Less than a second (health: starting)\n');
    const s = await healthWhen(h, id, (x) => x.Status === 'healthy');
    expect(s.FailingStreak).toBe(0);
    expect(s.Log[0]).toMatchObject({ ExitCode: 0, Output: 'hi\n' });
    expect(s.Log[0].Start).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    expect((await docker(h.engine, `docker ps --format '{{.Status}}' --filter health=healthy`)).stdout).toBe('Up Less than a second (healthy)\n');
    expect((await h.engine.listContainers()).find((c) => c.Id === id)?.Health).toEqual({ Status: 'healthy', FailingStreak: 0 });
    // The probe is an exec with the events of one (CMD-SHELL runs under /bin/sh -c), then one health_status.
    const actions = events.map((e) => e.Action);
    expect(actions).toContain('exec_create: /bin/sh -c echo hi');
    expect(actions).toContain('exec_die');
    // As dockerd 20.10's: exec events name the exec, the image and the container.
    expect(events.find((e) => e.Action === 'exec_die')?.Actor.Attributes).toEqual({ execID: expect.any(String), exitCode: '0', image: 'box', name: expect.any(String) });
    expect(actions.filter((a) => a.startsWith('health_status'))).toEqual(['health_status: healthy']);
    expect(events.find((e) => e.Action === 'health_status: healthy')?.Actor.Attributes).toEqual({ image: 'box', name: expect.any(String) });
    // Only the last five results are kept.
    await healthWhen(h, id, (x) => x.Log.length === 5);
    await eventually(async () => events.filter((e) => e.Action === 'exec_die').length >= 7);
    expect((await health(h, id))!.Log).toHaveLength(5);
    // The probes' exec records are not kept in the store.
    expect(await h.metadata.list('execs')).toEqual([]);
    await stopped(h, id);
  });
});

describe('a probe that fails', () => {
  it('unhealthy after Retries failures in a row, the exit code and output kept; stopped: unhealthy', async () => {
    const h = await boxes.host({ pulled: true });
    const { id, events } = await started(h, { Healthcheck: { Test: ['CMD-SHELL', 'echo bad >&2; exit 3'], Interval: 10 * MS, Retries: 2 } });
    const s = await healthWhen(h, id, (x) => x.Status === 'unhealthy');
    expect(s.FailingStreak).toBeGreaterThanOrEqual(2);
    for (const r of s.Log) expect(r).toMatchObject({ ExitCode: 3, Output: 'bad\n' });
    const dies = events.map((e) => e.Action).filter((a) => a === 'exec_die' || a.startsWith('health_status'));
    // No status change before the second failure.
    expect(dies.slice(0, 3)).toEqual(['exec_die', 'exec_die', 'health_status: unhealthy']);
    expect((await docker(h.engine, `docker ps --format '{{.Status}}' --filter health=unhealthy`)).stdout).toBe('Up Less than a second (unhealthy)\n');
    await stopped(h, id);
    const after = await health(h, id);
    expect(after?.Status).toBe('unhealthy');
    expect((await docker(h.engine, `docker ps -a --format '{{.Status}}' --filter health=unhealthy`)).stdout).toMatch(/^Exited \(137\) /);
  });

  it('a probe past its Timeout is killed and fails with -1 and Docker\'s words', async () => {
    const h = await boxes.host({ pulled: true });
    const { id } = await started(h, { Healthcheck: { Test: ['CMD', 'sleep', '100'], Interval: 10 * MS, Timeout: 50 * MS, Retries: 1 } });
    const s = await healthWhen(h, id, (x) => x.Status === 'unhealthy');
    expect(s.Log[0]).toMatchObject({ ExitCode: -1, Output: 'Health check exceeded timeout (50ms)' });
    await stopped(h, id);
  });

  it('a timed-out probe that outlives its kill (the browser cannot kill an exec) is failed at the timeout, and the next waits for it', async () => {
    const h = await boxes.host({ pulled: true });
    const inner = h.ports.runtime;
    let starts = 0;
    // The container's process is the first start of its snapshot; the probes come after it, unkillable.
    h.ports.runtime = {
      ...inner,
      start: async (key, spec, io) => {
        const p = await inner.start(key, spec, io);
        return starts++ === 0 ? p : { ...p, kill: () => {}, exited: p.exited, writeStdin: (d) => p.writeStdin(d), closeStdin: () => p.closeStdin() };
      },
    };
    const { id, events } = await started(h, { Healthcheck: { Test: ['CMD', 'sleep', '1'], Interval: 10 * MS, Timeout: 50 * MS, Retries: 1 } });
    const s = await healthWhen(h, id, (x) => x.Status === 'unhealthy');
    expect(s.Log).toEqual([expect.objectContaining({ ExitCode: -1, Output: 'Health check exceeded timeout (50ms)' })]);
    // Failed while its exec still ran; no second probe began before it ended.
    const actions = () => events.map((e) => e.Action.replace(/:.*/, ''));
    expect(actions().filter((a) => a === 'exec_create' || a === 'exec_die')).toEqual(['exec_create']);
    await eventually(async () => actions().includes('exec_die'), 6000);
    await eventually(async () => actions().filter((a) => a === 'exec_create').length === 2, 6000);
    expect(actions().filter((a) => a === 'exec_create' || a === 'exec_die').slice(0, 3)).toEqual(['exec_create', 'exec_die', 'exec_create']);
    await stopped(h, id);
    await eventually(async () => actions().filter((a) => a === 'exec_die').length === 2, 6000);
  });

  it('a probe whose program cannot start fails with -1 and the exec error', async () => {
    const h = await boxes.host({ pulled: true });
    const { id } = await started(h, { Healthcheck: { Test: ['CMD', 'nonexistent'], Interval: 10 * MS, Retries: 1 } });
    const s = await healthWhen(h, id, (x) => x.Status === 'unhealthy');
    expect(s.Log[0]).toMatchObject({ ExitCode: -1, Output: 'OCI runtime exec failed: exec failed: unable to start container process: exec: "nonexistent": executable file not found in $PATH: unknown' });
    await stopped(h, id);
  });

  it('failures within StartPeriod of the start do not count while starting', async () => {
    const h = await boxes.host({ pulled: true });
    const { id } = await started(h, { Healthcheck: { Test: ['CMD-SHELL', 'exit 1'], Interval: 10 * MS, Retries: 1, StartPeriod: 3600_000 * MS } });
    // The host's clock stands still: every probe is within the start period.
    const s = await healthWhen(h, id, (x) => x.Log.length >= 3);
    expect(s).toMatchObject({ Status: 'starting', FailingStreak: 0 });
    h.clock.now += 2 * 3600_000;
    const later = await healthWhen(h, id, (x) => x.Status === 'unhealthy');
    expect(later.FailingStreak).toBe(1);
    await stopped(h, id);
  });

  it('output past 4096 bytes is cut and marked with "..."', async () => {
    const h = await boxes.host({ pulled: true });
    const script = 'x=0123456789; x=$x$x$x$x$x$x$x$x$x$x; x=$x$x$x$x$x$x$x$x$x$x; echo -n $x$x$x$x$x';
    const { id } = await started(h, { Healthcheck: { Test: ['CMD-SHELL', script], Interval: 10 * MS } });
    const s = await healthWhen(h, id, (x) => x.Status === 'healthy');
    expect(s.Log[0].Output).toBe('0123456789'.repeat(410).slice(0, 4096) + '...');
    await stopped(h, id);
  });
});

describe('an engine that opens over stores a running container was left in', () => {
  it('marks it exited and its health unhealthy (recovery.ts)', async () => {
    const h = await boxes.host({ pulled: true });
    const { id } = await started(h, { Healthcheck: { Test: ['CMD-SHELL', 'true'], Interval: 10 * MS } });
    await healthWhen(h, id, (x) => x.Status === 'healthy');
    // As a restart would find it: the store has the running, healthy record.
    await eventually(async () => (await h.metadata.get<{ State: { Health?: HealthState } }>('containers', id))?.State.Health?.Status === 'healthy');
    const again = createEngine(h.ports);
    expect((await again.inspectContainer(id)).State).toMatchObject({ Status: 'exited', Running: false, Health: { Status: 'unhealthy', FailingStreak: 0 } });
    await stopped(h, id);
  });
});

describe('the healthcheck a container gets', () => {
  it("takes the image's HEALTHCHECK, field by field under the request's; NONE and no probe give no State.Health", async () => {
    const h = await boxes.host({ pulled: true });
    const enc = new TextEncoder();
    await h.engine.build({ context: { Dockerfile: enc.encode('FROM box\nHEALTHCHECK --interval=5s --retries=4 CMD echo from-image\n') }, tags: ['hc'] });
    const plain = await h.engine.createContainer({ Image: 'hc', Cmd: ['sleep', '1000'] });
    expect((await h.engine.inspectContainer(plain.Id)).Config.Healthcheck).toEqual({ Test: ['CMD-SHELL', 'echo from-image'], Interval: 5000 * MS, Retries: 4 });
    const faster = await h.engine.createContainer({ Image: 'hc', Cmd: ['sleep', '1000'], Healthcheck: { Test: [], Interval: 10 * MS } });
    expect((await h.engine.inspectContainer(faster.Id)).Config.Healthcheck).toEqual({ Test: ['CMD-SHELL', 'echo from-image'], Interval: 10 * MS, Retries: 4 });
    await h.engine.startContainer(faster.Id);
    expect((await healthWhen(h, faster.Id, (x) => x.Status === 'healthy')).Log[0].Output).toBe('from-image\n');
    await stopped(h, faster.Id);
    // A created container has no State.Health until it starts.
    expect((await h.engine.inspectContainer(plain.Id)).State.Health).toBeUndefined();
    const none = await started(h, { Healthcheck: { Test: ['NONE'] } });
    expect((await h.engine.inspectContainer(none.id)).State.Health).toBeUndefined();
    expect((await docker(h.engine, `docker ps --format '{{.Status}}' --filter health=none`)).stdout).toBe('Up Less than a second\n');
    await stopped(h, none.id);
  });

  it("refuses bad values in the daemon's words", async () => {
    const h = await boxes.host({ pulled: true });
    const refused = async (Healthcheck: ContainerCreate['Healthcheck']) =>
      h.engine.createContainer({ Image: 'box', Healthcheck }).then(
        () => 'created',
        (e: Error) => e.message,
      );
    expect(await refused({ Test: ['CMD', 'true'], Interval: 100 })).toBe('Interval in Healthcheck cannot be less than 1ms');
    expect(await refused({ Test: ['CMD', 'true'], Timeout: -5 })).toBe('Timeout in Healthcheck cannot be less than 1ms');
    expect(await refused({ Test: ['CMD', 'true'], StartPeriod: 5 })).toBe('StartPeriod in Healthcheck cannot be less than 1ms');
    expect(await refused({ Test: ['CMD', 'true'], Retries: -2 })).toBe('Retries in Healthcheck cannot be negative');
    expect(await h.engine.listContainers({ all: true })).toEqual([]);
  });
});

describe('docker run --health-* and ps --filter health', () => {
  it('the flags as the docker CLI sends them, and its refusals (125)', async () => {
    const h = await boxes.host({ pulled: true });
    const r = await docker(h.engine, "docker create --name c1 --health-cmd 'echo ok' --health-interval 1m30s --health-timeout 500ms --health-start-period 2s --health-retries 5 box");
    expect(r.status).toBe(0);
    expect((await docker(h.engine, "docker inspect -f '{{json .Config.Healthcheck}}' c1")).stdout).toBe(
      '{"Test":["CMD-SHELL","echo ok"],"Interval":90000000000,"Timeout":500000000,"StartPeriod":2000000000,"Retries":5}\n',
    );
    await docker(h.engine, 'docker create --name c2 --no-healthcheck box');
    expect((await docker(h.engine, "docker inspect -f '{{json .Config.Healthcheck}}' c2")).stdout).toBe('{"Test":["NONE"]}\n');
    const conflict = await docker(h.engine, "docker run --no-healthcheck --health-cmd 'true' box");
    expect(conflict).toMatchObject({ status: 125, stderr: "docker: --no-healthcheck conflicts with --health-* options.\nSee 'docker run --help'.\n" });
    expect((await docker(h.engine, 'docker run --health-retries -1 box')).stderr).toMatch(/^docker: --health-retries cannot be negative\./);
    expect((await docker(h.engine, 'docker run --health-timeout -1s box')).stderr).toMatch(/^docker: --health-timeout cannot be negative\./);
    expect((await docker(h.engine, 'docker run --health-interval 1x box')).stderr).toMatch(/^docker: invalid argument "1x" for "--health-interval" flag: time: unknown unit "x" in duration "1x"\./);
    expect((await docker(h.engine, 'docker run --health-interval 5 box')).stderr).toMatch(/missing unit in duration "5"/);
    const tooShort = await docker(h.engine, "docker run --health-cmd true --health-interval 100us box");
    expect(tooShort).toMatchObject({ status: 125, stderr: "docker: Error response from daemon: Interval in Healthcheck cannot be less than 1ms.\nSee 'docker run --help'.\n" });
    const bogus = await docker(h.engine, 'docker ps --filter health=bogus');
    expect(bogus).toMatchObject({ status: 1, stderr: 'Error response from daemon: Unrecognised filter value for health: bogus\n' });
    expect((await docker(h.engine, "docker ps -a --filter health=none --format '{{.Names}}'")).stdout.split('\n').sort()).toEqual(['', 'c1', 'c2']);
  });
});

describe('docker exec of a program that cannot start', () => {
  it('ends 126, as Docker', async () => {
    const h = await boxes.host({ pulled: true });
    const { id } = await started(h, {});
    const r = await docker(h.engine, `docker exec ${id} nonexistent`);
    expect(r.status).toBe(126);
    expect(r.stderr).toContain('executable file not found in $PATH');
    await stopped(h, id);
  });
});

describe("a container whose program cannot start: Docker's failed start", () => {
  async function startError(h: TestHost, id: string): Promise<{ code?: string; message: string }> {
    return h.engine.startContainer(id).then(
      () => ({ message: 'started' }),
      (e: Error & { code?: string }) => ({ code: e.code, message: e.message }),
    );
  }

  it('the start fails with the error; the container stays created with the exit code and the error', async () => {
    const h = await boxes.host({ pulled: true });
    const { Id } = await h.engine.createContainer({ Image: 'box', Cmd: ['/nonexistent'] });
    const events: string[] = [];
    h.engine.events((e) => void (e.Actor.ID === Id && events.push(e.Action)));
    expect(await startError(h, Id)).toEqual({ code: 'command-not-found', message: 'exec: "/nonexistent": stat /nonexistent: no such file or directory' });
    const { State } = await h.engine.inspectContainer(Id);
    expect(State).toMatchObject({ Status: 'created', Running: false, ExitCode: 127, Error: 'exec: "/nonexistent": stat /nonexistent: no such file or directory', StartedAt: '0001-01-01T00:00:00Z', FinishedAt: '0001-01-01T00:00:00Z' });
    expect(events).not.toContain('start');
    expect((await docker(h.engine, `docker ps -a --format '{{.Status}}' --filter id=${Id}`)).stdout).toBe('Created\n');
    const dir = await h.engine.createContainer({ Image: 'box', Cmd: ['/etc'] });
    expect(await startError(h, dir.Id)).toEqual({ code: 'cannot-invoke', message: 'exec: "/etc": permission denied' });
    expect((await h.engine.inspectContainer(dir.Id)).State).toMatchObject({ Status: 'created', ExitCode: 126 });
  });

  it('one that ran before goes back to exited, its times those of its last run', async () => {
    const h = await boxes.host({ pulled: true });
    // Its program removes itself: the second start finds nothing to run.
    const { Id } = await h.engine.createContainer({ Image: 'box', Entrypoint: ['/bin/rm'], Cmd: ['/bin/rm'] });
    const first = h.engine.waitContainer(Id, 'next-exit');
    await h.engine.startContainer(Id);
    expect(await first).toEqual({ StatusCode: 0, Error: null });
    const ran = (await h.engine.inspectContainer(Id)).State;
    expect((await startError(h, Id)).code).toBe('command-not-found');
    expect((await h.engine.inspectContainer(Id)).State).toMatchObject({ Status: 'exited', ExitCode: 127, StartedAt: ran.StartedAt, FinishedAt: ran.FinishedAt });
  });

  it('--rm: the container is removed; docker run says why and exits 127', async () => {
    const h = await boxes.host({ pulled: true });
    const r = await docker(h.engine, 'docker run --rm box /nonexistent');
    expect(r.status).toBe(127);
    expect(r.stderr).toBe('docker: Error response from daemon: exec: "/nonexistent": stat /nonexistent: no such file or directory.\n');
    expect(await h.engine.listContainers({ all: true })).toEqual([]);
    const detached = await docker(h.engine, 'docker run -d --name dd box /nonexistent');
    expect(detached.stderr).toBe('docker: Error response from daemon: exec: "/nonexistent": stat /nonexistent: no such file or directory.\n');
    expect(detached.status).toBe(127);
    expect(detached.stdout).toMatch(/^[0-9a-f]{64}\n$/);
    const start = await docker(h.engine, 'docker start dd');
    expect(start).toEqual({ status: 1, stdout: '', stderr: 'Error response from daemon: exec: "/nonexistent": stat /nonexistent: no such file or directory\nError: failed to start containers: dd\n' });
  });
});

describe('--stop-signal / StopSignal (engine/core/signals.ts)', () => {
  it("docker stop sends it; what is no signal is Docker's \"Invalid signal\", a signal this engine cannot send is refused in words", async () => {
    const h = await boxes.host({ pulled: true });
    for (const [signal, status] of [['int', 130], ['2', 130], ['SIGTERM', 143]] as const) {
      const { id, events } = await started(h, { StopSignal: signal });
      await h.engine.stopContainer(id, { timeout: 30 });
      // As Docker's: the signal sent is a kill event, then die and stop.
      expect(events.filter((e) => ['kill', 'die', 'stop'].includes(e.Action)).map((e) => `${e.Action}${e.Actor.Attributes.signal ? ' ' + e.Actor.Attributes.signal : ''}`)).toEqual([`kill ${status - 128}`, 'die', 'stop']);
      // The test runtime ends a process on SIGINT with 130 and on SIGTERM with 143 (128 + n).
      expect((await h.engine.inspectContainer(id)).State.ExitCode, signal).toBe(status);
      expect((await h.engine.inspectContainer(id)).Config.StopSignal).toBe(signal);
    }
    const refused = (StopSignal: string) => h.engine.createContainer({ Image: 'box', StopSignal }).then(() => 'created', (e: Error) => e.message);
    expect(await refused('FOO')).toBe('Invalid signal: FOO');
    expect(await refused('0')).toBe('Invalid signal: 0');
    expect(await refused('SIGUSR1')).toBe('--stop-signal SIGUSR1 is not supported by this engine: a container can be stopped with SIGTERM, SIGINT or SIGKILL here');
    expect(await refused('100')).toMatch(/^--stop-signal 100 is not supported/);
    // An image's STOPSIGNAL this engine cannot send: created, with a warning that says what stop does.
    await h.engine.build({ context: { Dockerfile: new TextEncoder().encode('FROM box\nSTOPSIGNAL SIGQUIT\n') }, tags: ['quits'] });
    const quits = await docker(h.engine, 'docker create quits');
    expect(quits.status).toBe(0);
    expect(quits.stderr).toBe("WARNING: the image's STOPSIGNAL SIGQUIT cannot be sent by this engine: docker stop sends SIGTERM\n");
  });
});
