/**
 * Go's time.ParseDuration, as the docker CLI's duration flags (pflag) and Compose's durations read
 * text: a sign, then numbers with units ("1m30s", "-1.5h", "300ms", "0"); nanoseconds out. Errors
 * in Go's words (`time: invalid duration "x"`), for the caller to put in its own sentence.
 */
const UNITS_NS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

export function parseGoDuration(text: string): number {
  const bad = (why: string) => new Error(`time: ${why} "${text}"`);
  const sign = text.startsWith('-') ? -1 : 1;
  const body = text.replace(/^[-+]/, '');
  if (body === '0') return 0;
  if (body === '') throw bad('invalid duration');
  const part = /([0-9]*(?:\.[0-9]*)?)([a-zµμ]*)/y;
  let total = 0;
  for (let at = 0; at < body.length; ) {
    part.lastIndex = at;
    const m = part.exec(body);
    if (!m || m[0] === '' || m[1] === '' || m[1] === '.') throw bad('invalid duration');
    if (m[2] === '') throw bad('missing unit in duration');
    if (!(m[2] in UNITS_NS)) throw bad(`unknown unit "${m[2]}" in duration`);
    total += Number(m[1]) * UNITS_NS[m[2]];
    at = part.lastIndex;
  }
  return sign * Math.round(total);
}
