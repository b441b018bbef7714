/**
 * Process Workers started ahead of need, and reused. Starting a module Worker and initialising
 * @wasmer/wasi in it costs tens of milliseconds of CPU (parse the library, decode and compile its
 * runtime); a container should not wait for that, nor share two cores with it while it runs.
 *
 * A Worker runs one container at a time. When a container ends normally its Worker comes back
 * (`release`) and takes the next one: each container still gets a fresh MemFS and fresh instances,
 * only the JavaScript realm and the initialised runtime carry over. A Worker is ended instead
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

  /** A ready Worker, owned by the caller until it calls `release` or `discard`. */
  async take(): Promise<Worker> {
    let next = this.#idle.shift();
    if (next && !(await next.then(() => true, () => false))) next = undefined;
    if (this.#idle.length === 0) this.#warmSoon();
    return next ?? this.#spawn();
  }

  /**
   * The container on `worker` ended on its own (the Worker is idle again): keep it for the next one
   * unless it is worn out. `bytes` is the file data the container loaded and wrote.
   */
  release(worker: Worker, bytes: number): void {
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
    this.#idle.push(Promise.resolve(worker));
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
    for (const w of idle) (await w.catch(() => undefined))?.terminate();
  }
}
