/**
 * The tutorial's check vocabulary: one line such as
 *   `container name=hog exit=137 oom=true`
 *   `shared-layers greeter:1 greeter:2 shared>=1 unique=1`
 * is a subject, its positional arguments and conditions `key OP value` (OP one of = >= <= ~=).
 * Words are split as a shell does, so a value with spaces is quoted: `logs~="hello world"`.
 * tutorial/README.md documents the vocabulary for lesson writers; this file is its one definition.
 */
// shell-words.ts alone, not the CLI's index: the page loads the CLI lazily (web/Terminal/docker-runner.ts).
import { splitCommandLine } from '../../engine/cli/shell-words.ts';

export type Op = '=' | '>=' | '<=' | '~=';

export interface Condition {
  key: string;
  op: Op;
  value: string;
}

export interface Check {
  subject: Subject;
  args: string[];
  conditions: Condition[];
  /** The line as written, for messages. */
  source: string;
}

type ValueKind = 'number' | 'bytes' | 'bool' | 'text' | 'state' | 'kind' | 'reference' | 'port';

interface KeySpec {
  ops: Op[];
  value: ValueKind;
}

interface SubjectSpec {
  args: string[]; // names of the positional arguments, all required
  /** The kind of each positional argument (text when absent). */
  argKinds?: ValueKind[];
  keys: Record<string, KeySpec>;
  /** Keys that must be present. */
  required?: string[];
}

const COUNT: KeySpec = { ops: ['=', '>=', '<='], value: 'number' };

export const VOCABULARY = {
  /** An image with this reference exists (and its conditions hold). */
  image: {
    args: ['reference'],
    keys: {
      layers: COUNT,
      size: { ops: ['>=', '<='], value: 'bytes' },
      history: { ops: ['~='], value: 'text' },
      digest: { ops: ['='], value: 'bool' },
      'same-as': { ops: ['='], value: 'reference' },
      'not-smaller-than': { ops: ['='], value: 'reference' },
    },
  },
  /** The image's history has a step whose instruction contains `created-by`, with that layer size. */
  layer: {
    args: ['reference'],
    keys: { 'created-by': { ops: ['~='], value: 'text' }, size: { ops: ['>=', '<='], value: 'bytes' } },
    required: ['created-by'],
  },
  /** No image answers to this reference. */
  'no-image': { args: ['reference'], keys: {} },
  /** Two images exist and share layers: `shared` layers of the second are in the first, `unique` are not. */
  'shared-layers': {
    args: ['first', 'second'],
    keys: { shared: COUNT, unique: COUNT },
  },
  /** Containers matching every filter exist; `count` (default >=1) says how many. */
  container: {
    args: [],
    keys: {
      name: { ops: ['='], value: 'text' },
      image: { ops: ['='], value: 'reference' },
      state: { ops: ['='], value: 'state' },
      exit: { ops: ['='], value: 'number' },
      oom: { ops: ['='], value: 'bool' },
      logs: { ops: ['~='], value: 'text' },
      volume: { ops: ['='], value: 'text' },
      count: COUNT,
    },
  },
  /** `docker diff CONTAINER` lists this path (with this kind: A added, C changed, D deleted). */
  changes: {
    args: ['container'],
    keys: { path: { ops: ['='], value: 'text' }, kind: { ops: ['='], value: 'kind' } },
    required: ['path'],
  },
  /** A volume with this name exists; `used-by` counts the containers (any state) that mount it. */
  volume: {
    args: ['name'],
    keys: { 'used-by': COUNT },
  },
  /**
   * A GET / of this host port, through the engine's published-port path (the Preview's), answers
   * 2xx; `answers~=TEXT` its body contains TEXT.
   */
  port: {
    args: ['host port'],
    argKinds: ['port'],
    keys: { answers: { ops: ['~='], value: 'text' } },
  },
  /** A network with this name exists; `containers` counts the containers with a live endpoint on it. */
  network: {
    args: ['name'],
    keys: { containers: COUNT },
  },
  /**
   * A Compose project is up: running containers labelled com.docker.compose.project=NAME; `services`
   * counts their distinct services (and decides alone when given: `services=0` - the project is down).
   */
  project: {
    args: ['name'],
    keys: { services: COUNT },
  },
} satisfies Record<string, SubjectSpec>;

export type Subject = keyof typeof VOCABULARY;

