import type { CliIO } from '../../engine/cli/index.ts';
import type { EngineSelection } from '../engine-select/engine-selection.svelte.ts';
import { t } from '../i18n/locale.svelte.ts';
import type { ParityComparison, ParityResult } from './parity-run.ts';

// parity-run brings the whole docker CLI: it loads with the first comparison, not with the page.
const loadParityRun = () => import('./parity-run.ts');

export interface ParityEntry {
  id: number;
  result: ParityResult;
  comparison: ParityComparison;
}

/**
 * The parity view's state: the command being typed, whether a run is under way, and the runs so
 * far, newest first. A run needs both engines ready; the view says which one is not.
 */
export class ParityState {
  line = $state('docker run --rm box echo hi');
  running = $state(false);
  error = $state('');
  entries = $state.raw<ParityEntry[]>([]);
  #next = 1;

  constructor(
    private readonly selection: EngineSelection,
    private readonly io: () => Partial<CliIO> = () => ({}),
  ) {}

  /** Why a run cannot start now, or '' when it can. */
  get blocked(): string {
    const kernel = this.selection.sessionFor('kernel');
    if (!this.selection.kernelConfigured) return t('parity.needsKernel');
    if (!kernel.ready) return kernel.error || t('parity.kernelConnecting');
    if (!this.selection.browser.ready) return this.selection.browser.error || t('parity.browserStarting');
    return '';
  }

  async run(line = this.line): Promise<ParityEntry | null> {
    this.error = '';
    const { compareParity, parityArgv, runOnBoth } = await loadParityRun();
    try {
      parityArgv(line);
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
      return null;
    }
    if (this.blocked) {
      this.error = this.blocked;
      return null;
    }
    this.running = true;
    try {
      const browser = this.selection.sessionFor('browser');
      const kernel = this.selection.sessionFor('kernel');
      const result = await runOnBoth(line, browser.engine, kernel.engine, this.io());
      const entry = { id: this.#next++, result, comparison: compareParity(result) };
      this.entries = [entry, ...this.entries].slice(0, 20);
      browser.changed();
      kernel.changed();
      return entry;
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
      return null;
    } finally {
      this.running = false;
    }
  }

  clear(): void {
    this.entries = [];
  }
}
