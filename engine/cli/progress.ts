/**
 * Showing a JSON progress stream (pull, push, build, load) as docker's jsonmessage display does.
 * Not a TTY: one line per status, progress-bar updates skipped. A TTY: each layer ID keeps one line
 * that is rewritten in place (cursor up, clear line, cursor back down); a line without an ID
 * starts a new block. `stream` text is printed as is; `aux` is data and never printed; an
 * `errorDetail` is the stream's failure, printed by the caller without the daemon prefix.
 */
import type { ProgressEvent } from '../engine.ts';
import { humanSizeWithPrecision } from './units.ts';

export interface ProgressDisplay {
  listener(event: ProgressEvent): void;
  /** The message of the stream's errorDetail, if one arrived. */
  readonly failure: string | undefined;
  /** `stream` lines were printed (a command then need not print its own summary). */
  readonly printedStream: boolean;
  /** The `aux` payloads seen (build's image ID). */
  readonly aux: NonNullable<ProgressEvent['aux']>[];
}

export function progressDisplay(write: (text: string) => void, tty: boolean): ProgressDisplay {
  const lines = new Map<string, number>();
  const state = { failure: undefined as string | undefined, printedStream: false, aux: [] as NonNullable<ProgressEvent['aux']>[] };
  const listener = (ev: ProgressEvent) => {
    if (ev.errorDetail || ev.error) {
      state.failure ??= ev.errorDetail?.message ?? ev.error;
      return;
    }
    if (ev.aux) {
      state.aux.push(ev.aux);
      return;
    }
    if (ev.stream !== undefined) {
      lines.clear();
      state.printedStream = true;
      write(ev.stream);
      return;
    }
    if (ev.status === undefined) return;
    const detail = ev.progressDetail;
    const isProgress = ev.progress !== undefined || (detail !== undefined && detail.current !== undefined);
    if (!tty && isProgress) return;
    let bar = ev.progress ?? '';
    if (!bar && isProgress && detail?.total) bar = `${humanSizeWithPrecision(detail.current ?? 0, 3)}/${humanSizeWithPrecision(detail.total, 3)}`;
    const text = (ev.id ? `${ev.id}: ` : '') + ev.status + (bar ? ' ' + bar : '');
    if (!tty || !ev.id) {
      lines.clear();
      write(text + '\n');
      return;
    }
    let line = lines.get(ev.id);
    if (line === undefined) {
      line = lines.size;
      lines.set(ev.id, line);
      write('\n');
    }
    const up = lines.size - line;
    write(`\x1b[${up}A\r\x1b[2K${text}\r\x1b[${up}B`);
  };
  return {
    listener,
    get failure() {
      return state.failure;
    },
    get printedStream() {
      return state.printedStream;
    },
    get aux() {
      return state.aux;
    },
  };
}
