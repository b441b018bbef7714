import { describe, expect, it } from 'vitest';
import { columnWidths, RAIL_PX, SPLITTER_PX, terminalWidthFor, VIEWS_MIN_PX } from '../../../web/app/column-widths.ts';

// DejaVu Sans Mono at 14px, as Chromium measures it on these machines; 26px of padding and scrollbar.
const cell = 8.43;
const need80 = terminalWidthFor(80, cell, 26);

describe('columnWidths', () => {
  it('needs 80 cells plus the chrome, with half a cell to spare', () => {
    expect(need80).toBe(Math.ceil(80.5 * cell + 26));
    expect(Math.floor((need80 - 26) / cell)).toBeGreaterThanOrEqual(80);
  });

  it('gives the terminal 80 columns at 1440 wide with the lesson open, and the views the rest', () => {
    const row = 1440 - 346; // the lesson column at 24vw
    const w = columnWidths({ row, terminalMin: need80, split: 0.5, viewsOpen: null });
    expect(w.folded).toBe(false);
    expect(w.terminal).toBe(need80);
    expect(row - w.terminal - SPLITTER_PX).toBeGreaterThanOrEqual(VIEWS_MIN_PX);
  });

  it('follows the splitter when it leaves the terminal more than 80 columns', () => {
    const w = columnWidths({ row: 1440, terminalMin: need80, split: 0.6, viewsOpen: null });
    expect(w.terminal).toBe(Math.round(0.6 * 1440 - SPLITTER_PX / 2));
  });

  it('never lets the splitter squeeze the views under their minimum', () => {
    const w = columnWidths({ row: 1440, terminalMin: need80, split: 0.8, viewsOpen: null });
    expect(w.terminal).toBe(1440 - VIEWS_MIN_PX - SPLITTER_PX);
  });

  it('folds the views when 80 columns and readable views do not both fit (1280 wide, lesson open)', () => {
    const w = columnWidths({ row: 1280 - 307, terminalMin: need80, split: 0.5, viewsOpen: null });
    expect(w).toEqual({ terminal: 1280 - 307 - RAIL_PX, folded: true });
  });

  it('shows the views when the learner asks, at their minimum, the terminal taking what is left', () => {
    const row = 1280 - 307;
    const w = columnWidths({ row, terminalMin: need80, split: 0.5, viewsOpen: true });
    expect(w).toEqual({ terminal: row - VIEWS_MIN_PX - SPLITTER_PX, folded: false });
  });

  it('folds the views when the learner folds them, even with room to spare', () => {
    expect(columnWidths({ row: 1900, terminalMin: need80, split: 0.5, viewsOpen: false })).toEqual({ terminal: 1900 - RAIL_PX, folded: true });
  });

  it('does not go negative on a row narrower than the rail', () => {
    expect(columnWidths({ row: 20, terminalMin: need80, split: 0.5, viewsOpen: null }).terminal).toBe(0);
    expect(columnWidths({ row: 100, terminalMin: need80, split: 0.5, viewsOpen: true }).terminal).toBe(0);
  });
});
