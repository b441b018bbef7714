/**
 * Process Workers started ahead of need. Starting a module Worker and initialising @wasmer/wasi in
 * it takes tens of milliseconds; a container should not wait for that. Each Worker still runs one
 * container only and is ended with it - the pool only moves the start-up off the critical path.
 */
import type { FromProcess } from '../process/process-protocol.ts';

export type WorkerFactory = () => Worker;

export function defaultWorkerFactory(): Worker {
  return new Worker(new URL('../process/process-worker.ts', import.meta.url), { type: 'module', name: 'dockyard-process' });
}

export class WorkerPool {
  readonly #idle: Array<Promise<Worker>> = [];

  constructor(
    readonly factory: WorkerFactory = defaultWorkerFactory,
    readonly size = 2,
  ) {}

  #spawn(): Promise<Worker> {
    const worker = this.factory();
    return new Promise<Worker>((resolve, reject) => {
      const onMessage = (event: MessageEvent<FromProcess>) => {
        if (event.data.type !== 'ready') return;
        worker.removeEventListener('message', onMessage);
        worker.removeEventListener('error', onError);
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
    while (this.#idle.length < this.size) {
      const w = this.#spawn();
      w.catch(() => {});
      this.#idle.push(w);
    }
  }

  /** A ready Worker, owned by the caller from now on. */
  async take(): Promise<Worker> {
    const next = this.#idle.shift() ?? this.#spawn();
    this.warm();
    return next;
  }

  /** End the idle Workers (engine shutdown). */
  async close(): Promise<void> {
    const idle = this.#idle.splice(0);
    for (const w of idle) (await w.catch(() => undefined))?.terminate();
  }
}
