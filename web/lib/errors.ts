/**
 * What a learner reads when something fails: the engine's message as Docker prints it
 * ("Error response from daemon: ..."), never a stack trace. Errors that crossed the worker boundary
 * arrive as plain objects with code and message, so only the shape is checked.
 */
export function describeError(e: unknown): string {
  if (e && typeof e === 'object' && 'message' in e && typeof (e as { message: unknown }).message === 'string') {
    const message = (e as { message: string }).message;
    return 'code' in e ? `Error response from daemon: ${message}` : message;
  }
  return String(e);
}
