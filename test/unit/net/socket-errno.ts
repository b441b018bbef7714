/** The errno a socket call failed with (SocketError), or undefined when it did not fail. */
import { SocketError } from '../../../engine/wasi/socket-port.ts';

export function errno(call: () => unknown): number | undefined {
  try {
    call();
    return undefined;
  } catch (e) {
    if (e instanceof SocketError) return e.errno;
    throw e;
  }
}
