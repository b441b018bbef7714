/**
 * Column alignment as docker's formatter does it with Go's text/tabwriter (minwidth 10, padding 3,
 * pad with spaces): every tab-terminated cell is padded to max(10, widest cell + 3); the text after
 * the last tab of a line is not a column and is never padded. Widths count characters, not bytes.
 */
const MIN_WIDTH = 10;
const PADDING = 3;

/** `minWidth`: docker's own for a few commands (`docker top`: 20). */
export function tabwrite(lines: string[], minWidth = MIN_WIDTH): string {
  const rows = lines.map((line) => line.split('\t'));
  const widths: number[] = [];
  for (const cells of rows) {
    // Only tab-terminated cells (all but the last) take part in a column's width.
    for (let i = 0; i < cells.length - 1; i++) {
      widths[i] = Math.max(widths[i] ?? minWidth, [...cells[i]].length + PADDING);
    }
  }
  return rows
    .map((cells) => cells.map((cell, i) => (i < cells.length - 1 ? cell + ' '.repeat(widths[i] - [...cell].length) : cell)).join(''))
    .map((line) => line + '\n')
    .join('');
}
