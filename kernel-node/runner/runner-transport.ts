/**
 * The kernel runner's stdio transport (ProcessHostPorts.transport) for a guest in its worker
 * thread: stdin comes from the control block's ring (runner-control.ts), not from a blocking read
 * of fd 0, and poll_oneoff waits on the control block's doorbell; both return EINTR when a
 * signal is pending for the process (engine/wasi/signal-abi.ts). Everything else stays node:wasi's.
 */
import type { Preview1, ProcessSignals } from '../../engine/wasi/process-host-ports.ts';
import { ERRNO_INTR } from '../../engine/wasi/signal-abi.ts';
import { POLL_IDLE_MS, pollOneoff, type PollHost } from '../../engine/wasi/stdin-poll.ts';
import { doorbell, stdinReady, takeStdin, waitDoorbell, type RunnerControl } from './runner-control.ts';

const ERRNO_SUCCESS = 0;
const CLOCK_REALTIME = 0;

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
      waitDoorbell(control, seen, POLL_IDLE_MS);
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

  let seen = 0;
  const host: PollHost = {
    stdinReady: () => !stdinIsRunner || stdinReady(control),
    clockNs: clockNow,
    mark: () => {
      seen = doorbell(control);
    },
    wait: (ms) => waitDoorbell(control, seen, ms),
  };
  calls.poll_oneoff = (inPtr, outPtr, nsubs, neventsPtr) => pollOneoff(memory, inPtr, outPtr, nsubs, neventsPtr, signals, host);
}
