import { EngineError } from '../errors.ts';

/**
 * Canonical JSON: object keys sorted (by UTF-16 code unit, as JS compares strings), no
 * whitespace, `undefined` members dropped. Equal content gives equal bytes and so equal digests on
 * both hosts - which is what makes an image ID reproducible. Values JSON cannot carry faithfully
 * (NaN, Infinity, bigint, functions, symbols) are refused rather than silently changed.
 */
export function canonicalJson(value: unknown): string {
  return encode(value, 0);
}

export function encodeCanonical(value: unknown): Uint8Array {
  return new TextEncoder().encode(canonicalJson(value));
}

const MAX_DEPTH = 64;

function encode(value: unknown, depth: number): string {
  if (depth > MAX_DEPTH) throw new EngineError('invalid-argument', 'canonical JSON: nesting deeper than 64 levels');
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new EngineError('invalid-argument', `canonical JSON: ${value} is not a JSON number`);
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return '[' + value.map((v) => (v === undefined ? 'null' : encode(v, depth + 1))).join(',') + ']';
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record)
        .filter((k) => record[k] !== undefined)
        .sort();
      return '{' + keys.map((k) => JSON.stringify(k) + ':' + encode(record[k], depth + 1)).join(',') + '}';
    }
    default:
      throw new EngineError('invalid-argument', `canonical JSON: cannot encode a ${typeof value}`);
  }
}
