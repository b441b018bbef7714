/**
 * The learner's progress, kept in localStorage under one key: which steps are done per lesson
 * (by step id, so it survives a change of language) and where they were.
 */
export interface Progress {
  /** Lesson id -> ids of its steps that passed. */
  done: Record<string, string[]>;
  lesson: string | null;
  step: number;
  open: boolean;
}

const KEY = 'dockyard.tutorial.v1';

export function emptyProgress(): Progress {
  return { done: {}, lesson: null, step: 0, open: true };
}

/** Whatever was stored, made safe: unknown shapes read as no progress. */
export function readProgress(storage: Pick<Storage, 'getItem'> | undefined): Progress {
  const empty = emptyProgress();
  try {
    const raw = storage?.getItem(KEY);
    if (!raw) return empty;
    const value = JSON.parse(raw) as Partial<Progress>;
    const done: Record<string, string[]> = {};
    if (value.done && typeof value.done === 'object') {
      for (const [lesson, steps] of Object.entries(value.done)) {
        if (Array.isArray(steps)) done[lesson] = steps.filter((s): s is string => typeof s === 'string');
      }
    }
    return {
      done,
      lesson: typeof value.lesson === 'string' ? value.lesson : null,
      step: Number.isInteger(value.step) && (value.step as number) >= 0 ? (value.step as number) : 0,
      open: typeof value.open === 'boolean' ? value.open : true,
    };
  } catch {
    return empty;
  }
}

export function writeProgress(storage: Pick<Storage, 'setItem'> | undefined, progress: Progress): void {
  try {
    storage?.setItem(KEY, JSON.stringify(progress));
  } catch {
    // storage full or disabled: progress lasts for this visit only
  }
}
