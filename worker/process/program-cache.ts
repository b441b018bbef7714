/**
 * Modules a container's processes run from its own file system (exec, dockyard.spawn), compiled
 * synchronously inside the process Worker (it cannot wait for a promise while a parent process is
 * blocked in the spawn call). One cache per Worker and memory limit, across its containers
 * (process-worker.ts): a path is recompiled when its bytes change.
 */
import type { WASI } from '@wasmer/wasi';
import { readFile } from './memfs-root.ts';
import { limitMemory } from '../../engine/wasi/memory-limit.ts';

export class ProgramCache {
  readonly #byPath = new Map<string, { bytes: Uint8Array; module: WebAssembly.Module | null }>();

  constructor(readonly memoryBytes?: number) {}

  /**
   * The compiled module at `path`; null when its initial memory alone is over the memory limit.
   * Throws when the file is not a valid module.
   */
  load(fs: WASI['fs'], path: string): WebAssembly.Module | null {
    const bytes = readFile(fs, path);
    const cached = this.#byPath.get(path);
    if (cached && sameBytes(cached.bytes, bytes)) return cached.module;
    const limited = this.memoryBytes === undefined ? bytes : limitMemory(bytes, this.memoryBytes);
    const module = limited ? new WebAssembly.Module(limited as Uint8Array<ArrayBuffer>) : null;
    this.#byPath.set(path, { bytes, module });
    return module;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
