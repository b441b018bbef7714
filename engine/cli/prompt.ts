/**
 * docker's confirmation prompt: "<message> [y/N] " on stdout, one line read from stdin, only
 * "y"/"Y" (or "yes") is yes. Without any stdin the answer is "N" (a newline is printed so the next
 * prompt of the host shell starts on its own line).
 */
import type { CommandContext } from './command.ts';

export async function confirm(cx: CommandContext, message: string): Promise<boolean> {
  cx.out(`${message} [y/N] `);
  const stdin = cx.io.stdin;
  if (!stdin) {
    cx.out('\n');
    return false;
  }
  const decoder = new TextDecoder();
  let line = '';
  for (;;) {
    const chunk = await stdin.read();
    if (chunk === null) break;
    line += decoder.decode(chunk, { stream: true });
    const nl = line.search(/[\r\n]/);
    if (nl >= 0) {
      line = line.slice(0, nl);
      break;
    }
  }
  const answer = line.trim().toLowerCase();
  return answer === 'y' || answer === 'yes';
}
