import type { Engine, HistoryEntry, ImageInspect, LayerView } from '../../engine/engine.ts';
import { describeError } from '../lib/errors.ts';

/** One image's inspect, history and layers, read together and re-read when the engine changes. */
export class ImageDetail {
  inspect = $state.raw<ImageInspect | null>(null);
  history = $state.raw<HistoryEntry[]>([]);
  layers = $state.raw<LayerView[]>([]);
  loading = $state(true);
  error = $state('');
  #generation = 0;

  constructor(readonly reference: string) {}

  async load(engine: Engine): Promise<void> {
    const generation = ++this.#generation;
    try {
      const [inspect, history, layers] = await Promise.all([
        engine.inspectImage(this.reference),
        engine.history(this.reference),
        engine.imageLayers(this.reference),
      ]);
      if (generation !== this.#generation) return; // a newer load is under way
      this.inspect = inspect;
      this.history = history;
      this.layers = layers;
      this.error = '';
    } catch (e) {
      if (generation !== this.#generation) return;
      this.error = describeError(e);
    } finally {
      if (generation === this.#generation) this.loading = false;
    }
  }
}
