/**
 * Process Workers started ahead of need, and reused. Starting a module Worker and initialising
 * @wasmer/wasi in it costs tens of milliseconds of CPU (parse the library, decode and compile its
 * runtime); a container should not wait for that, nor share two cores with it while it runs.
 *
 * A Worker runs one container at a time. When a container ends normally its Worker comes back
 * (`release`) and takes the next one: each container still gets a fresh MemFS and fresh instances,
 * only the JavaScript realm and the initialised runtime carry over - and the root of a container
 * that changed no file, which the next container of the same image starts on (kept-root.ts): the
 * pool knows which Worker keeps which root and hands that one out for it. A Worker is ended instead
 * (`discard`) when its process was killed or trapped (it may be mid-call or hold a locked MemFS),
 * and once it has served `maxUses` containers or carried `maxBytes` of file data: @wasmer/wasi's
 * linear memory never shrinks, so a Worker that held a large file system gives its memory back
 * only by ending.
 */
import type { FromProcess } from '../process/process-protocol.ts';

export type WorkerFactory = () => Worker;

export function defaultWorkerFactory(): Worker {
  return new Worker(new URL('../process/process-worker.ts', import.meta.url), { type: 'module', name: 'dockyard-process' });
}

export interface PoolLimits {
  /** Idle Workers kept ready. */
  size: number;
  /** Containers one Worker serves before it is replaced. */
  maxUses: number;
  /** File bytes (root loaded + written) one Worker carries over its life before it is replaced. */
  maxBytes: number;
}

const DEFAULT_LIMITS: PoolLimits = { size: 2, maxUses: 64, maxBytes: 64 * 2 ** 20 };

export class WorkerPool {
  readonly #idle: Array<Promise<Worker>> = [];
  readonly #wear = new WeakMap<Worker, { uses: number; bytes: number }>();
  /** Idle Workers as they were released (resolved), for `take` to find the one keeping a root. */
  readonly #released = new Map<Promise<Worker>, Worker>();
  /** The key of the root each Worker keeps (kept-root.ts). */
  readonly #keeps = new WeakMap<Worker, string>();
  readonly limits: PoolLimits;
  #refill: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly factory: WorkerFactory = defaultWorkerFactory,
    limits: Partial<PoolLimits> = {},
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  #spawn(): Promise<Worker> {
    const worker = this.factory();
    return new Promise<Worker>((resolve, reject) => {
      const onMessage = (event: MessageEvent<FromProcess>) => {
        if (event.data.type !== 'ready') return;
        worker.removeEventListener('message', onMessage);
        worker.removeEventListener('error', onError);
        this.#wear.set(worker, { uses: 0, bytes: 0 });
        resolve(worker);
      };
      const onError = (event: ErrorEvent) => {
        worker.terminate();
        reject(new Error(`process worker failed to start: ${event.message}`));
      };
      worker.addEventListener('message', onMessage);
      worker.addEventListener('error', onError);
    });
  }

  /** Fill the pool now (called when the engine starts, so the first `run` finds a warm Worker). */
  warm(): void {
    while (this.#idle.length < this.limits.size) {
      const w = this.#spawn();
      w.catch(() => {});
      this.#idle.push(w);
    }
  }

  /**
   * Refill later, not now: a container that just started should not share the CPU with a Worker's
   * start-up. A burst of runs (build steps, a loop) reuses the Workers it releases instead.
   */
  #warmSoon(): void {
    clearTimeout(this.#refill);
    this.#refill = setTimeout(() => this.warm(), 50);
  }

  /**
   * A ready Worker, owned by the caller until it calls `release` or `discard`; the one keeping the
   * root `rootKey` when one does (`keepsRoot`: the start message may then ask for that root).
   */
  async take(rootKey?: string): Promise<{ worker: Worker; keepsRoot: boolean }> {
    let next: Promise<Worker> | undefined;
    if (rootKey !== undefined) {
      for (const [p, w] of this.#released) if (this.#keeps.get(w) === rootKey) next = p;
    }
    if (next) this.#idle.splice(this.#idle.indexOf(next), 1);
    else next = this.#idle.shift();
    const released = next && this.#released.get(next);
    if (next) this.#released.delete(next);
    if (next && !(await next.then(() => true, () => false))) next = undefined;
    if (this.#idle.length === 0) this.#warmSoon();
    const worker = await (next ?? this.#spawn());
    const keepsRoot = rootKey !== undefined && released === worker && this.#keeps.get(worker) === rootKey;
    // Whatever it keeps now, the Worker tells at the end of this container what it keeps then.
    this.#keeps.delete(worker);
    return { worker, keepsRoot };
  }

  /**
   * The container on `worker` ended on its own (the Worker is idle again): keep it for the next one
   * unless it is worn out. `bytes` is the file data the container loaded and wrote; `keptRoot` the
   * key of the root the Worker kept (kept-root.ts).
   */
  release(worker: Worker, bytes: number, keptRoot?: string): void {
    worker.onmessage = null;
    worker.onerror = null;
    const wear = this.#wear.get(worker) ?? { uses: 0, bytes: 0 };
    wear.uses += 1;
    wear.bytes += bytes;
    this.#wear.set(worker, wear);
    if (this.#idle.length >= this.limits.size || wear.uses >= this.limits.maxUses || wear.bytes >= this.limits.maxBytes) {
      this.discard(worker);
      return;
    }
    const ready = Promise.resolve(worker);
    if (keptRoot !== undefined) this.#keeps.set(worker, keptRoot);
    this.#released.set(ready, worker);
    this.#idle.push(ready);
  }

  /** End a Worker that must not run another container (killed, trapped, worn out). */
  discard(worker: Worker): void {
    worker.terminate();
    if (this.#idle.length < this.limits.size) this.#warmSoon();
  }

  /** End the idle Workers (engine shutdown). */
  async close(): Promise<void> {
    clearTimeout(this.#refill);
    const idle = this.#idle.splice(0);
    this.#released.clear();
    for (const w of idle) (await w.catch(() => undefined))?.terminate();
  }
}
