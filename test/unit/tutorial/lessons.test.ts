import { describe, expect, it } from 'vitest';
import { parseHash } from '../../../web/app/routes.ts';
import { referencesOf } from '../../../web/Tutorial/check-syntax.ts';
import { parseLesson } from '../../../web/Tutorial/lesson-format.ts';
import { withEngines } from '../../../web/Tutorial/lessons.ts';
import { imageOf, imagesMadeBy, lessonSources, normalise, readCommandLine, readLessonSet } from './lesson-files.ts';

const set = readLessonSet();
const en = set.byLang.get('en')!;
const ko = set.byLang.get('ko')!;

/** The images the playground ships (images/build.ts, images/assemble/). */
const SHIPPED = ['hello-world:latest', 'box:latest', 'box:1.0', 'sqlite:latest', 'httpd:latest', 'kv:latest', 'greeter:1', 'greeter:2'];

describe('lesson files', () => {
  it('has the eight lessons of issue 6 and those of issue 19, in order, in English and Korean', () => {
    expect(set.ids).toEqual([
      '01-what-is-docker',
      '02-vm-vs-container',
      '03-namespaces-cgroups',
      '04-image-vs-container',
      '05-layers',
      '06-registry',
      '07-immutable',
      '08-volumes',
      '09-services-ports',
      '10-networks',
      '11-compose',
    ]);
    expect([...en.keys()]).toEqual(set.ids);
    expect([...ko.keys()]).toEqual(set.ids);
  });

  for (const id of set.ids) {
    it(`${id}: Korean has the same steps, commands, checks, views and figures as English`, () => {
      const a = en.get(id)!;
      const b = ko.get(id)!;
      const shape = (l: typeof a) =>
        l.steps.map((s) => ({ id: s.id, run: s.run, checks: s.checks.map((c) => c.source), view: s.view, figures: s.figures, engine: s.engine }));
      expect(shape(b)).toEqual(shape(a));
      // The words are each language's own: titles, texts and hints are written, not left in English.
      expect(b.title).not.toBe(a.title);
      for (const [i, step] of b.steps.entries()) {
        expect(step.title, `${id}/${step.id} title`).not.toBe(a.steps[i].title);
        expect(step.hint, `${id}/${step.id} hint`).not.toBe(a.steps[i].hint);
        expect(step.before + step.after, `${id}/${step.id} text`).toMatch(/[가-힣]/);
      }
    });
  }

  const lessons = set.ids.map((id) => en.get(id)!);
  const made = new Set(SHIPPED);
  for (const lesson of lessons) {
    for (const step of lesson.steps) for (const line of step.run) for (const use of readCommandLine(line)) imagesMadeBy(use).forEach((r) => made.add(normalise(r)));
  }

  // A digest reference names a repository we ship or build; anything else by its tag.
  const known = (ref: string) => (ref.includes('@') ? [...made].some((m) => m.startsWith(normalise(ref) + ':')) : made.has(normalise(ref)));

  for (const lesson of lessons) {
    it(`${lesson.id}: every command is a docker or host-shell command the terminal runs, on images we ship or build`, () => {
      for (const step of lesson.steps) {
        for (const line of step.run) {
          const uses = readCommandLine(line);
          for (const use of uses) {
            const image = imageOf(use);
            if (image) expect(known(image), `${lesson.id}/${step.id}: ${line}`).toBe(true);
          }
        }
      }
    });

    it(`${lesson.id}: every check names images we ship or build, and every view is a deep link the router knows`, () => {
      for (const step of lesson.steps) {
        for (const check of step.checks) {
          for (const ref of referencesOf(check)) expect(known(ref), `${lesson.id}/${step.id}: ${check.source}`).toBe(true);
        }
        if (step.view) {
          const route = parseHash(step.view);
          expect(step.view.startsWith(`#/${route.view}`), step.view).toBe(true);
        }
        for (const figure of step.figures) {
          if (figure.kind === 'image-size') expect(known(figure.subject), figure.subject).toBe(true);
        }
        expect(step.run.length, `${lesson.id}/${step.id} has a command to click`).toBeGreaterThan(0);
      }
    });
  }

  it('every step of every lesson has a check, a hint and an explanation in both languages', () => {
    for (const lang of [en, ko]) {
      for (const lesson of lang.values()) {
        for (const step of lesson.steps) {
          expect(step.checks.length).toBeGreaterThan(0);
          expect(step.hint.length).toBeGreaterThan(10);
          expect(step.before.length + step.after.length).toBeGreaterThan(20);
        }
      }
    }
  });

  it('the sources named for VM figures appear in both languages of lesson 2', () => {
    for (const lang of [en, ko]) {
      const text = lang.get('02-vm-vs-container')!.steps.map((s) => s.before + s.after).join('\n');
      expect(text).toContain('Mao & Humphrey');
      expect(text).toContain('Firecracker');
      expect(text).toContain('multipass launch --help');
    }
  });

  it('lesson 3 shows the kernel service for real only while one is connected: its kernel steps come last', () => {
    const lesson = en.get('03-namespaces-cgroups')!;
    const kernel = lesson.steps.filter((s) => s.engine === 'kernel').map((s) => s.id);
    expect(kernel).toEqual(['kernel-hostname', 'kernel-cgroup', 'kernel-overlay']);
    expect(lesson.steps.slice(-3).map((s) => s.id)).toEqual(kernel);
    const [browserOnly] = withEngines([lesson], ['browser']);
    expect(browserOnly.steps.map((s) => s.engine)).not.toContain('kernel');
    expect(browserOnly.steps).toHaveLength(lesson.steps.length - 3);
    expect(withEngines([lesson], ['browser', 'kernel'])[0].steps).toHaveLength(lesson.steps.length);
    // Every other lesson runs on the browser engine alone.
    for (const other of lessons.filter((l) => l !== lesson)) expect(other.steps.every((s) => s.engine === 'browser'), other.id).toBe(true);
  });

  it('the file list and the parsed set agree: no stray files outside a language folder', () => {
    const paths = Object.keys(lessonSources());
    expect(paths.length).toBe(set.ids.length * 2);
    for (const p of paths) expect(p).toMatch(/^\/tutorial\/lessons\/(en|ko)\/\d\d-[a-z0-9-]+\.md$/);
  });
});

