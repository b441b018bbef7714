/**
 * EngineError across the comlink boundary: comlink's own "throw" handler rebuilds a plain Error,
 * losing the code the page needs (`docker` exit statuses, the UI's messages). This one sends
 * EngineErrors as data (toJSON) and rebuilds them with fromJSON; both sides install it.
 */
import * as Comlink from 'comlink';
import { EngineError, type ErrorCode } from '../engine/errors.ts';

type Wire = { engineError: { code: ErrorCode; message: string; details?: Record<string, unknown> } } | { error: { name: string; message: string; stack?: string } } | { value: unknown };

let installed = false;

export function installEngineErrorTransfer(): void {
  if (installed) return;
  installed = true;
  const original = Comlink.transferHandlers.get('throw')!;
  Comlink.transferHandlers.set('throw', {
    canHandle: original.canHandle,
    serialize({ value }: { value: unknown }): [Wire, Transferable[]] {
      if (value instanceof EngineError) return [{ engineError: value.toJSON() }, []];
      if (value instanceof Error) return [{ error: { name: value.name, message: value.message, stack: value.stack } }, []];
      return [{ value }, []];
    },
    deserialize(wire: Wire): never {
      if ('engineError' in wire) throw EngineError.fromJSON(wire.engineError);
      if ('error' in wire) throw Object.assign(new Error(wire.error.message), wire.error);
      throw wire.value;
    },
  } as Comlink.TransferHandler<unknown, Wire>);
}
