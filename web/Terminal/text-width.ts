/**
 * Columns a string takes in the terminal: wide East Asian characters (Hangul, CJK, full-width
 * forms) take two, as xterm.js draws them. Escape sequences take none. The line editor needs this to
 * put the cursor back where it belongs when a Korean command wraps.
 */
export function columnsOf(text: string): number {
  let width = 0;
  const plain = text.replace(/\x1b\[[0-9;?]*[@-~]/g, '');
  for (const ch of plain) {
    const code = ch.codePointAt(0)!;
    width += isWide(code) ? 2 : 1;
  }
  return width;
}

function isWide(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x1f300 && code <= 0x1faff) ||
    (code >= 0x20000 && code <= 0x3fffd)
  );
}

/**
 * Break text into lines of at most `columns` at spaces (a word longer than a line is left to the
 * terminal's own wrapping), so the page's own paragraphs reflow with the terminal instead of wrapping mid-word.
 * Escape sequences inside take no room.
 */
export function wrapWords(text: string, columns: number): string {
  const lines: string[] = [];
  let line = '';
  let width = 0;
  for (const word of text.split(' ')) {
    const w = columnsOf(word);
    if (line && width + 1 + w > columns) {
      lines.push(line);
      line = '';
      width = 0;
    }
    line += (line ? ' ' : '') + word;
    width += (width ? 1 : 0) + w;
  }
  lines.push(line);
  return lines.join('\n');
}
