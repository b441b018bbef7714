/**
 * A FIFO async lock. The core serialises its own read-modify-write cycles on metadata (tags,
 * image records, names) with it; the stores stay simple and atomic per batch.
 */
export class Mutex {
  #tail: Promise<void> = Promise.resolve();

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const previous = this.#tail;
    let release!: () => void;
    this.#tail = new Promise<void>((r) => (release = r));
    await previous;
    try {
      return await fn();
    } finally {
      release();
    }
  }
}
