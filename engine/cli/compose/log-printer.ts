/**
 * Compose's log lines: each line of a container's output after its short name (`web-1  | `),
 * names padded to the widest, each container in its own colour on a terminal; `logs -f` and an
 * attached `up` follow every container until all have exited or Ctrl-C.
 */
import type { Engine } from '../../engine.ts';
import type { LogEntry } from '../../ports.ts';
import type { CommandContext } from '../command.ts';

// Compose's rotation: the six plain colours, then their bright forms.
const COLOURS = ['36', '33', '32', '35', '34', '31', '36;1', '33;1', '32;1', '35;1', '34;1', '31;1'];

export interface LogTarget {
  id: string;
  /** `web-1`. */
  label: string;
}

export interface LogPrinter {
  /** Print an entry of the container (whole lines; a partial line waits for its end). */
  entry(target: LogTarget, entry: LogEntry): void;
  /** Print what is left of a container's last line and Compose's `web-1 exited with code 0`. */
  exited(target: LogTarget, code: number): void;
  flush(target: LogTarget): void;
}

export function logPrinter(cx: CommandContext, targets: readonly LogTarget[], options: { colour: boolean; prefix: boolean; timestamps?: boolean }): LogPrinter {
  const width = Math.max(0, ...targets.map((t) => t.label.length));
  const colourOf = new Map(targets.map((t, i) => [t.id, COLOURS[i % COLOURS.length]]));
  const partial = new Map<string, string>();
  const decoders = new Map<string, TextDecoder>();
  const paint = (target: LogTarget, text: string) => (options.colour ? `\x1b[${colourOf.get(target.id) ?? '36'}m${text}\x1b[0m` : text);
  const prefix = (target: LogTarget) => (options.prefix ? paint(target, `${target.label.padEnd(width)}  | `) : '');
  const line = (target: LogTarget, text: string) => cx.out(`${prefix(target)}${text}\n`);
  const printer: LogPrinter = {
    entry(target, entry) {
      const key = `${target.id}/${entry.stream}`;
      let decoder = decoders.get(key);
      if (!decoder) decoders.set(key, (decoder = new TextDecoder()));
      const stamp = options.timestamps ? `${entry.time} ` : '';
      const text = (partial.get(key) ?? '') + decoder.decode(entry.data, { stream: true });
      const lines = text.split('\n');
      partial.set(key, lines.pop()!);
      for (const l of lines) line(target, stamp + l.replace(/\r$/, ''));
    },
    flush(target) {
      for (const stream of ['stdout', 'stderr']) {
        const key = `${target.id}/${stream}`;
        const rest = partial.get(key);
        if (rest) line(target, rest);
        partial.delete(key);
      }
    },
    exited(target, code) {
      printer.flush(target);
      cx.out(paint(target, `${target.label} exited with code ${code}`) + '\n');
    },
  };
  return printer;
}

/**
 * Follow the containers' logs (past lines first, then new ones) until each has exited, or until
 * `interrupt` (the terminal's Ctrl-C) aborts. `onExit` hears each container's exit status.
 */
export async function followAll(
  engine: Engine,
  printer: LogPrinter,
  targets: readonly LogTarget[],
  options: { interrupt: AbortSignal | undefined; tail?: number | 'all'; onExit?: (target: LogTarget, code: number) => void },
): Promise<'ended' | 'interrupted'> {
  const stop = options.interrupt;
  const stopped = new Promise<'interrupted'>((resolve) => {
    if (stop?.aborted) resolve('interrupted');
    stop?.addEventListener('abort', () => resolve('interrupted'), { once: true });
  });
  const each = targets.map(async (target) => {
    const following = engine.logs(target.id, {
      stdout: true,
      stderr: true,
      follow: true,
      ...(options.tail !== undefined ? { tail: options.tail } : {}),
      onEntry: (entry) => {
        if (!stop?.aborted) printer.entry(target, entry);
      },
    });
    following.catch(() => {});
    if ((await Promise.race([following.then(() => 'ended' as const, () => 'ended' as const), stopped])) === 'interrupted') return;
    let code = 0;
    try {
      code = (await engine.inspectContainer(target.id)).State.ExitCode;
    } catch {
      // Removed meanwhile (down from another terminal): nothing more to say about it.
      printer.flush(target);
      return;
    }
    options.onExit?.(target, code);
  });
  return Promise.race([Promise.all(each).then(() => 'ended' as const), stopped]);
}
