/**
 * Signal names as the Engine API takes them (`kill -s`, `--stop-signal`, STOPSIGNAL): Docker's
 * spellings (KILL, SIGKILL, 9, any case), and the three a process of this engine can be sent.
 */
import { EngineError } from '../errors.ts';

export type DeliverableSignal = 'SIGTERM' | 'SIGKILL' | 'SIGINT';

const DELIVERABLE: Record<string, DeliverableSignal> = {
  KILL: 'SIGKILL', SIGKILL: 'SIGKILL', '9': 'SIGKILL',
  TERM: 'SIGTERM', SIGTERM: 'SIGTERM', '15': 'SIGTERM',
  INT: 'SIGINT', SIGINT: 'SIGINT', '2': 'SIGINT',
};

/** Linux's signal names as Docker's signal map has them (without SIG), for telling "invalid" from "not here". */
const LINUX_SIGNALS = new Set([
  'ABRT', 'ALRM', 'BUS', 'CHLD', 'CLD', 'CONT', 'FPE', 'HUP', 'ILL', 'INT', 'IO', 'IOT', 'KILL', 'PIPE', 'POLL', 'PROF', 'PWR',
  'QUIT', 'SEGV', 'STKFLT', 'STOP', 'SYS', 'TERM', 'TRAP', 'TSTP', 'TTIN', 'TTOU', 'URG', 'USR1', 'USR2', 'VTALRM', 'WINCH',
  'XCPU', 'XFSZ', 'RTMIN', 'RTMAX',
]);

/** The signal `name` stands for, when this engine can deliver it. */
export function deliverableSignal(name: string): DeliverableSignal | undefined {
  return DELIVERABLE[name.toUpperCase()];
}

/** The number `kill` events carry for a delivered signal (Docker's `signal` attribute). */
export function signalNumber(signal: DeliverableSignal): string {
  return signal === 'SIGKILL' ? '9' : signal === 'SIGTERM' ? '15' : '2';
}

/**
 * `--stop-signal` / StopSignal at create: Docker's "Invalid signal: X" for what is no signal; a
 * real signal this engine cannot send is refused in words that say so, never accepted and ignored.
 */
export function checkStopSignal(name: string): void {
  if (deliverableSignal(name)) return;
  const upper = name.toUpperCase().replace(/^SIG/, '');
  const number = /^[0-9]+$/.test(name) ? Number(name) : undefined;
  const real = number !== undefined ? number > 0 : LINUX_SIGNALS.has(upper) || /^RT(MIN|MAX)[+-][0-9]+$/.test(upper);
  if (!real) throw new EngineError('invalid-argument', `Invalid signal: ${name}`);
  throw new EngineError('invalid-argument', `--stop-signal ${name} is not supported by this engine: a container can be stopped with SIGTERM, SIGINT or SIGKILL here`);
}
