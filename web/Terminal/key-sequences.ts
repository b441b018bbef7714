/**
 * Splits what xterm.js delivers (a key, a paste, an escape sequence) into single keys, so the line
 * editor sees one key at a time. Escape sequences are the ones xterm sends in its default modes.
 */
export type Key =
  | { kind: 'text'; text: string }
  | { kind: 'enter' | 'backspace' | 'delete' | 'tab' | 'left' | 'right' | 'up' | 'down' | 'home' | 'end' | 'word-left' | 'word-right' }
  | { kind: 'ctrl'; letter: string }
  | { kind: 'unknown'; seq: string };

const SEQUENCES: Record<string, Key['kind']> = {
  '\x1b[A': 'up', '\x1b[B': 'down', '\x1b[C': 'right', '\x1b[D': 'left',
  '\x1bOA': 'up', '\x1bOB': 'down', '\x1bOC': 'right', '\x1bOD': 'left',
  '\x1b[H': 'home', '\x1b[F': 'end', '\x1bOH': 'home', '\x1bOF': 'end',
  '\x1b[1~': 'home', '\x1b[4~': 'end', '\x1b[3~': 'delete',
  '\x1b[1;5D': 'word-left', '\x1b[1;5C': 'word-right', '\x1bb': 'word-left', '\x1bf': 'word-right',
};

export function splitKeys(data: string): Key[] {
  const keys: Key[] = [];
  let text = '';
  const flush = () => {
    if (text) keys.push({ kind: 'text', text });
    text = '';
  };
  for (let i = 0; i < data.length; ) {
    const ch = data[i];
    if (ch === '\x1b') {
      flush();
      const match = Object.keys(SEQUENCES).filter((s) => data.startsWith(s, i)).sort((a, b) => b.length - a.length)[0];
      if (match) {
        keys.push({ kind: SEQUENCES[match] } as Key);
        i += match.length;
      } else {
        // An unknown CSI sequence: swallow it whole rather than typing its letters.
        const csi = /^\x1b\[[0-9;?]*[ -/]*[@-~]/.exec(data.slice(i));
        const seq = csi ? csi[0] : ch;
        keys.push({ kind: 'unknown', seq });
        i += seq.length;
      }
      continue;
    }
    const code = ch.charCodeAt(0);
    if (ch === '\r' || ch === '\n') {
      flush();
      keys.push({ kind: 'enter' });
      if (ch === '\r' && data[i + 1] === '\n') i += 1; // a pasted CRLF is one line end
    } else if (ch === '\x7f' || ch === '\b') {
      flush();
      keys.push({ kind: 'backspace' });
    } else if (ch === '\t') {
      flush();
      keys.push({ kind: 'tab' });
    } else if (code < 32) {
      flush();
      keys.push({ kind: 'ctrl', letter: String.fromCharCode(code + 96) });
    } else {
      text += ch;
    }
    i += 1;
  }
  flush();
  return keys;
}
