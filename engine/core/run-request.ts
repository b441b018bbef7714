import type { Engine, RunOptions, RunResult } from '../engine.ts';

/** The four calls `run` is made of; a host passes its own (the browser's hold its writer lock). */
export type RunSteps = Pick<Engine, 'createContainer' | 'attachContainer' | 'waitContainer' | 'startContainer'>;

/**
 * `docker run` attached, in the order Docker's CLI makes the calls: attach before start so no
 * output is lost, the wait registered before start so an --rm container cannot be removed first.
 * The callbacks' order and what a rejection means are RunOptions' contract (engine/engine.ts).
 */
export async function runContainer(steps: RunSteps, o: RunOptions): Promise<RunResult> {
  const { Id, Warnings } = await steps.createContainer(o.create);
  o.onCreated?.(Id, Warnings ?? []);
  const stream = await steps.attachContainer(Id, { stdout: true, stderr: true, onOutput: o.onOutput });
  try {
    const waiting = steps.waitContainer(Id, o.wait);
    // A start failure must not leave an unhandled rejection behind.
    waiting.catch(() => {});
    await steps.startContainer(Id);
    o.onStarted?.();
    return { Id, ...(await waiting) };
  } finally {
    // Every output came before the exit (or the failure); nobody waits for the detach.
    void stream.detach().catch(() => {});
  }
}
