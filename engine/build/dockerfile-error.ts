import { EngineError } from '../errors.ts';

/**
 * The one way a Dockerfile error is made: code 'invalid-argument', the message naming the line as
 * Docker does ("dockerfile parse error on line 7: unknown instruction: FORM"), and the line numbers
 * in `details` so a UI can point at them.
 */
export function dockerfileError(line: number, message: string, endLine = line): EngineError {
  return new EngineError('invalid-argument', `dockerfile parse error on line ${line}: ${message}`, { line, endLine });
}

/** Long inputs are quoted in messages, but not whole: a 70 KB line should not become a 70 KB message. */
export function quoteForMessage(s: string, max = 80): string {
  return JSON.stringify(s.length > max ? `${s.slice(0, max)}...` : s);
}
