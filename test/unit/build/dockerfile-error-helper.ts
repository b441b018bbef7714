import { expect } from 'vitest';
import { EngineError } from '../../../engine/errors.ts';

/** Runs `fn`, which must fail with a Dockerfile error naming `line`; returns the message. */
export function expectDockerfileError(fn: () => unknown, line: number, fragment?: string | RegExp): string {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(EngineError);
  const err = caught as EngineError;
  expect(err.code).toBe('invalid-argument');
  expect(err.message).toMatch(new RegExp(`^dockerfile parse error on line ${line}: `));
  expect(err.details?.line).toBe(line);
  if (typeof fragment === 'string') expect(err.message).toContain(fragment);
  else if (fragment) expect(err.message).toMatch(fragment);
  return err.message;
}
