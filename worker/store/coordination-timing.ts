/**
 * Every timing of how tabs share one IndexedDB, in one place: what the writer lease, the
 * write-behind store and the run locks (writer-lease.ts, write-behind-metadata.ts,
 * runtime/wasi-runtime.ts) wait for. bench/browser-run.ts measures what they buy.
 */

/** The writer lock is given back once no writer operation of this tab ran for this long. */
export const LEASE_IDLE_MS = 20;

/** A lease older than this takes no new operations: they queue for the lock again, behind other tabs. */
export const LEASE_MAX_MS = 200;

/**
 * How long a write-behind batch waits in memory before it is committed, so the state changes of a
 * short run (running, exited, removed) go out as one transaction, or with the next durable write.
 */
export const WRITE_BEHIND_MS = 10;

/**
 * A container's run lock (runtime/run-locks.ts: another tab's recovery asks whether it still runs)
 * is taken this long after its process started, below WRITE_BEHIND_MS: no other tab can see the
 * container running before. A Web Lock request costs ~0.4 ms; a process that has ended by then
 * (hello-world does) never asks for one.
 */
export const RUN_LOCK_DELAY_MS = 2;
