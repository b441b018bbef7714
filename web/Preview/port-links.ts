/**
 * Links in a terminal tab from what names a published port (published-ports.ts `portMentions`) to
 * its Preview: `docker ps` PORTS, `docker port`, a printed http://localhost:PORT/ URL.
 */
import type { Terminal, IDisposable } from '@xterm/xterm';
import { portMentions } from './published-ports.ts';

export function linkPublishedPorts(term: Terminal, open: (hostPort: number) => void): IDisposable {
  return term.registerLinkProvider({
    provideLinks(y, callback) {
      const line = term.buffer.active.getLine(y - 1)?.translateToString(true) ?? '';
      const links = portMentions(line).map((m) => ({
        // xterm's ranges are 1-based and inclusive; a cell is one character for this ASCII text.
        range: { start: { x: m.start + 1, y }, end: { x: m.end, y } },
        text: line.slice(m.start, m.end),
        activate: () => open(m.hostPort),
        decorations: { underline: true, pointerCursor: true },
      }));
      callback(links.length ? links : undefined);
    },
  });
}
