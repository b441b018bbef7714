/**
 * How Engine calls travel to the engine worker over comlink, with what comlink does not carry:
 *
 * - Callbacks inside option objects (onProgress, onOutput, onEntry, an events listener). The page
 *   keeps each function under a number and sends a marker in its place; the worker calls it by
 *   posting a CallbackMessage on the Worker's own port, the one comlink answers on. So a command's
 *   output reaches the page before its result, in order, and no output waits for a reply - one
 *   message per chunk, no MessageChannel per call (comlink's proxies cost both, on every `run`).
 * - Results with methods (an AttachStream) or a function (events' unsubscribe): they stay in the
 *   worker under a number (a handle); the page gets a HandleMarker and calls through `handle`.
 *   Calling the handle's closing method (HANDLE_RESULTS) ends it, and the callbacks of its call.
 */

import type { Engine } from '../engine/engine.ts';

export type CallbackMarker = { dockyardCallback: number };
/** `methods` null: the handle is a function. */
export type HandleMarker = { dockyardHandle: number; methods: string[] | null };
export interface CallbackMessage {
  dockyardCallback: number;
  args: unknown[];
}

/** Calls whose result is a handle, with the method that ends it ('': the handle is a function, a call of it ends it). */
export const HANDLE_RESULTS: Readonly<Partial<Record<keyof Engine, string>>> = { attachContainer: 'detach', startExec: 'detach', events: '' };

type Fn = (...a: unknown[]) => unknown;

function isMarker(v: unknown): v is CallbackMarker {
  return typeof v === 'object' && v !== null && typeof (v as CallbackMarker).dockyardCallback === 'number' && Object.keys(v).length === 1;
}

export function isCallbackMessage(data: unknown): data is CallbackMessage {
  return typeof data === 'object' && data !== null && typeof (data as CallbackMessage).dockyardCallback === 'number' && Array.isArray((data as CallbackMessage).args);
}

/** Each function of `args` (top level or one level down), replaced by the value `mark` gives it. */
function mapFunctions<T>(args: unknown[], isFn: (v: unknown) => v is T, mark: (v: T) => unknown): unknown[] {
  return args.map((arg) => {
    if (isFn(arg)) return mark(arg);
    if (arg === null || typeof arg !== 'object' || ArrayBuffer.isView(arg) || Array.isArray(arg)) return arg;
    if (!Object.values(arg).some(isFn)) return arg;
    return Object.fromEntries(Object.entries(arg).map(([k, v]) => [k, isFn(v) ? mark(v) : v]));
  });
}

/** Page side: callbacks registered by `register` (it returns their number) and replaced by markers. */
export function packCallbacks(args: unknown[], register: (fn: Fn) => number): { args: unknown[]; ids: number[] } {
  const ids: number[] = [];
  const packed = mapFunctions(args, (v): v is Fn => typeof v === 'function', (fn) => {
    const id = register(fn);
    ids.push(id);
    return { dockyardCallback: id } satisfies CallbackMarker;
  });
  return { args: packed, ids };
}

/** Worker side: each marker becomes a function that posts its call to the page. */
export function unpackCallbacks(args: unknown[], post: (message: CallbackMessage) => void): unknown[] {
  return mapFunctions(args, isMarker, (m) => (...a: unknown[]) => post({ dockyardCallback: m.dockyardCallback, args: a }));
}

/** Worker side: the marker of a handle result. */
export function handleMarker(id: number, result: unknown): HandleMarker {
  if (typeof result === 'function') return { dockyardHandle: id, methods: null };
  const methods = Object.keys(result as object).filter((k) => typeof (result as Record<string, unknown>)[k] === 'function');
  return { dockyardHandle: id, methods };
}

/**
 * Page side: the handle as the Engine API returns it. `invoke` calls it in the worker; `release`
 * runs once the closing call has answered (every callback message of the call came before that).
 */
export function handleFromMarker(marker: HandleMarker, closing: string, invoke: (id: number, method: string, args: unknown[]) => Promise<unknown>, release: () => void): unknown {
  const call = (method: string, args: unknown[]) => {
    const answered = invoke(marker.dockyardHandle, method, args);
    if (method === closing) void answered.finally(release).catch(() => {});
    return answered;
  };
  if (marker.methods === null) return (...args: unknown[]) => call('', args);
  return Object.fromEntries(marker.methods.map((m) => [m, (...args: unknown[]) => call(m, args)]));
}
