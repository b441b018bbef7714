import type { ContainerUpdate } from '../engine.ts';
import { EngineError } from '../errors.ts';
import type { ContainerRunner } from './container-run.ts';
import { findContainer, updateContainer } from './container-store.ts';
import type { Core } from './context.ts';

const MIN_MEMORY = 6 * 1024 * 1024;

/** HostConfig.MemorySwap: as set by `docker update`, else what Docker sets at create (twice a memory limit, 0 without). */
export function memorySwapOf(host: { Memory: number; MemorySwap?: number }): number {
  return host.MemorySwap ?? (host.Memory > 0 ? 2 * host.Memory : 0);
}

/**
 * `docker update --memory/--memory-swap`, with Docker's checks in its words (moby's
 * UpdateContainer and verifyPlatformContainerResources). The engine caps a process's memory when
 * it starts (the wasm module's maximum), so a running container keeps its limit until it starts
 * again: the record changes now and a warning says when it applies.
 */
export async function updateContainerResources(core: Core, runner: ContainerRunner, name: string, update: ContainerUpdate): Promise<{ Warnings: string[] }> {
  const c = await findContainer(core, name);
  const memory = update.Memory ?? 0;
  const swap = update.MemorySwap ?? 0;
  if (!Number.isSafeInteger(memory) || memory < 0 || !Number.isSafeInteger(swap) || swap < -1) throw new EngineError('invalid-argument', 'invalid memory or memory-swap value');
  if (memory > 0 && memory < MIN_MEMORY) throw new EngineError('invalid-argument', 'Minimum memory limit allowed is 6MB');
  if (memory > 0 && swap > 0 && swap < memory) throw new EngineError('invalid-argument', 'Minimum memoryswap limit should be larger than memory limit, see usage');
  const cannot = (why: string) => new EngineError('conflict', `Cannot update container ${c.Id}: ${why}`);
  const currentSwap = memorySwapOf(c.HostConfig);
  if (memory > 0 && swap === 0 && (currentSwap === 0 || memory > currentSwap) && currentSwap !== -1) {
    throw cannot('Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time');
  }
  if (swap !== 0 && memory === 0 && c.HostConfig.Memory === 0) throw cannot('You should always set the Memory limit when using Memoryswap limit, see usage');
  await updateContainer(core, c.Id, (r) => {
    if (memory > 0) r.HostConfig.Memory = memory;
    if (swap !== 0) r.HostConfig.MemorySwap = swap;
    else if (memory > 0) r.HostConfig.MemorySwap = currentSwap;
  });
  await core.containers.flush();
  core.events.emit('container', 'update', c.Id, { name: c.Name.slice(1) });
  const running = runner.isRunning(c.Id) || c.State.Running;
  return { Warnings: running ? [`${c.Name.slice(1)} runs with its old memory limit until it starts again: this engine sets a process's memory when it starts`] : [] };
}
