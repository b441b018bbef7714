/**
 * The lesson files, bundled: every `tutorial/lessons/<lang>/<id>.md`, parsed once. Lessons are
 * ordered by file name; a lesson missing in a language falls back to English.
 */
import type { Lang } from '../i18n/messages.ts';
import { parseLesson, type Lesson, type StepEngine } from './lesson-format.ts';

const files = import.meta.glob<string>('/tutorial/lessons/*/*.md', { query: '?raw', import: 'default', eager: true });

export interface LessonSet {
  /** Lesson ids in order. */
  ids: string[];
  byLang: Map<string, Map<string, Lesson>>;
}

/** Parse a set of files keyed by path (`.../lessons/<lang>/<id>.md`). */
export function loadLessons(sources: Record<string, string>): LessonSet {
  const byLang = new Map<string, Map<string, Lesson>>();
  const ids = new Set<string>();
  for (const path of Object.keys(sources).sort()) {
    const m = /\/lessons\/([a-z]{2})\/([^/]+)\.md$/.exec(path);
    if (!m) continue;
    const [, lang, id] = m;
    const lesson = parseLesson(sources[path], lang, path);
    if (lesson.id !== id) throw new Error(`${path}: front matter id "${lesson.id}" differs from the file name`);
    if (!byLang.has(lang)) byLang.set(lang, new Map());
    byLang.get(lang)!.set(id, lesson);
    ids.add(id);
  }
  return { ids: [...ids].sort(), byLang };
}

export const LESSONS = loadLessons(files);

export function lessonsIn(lang: Lang): Lesson[] {
  const own = LESSONS.byLang.get(lang);
  const fallback = LESSONS.byLang.get('en');
  return LESSONS.ids.map((id) => own?.get(id) ?? fallback?.get(id)).filter((l): l is Lesson => l !== undefined);
}

/** The lessons with only the steps that can run on the engines at hand (kernel steps need a kernel service). */
export function withEngines(lessons: Lesson[], engines: StepEngine[]): Lesson[] {
  return lessons.map((l) => (l.steps.every((s) => engines.includes(s.engine)) ? l : { ...l, steps: l.steps.filter((s) => engines.includes(s.engine)) }));
}
