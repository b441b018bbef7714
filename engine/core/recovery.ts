import { EXIT_KILLED } from '../errors.ts';
import { rfc3339Nano } from './clock.ts';
import { containerRecords, updateContainer } from './container-store.ts';
import type { Core } from './context.ts';
import { endHealth } from './health.ts';

/**
 * When an engine starts over stores an earlier one left (a reloaded page, a restarted service),
 * no process of the old engine survives it: containers recorded as running are marked exited with
 * 137, as dockerd does for the containers it kills on restart (moby#13907: 128 + SIGKILL), so
 * nothing claims to be "Up" for ever. Unfinished execs end the same way. A container another
 * engine on the same stores still runs (another tab: the runtime's runningElsewhere) is left alone.
 */
export async function recoverContainers(core: Core): Promise<void> {
  const elsewhere = (await core.ports.runtime.runningElsewhere?.()) ?? new Set<string>();
  for (const c of await containerRecords(core)) {
    if (!c.State.Running || elsewhere.has(c.Id)) continue;
    await updateContainer(core, c.Id, (r) => {
      r.State = { ...r.State, Status: 'exited', Running: false, Pid: 0, ExitCode: EXIT_KILLED, Error: 'the engine stopped while the container was running', FinishedAt: rfc3339Nano(core.now()) };
      endHealth(r.State);
    });
  }
  await core.containers.flush();
  for (const [id, e] of await core.ports.metadata.list<{ Running: boolean; ExitCode: number | null; ContainerID: string }>('execs')) {
    if (e.Running && !elsewhere.has(e.ContainerID)) await core.ports.metadata.batch([{ op: 'put', bucket: 'execs', key: id, value: { ...e, Running: false, ExitCode: EXIT_KILLED } }]);
  }
}
