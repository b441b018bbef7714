/** The terminal's font: xterm.js draws with it, and the page's layout sizes the terminal column by it. */
export const TERMINAL_FONT = {
  family: 'ui-monospace, "SF Mono", Menlo, Consolas, "DejaVu Sans Mono", "Noto Sans Mono CJK KR", monospace',
  size: 14,
} as const;

/** What the terminal's element adds around its cells: the left inset (TerminalView) and xterm.js's scrollbar. */
export const TERMINAL_CHROME_PX = 12 + 14;

/** One cell's width in CSS pixels, measured as xterm.js measures it (a run of W in a span). */
export function measureCellWidth(): number {
  const span = document.createElement('span');
  span.textContent = 'W'.repeat(32);
  span.style.cssText = `position:absolute;visibility:hidden;white-space:pre;font-family:${TERMINAL_FONT.family};font-size:${TERMINAL_FONT.size}px`;
  document.body.append(span);
  const width = span.getBoundingClientRect().width / 32;
  span.remove();
  return width || TERMINAL_FONT.size * 0.6;
}
