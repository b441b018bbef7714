import { rfc3339Nano } from './clock.ts';
import { containerRecords, updateContainer } from './container-store.ts';
import type { Core } from './context.ts';

/** The exit status Docker shows for a container whose engine went away while it ran. */
export const EXIT_ENGINE_GONE = 255;

/**
 * When an engine starts over stores an earlier one left (a reloaded page, a restarted service),
 * no process of the old engine survives it: containers recorded as running are marked exited with
 * 255, as Docker shows them after a daemon restart, so nothing claims to be "Up" for ever.
 */
export async function recoverContainers(core: Core): Promise<void> {
  for (const c of await containerRecords(core)) {
    if (!c.State.Running) continue;
    await updateContainer(core, c.Id, (r) => {
      r.State = { ...r.State, Status: 'exited', Running: false, Pid: 0, ExitCode: EXIT_ENGINE_GONE, Error: 'the engine stopped while the container was running', FinishedAt: rfc3339Nano(core.now()) };
    });
  }
  for (const [id, e] of await core.ports.metadata.list<{ Running: boolean; ExitCode: number | null }>('execs')) {
    if (e.Running) await core.ports.metadata.batch([{ op: 'put', bucket: 'execs', key: id, value: { ...e, Running: false, ExitCode: EXIT_ENGINE_GONE } }]);
  }
}
