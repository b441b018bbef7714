/**
 * How Engine calls cross to the engine worker (worker/engine-wire.ts), both ends joined in one
 * process: callbacks become numbered messages, results with methods become handles, and a
 * call's callbacks are given up when its handle's closing method has answered.
 */
import { describe, expect, it } from 'vitest';
import { handleFromMarker, handleMarker, isCallbackMessage, packCallbacks, unpackCallbacks, type CallbackMessage, type HandleMarker } from '../../../worker/engine-wire.ts';

/** The page's callback table and the worker's post, as connect.ts and engine-worker.ts keep them. */
function wire() {
  const callbacks = new Map<number, (...a: unknown[]) => unknown>();
  let next = 1;
  const posted: CallbackMessage[] = [];
  const register = (fn: (...a: unknown[]) => unknown) => {
    callbacks.set(next, fn);
    return next++;
  };
  const deliver = () => {
    for (const m of posted.splice(0)) callbacks.get(m.dockyardCallback)?.(...m.args);
  };
  return { callbacks, register, posted, deliver };
}

describe('engine wire', () => {
  it('carries callbacks at the top level and one level down, and leaves data alone', () => {
    const w = wire();
    const seen: unknown[] = [];
    const bytes = new Uint8Array([1, 2]);
    const packed = packCallbacks(['box', { onProgress: (e: unknown) => seen.push(e), quiet: true }, (x: unknown) => seen.push(['top', x]), bytes, [1]], w.register);
    expect(packed.ids).toEqual([1, 2]);
    expect(packed.args).toEqual(['box', { onProgress: { dockyardCallback: 1 }, quiet: true }, { dockyardCallback: 2 }, bytes, [1]]);
    // Structured clone is what the real port does: markers and data survive it.
    const [, options, top] = unpackCallbacks(structuredClone(packed.args), (m) => w.posted.push(m)) as [string, { onProgress: (e: unknown) => void; quiet: boolean }, (x: unknown) => void];
    options.onProgress({ status: 'Pulling' });
    top(7);
    expect(w.posted.every(isCallbackMessage)).toBe(true);
    expect(seen).toEqual([]);
    w.deliver();
    expect(seen).toEqual([{ status: 'Pulling' }, ['top', 7]]);
  });

  it('turns a result with methods into a handle whose closing call gives up the callbacks after it answered', async () => {
    const w = wire();
    const calls: string[] = [];
    const stream = { write: async (d: string) => calls.push(`write ${d}`), detach: async () => calls.push('detach'), id: 'not a method' };
    const marker = handleMarker(5, stream);
    expect(marker).toEqual({ dockyardHandle: 5, methods: ['write', 'detach'] });
    w.register(() => {});
    let released = false;
    const invoke = async (id: number, method: string, args: unknown[]) => {
      expect(id).toBe(5);
      return (stream as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[method](...args);
    };
    const handle = handleFromMarker(structuredClone(marker) as HandleMarker, 'detach', invoke, () => (released = true)) as { write(d: string): Promise<unknown>; detach(): Promise<unknown> };
    await handle.write('hi');
    expect(released).toBe(false);
    await handle.detach();
    await Promise.resolve();
    expect(calls).toEqual(['write hi', 'detach']);
    expect(released).toBe(true);
  });

  it('turns a function result (an unsubscribe) into a handle that a call of it ends', async () => {
    let unsubscribed = 0;
    const marker = handleMarker(9, () => unsubscribed++);
    expect(marker).toEqual({ dockyardHandle: 9, methods: null });
    let released = false;
    const unsubscribe = handleFromMarker(marker, '', async (_id, method) => (method === '' ? unsubscribed++ : undefined), () => (released = true)) as () => Promise<unknown>;
    await unsubscribe();
    await Promise.resolve();
    expect(unsubscribed).toBe(1);
    expect(released).toBe(true);
  });
});
