/**
 * @wasmer/wasi builds its import object from the module it is given and fails (a Rust panic:
 * "unreachable") on one that also imports WASIX's socket functions (wasix_32v1, which box does:
 * engine/wasi/socket-abi.ts). Its preview1 functions do not depend on which of them a module
 * imports, so it is asked with this module instead - one preview1 import and nothing else - and
 * the process host supplies the socket imports itself.
 */
import { SOCKET_IMPORT_MODULE } from '../../engine/wasi/socket-abi.ts';

let probe: WebAssembly.Module | undefined;

function preview1Probe(): WebAssembly.Module {
  if (probe) return probe;
  const text = (s: string) => [s.length, ...new TextEncoder().encode(s)];
  // (type (func (param i32 i32 i32 i32) (result i32))) (import "wasi_snapshot_preview1" "fd_write" (func (type 0)))
  // (memory (export "memory") 1): @wasmer/wasi's instantiate later wants the module it was asked with to export one.
  const types = [1, 0x60, 4, 0x7f, 0x7f, 0x7f, 0x7f, 1, 0x7f];
  const imports = [1, ...text('wasi_snapshot_preview1'), ...text('fd_write'), 0, 0];
  const memory = [1, 0, 1];
  const exports = [1, ...text('memory'), 2, 0];
  const sections = [1, types.length, ...types, 2, imports.length, ...imports, 5, memory.length, ...memory, 7, exports.length, ...exports];
  probe = new WebAssembly.Module(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...sections]));
  return probe;
}

/** The module to hand @wasmer/wasi's getImports for `module`. */
export function importsProbe(module: WebAssembly.Module): WebAssembly.Module {
  return WebAssembly.Module.imports(module).some((i) => i.module === SOCKET_IMPORT_MODULE) ? preview1Probe() : module;
}
