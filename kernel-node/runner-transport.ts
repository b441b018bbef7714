/**
 * The kernel runner's stdio transport (ProcessHostPorts.transport) for a guest in its worker
 * thread: stdin comes from the control block's ring (runner-control.ts), not from a blocking read
 * of fd 0, and poll_oneoff waits on the control block's doorbell; both return EINTR when a
 * signal is pending for the process (engine/wasi/signal-abi.ts). Everything else stays node:wasi's.
 */
import type { Preview1, ProcessSignals } from '../engine/wasi/process-host-ports.ts';
import { ERRNO_INTR } from '../engine/wasi/signal-abi.ts';
import { doorbell, stdinReady, takeStdin, waitDoorbell, type RunnerControl } from './runner-control.ts';

const ERRNO_SUCCESS = 0;
const ERRNO_INVAL = 28;
const EVENTTYPE_CLOCK = 0;
const SUBCLOCKFLAG_ABSTIME = 1;
const CLOCK_REALTIME = 0;
/** A wait with nothing to time it still looks again now and then (a lost wake-up costs this much). */
const IDLE_WAIT_MS = 1000;

function clockNow(id: number): bigint {
  return id === CLOCK_REALTIME ? BigInt(Date.now()) * 1_000_000n : process.hrtime.bigint();
}

/**
 * Wrap `p` (one process's preview1) so that its stdin is the ring when its fd 0 is the runner's
 * (`stdinIsRunner`), and its waits wake for signals. `taken` runs after stdin bytes were taken
 * (the main thread refills the ring).
 */
export function runnerTransport(p: Preview1, memory: () => WebAssembly.Memory, control: RunnerControl, stdinIsRunner: boolean, signals: ProcessSignals, taken: () => void): void {
  const calls = p as unknown as Record<string, (...a: number[]) => number>;
  const view = () => new DataView(memory().buffer);

  const wasiRead = calls.fd_read;
  calls.fd_read = (fd, iovs, count, nread) => {
    if (fd !== 0 || !stdinIsRunner) return wasiRead(fd, iovs, count, nread);
    for (;;) {
      const seen = doorbell(control);
      if (stdinReady(control)) break;
      if (signals.interrupted()) return ERRNO_INTR;
      waitDoorbell(control, seen, IDLE_WAIT_MS);
    }
    let dv = view();
    let want = 0;
    for (let i = 0; i < count; i++) want += dv.getUint32(iovs + i * 8 + 4, true);
    const data = takeStdin(control, want);
    taken();
    dv = view();
    let at = 0;
    for (let i = 0; i < count && at < data.length; i++) {
      const ptr = dv.getUint32(iovs + i * 8, true);
      const n = Math.min(dv.getUint32(iovs + i * 8 + 4, true), data.length - at);
      new Uint8Array(memory().buffer, ptr, n).set(data.subarray(at, at + n));
      at += n;
    }
    view().setUint32(nread, data.length, true);
    return ERRNO_SUCCESS;
  };

  calls.poll_oneoff = (inPtr, outPtr, nsubs, neventsPtr) => {
    if (nsubs === 0) return ERRNO_INVAL;
    const start = performance.now();
    const subs: Array<{ userdata: bigint; tag: number; deadline?: number; fd?: number }> = [];
    let dv = view();
    for (let i = 0; i < nsubs; i++) {
      const at = inPtr + i * 48;
      const userdata = dv.getBigUint64(at, true);
      const tag = dv.getUint8(at + 8);
      if (tag === EVENTTYPE_CLOCK) {
        const id = dv.getUint32(at + 16, true);
        const timeout = dv.getBigUint64(at + 24, true);
        const relative = dv.getUint16(at + 40, true) & SUBCLOCKFLAG_ABSTIME ? timeout - clockNow(id) : timeout;
        subs.push({ userdata, tag, deadline: start + Math.max(0, Number(relative) / 1e6) });
      } else subs.push({ userdata, tag, fd: dv.getUint32(at + 16, true) });
    }
    for (;;) {
      const seen = doorbell(control);
      const now = performance.now();
      // Only the runner's stdin can keep a descriptor waiting: files and output are always ready.
      const ready = subs.filter((s) => (s.tag === EVENTTYPE_CLOCK ? now >= s.deadline! : s.fd !== 0 || !stdinIsRunner || s.tag !== 1 || stdinReady(control)));
      if (ready.length > 0) {
        dv = view();
        ready.forEach((s, i) => {
          const at = outPtr + i * 32;
          for (let b = 0; b < 32; b++) dv.setUint8(at + b, 0);
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
      waitDoorbell(control, seen, clocks.length > 0 ? Math.min(IDLE_WAIT_MS, ...clocks) : IDLE_WAIT_MS);
    }
  };
}
