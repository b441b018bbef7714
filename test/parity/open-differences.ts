/**
 * Scenarios where the two engines still disagree: bugs in one host (see README.md, "Open
 * differences"), not inherent differences. Each runs as an expected failure (`it.fails`): it still
 * executes every time, and the day a host is fixed the test turns red until its entry below is
 * removed - so no disagreement can be forgotten and no fix goes unnoticed. Issue 8 stays open
 * while this list is not empty.
 */
import { it } from 'vitest';

export const OPEN_DIFFERENCES: Record<string, string> = {
  'the shipped hits project: web counts its visits in kv, and the count outlives down without -v':
    'browser engine: wget in a `docker exec` of the web container gets no answer from httpd in the same container on localhost (static page too; httpd logs the request, the CGI reached kv) - "wget: download timed out"',
};

/** `it`, or `it.fails` for an open difference (its name then says so and why). */
export function parityIt(name: string, fn: () => Promise<void> | void): void {
  const reason = OPEN_DIFFERENCES[name];
  if (reason === undefined) it(name, fn);
  else it.fails(`${name} [open difference: ${reason}]`, fn);
}
