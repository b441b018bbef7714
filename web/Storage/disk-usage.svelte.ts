import type { DiskUsage, Engine, PruneReport } from '../../engine/engine.ts';
import { describeError } from '../lib/errors.ts';

/**
 * What the engine keeps in this browser (`docker system df`), what sharing layers saved, and how
 * much of the browser's quota the site uses (navigator.storage, which counts every database).
 */
export class DiskUsageModel {
  usage = $state.raw<DiskUsage | null>(null);
  quota = $state.raw<{ usage: number; quota: number } | null>(null);
  persisted = $state<boolean | null>(null);
  error = $state('');
  lastPrune = $state.raw<PruneReport | null>(null);

  /** Bytes all images would take if each stored its own copy of its layers. */
  get withoutSharing(): number {
    return this.usage?.Images.reduce((n, i) => n + i.Size, 0) ?? 0;
  }

  get saved(): number {
    return this.usage ? Math.max(0, this.withoutSharing - this.usage.LayersSize) : 0;
  }

  async load(engine: Engine): Promise<void> {
    try {
      this.usage = await engine.diskUsage();
      this.error = '';
    } catch (e) {
      this.error = describeError(e);
    }
    if (navigator.storage?.estimate) {
      const estimate = await navigator.storage.estimate();
      this.quota = { usage: estimate.usage ?? 0, quota: estimate.quota ?? 0 };
      this.persisted = (await navigator.storage.persisted?.()) ?? null;
    }
  }

  async prune(engine: Engine, options: { all?: boolean; volumes?: boolean }): Promise<void> {
    try {
      this.lastPrune = await engine.prune(options);
      this.error = '';
    } catch (e) {
      this.error = describeError(e);
    }
  }
}
