import type { Change, ContainerInspect, Engine } from '../../engine/engine.ts';
import { describeError } from '../lib/errors.ts';

export interface LogLine {
  stream: 'stdout' | 'stderr';
  text: string;
}

/**
 * One container as its detail view shows it: inspect, its writable layer (`docker diff`) and its
 * logs. `load` is called on every engine change and, while the container runs, on a timer, because
 * writes inside a running container send no event.
 */
export class ContainerDetail {
  inspect = $state.raw<ContainerInspect | null>(null);
  changes = $state.raw<Change[]>([]);
  logs = $state.raw<LogLine[]>([]);
  loading = $state(true);
  error = $state('');
  #generation = 0;
  #decoder = new TextDecoder();

  constructor(readonly id: string) {}

  get running(): boolean {
    return this.inspect?.State.Running ?? false;
  }

  async load(engine: Engine): Promise<void> {
    const generation = ++this.#generation;
    try {
      const inspect = await engine.inspectContainer(this.id);
      const [changes, logs] = await Promise.all([
        engine.changes(inspect.Id).catch(() => [] as Change[]),
        engine.logs(inspect.Id, { stdout: true, stderr: true, tail: 500 }),
      ]);
      if (generation !== this.#generation) return;
      this.inspect = inspect;
      this.changes = changes;
      this.logs = logs.map((e) => ({ stream: e.stream, text: this.#decoder.decode(e.data) }));
      this.error = '';
    } catch (e) {
      if (generation !== this.#generation) return;
      this.error = describeError(e);
      this.inspect = null;
    } finally {
      if (generation === this.#generation) this.loading = false;
    }
  }
}
