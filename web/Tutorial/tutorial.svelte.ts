import { untrack } from 'svelte';
import type { EngineSession } from '../app/engine-session.svelte.ts';
import type { TerminalTabs } from '../Terminal/terminal-tabs.svelte.ts';
import type { TerminalSession } from '../Terminal/terminal-session.svelte.ts';
import { locale, type MessageKey } from '../i18n/locale.svelte.ts';
import { evaluateChecks, expandCommand, readFigure, type CheckProbes, type FigureValue } from './checks.ts';
import { previewFetch } from '../sw/preview-fetch.ts';
import type { Lesson, Step, StepEngine } from './lesson-format.ts';
import { lessonsIn, withEngines } from './lessons.ts';
import { readProgress, writeProgress, type Progress } from './progress-store.ts';

/**
 * `already`: what the step looks for holds, but not through anything done while it was open (it
 * held on arrival and none of its commands has run since) - no credit until the learner does it.
 */
export type StepStatus = 'idle' | 'checking' | 'passed' | 'failed' | 'already';

/** What the tutorial drives: the same engine session, terminals and router the rest of the page uses. */
export interface TutorialHost {
  engine: EngineSession;
  terminals: TerminalTabs;
  /** Open a deep link such as `#/images/box:latest`. */
  navigate(hash: string): void;
  /** The connected kernel service's session (reactive), or null while none is connected. */
  kernel(): EngineSession | null;
  /** A terminal tab whose docker runs on the kernel service: an idle one, or a new one switched to it. */
  kernelTab(): TerminalSession;
}

const storage = () => (typeof localStorage === 'undefined' ? undefined : localStorage);

// Ctrl-E then Ctrl-U: clear whatever is half-typed on the prompt before a command is typed in.
const CLEAR_LINE = '\x05\x15';
/** How often, and how far apart, a check that fails is tried again after the engine last changed. */
const CHECK_RETRIES = 10;
const CHECK_RETRY_MS = 2000;

/**
 * The tutorial mode: which lesson and step the learner is on, which steps are done (saved across
 * reloads), and the live state of the current step's check, re-read whenever the engine changes.
 * A step that passed stays done: later lessons may remove what an earlier check looked at.
 */
export class Tutorial {
  #progress = $state<Progress>(readProgress(storage()));
  /** The table of contents, or one lesson. */
  page = $state<'contents' | 'lesson'>('contents');
  status = $state<StepStatus>('idle');
  checkError = $state('');
  figures = $state.raw<FigureValue[]>([]);
  /** A short message about the last click (busy terminal, missing digest), as a message key. */
  notice = $state<MessageKey | null>(null);
  /** The engines' revisions when the current step opened: a later one means the learner acted. */
  #openedAt = $state(0);
  /** Which of the current step's commands were clicked. */
  #clicked = $state<number[]>([]);
  /** Each engine's count of the learner's actions when the current step opened. */
  #openedActs = { browser: 0, kernel: 0 };
  /** The step's check was seen not to hold while it was open: holding now is the learner's doing. */
  #seenFailing = false;
  #evaluation = 0;
  #disposeEffects: () => void;

  readonly lessons: Lesson[] = $derived(withEngines(lessonsIn(locale.lang), this.kernelConnected ? ['browser', 'kernel'] : ['browser']));

  constructor(private readonly host: TutorialHost) {
    if (this.#progress.lesson && this.lessons.some((l) => l.id === this.#progress.lesson)) this.page = 'lesson';
    this.#disposeEffects = $effect.root(() => {
      $effect(() => {
        const lesson = this.lesson;
        const step = this.step;
        const session = step ? this.#session(step.engine) : null;
        const revision = session?.revision ?? 0;
        if (this.page !== 'lesson' || !session?.ready || !lesson || !step) return;
        untrack(() => void this.#evaluate(lesson, step, revision));
      });
    });
  }

  /** A kernel service is connected and answering: its steps are part of the lessons. */
  get kernelConnected(): boolean {
    return this.host.kernel()?.ready ?? false;
  }

  get open(): boolean {
    return this.#progress.open;
  }