const STATES = ['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead'];

export class CheckSyntaxError extends Error {}

const CONDITION = /^([a-z][a-z-]*)(>=|<=|~=|=)(.*)$/s;

/** Bytes from `512`, `64k`, `1.5MB`, `2M` (decimal units for kB/MB/GB as docker prints sizes). */
export function parseBytes(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*(b|k|kb|m|mb|g|gb)?$/i.exec(text.trim());
  if (!m) return null;
  const unit = (m[2] ?? 'b').toLowerCase()[0];
  const scale = unit === 'k' ? 1e3 : unit === 'm' ? 1e6 : unit === 'g' ? 1e9 : 1;
  return Math.round(Number(m[1]) * scale);
}

function checkValue(kind: ValueKind, value: string, key: string): void {
  const bad = (what: string) => new CheckSyntaxError(`${key}: expected ${what}, got "${value}"`);
  switch (kind) {
    case 'number':
      if (!/^\d+$/.test(value)) throw bad('a whole number');
      return;
    case 'bytes':
      if (parseBytes(value) === null) throw bad('a size such as 64k or 2MB');
      return;
    case 'bool':
      if (value !== 'true' && value !== 'false') throw bad('true or false');
      return;
    case 'state':
      if (!STATES.includes(value)) throw bad(STATES.join('|'));
      return;
    case 'kind':
      if (!['A', 'C', 'D'].includes(value)) throw bad('A, C or D');
      return;
    case 'port':
      if (!/^\d{1,5}$/.test(value) || Number(value) < 1 || Number(value) > 65535) throw bad('a port number (1-65535)');
      return;
    case 'reference':
    case 'text':
      if (value === '') throw bad('a value');
      return;
  }
}

export function parseCheck(source: string): Check {
  let words: string[];
  try {
    words = splitCommandLine(source);
  } catch (e) {
    throw new CheckSyntaxError(`cannot split "${source}": ${e instanceof Error ? e.message : String(e)}`);
  }
  const [head, ...rest] = words;
  if (!head) throw new CheckSyntaxError('empty check');
  if (!Object.hasOwn(VOCABULARY, head)) {
    throw new CheckSyntaxError(`unknown check "${head}" (known: ${Object.keys(VOCABULARY).join(', ')})`);
  }
  const subject = head as Subject;
  const spec: SubjectSpec = VOCABULARY[subject];
  const args: string[] = [];
  const conditions: Condition[] = [];
  for (const word of rest) {
    const m = CONDITION.exec(word);
    if (!m || !Object.hasOwn(spec.keys, m[1])) {
      if (m && conditions.length + args.length >= spec.args.length) {
        throw new CheckSyntaxError(`${subject}: unknown key "${m[1]}" (known: ${Object.keys(spec.keys).join(', ') || 'none'})`);
      }
      if (conditions.length > 0) throw new CheckSyntaxError(`${subject}: argument "${word}" after a condition`);
      args.push(word);
      continue;
    }
    const [, key, op, value] = m;
    const keySpec = spec.keys[key];
    if (!keySpec.ops.includes(op as Op)) {
      throw new CheckSyntaxError(`${subject}: ${key} takes ${keySpec.ops.join(' or ')}, not ${op}`);
    }
    checkValue(keySpec.value, value, key);
    conditions.push({ key, op: op as Op, value });
  }
  if (args.length !== spec.args.length) {
    throw new CheckSyntaxError(`${subject}: expected ${spec.args.length} argument(s) (${spec.args.join(', ') || 'none'}), got ${args.length}`);
  }
  for (const [i, kind] of (spec.argKinds ?? []).entries()) checkValue(kind, args[i], spec.args[i]);
  for (const key of spec.required ?? []) {
    if (!conditions.some((c) => c.key === key)) throw new CheckSyntaxError(`${subject}: ${key} is required`);
  }
  return { subject, args, conditions, source };
}

/** The image references a check names (to test that lessons use only images we ship or build). */
export function referencesOf(check: Check): string[] {
  const spec: SubjectSpec = VOCABULARY[check.subject];
  const byReference: Subject[] = ['image', 'no-image', 'layer', 'shared-layers'];
  const refs = byReference.includes(check.subject) ? [...check.args] : [];
  for (const c of check.conditions) if (spec.keys[c.key]?.value === 'reference') refs.push(c.value);
  return refs;
}
