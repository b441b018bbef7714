/**
 * Wiring a terminal to a container or exec process, as docker's hijacked stream does: output as
 * it arrives (stderr to stdout under a TTY, as a pseudo-terminal merges them), stdin forwarded
 * chunk by chunk until end of input (then closeStdin), and Ctrl-C handled as the CLI's
 * signal proxy (`--sig-proxy`, on by default): the interrupt is sent to the container as SIGINT.
 * What SIGINT does is the engine's business; a WASI guest has no handlers, so its default action
 * (termination, status 130) applies.
 */
import type { AttachOptions, AttachStream } from '../engine.ts';
import type { CommandContext } from './command.ts';

/** Output handler that decodes UTF-8 across chunk boundaries, one decoder per stream. */
export function outputSink(cx: CommandContext, tty: boolean): AttachOptions['onOutput'] {
  const decoders = { 1: new TextDecoder(), 2: new TextDecoder() };
  return (stream, data) => {
    const text = decoders[stream].decode(data, { stream: true });
    if (!text) return;
    if (stream === 2 && !tty) cx.err(text);
    else cx.out(text);
  };
}

/**
 * Forward io.stdin to the stream until end of input, then close stdin. Returns a function that
 * stops forwarding (aborting the pending read) once the process has ended.
 */
export function pumpStdin(cx: CommandContext, stream: AttachStream): () => void {
  const stdin = cx.io.stdin;
  const stop = new AbortController();
  if (!stdin) {
    // No input at all is end of input, as `docker run -i ... < /dev/null`.
    void stream.closeStdin().catch(() => {});
    return () => stop.abort();
  }
  void (async () => {
    try {
      while (!stop.signal.aborted) {
        const chunk = await stdin.read(stop.signal);
        if (stop.signal.aborted) return;
        if (chunk === null) {
          await stream.closeStdin();
          return;
        }
        if (chunk.length) await stream.write(chunk);
      }
    } catch {
      // The process went away while we wrote: its exit status says what happened.
    }
  })();
  return () => stop.abort();
}

/** Resize an attached -t container or exec whenever the user's terminal changes size; returns the way to stop. */
export function followResize(cx: CommandContext, resize: (rows: number, columns: number) => Promise<void>): () => void {
  return cx.io.onResize?.((rows, columns) => void resize(rows, columns).catch(() => {})) ?? (() => {});
}

/** Run `onInterrupt` once when the user presses Ctrl-C; returns an unsubscribe function. */
export function onInterrupt(cx: CommandContext, onInterrupt: () => void): () => void {
  const signal = cx.io.signal;
  if (!signal) return () => {};
  if (signal.aborted) {
    onInterrupt();
    return () => {};
  }
  const listener = () => onInterrupt();
  signal.addEventListener('abort', listener, { once: true });
  return () => signal.removeEventListener('abort', listener);
}

/** Resolves when Ctrl-C is pressed (never, without a signal). */
export function interrupted(cx: CommandContext): Promise<'interrupted'> {
  return new Promise((resolve) => onInterrupt(cx, () => resolve('interrupted')));
}

/** Exit status of a CLI ended by Ctrl-C, as a shell reports SIGINT. */
export const EXIT_INTERRUPTED = 130;
