/**
 * The cross-tab writer lock of one database, held as a lease. Two tabs share one IndexedDB and the
 * core's own locks serialise one engine only, so operations that check then write run while this
 * tab holds a Web Lock. Taking it is a round trip to the browser process on every call; a `run` is
 * create then start, a build many steps. So the lock is taken by the first writer operation and
 * kept while this tab's writers follow each other, given back once none ran for IDLE_MS. Within
 * the tab, writers may then overlap: the core serialises its own check-then-write cycles, as it
 * does for the concurrent requests of the kernel service.
 *
 * Fairness: a lease older than MAX_MS takes no new operations; they wait until it is given back
 * and queue for the lock again, behind any other tab already waiting.
 */
const IDLE_MS = 20;
const MAX_MS = 200;

interface Lease {
  held: Promise<void>;
  since: number;
  running: number;
  closing: boolean;
  idle: ReturnType<typeof setTimeout> | undefined;
  release: () => void;
  ended: Promise<void>;
  end: () => void;
}

export class WriterLease {
  #lease: Lease | undefined;

  constructor(readonly lockName: string) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    for (;;) {
      const lease = (this.#lease ??= this.#take());
      await lease.held;
      if (!lease.closing && performance.now() - lease.since > MAX_MS) {
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
          else lease.idle = setTimeout(() => this.#giveBack(lease), IDLE_MS);
        }
      }
    }
  }

  #take(): Lease {
    let release!: () => void;
    let end!: () => void;
    const lease: Lease = {
      held: Promise.resolve(),
      since: 0,
      running: 0,
      closing: false,
      idle: undefined,
      release: () => release?.(),
      ended: new Promise<void>((r) => (end = r)),
      end: () => end(),
    };
    lease.held = new Promise<void>((granted, failed) => {
      navigator.locks
        .request(this.lockName, () => {
          lease.since = performance.now();
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
    if (lease.running > 0) return;
    clearTimeout(lease.idle);
    lease.closing = true;
    if (this.#lease === lease) this.#lease = undefined;
    lease.release();
    lease.end();
  }
}
