/**
 * A real Runtime for the core's tests: WASI modules run with Node's `node:wasi`, one worker
 * thread per process, in a DirSnapshotter's directory (volumes preopened at their targets).
 * stdout/stderr stream out as written (fd_write is taken over and posted), stdin is a shared
 * buffer the process blocks on, SIGKILL/SIGTERM/SIGINT end the worker with 137/143/130, and a
 * memory limit uses the hosts' module rewrite (engine/wasi/memory-limit.ts) so
 * exceeding it ends the process with 137 and oomKilled.
 */
import { Worker } from 'node:worker_threads';
import { lstatSync, readFileSync, readlinkSync } from 'node:fs';
import type { ProcessExit, ProcessIO, ProcessSpec, Runtime, RunningProcess } from '../../../../engine/ports.ts';
import { resolveInRootSync } from '../../../../engine/layers/path-rules.ts';
import { limitMemory, OOM_EXPORT } from '../../../../engine/wasi/memory-limit.ts';
import { lookupProgram, startFailureLine, type PathKind } from '../../../../engine/wasi/program-path.ts';
import { SOCKET_IMPORT_MODULE, SOCKET_IMPORT_NAMES, SockErrno } from '../../../../engine/wasi/socket-abi.ts';
import type { DirSnapshotter } from './dir-snapshotter.ts';

