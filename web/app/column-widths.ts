/**
 * How the row below the header shares its width between the terminal and the views. The terminal
 * comes first: it gets the columns a program's output is written for (80, as on a real terminal)
 * before the views get any room, and the views fold into a rail when what is left is too narrow to
 * read them. Pure, so the rule is tested without a browser (test/unit/web/column-widths.test.ts).
 */
export const TERMINAL_COLUMNS = 80;
/** Below this the views' tables and the workspace's tree and editor stop being readable. */
export const VIEWS_MIN_PX = 360;
/** The folded views: a strip of their names. */
export const RAIL_PX = 44;
export const SPLITTER_PX = 6;

export interface WidthInput {
  /** The width of the terminal + views row, in CSS pixels. */
  row: number;
  /** The width the terminal needs for TERMINAL_COLUMNS columns (cells, its padding and scrollbar). */
  terminalMin: number;
  /** The learner's splitter position: the terminal's share of the row. */
  split: number;
  /** The learner's choice: true shows the views, false folds them, null lets the width decide. */
  viewsOpen: boolean | null;
}

export interface Widths {
  /** The terminal column's width in pixels. */
  terminal: number;
  /** The views are folded into the rail. */
  folded: boolean;
}

export function columnWidths({ row, terminalMin, split, viewsOpen }: WidthInput): Widths {
  const roomWithViews = row - VIEWS_MIN_PX - SPLITTER_PX;
  const folded = viewsOpen === false || (viewsOpen === null && roomWithViews < terminalMin);
  if (folded) return { terminal: Math.max(0, row - RAIL_PX), folded: true };
  // Shown by choice on a row too narrow for both: the views keep their minimum, the terminal the rest.
  if (roomWithViews < terminalMin) return { terminal: Math.max(0, roomWithViews), folded: false };
  const wanted = split * row - SPLITTER_PX / 2;
  return { terminal: Math.round(Math.min(roomWithViews, Math.max(terminalMin, wanted))), folded: false };
}

/**
 * The pixels a terminal of `columns` cells needs, measured in the terminal's own font: the cells, the
 * padding around the screen and the scrollbar xterm.js keeps beside it.
 */
export function terminalWidthFor(columns: number, cellWidth: number, chrome: number): number {
  // Half a cell to spare: xterm.js rounds the cell to device pixels, and a column short is a wrapped table.
  return Math.ceil((columns + 0.5) * cellWidth + chrome);
}
