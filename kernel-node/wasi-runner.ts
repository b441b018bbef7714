/**
 * What runc executes inside a container: Node's WASI runtime (preview1) on the image's entrypoint.
 *
 * Bundled by esbuild into one .mjs (runner-bundle.ts) and bind-mounted read-only into the
 * container's runtime root; it never runs on the host. It is handed one JSON argument (RunnerSpec).
 *
 * Outside the guest's sight it reports to the service on fd 3 (one JSON line): `{"error", "code"}`
 * when the program cannot be found (127) or invoked (126), so the service can tell that apart from
 * a guest that exits with 127 itself.
 *
 * Signals: Node is PID 1 of the container, and a long synchronous `wasi.start` keeps its event loop
 * from ever running a JS signal handler. `vm`'s breakOnSigint installs a native SIGINT watchdog
 * that terminates the running script, so the service delivers SIGINT for both TERM and INT and
 * reports 128+signal itself; SIGKILL needs no help.
 */
import { closeSync, lstatSync, readFileSync, readlinkSync, writeSync } from 'node:fs';
import vm from 'node:vm';
import { WASI } from 'node:wasi';
import { resolveInRootSync } from '../engine/layers/path-rules.ts';

export interface RunnerSpec {
  /** Program path or name (searched in PATH) inside the guest root, then its arguments. */
  args: string[];
  env: string[];
  cwd: string;
  /** Where the guest's root file system is mounted in the runtime root ("/rootfs"). */
  root: string;
}

/** Exit status the runner uses when SIGINT interrupted the guest; the service maps it to 128+signal. */
export const INTERRUPTED_STATUS = 130;

function report(message: object): void {
  try {
    writeSync(3, JSON.stringify(message) + '\n');
    closeSync(3);
  } catch {
    // Not started by the service (a manual `runc exec`): stderr already says it.
  }
}

function fail(code: 126 | 127, error: string): never {
  writeSync(2, `dockyard: ${error}\n`);
  report({ code, error });
  process.exit(code);
}

/** A guest path resolved as if `root` were `/` (the engine's rule), as a host path under root. */
function hostPath(root: string, guestPath: string): string {
  const rel = resolveInRootSync(guestPath, true, (p) => {
    try {
      return lstatSync(`${root}/${p}`).isSymbolicLink() ? readlinkSync(`${root}/${p}`) : undefined;
    } catch {
      return undefined;
    }
  });
  return rel === '' ? root : `${root}/${rel}`;
}

function findProgram(spec: RunnerSpec): { path: string; host: string } {
  const name = spec.args[0] ?? '';
  if (name === '') fail(127, 'exec: no command given');
  const candidates = name.includes('/')
    ? [name.startsWith('/') ? name : `${spec.cwd.replace(/\/$/, '')}/${name}`]
    : (spec.env.find((e) => e.startsWith('PATH='))?.slice(5) ?? '/usr/local/bin:/usr/bin:/bin')
        .split(':')
        .filter((d) => d !== '')
        .map((d) => `${d.replace(/\/$/, '')}/${name}`);
  for (const path of candidates) {
    const host = hostPath(spec.root, path);
    try {
      const st = lstatSync(host);
      if (st.isDirectory()) {
        if (name.includes('/')) fail(126, `exec: "${name}": is a directory`);
        continue;
      }
      if (st.isFile()) return { path, host };
    } catch {
      continue;
    }
  }
  fail(127, name.includes('/') ? `exec: "${name}": no such file or directory` : `exec: "${name}": executable file not found in $PATH`);
}

function loadModule(name: string, host: string): WebAssembly.Module {
  let bytes: Buffer;
  try {
    bytes = readFileSync(host);
  } catch (e) {
    fail(126, `exec: "${name}": ${(e as Error).message}`);
  }
  if (bytes.length < 8 || bytes.readUInt32LE(0) !== 0x6d736100) fail(126, `exec: "${name}": exec format error (not a WebAssembly module)`);
  try {
    return new WebAssembly.Module(bytes as unknown as BufferSource);
  } catch (e) {
    fail(126, `exec: "${name}": invalid WebAssembly module: ${(e as Error).message}`);
  }
}

function envObject(env: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of env) {
    const eq = kv.indexOf('=');
    if (eq > 0) out[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  return out;
}

function main(): void {
  const spec = JSON.parse(process.argv[2] ?? '{}') as RunnerSpec;
  const program = findProgram(spec);
  const module = loadModule(spec.args[0], program.host);
  const env = envObject(spec.env);
  // wasi-libc starts in "/"; PWD tells programs that read it where `-w` put them.
  if (spec.cwd && spec.cwd !== '/') env.PWD = spec.cwd;
  const wasi = new WASI({ version: 'preview1', args: spec.args, env, preopens: { '/': spec.root }, returnOnExit: true });
  const imports: WebAssembly.Imports = wasi.getImportObject() as WebAssembly.Imports;
  const missing = WebAssembly.Module.imports(module).filter((i) => !(i.module in imports));
  if (missing.length > 0) fail(126, `exec: "${spec.args[0]}": needs imports this runtime lacks: ${missing.map((i) => `${i.module}.${i.name}`).join(', ')}`);
  let instance: WebAssembly.Instance;
  try {
    instance = new WebAssembly.Instance(module, imports);
  } catch (e) {
    fail(126, `exec: "${spec.args[0]}": ${(e as Error).message}`);
  }
  report({ started: true });
  const g = globalThis as { __dockyardStart?: () => number };
  g.__dockyardStart = () => wasi.start(instance);
  let status: number;
  try {
    status = new vm.Script('__dockyardStart()').runInThisContext({ breakOnSigint: true }) as number;
  } catch (e) {
    if (/interrupted/i.test((e as Error).message)) process.exit(INTERRUPTED_STATUS);
    // A trap (unreachable, out of bounds) ends the program as a crash would.
    writeSync(2, `dockyard: ${spec.args[0]}: ${(e as Error).message}\n`);
    process.exit(134);
  }
  process.exit(status & 0xff);
}

main();
