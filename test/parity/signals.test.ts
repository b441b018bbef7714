/**
 * Parity of signals (engine/wasi/signal-abi.ts) as Docker users meet them: `docker stop` and
 * `docker kill -s` reach a container's PID 1, box's `sh` acts on them with `trap`, and a PID 1
 * without a handler ignores them (docker stop then kills it after the grace period: 137). The
 * browser posts them through its control block, the kernel service's runner catches them as the
 * container's PID 1 (kernel-node/runner/runner-control.ts).
 */
import { describe, expect } from 'vitest';
import { useParity, type DockerResult } from './parity-harness.ts';
import { parityIt } from './open-differences.ts';

const h = useParity(['box']);

type Run = (argv: string[]) => Promise<DockerResult>;

/** Wait (bounded) until the container's logs show `ready`: its traps are set by then. */
async function untilReady(run: Run, name: string): Promise<void> {
  for (let i = 0; i < 240; i++) {
    if ((await run(['logs', name])).stdout.includes('ready')) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${name} never printed ready`);
}

/**
 * On each engine: start `script` in a detached box sh, wait for its "ready", send `signal` with
 * `argv`, then what a user would look at: the command's output, the exit status, the logs.
 */
async function signalled(label: string, script: string, argv: (name: string) => string[]): Promise<Record<'browser' | 'kernel', string[]>> {
  const out = { browser: [] as string[], kernel: [] as string[] };
  for (const [side, run] of [['browser', h.onBrowser], ['kernel', h.onKernel]] as const) {
    const name = `sig-${label}-${side}`;
    expect((await run(['run', '-d', '--name', name, 'box', 'sh', '-c', script])).code, side).toBe(0);
    await untilReady(run, name);
    const sent = await run(argv(name));
    expect(sent, side).toMatchObject({ code: 0, stderr: '' });
    await run(['wait', name]);
    const state = await run(['inspect', '-f', '{{.State.ExitCode}} {{.State.OOMKilled}}', name]);
    const logs = await run(['logs', name]);
    out[side].push(sent.stdout.replace(name, 'NAME'), state.stdout, logs.stdout);
    await run(['rm', '-f', name]);
  }
  expect(out.browser, 'browser engine (+ received) differs from the kernel service (- expected)').toEqual(out.kernel);
  return out;
}

const LOOP = 'while true; do sleep 1; done';

describe('signals: docker stop and docker kill -s reach PID 1 on both engines', () => {
  parityIt("docker stop of a sh that traps TERM: the trap runs and the container exits 0 at once", async () => {
    const r = await signalled('trap-stop', `trap 'echo bye; exit 0' TERM; echo ready; ${LOOP}`, (name) => ['stop', name]);
    expect(r.kernel).toEqual(['NAME\n', '0 false\n', 'ready\nbye\n']);
  });

  parityIt('docker stop of a sh without a trap: PID 1 ignores SIGTERM, killed after the grace period (137)', async () => {
    const r = await signalled('plain-stop', 'echo ready; sleep 100', (name) => ['stop', '-t', '1', name]);
    expect(r.kernel).toEqual(['NAME\n', '137 false\n', 'ready\n']);
  });

  parityIt('docker kill -s TERM runs the TERM trap', async () => {
    const r = await signalled('kill-term', `trap 'echo got TERM; exit 3' TERM; echo ready; ${LOOP}`, (name) => ['kill', '-s', 'TERM', name]);
    expect(r.kernel).toEqual(['NAME\n', '3 false\n', 'ready\ngot TERM\n']);
  });

  parityIt('docker kill -s INT runs the INT trap', async () => {
    const r = await signalled('kill-int', `trap 'echo got INT; exit 4' INT; echo ready; ${LOOP}`, (name) => ['kill', '-s', 'INT', name]);
    expect(r.kernel).toEqual(['NAME\n', '4 false\n', 'ready\ngot INT\n']);
  });
});