describe('lesson format', () => {
  const minimal = (step: string) => `---\nid: x\ntitle: T\nsummary: S\n---\nIntro\n\n## A step {#a}\n\nText\n\n\`\`\`step\n${step}\n\`\`\`\n`;

  it('reads a step: text before, fields, text after', () => {
    const lesson = parseLesson(minimal('run: docker images\ncheck: image box\nview: #/images/box\nhint: Pull box.\nfigure: image-size box') + '\nAfter.\n', 'en', 'x.md');
    expect(lesson.intro).toBe('Intro');
    expect(lesson.steps[0]).toMatchObject({ id: 'a', title: 'A step', before: 'Text', after: 'After.', run: ['docker images'], view: '#/images/box', hint: 'Pull box.' });
    expect(lesson.steps[0].figures).toEqual([{ kind: 'image-size', subject: 'box' }]);
    expect(lesson.steps[0].engine).toBe('browser');
    expect(parseLesson(minimal('engine: kernel\ncheck: image box\nhint: h'), 'en', 'x.md').steps[0].engine).toBe('kernel');
  });

  it.each([
    ['no front matter', 'just text'],
    ['a step without a check', minimal('run: docker images\nhint: h')],
    ['a step without a hint', minimal('check: image box')],
    ['an unknown field', minimal('check: image box\nhint: h\ncolour: red')],
    ['a view that is not a deep link', minimal('check: image box\nhint: h\nview: https://example.com')],
    ['an unknown figure', minimal('check: image box\nhint: h\nfigure: cpu box')],
    ['an unknown engine', minimal('check: image box\nhint: h\nengine: vm')],
    ['a check outside the vocabulary', minimal('check: rm -rf /\nhint: h')],
    ['a step heading without an id', '---\nid: x\ntitle: T\nsummary: S\n---\n## Step\n```step\ncheck: image box\nhint: h\n```\n'],
  ])('refuses %s', (_, text) => {
    expect(() => parseLesson(text, 'en', 'x.md')).toThrow();
  });

  it('refuses two steps with one id', () => {
    const one = '## A {#a}\n```step\ncheck: image box\nhint: h\n```\n';
    expect(() => parseLesson(`---\nid: x\ntitle: T\nsummary: S\n---\n${one}${one}`, 'en', 'x.md')).toThrow(/twice/);
  });

  it('does not take a heading inside a fenced example for a step', () => {
    const text = '---\nid: x\ntitle: T\nsummary: S\n---\n```\n## not a step\n```\n## Real {#r}\n```step\ncheck: image box\nhint: h\n```\n';
    expect(parseLesson(text, 'en', 'x.md').steps.map((s) => s.id)).toEqual(['r']);
  });
});
