import { WASI } from 'node:wasi';
import { unavailableSocketImports } from '../../engine/wasi/socket-abi.ts';

/** The applets box offers, asked from box itself (`box --list`), so the image never drifts from the binary. */
export async function appletList(boxWasm: Uint8Array): Promise<string[]> {
  const out: string[] = [];
  const module = await WebAssembly.compile(boxWasm as Uint8Array<ArrayBuffer>);
  const wasi = new WASI({ version: 'preview1', args: ['box', '--list'], env: {}, returnOnExit: true });
  const imports = wasi.getImportObject() as WebAssembly.Imports;
  const memory = () => (instance.exports.memory as WebAssembly.Memory).buffer;
  // Capture stdout in memory rather than on the terminal: only fd 1's bytes are kept.
  const wasiImports = imports.wasi_snapshot_preview1 as Record<string, (...a: number[]) => number>;
  const fdWrite = wasiImports.fd_write;
  wasiImports.fd_write = (fd, iovs, iovsLen, nwritten) => {
    if (fd !== 1) return fdWrite(fd, iovs, iovsLen, nwritten);
    const view = new DataView(memory());
    let n = 0;
    for (let i = 0; i < iovsLen; i++) {
      const ptr = view.getUint32(iovs + i * 8, true);
      const len = view.getUint32(iovs + i * 8 + 4, true);
      out.push(new TextDecoder().decode(new Uint8Array(memory(), ptr, len)));
      n += len;
    }
    view.setUint32(nwritten, n, true);
    return 0;
  };
  const instance = await WebAssembly.instantiate(module, { ...imports, dockyard: { spawn: () => -1, signal: () => 0 }, ...unavailableSocketImports() });
  const status = wasi.start(instance);
  if (status !== 0) throw new Error(`box --list exited with ${status}`);
  return out.join('').split(/\s+/).filter(Boolean).sort();
}
