/**
 * Parity of healthchecks (engine/core/health.ts) and of the run path's Docker rules of issue 14:
 * the probe runs as an exec in the running container on both engines - the browser's process
 * Worker and the kernel's runc exec - and State.Health, `docker ps` and `--filter health=` read
 * the same; `--stop-signal` reaches PID 1 on `docker stop`; `docker exec` of a program that
 * cannot start ends 126. Expected values as dockerd 20.10.24 gave them for busybox.
 */
import { describe, expect } from 'vitest';
import { useParity, type DockerResult } from './parity-harness.ts';
import { parityIt } from './open-differences.ts';

const h = useParity(['box']);

type Run = (argv: string[]) => Promise<DockerResult>;
const SIDES = () => [['browser', h.onBrowser], ['kernel', h.onKernel]] as const;

/** Poll (bounded: 240 x 250 ms) until `inspect -f template` of `name` prints `want`. */
async function until(run: Run, name: string, template: string, want: string): Promise<void> {
  let last = '';
  for (let i = 0; i < 240; i++) {
    last = (await run(['inspect', '-f', template, name])).stdout;
    if (last === want) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${name}: ${template} stayed ${JSON.stringify(last)}, never ${JSON.stringify(want)}`);
}

/** What a user reads of a container's health: status, failing streak, each result's exit code and output. */
const HEALTH = '{{.State.Health.Status}} {{.State.Health.FailingStreak}}{{range .State.Health.Log}} [{{.ExitCode}} {{printf "%q" .Output}}]{{end}}';

/** ps's STATUS with its time taken out: "Up X (healthy)" -> "Up (healthy)". */
function statusShape(text: string): string {
  return text.replace(/^Up (Less than a second|\d+ seconds?|About a minute)/, 'Up');
}

/**
 * On each engine: run `argv` detached as `name`, wait until the health status is `status`, then
 * what a user would look at - the first result, ps STATUS, the health filter - and remove it.
 */
async function healthOf(label: string, flags: string[], status: string): Promise<Record<'browser' | 'kernel', string[]>> {
  const out = { browser: [] as string[], kernel: [] as string[] };
  for (const [side, run] of SIDES()) {
    const name = `health-${label}-${side}`;
    const started = await run(['run', '-d', '--name', name, ...flags, 'box', 'sleep', '1000']);
    expect(started.code, `${side}: ${started.stderr}`).toBe(0);
    await until(run, name, '{{.State.Health.Status}}', `${status}\n`);
    // Stopped at once, so the log holds what led to the status and nothing after it.
    const ps = await run(['ps', '--filter', `name=${name}`, '--format', '{{.Status}}']);
    const filtered = await run(['ps', '--filter', `health=${status}`, '--filter', `name=${name}`, '--format', '{{.Names}}']);
    expect((await run(['kill', name])).code, side).toBe(0);
    const first = await run(['inspect', '-f', '{{with index .State.Health.Log 0}}{{.ExitCode}} {{printf "%q" .Output}}{{end}}', name]);
    const after = await run(['inspect', '-f', '{{.State.Status}} {{.State.Health.Status}}', name]);
    out[side].push(first.stdout, statusShape(ps.stdout), filtered.stdout.replace(side, 'SIDE'), after.stdout);
    await run(['rm', '-f', name]);
  }
  expect(out.browser, 'browser engine (+ received) differs from the kernel service (- expected)').toEqual(out.kernel);
  return out;
}

describe('healthchecks: the probe runs as an exec in the container on both engines', () => {
  parityIt('a passing --health-cmd: healthy, its output in the log, "(healthy)" in ps', async () => {
    const r = await healthOf('pass', ['--health-cmd', 'echo ok', '--health-interval', '200ms'], 'healthy');
    expect(r.kernel).toEqual(['0 "ok\\n"\n', 'Up (healthy)\n', 'health-pass-SIDE\n', 'exited unhealthy\n']);
  });

  parityIt('a failing probe: unhealthy after --health-retries failures, its exit status and output kept', async () => {
    const r = await healthOf('fail', ['--health-cmd', 'echo bad >&2; exit 3', '--health-interval', '200ms', '--health-retries', '2'], 'unhealthy');
    expect(r.kernel).toEqual(['3 "bad\\n"\n', 'Up (unhealthy)\n', 'health-fail-SIDE\n', 'exited unhealthy\n']);
  });

  parityIt('a probe past --health-timeout is killed: -1 and "Health check exceeded timeout"', async () => {
    const r = await healthOf('timeout', ['--health-cmd', 'sleep 100', '--health-interval', '200ms', '--health-timeout', '300ms', '--health-retries', '1'], 'unhealthy');
    expect(r.kernel).toEqual(['-1 "Health check exceeded timeout (300ms)"\n', 'Up (unhealthy)\n', 'health-timeout-SIDE\n', 'exited unhealthy\n']);
  });

  parityIt("a probe command the shell cannot find: the shell's 127 and words", async () => {
    const r = await healthOf('missing', ['--health-cmd', 'nonexistent', '--health-interval', '200ms', '--health-retries', '1'], 'unhealthy');
    expect(r.kernel[0]).toMatch(/^127 ".*nonexistent.*"\n$/);
  });

  parityIt('the whole State.Health of an unhealthy container reads the same', async () => {
    const out = { browser: '', kernel: '' };
    for (const [side, run] of SIDES()) {
      const name = `health-state-${side}`;
      await run(['run', '-d', '--name', name, '--health-cmd', 'exit 1', '--health-interval', '200ms', '--health-retries', '2', 'box', 'sleep', '1000']);
      await until(run, name, '{{.State.Health.Status}}', 'unhealthy\n');
      await run(['kill', name]);
      out[side] = (await run(['inspect', '-f', HEALTH, name])).stdout.replace(/ \[1 ""\]/g, ' [1]');
      await run(['rm', '-f', name]);
    }
    // The probes that ran before the kill: at least the two that made it unhealthy.
    expect(out.kernel).toMatch(/^unhealthy ([2-5]) \[1\] \[1\]( \[1\]){0,3}\n$/);
    expect(out.browser).toMatch(/^unhealthy ([2-5]) \[1\] \[1\]( \[1\]){0,3}\n$/);
  });
});

describe('issue 14 leftovers on both engines', () => {
  parityIt('docker stop sends --stop-signal: an INT trap runs and its status is the exit status', async () => {
    const out = { browser: [] as string[], kernel: [] as string[] };
    for (const [side, run] of SIDES()) {
      const name = `stop-signal-${side}`;
      const script = "trap 'echo got INT; exit 4' INT; trap 'echo got TERM; exit 5' TERM; echo ready; while true; do sleep 1; done";
      expect((await run(['run', '-d', '--name', name, '--stop-signal', 'SIGINT', 'box', 'sh', '-c', script])).code, side).toBe(0);
      await until(run, name, '{{.State.Running}}', 'true\n');
      for (let i = 0; i < 240 && !(await run(['logs', name])).stdout.includes('ready'); i++) await new Promise((r) => setTimeout(r, 250));
      const stop = await run(['stop', name]);
      const state = await run(['inspect', '-f', '{{.Config.StopSignal}} {{.State.ExitCode}}', name]);
      out[side].push(stop.stdout.replace(name, 'NAME'), state.stdout, (await run(['logs', name])).stdout);
      await run(['rm', '-f', name]);
    }
    expect(out.browser).toEqual(out.kernel);
    expect(out.kernel).toEqual(['NAME\n', 'SIGINT 4\n', 'ready\ngot INT\n']);
  });

  parityIt('--stop-signal of what is no signal is refused at create, as docker create words it', async () => {
    const r = await h.both(['create', '--stop-signal', 'FOO', 'box']);
    expect(r.browser).toEqual(r.kernel);
    expect(r.kernel).toMatchObject({ code: 1, stdout: '', stderr: 'Error response from daemon: Invalid signal: FOO\n' });
  });

  parityIt("a container whose program cannot start stays created, its error printed by run and not in its logs (Docker's failed start)", async () => {
    const out = { browser: [] as string[], kernel: [] as string[] };
    for (const [side, run] of SIDES()) {
      const name = `no-start-${side}`;
      const r = await run(['run', '--name', name, 'box', '/nonexistent']);
      const state = await run(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}} {{.State.StartedAt}} {{.State.FinishedAt}} {{.State.Error}}', name]);
      const logs = await run(['logs', name]);
      const ps = await run(['ps', '-a', '--filter', `name=${name}`, '--format', '{{.Status}}']);
      // Started again, and detached: the start fails each time (docker start: 1, run -d: the ID, then 127).
      const again = await run(['start', name]);
      const detached = await run(['run', '-d', '--name', `${name}-d`, 'box', '/nonexistent']);
      out[side].push(`${r.code}`, r.stdout, r.stderr, state.stdout, logs.stdout + logs.stderr, ps.stdout);
      out[side].push(`${again.code}`, again.stderr.replace(name, 'NAME'), `${detached.code}`, detached.stdout.replace(/^[0-9a-f]{64}\n$/, 'ID'), detached.stderr);
      await run(['rm', name, `${name}-d`]);
    }
    expect(out.browser).toEqual(out.kernel);
    const error = 'exec: "/nonexistent": stat /nonexistent: no such file or directory';
    expect(out.kernel).toEqual([
      '127', '', `docker: Error response from daemon: ${error}.\n`, `created 127 0001-01-01T00:00:00Z 0001-01-01T00:00:00Z ${error}\n`, '', 'Created\n',
      '1', `Error response from daemon: ${error}\nError: failed to start containers: NAME\n`, '127', 'ID', `docker: Error response from daemon: ${error}.\n`,
    ]);
  });

  parityIt('docker exec of a program that cannot start ends 126 with the runtime\'s words', async () => {
    const out = { browser: [] as unknown[], kernel: [] as unknown[] };
    for (const [side, run] of SIDES()) {
      const name = `exec-missing-${side}`;
      await run(['run', '-d', '--name', name, 'box', 'sleep', '1000']);
      for (const program of ['nonexistent', '/etc']) {
        const r = await run(['exec', name, program]);
        out[side].push({ code: r.code, stdout: r.stdout, stderr: r.stderr });
      }
      await run(['rm', '-f', name]);
    }
    expect(out.browser).toEqual(out.kernel);
    expect(out.kernel).toEqual([
      { code: 126, stdout: '', stderr: 'OCI runtime exec failed: exec failed: unable to start container process: exec: "nonexistent": executable file not found in $PATH: unknown\n' },
      { code: 126, stdout: '', stderr: 'OCI runtime exec failed: exec failed: unable to start container process: exec: "/etc": permission denied: unknown\n' },
    ]);
  });
});
