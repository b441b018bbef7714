/**
 * Errors across the Docker API: the server answers an EngineError with `httpStatus(code)` and
 * `{"message": ...}`; the client rebuilds an EngineError whose code is the inverse of that mapping.
 * Several codes share a status (400: invalid-argument and invalid-content); the inverse picks the
 * first in CODES' order, so a round trip keeps the status and the message, not always the code.
 */
import { EngineError, httpStatus, type ErrorCode } from '../errors.ts';

/** Every code once (the Record makes the compiler check that), in the order the inverse prefers. */
const PREFERENCE: Record<ErrorCode, number> = {
  'invalid-argument': 0,
  'not-found': 1,
  conflict: 2,
  'not-modified': 3,
  unauthorized: 4,
  forbidden: 5,
  'resource-exhausted': 6,
  unavailable: 7,
  internal: 8,
  'invalid-content': 9,
  'command-not-found': 10,
  'already-exists': 11,
  'cannot-invoke': 12,
};
const CODES = (Object.keys(PREFERENCE) as ErrorCode[]).sort((a, b) => PREFERENCE[a] - PREFERENCE[b]);

/** The inverse of `httpStatus`: the code a client rebuilds from a status. */
export function errorCodeForStatus(status: number): ErrorCode {
  const code = CODES.find((c) => httpStatus(c) === status);
  if (code) return code;
  return status >= 400 && status < 500 ? 'invalid-argument' : 'internal';
}

export function asEngineError(e: unknown): EngineError {
  if (e instanceof EngineError) return e;
  return new EngineError('internal', e instanceof Error ? e.message : String(e));
}

/** Docker's error body. Its Content-Type must be exactly application/json: the CLI prints anything else raw. */
export const ERROR_HEADERS: Readonly<Record<string, string>> = Object.freeze({ 'Content-Type': 'application/json' });

export function errorBody(message: string): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ message }) + '\n');
}

/** `kind` when it names an ErrorCode (a progress stream's errorDetail.kind from our server), else undefined. */
export function errorCodeOf(kind: unknown): ErrorCode | undefined {
  return typeof kind === 'string' && Object.hasOwn(PREFERENCE, kind) ? (kind as ErrorCode) : undefined;
}
