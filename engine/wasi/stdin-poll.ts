/**
 * poll_oneoff for a host transport whose guest can be kept waiting by one descriptor only: its
 * live stdin (the browser's control-block ring, the kernel runner's ring). Files and output are
 * always ready, clocks are deadlines, and a pending signal ends the wait with EINTR
 * (signal-abi.ts). Both hosts' transports call this; only where stdin and the time come from, and
 * how a host blocks, are theirs (PollHost).
 */
import type { ProcessSignals } from './process-host-ports.ts';
import { ERRNO_INTR } from './signal-abi.ts';

const ERRNO_SUCCESS = 0;
const ERRNO_INVAL = 28;
const EVENTTYPE_CLOCK = 0;
const EVENTTYPE_FD_READ = 1;
const SUBCLOCKFLAG_ABSTIME = 1;
const SUBSCRIPTION_BYTES = 48;
const EVENT_BYTES = 32;
/** A wait with nothing to time it still looks again now and then (a lost wake-up costs this much). */
export const POLL_IDLE_MS = 1000;

export interface PollHost {
  /** Whether a read of the guest's fd 0 would return now (input, or its end, is there). */
  stdinReady(): boolean;
  /** The guest's clock `id` now, in nanoseconds, as its clock_time_get reads it (ABSTIME deadlines). */
  clockNs(id: number): bigint;
  /** Called before each look at readiness, so that `wait` misses nothing that changes after it. */
  mark?(): void;
  /** Block at most `ms`, or until input or a signal arrives. */
  wait(ms: number): void;
}

interface Subscription {
  userdata: bigint;
  tag: number;
  /** performance.now() at which a clock subscription fires. */
  deadline?: number;
  fd?: number;
}

/** preview1 poll_oneoff(in, out, nsubscriptions, nevents) over `memory`. */
export function pollOneoff(memory: () => WebAssembly.Memory, inPtr: number, outPtr: number, nsubs: number, neventsPtr: number, signals: ProcessSignals, host: PollHost): number {
  if (nsubs === 0) return ERRNO_INVAL;
  const start = performance.now();
  const subs: Subscription[] = [];
  let dv = new DataView(memory().buffer);
  for (let i = 0; i < nsubs; i++) {
    const at = inPtr + i * SUBSCRIPTION_BYTES;
    const userdata = dv.getBigUint64(at, true);
    const tag = dv.getUint8(at + 8);
    if (tag === EVENTTYPE_CLOCK) {
      const id = dv.getUint32(at + 16, true);
      const timeout = dv.getBigUint64(at + 24, true);
      const relative = dv.getUint16(at + 40, true) & SUBCLOCKFLAG_ABSTIME ? timeout - host.clockNs(id) : timeout;
      subs.push({ userdata, tag, deadline: start + Math.max(0, Number(relative) / 1e6) });
    } else subs.push({ userdata, tag, fd: dv.getUint32(at + 16, true) });
  }
  for (;;) {
    host.mark?.();
    const now = performance.now();
    const ready = subs.filter((s) => (s.tag === EVENTTYPE_CLOCK ? now >= s.deadline! : s.fd !== 0 || s.tag !== EVENTTYPE_FD_READ || host.stdinReady()));
    if (ready.length > 0) {
      dv = new DataView(memory().buffer);
      ready.forEach((s, i) => {
        const at = outPtr + i * EVENT_BYTES;
        for (let b = 0; b < EVENT_BYTES; b++) dv.setUint8(at + b, 0);
        dv.setBigUint64(at, s.userdata, true);
        dv.setUint16(at + 8, ERRNO_SUCCESS, true);
        dv.setUint8(at + 10, s.tag);
        if (s.tag !== EVENTTYPE_CLOCK) dv.setBigUint64(at + 16, 1n, true);
      });
      dv.setUint32(neventsPtr, ready.length, true);
      return ERRNO_SUCCESS;
    }
    if (signals.interrupted()) return ERRNO_INTR;
    const clocks = subs.filter((s) => s.deadline !== undefined).map((s) => s.deadline! - now);
    host.wait(Math.max(0, Math.min(POLL_IDLE_MS, ...clocks)));
  }
}
