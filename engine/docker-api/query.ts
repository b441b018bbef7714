/** Query parameters as Docker's server reads them (moby's httputils), failing with 400 answers. */
import { EngineError } from '../errors.ts';

/** Docker's BoolValue: absent, "", "0", "no", "false" and "none" are false; anything else is true. */
export function boolParam(query: URLSearchParams, name: string): boolean {
  const v = query.get(name);
  if (v === null) return false;
  return !['', '0', 'no', 'false', 'none'].includes(v.trim().toLowerCase());
}

/** A bool parameter that is absent reads as `undefined`, so the engine's default applies. */
export function optionalBool(query: URLSearchParams, name: string): boolean | undefined {
  return query.has(name) ? boolParam(query, name) : undefined;
}

/** An integer parameter; absent or empty: undefined; anything but an integer: 400. */
export function intParam(query: URLSearchParams, name: string): number | undefined {
  const v = query.get(name);
  if (v === null || v === '') return undefined;
  if (!/^-?\d+$/.test(v.trim())) throw new EngineError('invalid-argument', `invalid value for ${name}: ${JSON.stringify(v)}: invalid syntax`);
  const n = Number(v.trim());
  if (!Number.isSafeInteger(n)) throw new EngineError('invalid-argument', `invalid value for ${name}: ${JSON.stringify(v)}: value out of range`);
  return n;
}

/** A JSON-encoded object of strings (`buildargs`, `labels`); absent: undefined. */
export function stringMapParam(query: URLSearchParams, name: string): Record<string, string> | undefined {
  const v = query.get(name);
  if (v === null || v === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(v);
  } catch {
    throw new EngineError('invalid-argument', `invalid ${name}: not a JSON object`);
  }
  if (parsed === null) return undefined;
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new EngineError('invalid-argument', `invalid ${name}: not a JSON object`);
  const out: Record<string, string> = {};
  for (const [k, value] of Object.entries(parsed as Record<string, unknown>)) {
    // buildargs may carry null for "take it from the environment", which the server cannot do
    if (value === null) continue;
    if (typeof value !== 'string') throw new EngineError('invalid-argument', `invalid ${name}: value of ${JSON.stringify(k)} is not a string`);
    out[k] = value;
  }
  return out;
}

/**
 * Docker's `filters` parameter: `{"status":{"exited":true}}` or the older `{"status":["exited"]}`,
 * read as filter name -> accepted values.
 */
export function filtersParam(query: URLSearchParams): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const v = query.get('filters');
  if (v === null || v === '') return out;
  let parsed: unknown;
  try {
    parsed = JSON.parse(v);
  } catch {
    throw new EngineError('invalid-argument', 'invalid filter: not a JSON object');
  }
  if (parsed === null) return out;
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new EngineError('invalid-argument', 'invalid filter: not a JSON object');
  for (const [name, values] of Object.entries(parsed as Record<string, unknown>)) {
    if (Array.isArray(values) && values.every((x) => typeof x === 'string')) out.set(name, values as string[]);
    else if (values && typeof values === 'object') out.set(name, Object.entries(values as Record<string, unknown>).filter(([, on]) => on === true).map(([k]) => k));
    else throw new EngineError('invalid-argument', `invalid filter '${name}'`);
  }
  return out;
}
