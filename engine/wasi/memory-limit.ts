/**
 * A container's memory limit for a WASI module: cap the maximum of the linear memory the module
 * defines, by rewriting the limits in its memory section. Growing past the cap then fails inside
 * the guest (malloc returns NULL) on every runtime alike, which is what `docker run -m` teaches.
 */
import { EngineError } from '../errors.ts';

export const WASM_PAGE_BYTES = 65536;

function readLeb(bytes: Uint8Array, pos: number): [value: number, next: number] {
  let result = 0, shift = 0;
  for (;;) {
    if (pos >= bytes.length || shift > 28) throw new EngineError('invalid-content', 'malformed WebAssembly module (bad LEB128)');
    const b = bytes[pos++];
    result += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return [result, pos];
    shift += 7;
  }
}

function leb(value: number): number[] {
  const out: number[] = [];
  do {
    let b = value & 0x7f;
    value = Math.floor(value / 128);
    if (value) b |= 0x80;
    out.push(b);
  } while (value);
  return out;
}

/**
 * Returns a copy of `module` whose defined memory may grow to at most `maxBytes` (rounded down to
 * whole 64 KiB pages). Throws resource-exhausted when the module needs more than that to start,
 * and invalid-content for a module we cannot read. Modules importing their memory are returned
 * unchanged: the host that creates the memory sets its maximum.
 */
export function limitModuleMemory(module: Uint8Array, maxBytes: number): Uint8Array {
  if (module.length < 8 || module[0] !== 0 || module[1] !== 0x61 || module[2] !== 0x73 || module[3] !== 0x6d) {
    throw new EngineError('invalid-content', 'not a WebAssembly module');
  }
  const maxPages = Math.floor(maxBytes / WASM_PAGE_BYTES);
  let pos = 8;
  while (pos < module.length) {
    const id = module[pos];
    const [size, body] = readLeb(module, pos + 1);
    const end = body + size;
    if (end > module.length) throw new EngineError('invalid-content', 'malformed WebAssembly module (section overruns the file)');
    if (id === 5) {
      let [count, p] = readLeb(module, body);
      const out: number[] = [...leb(count)];
      while (count-- > 0) {
        const flags = module[p++];
        if (flags & ~0x01) throw new EngineError('invalid-argument', 'shared or 64-bit memories cannot be limited');
        let min: number, max: number | undefined;
        [min, p] = readLeb(module, p);
        if (flags & 1) [max, p] = readLeb(module, p);
        if (min > maxPages) {
          throw new EngineError('resource-exhausted', `the program needs ${min * WASM_PAGE_BYTES} bytes of memory to start, more than the limit of ${maxBytes}`);
        }
        out.push(0x01, ...leb(min), ...leb(max === undefined ? maxPages : Math.min(max, maxPages)));
      }
      if (p !== end) throw new EngineError('invalid-content', 'malformed WebAssembly module (memory section)');
      const section = [5, ...leb(out.length), ...out];
      const result = new Uint8Array(pos + section.length + (module.length - end));
      result.set(module.subarray(0, pos), 0);
      result.set(section, pos);
      result.set(module.subarray(end), pos + section.length);
      return result;
    }
    pos = end;
  }
  return module.slice();
}
