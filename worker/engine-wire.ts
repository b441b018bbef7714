/**
 * How Engine calls travel to the engine worker. comlink turns only top-level arguments into
 * proxies, but the Engine API takes callbacks inside option objects (onProgress, onOutput,
 * onEntry). So the page sends every call as `call(name, args, ...callbacks)`: each function in
 * an argument (top level or one level down) is replaced by a marker and passed as a trailing
 * comlink proxy; the worker puts the proxies back in place.
 */
import * as Comlink from 'comlink';

type Marker = { dockyardCallback: number };

function isMarker(v: unknown): v is Marker {
  return typeof v === 'object' && v !== null && typeof (v as Marker).dockyardCallback === 'number' && Object.keys(v).length === 1;
}

/** Page side: replace callbacks by markers; returns the arguments and the proxied callbacks. */
export function packCallbacks(args: unknown[]): { args: unknown[]; callbacks: unknown[] } {
  const callbacks: unknown[] = [];
  const mark = (fn: (...a: unknown[]) => unknown): Marker => {
    callbacks.push(Comlink.proxy(fn));
    return { dockyardCallback: callbacks.length - 1 };
  };
  const packed = args.map((arg) => {
    if (typeof arg === 'function') return mark(arg as (...a: unknown[]) => unknown);
    if (arg === null || typeof arg !== 'object' || ArrayBuffer.isView(arg) || Array.isArray(arg)) return arg;
    if (!Object.values(arg).some((v) => typeof v === 'function')) return arg;
    return Object.fromEntries(Object.entries(arg).map(([k, v]) => [k, typeof v === 'function' ? mark(v) : v]));
  });
  return { args: packed, callbacks };
}

/**
 * Worker side: put the callbacks back; a callback's own failure never reaches the engine.
 * Each callback is its own MessageChannel, so its messages can arrive after the call's result on the
 * main port; calls still on their way are added to `pending`, and the caller awaits them before it
 * answers, so the page has seen all of a command's output before the command completes.
 */
export function unpackCallbacks(args: unknown[], callbacks: Array<(...a: unknown[]) => Promise<unknown>>, pending?: Set<Promise<unknown>>): unknown[] {
  const fn = (m: Marker) => {
    const remote = callbacks[m.dockyardCallback];
    return (...a: unknown[]) => {
      const delivered = Promise.resolve(remote(...a)).catch(() => {});
      if (pending) {
        pending.add(delivered);
        void delivered.then(() => pending.delete(delivered));
      }
    };
  };
  return args.map((arg) => {
    if (isMarker(arg)) return fn(arg);
    if (arg === null || typeof arg !== 'object' || ArrayBuffer.isView(arg) || Array.isArray(arg)) return arg;
    if (!Object.values(arg).some(isMarker)) return arg;
    return Object.fromEntries(Object.entries(arg).map(([k, v]) => [k, isMarker(v) ? fn(v) : v]));
  });
}

/** Calls whose callbacks outlive the call (an attachment's output, an event subscription). */
export const KEEPS_CALLBACKS = new Set(['attachContainer', 'startExec', 'events']);

export function releaseCallbacks(callbacks: unknown[]): void {
  for (const cb of callbacks) (cb as { [Comlink.releaseProxy]?: () => void })[Comlink.releaseProxy]?.();
}
