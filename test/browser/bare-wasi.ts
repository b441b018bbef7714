/**
 * The benchmark's baseline: a WASI command run with no engine around it - WebAssembly.instantiate
 * plus a minimal wasi_snapshot_preview1 (args, fd_write to a callback, proc_exit; every other call
 * answers "success" or "bad descriptor"). What a `run` costs beyond this is the engine's overhead.
 */
const BADF = 8;

class Exit {
  constructor(readonly code: number) {}
}

export function bareRun(moduleOrBytes: WebAssembly.Module | Uint8Array, args: string[], onOutput: (fd: number, data: Uint8Array) => void): Promise<number> {
  let memory: WebAssembly.Memory;
  const enc = new TextEncoder();
  const argv = args.map((a) => enc.encode(`${a}\0`));
  const wasi: Record<string, (...a: number[]) => number> = {
    args_sizes_get(countPtr, sizePtr) {
      const dv = new DataView(memory.buffer);
      dv.setUint32(countPtr, argv.length, true);
      dv.setUint32(sizePtr, argv.reduce((n, a) => n + a.length, 0), true);
      return 0;
    },
    args_get(argvPtr, bufPtr) {
      const dv = new DataView(memory.buffer);
      let at = bufPtr;
      argv.forEach((a, i) => {
        dv.setUint32(argvPtr + i * 4, at, true);
        new Uint8Array(memory.buffer, at, a.length).set(a);
        at += a.length;
      });
      return 0;
    },
    environ_sizes_get(countPtr, sizePtr) {
      const dv = new DataView(memory.buffer);
      dv.setUint32(countPtr, 0, true);
      dv.setUint32(sizePtr, 0, true);
      return 0;
    },
    environ_get: () => 0,
    fd_prestat_get: () => BADF,
    fd_write(fd, iovs, count, nwritten) {
      const dv = new DataView(memory.buffer);
      let total = 0;
      for (let i = 0; i < count; i++) {
        const ptr = dv.getUint32(iovs + i * 8, true);
        const len = dv.getUint32(iovs + i * 8 + 4, true);
        onOutput(fd, new Uint8Array(memory.buffer, ptr, len).slice());
        total += len;
      }
      dv.setUint32(nwritten, total, true);
      return 0;
    },
    proc_exit(code) {
      throw new Exit(code);
    },
  };
  const imports = new Proxy(wasi, { get: (t, name: string) => t[name] ?? (() => 0) });
  // Other import modules (box's dockyard.spawn) get stubs: the measured runs never call them.
  const all = new Proxy({} as WebAssembly.Imports, { get: (_t, module: string) => (module === 'wasi_snapshot_preview1' ? imports : new Proxy({}, { get: () => () => 0 })) });
  const instantiate =
    moduleOrBytes instanceof WebAssembly.Module
      ? WebAssembly.instantiate(moduleOrBytes, all)
      : WebAssembly.instantiate(moduleOrBytes as Uint8Array<ArrayBuffer>, all).then((r) => r.instance);
  return instantiate.then((instance) => {
    memory = instance.exports.memory as WebAssembly.Memory;
    try {
      (instance.exports._start as () => void)();
      return 0;
    } catch (e) {
      if (e instanceof Exit) return e.code;
      throw e;
    }
  });
}
