/**
 * dockyard.signal - how a WASI program learns of signals (WASI preview1 has none), beside the
 * spawn ABI (spawn-abi.ts). Implemented once, for every host, in process-host.ts; a host only
 * brings where signals come from (ProcessHostPorts.signals).
 *
 * Import (wasm32):  (import "dockyard" "signal" (func (param i32) (result i32)))
 *                   int32_t signal(int32_t op)
 *
 *   op SIGNAL_OP_TAKE (0)     the lowest-numbered signal pending for this process, now taken off
 *                             it; 0 when none is pending
 *   op SIGNAL_OP_IS_INIT (1)  1 when this process is the container's PID 1 (its first process),
 *                             0 for an exec or a program started through dockyard.spawn
 *   any other op              -1
 *
 * A runtime that stubs unknown imports answers 0 to both: no signals, not PID 1 - the program
 * behaves as it did before signals existed.
 *
 * Where a signal goes, as on Linux under Docker:
 * - `docker kill -s SIG` and `docker stop` (SIGTERM, or the image's StopSignal / --stop-signal):
 *   to PID 1 only. A program it runs through dockyard.spawn does not get it.
 * - The terminal's interrupt key (Ctrl-C under `docker run -it`, `docker exec -it`): SIGINT to
 *   every program of the foreground chain - the programs of that terminal's process (the main
 *   process, or the exec) down to the one running now, as a tty's line discipline signals the
 *   foreground process group.
 *
 * The program decides what a signal does (box: its shell's `trap`, and the default actions
 * below). The host's part is the wake-up: while a signal is pending for a process that imports
 * dockyard.signal, a blocking fd_read of stdin or poll_oneoff (sleep, select) returns ERRNO_INTR
 * at once instead of waiting, so the program can take the signal and act on it.
 *
 * Hosts: the browser posts signals through its control block (worker/process/control-block.ts
 * SIGNAL and FOREGROUND_SIGNALS; under -t its runtime is the terminal's line discipline). The
 * kernel service's runner is the container's PID 1 (kernel-node/runner/wasi-runner.ts): runc forwards
 * docker stop/kill signals to it and the pty sends it Ctrl-C's SIGINT; its main thread catches
 * them and posts them, as masks in a shared control block, to the guest in its worker thread
 * (kernel-node/runner/runner-control.ts). Under -t a SIGINT there is the terminal's (foreground).
 *
 * A program that does not import dockyard.signal gets the default actions from the host: PID 1
 * ignores every signal (a process in a new PID namespace without a handler, as Docker's PID 1);
 * any other program ends at its next WASI call with status 128 + n for a signal whose default is
 * to terminate (SIGHUP, SIGINT, SIGQUIT, SIGUSR1/2, SIGPIPE, SIGALRM, SIGTERM, ...), and its
 * caller's dockyard.spawn reports it as signaled by n. SIGKILL needs no guest: the host ends the
 * whole container at once (137).
 */
export const SIGNAL_IMPORT_NAME = 'signal';
export const SIGNAL_OP_TAKE = 0;
export const SIGNAL_OP_IS_INIT = 1;
/** WASI preview1's EINTR. */
export const ERRNO_INTR = 27;
/** Signals are 1..MAX_SIGNAL (a bit each in a host's 32-bit masks). */
export const MAX_SIGNAL = 31;
export const SIGINT = 2;
export const SIGTERM = 15;

/** Signals Linux ignores or stops on by default (the rest terminate a process that does not handle them). */
const NOT_TERMINATING = new Set([17, 18, 19, 20, 21, 22, 23, 28]);

/** Whether `signal` ends a process that has no handler for it (and is not PID 1). */
export function terminatesByDefault(signal: number): boolean {
  return signal >= 1 && signal <= MAX_SIGNAL && !NOT_TERMINATING.has(signal);
}

/** The bit of `signal` in a host's 32-bit mask of pending signals. */
export function signalBit(signal: number): number {
  return signal >= 1 && signal <= MAX_SIGNAL ? 1 << (signal - 1) : 0;
}

/** The signals of a mask, lowest first. */
export function signalsOf(mask: number): number[] {
  const out: number[] = [];
  for (let n = 1; n <= MAX_SIGNAL; n++) if (mask & (1 << (n - 1))) out.push(n);
  return out;
}
