/**
 * Line by line comparison of two outputs for the parity view: equal lines, and the differing
 * stretches paired side by side (browser line, kernel line), each marked with the known difference
 * that explains it, if one does.
 */
import { knownDifferenceFor, type KnownDifference } from './known-differences.ts';

export interface DiffRow {
  kind: 'same' | 'differs';
  browser?: string;
  kernel?: string;
  /** Set on a differing row a known difference explains. */
  known?: KnownDifference;
}

export interface TextComparison {
  rows: DiffRow[];
  /** Identical text. */
  same: boolean;
  /** Every differing row is explained by a known difference. */
  onlyKnown: boolean;
  known: KnownDifference[];
}

/** Longer outputs are compared by position only (the LCS table would be too big). */
const MAX_LCS_CELLS = 4_000_000;

function lines(text: string): string[] {
  if (text === '') return [];
  const out = text.split('\n');
  if (out[out.length - 1] === '') out.pop();
  return out;
}

export function compareText(browser: string, kernel: string): TextComparison {
  const b = lines(browser);
  const k = lines(kernel);
  const rows: DiffRow[] = [];
  if (b.length * k.length > MAX_LCS_CELLS) {
    for (let i = 0; i < Math.max(b.length, k.length); i++) rows.push(b[i] === k[i] ? { kind: 'same', browser: b[i], kernel: k[i] } : { kind: 'differs', browser: b[i], kernel: k[i] });
  } else {
    // lcs[i][j]: length of the longest common subsequence of b[i..] and k[j..].
    const lcs = Array.from({ length: b.length + 1 }, () => new Uint32Array(k.length + 1));
    for (let i = b.length - 1; i >= 0; i--) for (let j = k.length - 1; j >= 0; j--) lcs[i][j] = b[i] === k[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    let i = 0;
    let j = 0;
    let onlyB: string[] = [];
    let onlyK: string[] = [];
    const flush = () => {
      for (let n = 0; n < Math.max(onlyB.length, onlyK.length); n++) rows.push({ kind: 'differs', browser: onlyB[n], kernel: onlyK[n] });
      onlyB = [];
      onlyK = [];
    };
    while (i < b.length || j < k.length) {
      if (i < b.length && j < k.length && b[i] === k[j]) {
        flush();
        rows.push({ kind: 'same', browser: b[i], kernel: k[j] });
        i += 1;
        j += 1;
      } else if (j >= k.length || (i < b.length && lcs[i + 1][j] >= lcs[i][j + 1])) onlyB.push(b[i++]);
      else onlyK.push(k[j++]);
    }
    flush();
  }
  const known = new Set<KnownDifference>();
  let onlyKnown = true;
  for (const row of rows) {
    if (row.kind !== 'differs') continue;
    row.known = knownDifferenceFor(row.browser, row.kernel);
    if (row.known) known.add(row.known);
    else onlyKnown = false;
  }
  return { rows, same: rows.every((r) => r.kind === 'same'), onlyKnown, known: [...known] };
}
