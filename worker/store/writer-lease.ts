/**
 * The cross-tab writer lock of one database, held as a lease. Two tabs share one IndexedDB and the
 * core's own locks serialise one engine only, so operations that check then write run while this
 * tab holds a Web Lock. Taking it is a round trip to the browser process on every call; a `run` is
 * create then start, a build many steps. So the lock is taken by the first writer operation and
 * kept while this tab's writers follow each other, given back once none ran for LEASE_IDLE_MS.
 * Within the tab, writers may then overlap: the core serialises its own check-then-write cycles,
 * as it does for the concurrent requests of the kernel service.
 *
 * Fairness: a lease older than LEASE_MAX_MS takes no new operations; they wait until it is given
 * back and queue for the lock again, behind any other tab already waiting.
 *
 * Each time the lock is granted begins a new tenure (the Tenure contract, tenure.ts): the store
 * layers read what no other tab can change meanwhile from memory (tenure-cache.ts) and commit
 * what they wrote behind before the lock goes to anyone else (`beforeEnd`).
 */
import { LEASE_IDLE_MS, LEASE_MAX_MS } from './coordination-timing.ts';
import type { Tenure } from './tenure.ts';

interface Lease {
  held: Promise<void>;
  /** The tenure's number, from the grant on; the tenure lasts while this is the current lease. */
  tenure: number | undefined;
  since: number;
  running: number;
  closing: boolean;
  idle: ReturnType<typeof setTimeout> | undefined;
  release: () => void;
  ended: Promise<void>;
  end: () => void;
  givenBack: boolean;
}

export class WriterLease implements Tenure {
  #lease: Lease | undefined;
  #tenures = 0;
  readonly #commits: Array<() => Promise<void>> = [];

  constructor(readonly lockName: string) {}

  /** Run `commit` (and wait for it) each time before the lock is given back. */
  beforeEnd(commit: () => Promise<void>): void {
    this.#commits.push(commit);
  }

  /** The current tenure while this tab holds the lock, else undefined. */
  current(): number | undefined {
    return this.#lease?.tenure;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    for (;;) {
      const lease = (this.#lease ??= this.#take());
      await lease.held;
      if (!lease.closing && performance.now() - lease.since > LEASE_MAX_MS) {
        lease.closing = true;
        if (lease.running === 0) this.#giveBack(lease);
      }
      if (lease.closing) {
        await lease.ended;
        continue;
      }
      lease.running++;
      clearTimeout(lease.idle);
      try {
        return await fn();
      } finally {
        lease.running--;
        if (lease.running === 0) {
          if (lease.closing) this.#giveBack(lease);
          else lease.idle = setTimeout(() => this.#giveBack(lease), LEASE_IDLE_MS);
        }
      }
    }
  }

  #take(): Lease {
    let release!: () => void;
    let end!: () => void;
    const lease: Lease = {
      held: Promise.resolve(),
      tenure: undefined,
      since: 0,
      running: 0,
      closing: false,
      idle: undefined,
      release: () => release?.(),
      ended: new Promise<void>((r) => (end = r)),
      end: () => end(),
      givenBack: false,
    };
    lease.held = new Promise<void>((granted, failed) => {
      navigator.locks
        .request(this.lockName, () => {
          lease.since = performance.now();
          lease.tenure = ++this.#tenures;
          granted();
          return new Promise<void>((r) => (release = r));
        })
        .catch((e) => {
          if (this.#lease === lease) this.#lease = undefined;
          failed(e);
        });
    });
    return lease;
  }

  #giveBack(lease: Lease): void {
    if (lease.running > 0 || lease.givenBack) return;
    lease.givenBack = true;
    clearTimeout(lease.idle);
    lease.closing = true;
    // The tenure ends here (current() reads the current lease) and operations from now on queue
    // for the lock again; the lock itself goes once the commits are done.
    if (this.#lease === lease) this.#lease = undefined;
    void Promise.allSettled(this.#commits.map((commit) => commit())).then(() => {
      lease.release();
      lease.end();
    });
  }
}
