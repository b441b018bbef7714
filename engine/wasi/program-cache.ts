/**
 * Modules a container's programs run from its own file system (its first process, exec,
 * dockyard.spawn), compiled synchronously: a parent process is blocked in the spawn call and
 * cannot wait for a promise. One cache per memory limit, kept by its host as long as it likes (a
 * browser process Worker keeps it across containers): a path is compiled again when its bytes
 * change, so a process never runs a module of bytes other than its file's own.
 */
import { limitMemory } from './memory-limit.ts';

export class ProgramCache {
  readonly #byPath = new Map<string, { bytes: Uint8Array; module: WebAssembly.Module | null }>();

  constructor(readonly memoryBytes?: number) {}

  /**
   * The module of `bytes` (the file at `path`); null when its initial memory alone is over the
   * memory limit. Throws when the bytes are not a module WebAssembly accepts.
   */
  load(path: string, bytes: Uint8Array): WebAssembly.Module | null {
    const cached = this.#byPath.get(path);
    if (cached && sameBytes(cached.bytes, bytes)) return cached.module;
    const limited = this.memoryBytes === undefined ? bytes : limitMemory(bytes, this.memoryBytes);
    const module = limited ? new WebAssembly.Module(limited as Uint8Array<ArrayBuffer>) : null;
    this.#byPath.set(path, { bytes, module });
    return module;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