  get lesson(): Lesson | undefined {
    return this.lessons.find((l) => l.id === this.#progress.lesson) ?? this.lessons[0];
  }

  get lessonIndex(): number {
    const lesson = this.lesson;
    return lesson ? this.lessons.indexOf(lesson) : -1;
  }

  get stepIndex(): number {
    const lesson = this.lesson;
    return lesson ? Math.min(this.#progress.step, lesson.steps.length - 1) : 0;
  }

  get step(): Step | undefined {
    return this.lesson?.steps[this.stepIndex];
  }

  isDone(lessonId: string, stepId: string): boolean {
    return this.#progress.done[lessonId]?.includes(stepId) ?? false;
  }

  doneCount(lesson: Lesson): number {
    return lesson.steps.filter((s) => this.isDone(lesson.id, s.id)).length;
  }

  lessonDone(lesson: Lesson): boolean {
    return this.doneCount(lesson) === lesson.steps.length;
  }

  /** Some step of some lesson is done: the learner has begun ("Continue" rather than "Start"). */
  get started(): boolean {
    return Object.values(this.#progress.done).some((steps) => steps.length > 0);
  }

  /** The first lesson with a step still to do, for "continue". */
  get resumeLesson(): Lesson | undefined {
    return this.lessons.find((l) => !this.lessonDone(l));
  }

  /**
   * A hint is worth showing once the learner has done something since the step opened - but not
   * halfway through clicking a step's commands, when the check cannot hold yet.
   */
  get showHint(): boolean {
    if (this.status !== 'failed' || this.#acted() <= this.#openedAt) return false;
    const total = this.step?.run.length ?? 0;
    const clicked = this.#clicked.length;
    return clicked === 0 || clicked >= total;
  }

  /** Run the current step's command number `index` (see run). */
  async runCommand(index: number): Promise<void> {
    const line = this.step?.run[index];
    if (line === undefined) return;
    if (!this.#clicked.includes(index)) this.#clicked = [...this.#clicked, index];
    await this.run(line, this.step?.engine);
  }

  toggle(): void {
    this.#save({ ...this.#progress, open: !this.#progress.open });
  }

  showContents(): void {
    this.page = 'contents';
  }

  openLesson(id: string, step?: number): void {
    const lesson = this.lessons.find((l) => l.id === id);
    if (!lesson) return;
    const first = lesson.steps.findIndex((s) => !this.isDone(lesson.id, s.id));
    this.page = 'lesson';
    this.#goTo(id, step ?? (first === -1 ? 0 : first));
  }

  goToStep(index: number): void {
    const lesson = this.lesson;
    if (!lesson || index < 0 || index >= lesson.steps.length) return;
    this.#goTo(lesson.id, index);
  }

  next(): void {
    const lesson = this.lesson;
    if (!lesson) return;
    if (this.stepIndex < lesson.steps.length - 1) this.goToStep(this.stepIndex + 1);
    else if (this.lessonIndex < this.lessons.length - 1) this.openLesson(this.lessons[this.lessonIndex + 1].id, 0);
    else this.showContents();
  }

  previous(): void {
    if (this.stepIndex > 0) this.goToStep(this.stepIndex - 1);
    else if (this.lessonIndex > 0) {
      const before = this.lessons[this.lessonIndex - 1];
      this.openLesson(before.id, before.steps.length - 1);
    }
  }

  reset(lessonId: string): void {
    const done = { ...this.#progress.done };
    delete done[lessonId];
    this.#save({ ...this.#progress, done });
    if (this.lesson?.id === lessonId) this.#goTo(lessonId, 0);
  }

  /**
   * Type a step's command into a terminal and run it, as if the learner had: the active tab for the
   * browser engine, a tab on the kernel service for a kernel step.
   */
  async run(line: string, engine: StepEngine = 'browser'): Promise<void> {
    this.notice = null;
    let text = line;
    const target = this.#session(engine);
    if (line.includes('{{digest:')) {
      const expanded = target?.ready ? await expandCommand(target.engine, line) : null;
      if (!expanded) {
        this.notice = 'tutorial.needsDigest';
        return;
      }
      text = expanded;
    }
    const { terminals } = this.host;
    if (engine === 'kernel') {
      const tab = this.host.kernelTab();
      terminals.select(tab.id);
      tab.input(`${CLEAR_LINE}${text}\r`);
      return;
    }
    let session = terminals.active;
    if (session.busy) {
      session = terminals.add();
      this.notice = 'tutorial.busy';
    } else {
      terminals.select(session.id);
    }
    session.input(`${CLEAR_LINE}${text}\r`);
  }

  dispose(): void {
    this.#disposeEffects();
  }

  #goTo(lessonId: string, step: number): void {
    this.#save({ ...this.#progress, lesson: lessonId, step });
    this.status = 'idle';
    this.checkError = '';
    this.figures = [];
    this.notice = null;
    this.#clicked = [];
    this.#seenFailing = false;
    this.#openedActs = { browser: this.host.engine.acts, kernel: this.host.kernel()?.acts ?? 0 };
    const current = this.step;
    const session = current ? this.#session(current.engine) : null;
    this.#openedAt = this.#acted();
    if (current?.view && this.isDone(lessonId, current.id)) this.host.navigate(current.view);
    // Check the new step at once rather than only when the engine next changes.
    const lesson = this.lesson;
    if (lesson && current && session?.ready) void this.#evaluate(lesson, current, session.revision);
  }

  /** Moves whenever either engine changes: the learner acted (on the right engine or not). */
  #acted(): number {
    return this.host.engine.revision + (this.host.kernel()?.revision ?? 0);
  }

  /**
   * Whether holding now is to the learner's credit: they acted since the step opened, and either the
   * check was seen not to hold meanwhile or one of the step's own commands ran (typed or clicked).
   */
  #earned(step: Step): boolean {
    const kernel = this.host.kernel();
    const acted = this.host.engine.acts > this.#openedActs.browser || (kernel?.acts ?? 0) > this.#openedActs.kernel;
    if (!acted) return false;
    if (this.#seenFailing) return true;
    const lines = [...this.host.engine.linesSince(this.#openedActs.browser), ...(kernel?.linesSince(this.#openedActs.kernel) ?? [])];
    return lines.some((line) => step.run.some((command) => sameCommand(line, command)));
  }

  /** The engine a step's commands and checks use; null for a kernel step with no service connected. */
  #session(engine: StepEngine): EngineSession | null {
    return engine === 'kernel' ? this.host.kernel() : this.host.engine;
  }

  /** Published ports are this page's browser engine's (the Preview's path); the kernel's are not reached from here. */
  #probes(engine: StepEngine): CheckProbes {
    return engine === 'browser' ? { fetchPort: previewFetch } : {};
  }

  async #evaluate(lesson: Lesson, step: Step, _revision: number, attempt = 0): Promise<void> {
    const ticket = ++this.#evaluation;
    const session = this.#session(step.engine);
    if (!session?.ready) return;
    const engine = session.engine;
    const wasDone = this.isDone(lesson.id, step.id);
    if (!wasDone && this.status !== 'failed') this.status = 'checking';
    const [result, figures] = await Promise.all([
      wasDone ? Promise.resolve({ ok: true as const, error: undefined }) : evaluateChecks(engine, step.checks, this.#probes(step.engine)),
      Promise.all(step.figures.map((f) => readFigure(engine, f).catch(() => null))),
    ]);
    if (ticket !== this.#evaluation) return; // a newer evaluation (or another step) took over
    this.figures = figures;
    this.checkError = result.error ?? '';
    // A check that could not read the engine says nothing about the state; one that read it and
    // did not hold makes the next hold the learner's doing.
    if (!result.ok && !result.error) this.#seenFailing = true;
    const credited = result.ok && (wasDone || this.#earned(step));
    this.status = credited ? 'passed' : result.ok ? 'already' : 'failed';
    // A check that does not hold yet is asked again for a while: what it reads may change with no
    // engine event to say so (a running container's output arriving after its start event), and
    // one that could not read the engine (a busy container, a slow worker) may succeed next time.
    if (!result.ok && attempt < CHECK_RETRIES) {
      setTimeout(() => {
        if (ticket === this.#evaluation) void this.#evaluate(lesson, step, session.revision, attempt + 1);
      }, CHECK_RETRY_MS);
    }
    if (credited && !wasDone) {
      const done = { ...this.#progress.done, [lesson.id]: [...(this.#progress.done[lesson.id] ?? []), step.id] };
      this.#save({ ...this.#progress, done });
      if (step.view) this.host.navigate(step.view);
    }
  }

  #save(progress: Progress): void {
    this.#progress = progress;
    writeProgress(storage(), progress);
  }
}

/** A line the learner ran is one of a step's commands: the same words, a digest filled in where the step has `{{digest:REF}}`. */
function sameCommand(line: string, command: string): boolean {
  const words = (text: string) => text.trim().split(/\s+/).join(' ');
  const [ran, wanted] = [words(line), words(command)];
  const placeholder = wanted.indexOf('{{digest:');
  return placeholder < 0 ? ran === wanted : ran.startsWith(wanted.slice(0, placeholder));
}
