import type { ContainerStats, CpuStats } from '../engine.ts';
import { EngineError } from '../errors.ts';
import type { ContainerUsage } from '../ports.ts';
import { rfc3339Nano, ZERO_TIME } from './clock.ts';
import type { ContainerRunner } from './container-run.ts';
import { findContainer } from './container-store.ts';
import type { Core } from './context.ts';

/** Between the two samples of one answer: the CPU % is the use over this time, as Docker's daemon takes ~1 s. */
const SAMPLE_MS = 500;

/**
 * `docker stats --no-stream`: two samples of the host's measure (Runtime.usage) half a second
 * apart, as Docker's StatsJSON. The host's CPU time is the clock times its CPUs (what Docker
 * reads from /proc/stat adds up to that), so one busy thread is 100 %. The limit is the
 * container's --memory, else the host's memory, as Docker shows it. Network and block I/O are
 * not measured by this engine: none is reported. A container not running gets Docker's zeros.
 */
export async function containerStats(core: Core, runner: ContainerRunner, name: string): Promise<ContainerStats> {
  const c = await findContainer(core, name);
  const { platform, runtime } = core.ports;
  const base = { id: c.Id, name: c.Name, blkio_stats: { io_service_bytes_recursive: null } };
  if (!runner.isRunning(c.Id) && !c.State.Running) {
    const zero = cpu(undefined, 0, 0);
    return { ...base, read: rfc3339Nano(core.now()), preread: ZERO_TIME, pids_stats: {}, cpu_stats: zero, precpu_stats: zero, memory_stats: {} };
  }
  if (!runtime.usage) throw new EngineError('unavailable', "this engine cannot measure its containers' memory and CPU use yet");
  const before = await runtime.usage(c.Id);
  const t0 = core.now();
  await new Promise((r) => setTimeout(r, SAMPLE_MS));
  const after = await runtime.usage(c.Id);
  const t1 = core.now();
  const limit = c.HostConfig.Memory > 0 ? c.HostConfig.Memory : platform.memTotal;
  return {
    ...base,
    read: rfc3339Nano(t1),
    preread: rfc3339Nano(t0),
    pids_stats: { current: after?.pids ?? 0 },
    cpu_stats: cpu(after, t1, platform.ncpu),
    precpu_stats: cpu(before, t0, platform.ncpu),
    memory_stats: after ? { usage: after.memoryBytes, limit, stats: {} } : {},
  };
}

function cpu(usage: ContainerUsage | undefined, atMs: number, ncpu: number): CpuStats {
  const ns = usage?.cpuNanos ?? 0;
  return { cpu_usage: { total_usage: ns, usage_in_kernelmode: 0, usage_in_usermode: ns }, system_cpu_usage: usage ? atMs * 1e6 * ncpu : 0, online_cpus: usage ? ncpu : 0 };
}