const STDIN_BYTES = 1 << 20;

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { WASI } = require('node:wasi');
const { wasm, args, env, preopens, sab, oomExport } = workerData;
const header = new Int32Array(sab, 0, 2);
const data = new Uint8Array(sab, 8);
let readAt = 0;
const wasi = new WASI({ version: 'preview1', args, env, preopens, returnOnExit: true });
const imports = wasi.getImportObject();
const w = imports.wasi_snapshot_preview1;
let instance;
const mem = () => instance.exports.memory.buffer;
const fdWrite = w.fd_write;
w.fd_write = (fd, iovs, n, nwritten) => {
  if (fd !== 1 && fd !== 2) return fdWrite(fd, iovs, n, nwritten);
  const view = new DataView(mem());
  const parts = [];
  let total = 0;
  for (let i = 0; i < n; i++) {
    const ptr = view.getUint32(iovs + i * 8, true);
    const len = view.getUint32(iovs + i * 8 + 4, true);
    parts.push(new Uint8Array(mem(), ptr, len).slice());
    total += len;
  }
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  if (total > 0) parentPort.postMessage({ fd, data: out });
  view.setUint32(nwritten, total, true);
  return 0;
};
const fdRead = w.fd_read;
w.fd_read = (fd, iovs, n, nread) => {
  if (fd !== 0) return fdRead(fd, iovs, n, nread);
  for (;;) {
    const written = Atomics.load(header, 0);
    if (written > readAt) break;
    if (Atomics.load(header, 1) === 1) { new DataView(mem()).setUint32(nread, 0, true); return 0; }
    Atomics.wait(header, 0, written, 50);
  }
  const view = new DataView(mem());
  let total = 0;
  for (let i = 0; i < n; i++) {
    const ptr = view.getUint32(iovs + i * 8, true);
    const len = view.getUint32(iovs + i * 8 + 4, true);
    const avail = Atomics.load(header, 0) - readAt;
    const take = Math.min(len, avail);
    new Uint8Array(mem(), ptr, take).set(data.subarray(readAt, readAt + take));
    readAt += take;
    total += take;
    if (take < len) break;
  }
  view.setUint32(nread, total, true);
  return 0;
};
let status;
try {
  const module = new WebAssembly.Module(wasm);
  // No network in this runtime: box's socket imports are there and fail (socket-abi.ts).
  const sockets = Object.fromEntries(${JSON.stringify(SOCKET_IMPORT_NAMES)}.map((n) => [n, () => ${SockErrno.NETDOWN}]));
  instance = new WebAssembly.Instance(module, { ...imports, dockyard: { spawn: () => -1, signal: () => 0 }, ${SOCKET_IMPORT_MODULE}: sockets });
  status = wasi.start(instance);
  parentPort.postMessage({ exit: status, oom: false });
} catch (e) {
  const g = instance && instance.exports[oomExport];
  const oom = !!(g && g.value);
  parentPort.postMessage({ exit: oom ? 137 : 134, oom, error: oom ? undefined : String(e && e.message || e) });
}
`;

function envObject(env: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of env) {
    const eq = kv.indexOf('=');
    if (eq > 0) out[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  return out;
}

export interface VolumeDirs {
  dir(name: string): string;
}

export class NodeWasiRuntime implements Runtime {
  /** Processes started and not yet exited (tests check nothing is left behind). */
  readonly live = new Set<RunningProcess>();
  /** Snapshots whose container's own process runs: another start there is an exec. */
  readonly #mains = new Set<string>();

  constructor(
    private readonly snapshots: DirSnapshotter,
    private readonly volumes: VolumeDirs,
  ) {}

  async start(snapshotKey: string, spec: ProcessSpec, io: ProcessIO): Promise<RunningProcess> {
    const root = this.snapshots.dir(snapshotKey);
    const found = findProgram(root, spec);
    if ('code' in found) {
      // As both hosts: an exec prints the runtime's line; a container's own program prints nothing (the core fails its start).
      if (this.#mains.has(snapshotKey)) io.stderr(new TextEncoder().encode(startFailureLine(found.error, 'exec')));
      return finished({ exitCode: found.code, oomKilled: false, error: found.error });
    }
    let wasm: Uint8Array = new Uint8Array(readFileSync(found.host));
    if (wasm.length < 8 || wasm[0] !== 0 || wasm[1] !== 0x61 || wasm[2] !== 0x73 || wasm[3] !== 0x6d) {
      const error = `exec: "${spec.args[0]}": exec format error (not a WebAssembly module)`;
      return finished({ exitCode: 126, oomKilled: false, error });
    }
    if (spec.memoryBytes) {
      const limited = limitMemory(wasm, spec.memoryBytes);
      // Its first pages alone are over the limit: killed before it runs, as on both hosts.
      if (!limited) return finished({ exitCode: 137, oomKilled: true });
      wasm = limited;
    }
    const env = envObject(spec.env);
    if (spec.cwd && spec.cwd !== '/') env.PWD = spec.cwd;
    const preopens: Record<string, string> = { '/': root };
    for (const m of spec.mounts) preopens[m.target] = this.volumes.dir(m.volume);
    const sab = new SharedArrayBuffer(8 + STDIN_BYTES);
    const header = new Int32Array(sab, 0, 2);
    const stdin = new Uint8Array(sab, 8);
    const worker = new Worker(WORKER, { eval: true, workerData: { wasm, args: spec.args, env, preopens, sab, oomExport: OOM_EXPORT } });
    let settle!: (e: ProcessExit) => void;
    const exited = new Promise<ProcessExit>((r) => (settle = r));
    let done = false;
    const finish = (e: ProcessExit) => {
      if (done) return;
      done = true;
      this.live.delete(proc);
      settle(e);
    };
    worker.on('message', (m: { fd?: 1 | 2; data?: Uint8Array; exit?: number; oom?: boolean; error?: string }) => {
      if (m.fd === 1) io.stdout(new Uint8Array(m.data!));
      else if (m.fd === 2) io.stderr(new Uint8Array(m.data!));
      else if (m.exit !== undefined) {
        if (m.error) io.stderr(new TextEncoder().encode(`dockyard: ${spec.args[0]}: ${m.error}\n`));
        void worker.terminate();
        finish({ exitCode: m.exit, oomKilled: m.oom ?? false });
      }
    });
    worker.on('error', (e) => finish({ exitCode: 134, oomKilled: false, error: e.message }));
    worker.on('exit', () => finish({ exitCode: 137, oomKilled: false }));
    const kill = (code: number) => {
      if (done) return;
      void worker.terminate();
      finish({ exitCode: code, oomKilled: false });
    };
    const proc: RunningProcess = {
      writeStdin(data) {
        const at = Atomics.load(header, 0);
        const n = Math.min(data.length, STDIN_BYTES - at);
        stdin.set(data.subarray(0, n), at);
        Atomics.store(header, 0, at + n);
        Atomics.notify(header, 0);
      },
      closeStdin() {
        Atomics.store(header, 1, 1);
        Atomics.notify(header, 0);
      },
      kill(signal) {
        kill(signal === 'SIGKILL' ? 137 : signal === 'SIGTERM' ? 143 : 130);
      },
      exited,
    };
    if (!spec.openStdin) proc.closeStdin();
    this.live.add(proc);
    if (!this.#mains.has(snapshotKey)) {
      this.#mains.add(snapshotKey);
      void exited.then(() => this.#mains.delete(snapshotKey));
    }
    return proc;
  }
}

/** A program that could not start (the port's notStarted: the core fails a container's start). */
function finished(exit: ProcessExit): RunningProcess {
  return { writeStdin() {}, closeStdin() {}, kill() {}, exited: Promise.resolve(exit), notStarted: true };
}

/** The engine's program lookup (engine/wasi/program-path.ts) over a root directory on disk. */
function findProgram(root: string, spec: ProcessSpec): { host: string } | { code: 126 | 127; error: string } {
  const hostPath = (path: string) =>
    `${root}/${resolveInRootSync(path, true, (p) => {
      try {
        return lstatSync(`${root}/${p}`).isSymbolicLink() ? readlinkSync(`${root}/${p}`) : undefined;
      } catch {
        return undefined;
      }
    })}`;
  const kindOf = (path: string): PathKind => {
    try {
      const st = lstatSync(hostPath(path));
      return st.isDirectory() ? 'dir' : st.isFile() ? 'file' : undefined;
    } catch {
      return undefined;
    }
  };
  const found = lookupProgram(spec.args[0] ?? '', spec.env, spec.cwd, kindOf);
  return 'path' in found ? { host: hostPath(found.path) } : { code: found.exitCode, error: found.error };
}
