/**
 * Lesson files (tutorial/lessons/<lang>/<id>.md): a front-matter block, an introduction, then one
 * `## Title {#step-id}` section per step. A step's section holds Markdown and one fenced block
 * of step fields:
 *
 *     ```step
 *     run: docker run --name first hello-world
 *     check: container name=first exit=0
 *     view: #/containers/first
 *     hint: Click the command above, then wait for the prompt.
 *     figure: image-size hello-world
 *     engine: kernel
 *     ```
 *
 * Text before the block explains the step; text after it is revealed once the check passes.
 * tutorial/README.md is the writer's guide; this parser is the one reading of the format.
 */
import { parseCheck, type Check } from './check-syntax.ts';

export interface Figure {
  kind: 'image-size' | 'start-time';
  subject: string;
}

/**
 * Where a step's commands run and its checks look: the browser engine, or the connected kernel
 * service. A kernel step is part of its lesson only while a kernel service is connected.
 */
export type StepEngine = 'browser' | 'kernel';

export interface Step {
  id: string;
  title: string;
  /** Markdown shown before the commands. */
  before: string;
  /** Markdown revealed once the check passes. */
  after: string;
  run: string[];
  checks: Check[];
  view?: string;
  hint: string;
  figures: Figure[];
  engine: StepEngine;
}

export interface Lesson {
  id: string;
  lang: string;
  title: string;
  summary: string;
  intro: string;
  steps: Step[];
}

export class LessonFormatError extends Error {}

const FIGURE_KINDS = ['image-size', 'start-time'] as const;
const STEP_HEADING = /^##\s+(.+?)\s*\{#([a-z0-9][a-z0-9-]*)\}\s*$/;

function frontMatter(text: string, where: string): { fields: Record<string, string>; body: string } {
  const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/.exec(text);
  if (!m) throw new LessonFormatError(`${where}: the file must start with a --- front-matter block`);
  const fields: Record<string, string> = {};
  for (const line of m[1].split(/\r?\n/)) {
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new LessonFormatError(`${where}: front matter line "${line}" is not "key: value"`);
    fields[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return { fields, body: text.slice(m[0].length) };
}

function stepFields(block: string, where: string): Omit<Step, 'id' | 'title' | 'before' | 'after'> {
  const run: string[] = [];
  const checks: Check[] = [];
  const figures: Figure[] = [];
  let view: string | undefined;
  let hint = '';
  let engine: StepEngine = 'browser';
  for (const raw of block.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new LessonFormatError(`${where}: step line "${line}" is not "field: value"`);
    const field = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (value === '') throw new LessonFormatError(`${where}: ${field} is empty`);
    switch (field) {
      case 'run':
        run.push(value);
        break;
      case 'check':
        try {
          checks.push(parseCheck(value));
        } catch (e) {
          throw new LessonFormatError(`${where}: ${e instanceof Error ? e.message : String(e)}`);
        }
        break;
      case 'view':
        if (view) throw new LessonFormatError(`${where}: more than one view`);
        if (!value.startsWith('#/')) throw new LessonFormatError(`${where}: view "${value}" is not a #/ link`);
        view = value;
        break;
      case 'hint':
        hint = hint ? `${hint} ${value}` : value;
        break;
      case 'figure': {
        const [kind, subject, ...extra] = value.split(/\s+/);
        if (!(FIGURE_KINDS as readonly string[]).includes(kind) || !subject || extra.length) {
          throw new LessonFormatError(`${where}: figure "${value}" is not "${FIGURE_KINDS.join('|')} SUBJECT"`);
        }
        figures.push({ kind: kind as Figure['kind'], subject });
        break;
      }
      case 'engine':
        if (value !== 'browser' && value !== 'kernel') throw new LessonFormatError(`${where}: engine "${value}" is not browser or kernel`);
        engine = value;
        break;
      default:
        throw new LessonFormatError(`${where}: unknown step field "${field}" (run, check, view, hint, figure, engine)`);
    }
  }
  if (checks.length === 0) throw new LessonFormatError(`${where}: a step needs at least one check`);
  if (!hint) throw new LessonFormatError(`${where}: a step needs a hint`);
  return { run, checks, view, hint, figures, engine };
}

function parseStep(title: string, id: string, section: string, where: string): Step {
  const fence = /^```step[ \t]*\r?\n([\s\S]*?)^```[ \t]*$/m.exec(section);
  if (!fence) throw new LessonFormatError(`${where}: step "${id}" has no \`\`\`step block`);
  if (/^```step/m.test(section.slice(fence.index + fence[0].length))) {
    throw new LessonFormatError(`${where}: step "${id}" has more than one \`\`\`step block`);
  }
  const fields = stepFields(fence[1], `${where} step ${id}`);
  return {
    id,
    title,
    before: section.slice(0, fence.index).trim(),
    after: section.slice(fence.index + fence[0].length).trim(),
    ...fields,
  };
}

/** Parse one lesson file; `where` names it in errors (its path). */
export function parseLesson(text: string, lang: string, where: string): Lesson {
  const { fields, body } = frontMatter(text, where);
  for (const key of ['id', 'title', 'summary']) {
    if (!fields[key]) throw new LessonFormatError(`${where}: front matter needs ${key}`);
  }
  const lines = body.split(/\r?\n/);
  const intro: string[] = [];
  const sections: Array<{ title: string; id: string; lines: string[] }> = [];
  let inFence = false;
  for (const line of lines) {
    if (/^```/.test(line)) inFence = !inFence;
    const heading = inFence ? null : STEP_HEADING.exec(line);
    if (heading) {
      sections.push({ title: heading[1], id: heading[2], lines: [] });
    } else if (!inFence && /^##\s/.test(line)) {
      throw new LessonFormatError(`${where}: heading "${line}" needs a step id: ## Title {#step-id}`);
    } else {
      (sections.at(-1)?.lines ?? intro).push(line);
    }
  }
  if (sections.length === 0) throw new LessonFormatError(`${where}: a lesson needs at least one step`);
  const seen = new Set<string>();
  const steps = sections.map((s) => {
    if (seen.has(s.id)) throw new LessonFormatError(`${where}: step id "${s.id}" is used twice`);
    seen.add(s.id);
    return parseStep(s.title, s.id, s.lines.join('\n'), where);
  });
  return { id: fields.id, lang, title: fields.title, summary: fields.summary, intro: intro.join('\n').trim(), steps };
}
