/**
 * Signal names as Docker accepts them (STOPSIGNAL, and `docker kill --signal` once it needs it):
 * a number other than 0, or a Linux signal name with or without `SIG`, in any case.
 */
const NUMBERS: Record<string, number> = {
  HUP: 1, INT: 2, QUIT: 3, ILL: 4, TRAP: 5, ABRT: 6, IOT: 6, BUS: 7, FPE: 8, KILL: 9, USR1: 10,
  SEGV: 11, USR2: 12, PIPE: 13, ALRM: 14, TERM: 15, STKFLT: 16, CHLD: 17, CLD: 17, CONT: 18,
  STOP: 19, TSTP: 20, TTIN: 21, TTOU: 22, URG: 23, XCPU: 24, XFSZ: 25, VTALRM: 26, PROF: 27,
  WINCH: 28, IO: 29, POLL: 29, PWR: 30, SYS: 31, RTMIN: 34, RTMAX: 64,
};
for (let i = 1; i <= 15; i++) {
  NUMBERS[`RTMIN+${i}`] = 34 + i;
  NUMBERS[`RTMAX-${i}`] = 64 - i;
}

/** The signal's number, or undefined when Docker would answer "Invalid signal". */
export function signalNumber(text: string): number | undefined {
  if (/^[0-9]+$/.test(text)) {
    const n = Number(text);
    return n === 0 ? undefined : n;
  }
  const upper = text.toUpperCase();
  const name = upper.startsWith('SIG') ? upper.slice(3) : upper;
  return Object.hasOwn(NUMBERS, name) ? NUMBERS[name] : undefined;
}
