/**
 * How errors reach the user, in docker's words: an engine failure reads as the daemon's answer
 * ("Error response from daemon: No such container: foo"); `run` and `create` prefix "docker: "
 * and point at --help; nothing ever prints a stack trace.
 */
import { isEngineError, exitStatus } from '../errors.ts';
import { missingImageHint } from './registry-hint.ts';

/** The text docker prints for an error: daemon errors carry the daemon prefix. */
export function errorText(e: unknown): string {
  if (isEngineError(e)) return `Error response from daemon: ${e.message}`;
  if (e instanceof Error) return e.message;
  return String(e);
}

/** docker/cli's reportError: "docker: <message>." and, with help, "See 'docker run --help'.". */
export function reportText(command: string, message: string, withHelp: boolean): string {
  let text = message.replace(/\.$/, '') + '.';
  if (withHelp) text += `\nSee 'docker ${command} --help'.`;
  const hint = missingImageHint(message);
  return `docker: ${text}\n${hint ? `${hint}\n` : ''}`;
}

/** Exit status for an engine failure while creating or starting a container (125/126/127). */
export function runErrorStatus(e: unknown): number {
  return isEngineError(e) ? exitStatus(e.code) : 125;
}
