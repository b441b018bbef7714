import { execFile } from 'node:child_process';
import { mkdir, realpath, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { compileHostHelper, type HostHelper } from './host-helpers.ts';
import type { DataRoot } from '../store/data-root.ts';
import { SOCKET_CALLS_FILE } from '../runner/socket-calls.ts';

const run = promisify(execFile);

/** A read-only bind mount of a host file into the runtime root. */
export interface RuntimeBind {
  source: string;
  destination: string;
}

/**
 * The root file system runc gives every container: empty except for mount points. Node and its
 * shared libraries are bound into it read-only, the WASI runner at /dockyard, and the container's
 * overlay at /rootfs, which is the guest's preopened `/`. The guest never names these paths: the
 * runner resolves every program path inside /rootfs as if it were the root.
 */
export interface RuntimeRoot {
  root: string;
  binds: RuntimeBind[];
  node: string;
  runner: string;
  /** Where the guest's root file system is mounted inside the runtime root. */
  guestRoot: string;
  /** The host program that gives a -t process its terminal (console-relay.c); absent: why. */
  consoleRelay: HostHelper;
  /** The host program that mounts a warm spare's root (spare-mounts.c); absent: no spares. */
  spareMounts: HostHelper;
  /** The runner's native socket calls (kernel-node/runner/socket-calls.c); absent: guests have no sockets (ENETDOWN). */
  socketCalls: HostHelper;
}

export const GUEST_ROOT = '/rootfs';
const RUNNER_DIR = '/dockyard';

/** Node's shared libraries and loader, as the dynamic linker will look for them. */
export async function nodeLibraries(node: string): Promise<RuntimeBind[]> {
  const { stdout } = await run('ldd', [node]);
  const binds: RuntimeBind[] = [];
  for (const line of stdout.split('\n')) {
    const m = /=>\s+(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (!m) continue;
    binds.push({ source: await realpath(m[1]), destination: m[1] });
  }
  return binds;
}

/**
 * Bundle wasi-runner.ts (with the engine's path rules it imports) into one file Node runs as is.
 * CommonJS, not ESM: Node starts a CommonJS entry without its ESM loader's module graph work, and
 * this start is paid by every container.
 */
export async function bundleRunner(outFile: string): Promise<void> {
  const here = dirname(fileURLToPath(import.meta.url));
  await build({
    entryPoints: [join(here, '..', 'runner', 'wasi-runner.ts')],
    outfile: outFile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'error',
  });
}

/** Build the runtime root under the data root (at every start: it is small and must match this Node). */
export async function prepareRuntimeRoot(data: DataRoot): Promise<RuntimeRoot> {
  const root = join(data.runtime, 'root');
  const runnerDir = join(data.runtime, 'runner');
  await rm(data.runtime, { recursive: true, force: true });
  await mkdir(runnerDir, { recursive: true, mode: 0o755 });
  const [, consoleRelay, spareMounts, socketCalls] = await Promise.all([
    bundleRunner(join(runnerDir, 'wasi-runner.cjs')),
    compileHostHelper('console-relay.c', join(data.runtime, 'console-relay')),
    compileHostHelper('spare-mounts.c', join(data.runtime, 'spare-mounts')),
    // A Node-API addon the runner loads in the container: built against this Node's own headers.
    compileHostHelper('../runner/socket-calls.c', join(runnerDir, SOCKET_CALLS_FILE), ['-shared', '-fPIC', '-I', join(dirname(dirname(process.execPath)), 'include', 'node')]),
  ]);
  const node = '/usr/bin/node';
  const binds: RuntimeBind[] = [{ source: await realpath(process.execPath), destination: node }, ...(await nodeLibraries(process.execPath)), { source: runnerDir, destination: RUNNER_DIR }];
  for (const dir of ['proc', 'dev', GUEST_ROOT.slice(1), RUNNER_DIR.slice(1)]) await mkdir(join(root, dir), { recursive: true, mode: 0o755 });
  for (const b of binds) {
    if (b.destination === RUNNER_DIR) continue;
    await mkdir(join(root, dirname(b.destination)), { recursive: true, mode: 0o755 });
    await writeFile(join(root, b.destination), '', { mode: 0o444 });
  }
  return { root, binds, node, runner: `${RUNNER_DIR}/wasi-runner.cjs`, guestRoot: GUEST_ROOT, consoleRelay, spareMounts, socketCalls };
}
