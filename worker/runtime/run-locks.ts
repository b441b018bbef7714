/**
 * Which containers a tab is running, for the other tabs: every tab runs its own engine over the
 * one IndexedDB store, and an engine that opens marks containers recorded as running as exited
 * (nothing of a reloaded page survives). A container that another open tab still runs must be
 * left alone, so each tab holds a Web Lock per running container until its process ends. The
 * browser drops the locks of a closed or killed tab by itself, so a lock never outlives its tab.
 */
export class RunLocks {
  /** `store`: the IndexedDB database name - tabs on another store (tests, benchmarks) do not count. */
  constructor(readonly store: string) {}

  #prefix(): string {
    return `dockyard-running:${this.store}:`;
  }

  /** Hold the container's lock until `ended` settles. */
  hold(key: string, ended: Promise<unknown>): void {
    const locks = lockManager();
    if (!locks) return;
    const until = ended.then(
      () => undefined,
      () => undefined,
    );
    locks.request(this.#prefix() + key, () => until).catch(() => {});
  }

  /** The containers whose locks are held right now - by other tabs, when this engine runs none yet. */
  async held(): Promise<Set<string>> {
    const locks = lockManager();
    if (!locks) return new Set();
    const prefix = this.#prefix();
    const { held = [] } = await locks.query();
    return new Set(held.flatMap((l) => (l.name?.startsWith(prefix) ? [l.name.slice(prefix.length)] : [])));
  }
}

function lockManager(): LockManager | undefined {
  return (globalThis.navigator as Navigator | undefined)?.locks;
}
