/**
 * How docker runs one command over several names (rm, stop, kill, volume rm, network rm, ...):
 * each name is tried in turn, a success prints the name as given (or what the action returns), a
 * failure prints the daemon's error and the others still run; the status is 1 if any failed.
 */
import type { CommandContext } from './command.ts';
import { errorText } from './report.ts';

/** `action` may return the text to print instead of the name, or null to print nothing. */
export async function forEachName(cx: CommandContext, names: string[], action: (name: string) => Promise<string | null | void>): Promise<number> {
  let failed = false;
  for (const name of names) {
    try {
      const printed = await action(name);
      if (printed !== null) cx.out((printed ?? name) + '\n');
    } catch (e) {
      failed = true;
      cx.err(errorText(e) + '\n');
    }
  }
  return failed ? 1 : 0;
}
