/**
 * Compose's variable substitution in every string value of the file (never in keys): `$NAME`,
 * `${NAME}`, `${NAME:-default}` (unset or empty), `${NAME-default}` (unset), `${NAME:?message}` /
 * `${NAME?message}` (an error), `${NAME:+other}` / `${NAME+other}`, `$$` for a literal `$`;
 * defaults may hold substitutions themselves. An unset variable without a default is a blank
 * string with Compose's warning, once per variable.
 */
import { ComposeError } from './compose-error.ts';

export interface Variables {
  /** The value, or undefined when the variable is not set. */
  get(name: string): string | undefined;
  /** Compose's `WARN[0000] The "X" variable is not set.` goes through here, once per name. */
  warnUnset(name: string): void;
}

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

export function interpolateTree(value: unknown, vars: Variables, path: string[] = []): unknown {
  if (typeof value === 'string') return interpolate(value, vars, path.join('.'));
  if (Array.isArray(value)) return value.map((v, i) => interpolateTree(v, vars, [...path, String(i)]));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = interpolateTree(v, vars, [...path, k]);
    return out;
  }
  return value;
}

export function interpolate(text: string, vars: Variables, path: string): string {
  const bad = () => new ComposeError(`invalid interpolation format for ${path}: "${text}"; you may need to escape any $ with another $`);
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c !== '$') {
      out += c;
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (next !== undefined && NAME_START.test(next)) {
      let j = i + 1;
      while (j < text.length && NAME_CHAR.test(text[j])) j++;
      out += valueOf(text.slice(i + 1, j), vars);
      i = j;
      continue;
    }
    if (next !== '{') throw bad();
    const end = closingBrace(text, i + 2);
    if (end < 0) throw bad();
    out += expand(text.slice(i + 2, end), vars, path, bad);
    i = end + 1;
  }
  return out;
}

function closingBrace(text: string, from: number): number {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    if (text[i] === '$' && text[i + 1] === '{') {
      depth++;
      i++;
    } else if (text[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

function expand(body: string, vars: Variables, path: string, bad: () => Error): string {
  let j = 0;
  if (!NAME_START.test(body[0] ?? '')) throw bad();
  while (j < body.length && NAME_CHAR.test(body[j])) j++;
  const name = body.slice(0, j);
  if (j === body.length) return valueOf(name, vars);
  const colon = body[j] === ':';
  const op = body[colon ? j + 1 : j];
  const rest = body.slice(colon ? j + 2 : j + 1);
  if (op === undefined || !'-?+'.includes(op)) throw bad();
  const value = vars.get(name);
  const missing = value === undefined || (colon && value === '');
  switch (op) {
    case '-':
      return missing ? interpolate(rest, vars, path) : value!;
    case '+':
      return missing ? '' : interpolate(rest, vars, path);
    default: {
      if (!missing) return value!;
      const message = interpolate(rest, vars, path);
      throw new ComposeError(`required variable ${name} is missing a value${message ? `: ${message}` : ''}`);
    }
  }
}

function valueOf(name: string, vars: Variables): string {
  const value = vars.get(name);
  if (value !== undefined) return value;
  vars.warnUnset(name);
  return '';
}
