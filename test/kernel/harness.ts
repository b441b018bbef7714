import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MemoryBlobStore } from '../../engine/memory/index.ts';
import { sha256 } from '../../engine/oci/digest.ts';
import type { Digest, ProcessExit, ProcessSpec } from '../../engine/ports.ts';
import type { TarEntry } from '../../engine/tar/tar-entry.ts';
import { writeTar } from '../../engine/tar/tar-writer.ts';
import { DataRoot } from '../../kernel-node/store/data-root.ts';
import { OverlaySnapshotter } from '../../kernel-node/store/overlay-snapshotter.ts';
import { RuncRuntime } from '../../kernel-node/runtime/runc-runtime.ts';
import { prepareRuntimeRoot } from '../../kernel-node/runtime/runtime-root.ts';

const here = fileURLToPath(new URL('.', import.meta.url));

/** fixtures/probe.c compiled to WASI in a temp dir (the tests' one guest program). */
export function compileProbe(dir: string): Uint8Array {
  const out = join(dir, 'probe.wasm');
  execFileSync('clang', ['--target=wasm32-wasi', '-O2', '-o', out, join(here, 'fixtures', 'probe.c')]);
  return readFileSync(out);
}

/** Poll `fn` until it gives a value (every 25 ms, up to `timeoutMs`); `what` names it in the timeout error. */
export async function waitFor<T>(fn: () => T | undefined, what: string | (() => string), timeoutMs = 10_000): Promise<T> {
  for (const end = Date.now() + timeoutMs; ; ) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface RuntimeFixture {
  dir: string;
  data: DataRoot;
  blobs: MemoryBlobStore;
  snaps: OverlaySnapshotter;
  rt: RuncRuntime;
  probe: Uint8Array;
  layer(entries: TarEntry[]): Promise<Digest>;
  /** The runtime keeps a warm spare. */
  spare: boolean;
  /**
   * A container key for a test named `name`: with a spare, the spare's own ID (the next start of
   * it runs in the spare, as the service's next container does); else `name`.
   */
  key(name: string): Promise<string>;
  /** The hostname a container of this key gets by default (Docker's ID[:12]; the spare is booted with it). */
  hostname(key: string): string;
  run(key: string, args: string[], more?: Partial<ProcessSpec>, stdin?: string): Promise<{ exit: ProcessExit; stdout: string; stderr: string }>;
}

/** `spare`: the runtime keeps a warm spare (the service's default); the fixture's tests of the normal path run without. */
export async function runtimeFixture(options: { spare?: boolean } = {}): Promise<RuntimeFixture> {
  const dir = tempDir('dockyard-kernel-');
  const data = new DataRoot(join(dir, 'root'));
  const blobs = new MemoryBlobStore();
  const snaps = new OverlaySnapshotter(data, blobs);
  const runtime = await prepareRuntimeRoot(data);
  const rt = new RuncRuntime({ data, runtime, snapshots: snaps, volumePath: (n) => join(dir, 'volumes', n), spare: options.spare ?? false });
  snaps.onRemove = (key) => rt.release(key);
  const probe = compileProbe(dir);
  const spare = options.spare ?? false;
  const fx: RuntimeFixture = {
    spare,
    async key(name) {
      if (!spare) return name;
      rt.refill();
      if (!(await rt.spareReady())) throw new Error('the warm spare did not boot');
      const id = rt.nextContainerId();
      if (!id) throw new Error('no spare ID to hand out');
      return id;
    },
    hostname: (key) => key.slice(0, 12),
    dir,
    data,
    blobs,
    snaps,
    rt,
    probe,
    async layer(entries) {
      const tar = writeTar(entries);
      const digest = sha256(tar);
      await blobs.put({ digest }, tar);
      return digest;
    },
    async run(key, args, more = {}, stdin) {
      let stdout = '';
      let stderr = '';
      const dec = new TextDecoder();
      const p = await rt.start(key, { args, env: ['PATH=/bin'], cwd: '/', hostname: fx.hostname(key), tty: false, openStdin: stdin !== undefined, mounts: [], ...more }, {
        stdout: (d) => (stdout += dec.decode(d)),
        stderr: (d) => (stderr += dec.decode(d)),
      });
      if (stdin !== undefined) {
        p.writeStdin(new TextEncoder().encode(stdin));
        p.closeStdin();
      }
      const exit = await p.exited;
      return { exit, stdout, stderr };
    },
  };
  return fx;
}
