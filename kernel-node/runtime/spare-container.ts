import { execFile } from 'node:child_process';
import { mkdir, rm, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ProcessIO } from '../../engine/ports.ts';
import type { DataRoot } from '../store/data-root.ts';
import { bundleConfig } from './oci-spec.ts';
import { Process, runcGlobalArgs } from './runc-process.ts';
import type { RuntimeRoot } from './runtime-root.ts';

const run = promisify(execFile);

/** One bind of the go: a host file or directory at a guest path. */
export interface SpareBind {
  source: string;
  target: string;
  readOnly: boolean;
}

export interface SpareOptions {
  data: DataRoot;
  runtime: RuntimeRoot;
  runc: string;
  /** runc's container ID for a container ID (runc-runtime.ts). */
  runcId(id: string): string;
  cgroupsPath(id: string): string;
  /** The runner's command line without its spec (Node, its flags, the runner). */
  runnerArgs: string[];
  /** Container networks (kernel-node/net/): a namespace made ahead for the container, and given up with an unused spare. */
  netns?: SpareNetns;
}

/** What a spare needs of the network driver: the namespace of a container ID, made now; given up if never wired. */
export interface SpareNetns {
  prepare(containerId: string): Promise<string>;
  release(containerId: string): Promise<void>;
}

const NO_OUTPUT: ProcessIO = { stdout: () => undefined, stderr: () => undefined };

/**
 * A container booted ahead of its run, to take runc's and Node's start off a run's path: `runc
 * run` of our bundle with the runner loaded and waiting on its control pipe (fd 4) for the guest's
 * spec. It is booted for the container ID the next `docker create` gets (Runtime.nextContainerId),
 * so runc's ID, the cgroup (/sys/fs/cgroup/<ctl>/dockyard/dockyard-<ID>) and the hostname (ID[:12])
 * are those of a container started the normal way.
 *
 * Its /rootfs is a bind (slave propagation) of a host directory that is a shared mount: at the go
 * the host mounts the container's overlay, volumes and runtime files there (spare-mounts.c) and
 * they appear inside. Until then the runner sees an empty directory and reads nothing.
 */
export class SpareContainer {
  /** Handed out by nextContainerId: a container record may carry this ID. */
  claimed = false;

  private constructor(
    readonly id: string,
    readonly process: Process,
    private readonly dir: string,
    private readonly helper: string,
    private readonly netns?: SpareNetns,
  ) {}

  /** The runner loaded and waiting (false: the spare ended or failed to boot). */
  get ready(): Promise<boolean> {
    return this.process.ready;
  }

  /** Where the guest's root is mounted on the host side. */
  get root(): string {
    return join(this.dir, 'root');
  }

  /** Boot a spare for container `id` (undefined: this host has no spare-mounts helper). */
  static async boot(id: string, o: SpareOptions): Promise<SpareContainer | undefined> {
    const helper = o.runtime.spareMounts.path;
    if (!helper) return undefined;
    const dir = join(o.data.spares, id);
    const root = join(dir, 'root');
    const bundle = join(dir, 'bundle');
    await mkdir(root, { recursive: true, mode: 0o755 });
    await mkdir(bundle, { recursive: true, mode: 0o700 });
    await run(helper, ['share', root]);
    // The run's attach then only adds its links: the namespace itself is made off the run's path.
    const netns = await o.netns?.prepare(id);
    const config = bundleConfig({
      runtime: o.runtime,
      overlay: { sharedDir: root },
      hostname: id.slice(0, 12),
      volumes: [],
      cgroupsPath: o.cgroupsPath(id),
      args: [...o.runnerArgs, '--spare'],
      netns,
    });
    await writeFile(join(bundle, 'config.json'), JSON.stringify(config));
    const global = runcGlobalArgs(o.data.runcState, bundle);
    const pidFile = join(bundle, 'init.pid');
    // stdin is a pipe whatever the guest wants: the go closes it when the guest has none (EOF, as /dev/null gives).
    const process = new Process({ file: o.runc, args: [...global, 'run', '--bundle', bundle, '--preserve-fds', '2', '--pid-file', pidFile, o.runcId(id)] }, { stdin: true, fd4: 'control' }, NO_OUTPUT, {
      pidFile,
      cleanupFiles: [],
      killedMeansOom: true,
      // The exit is reported at once and the mounts go behind it: the overlay's last unmount
      // syncs its upper file system (tens of ms). Whoever needs them gone awaits `cleared`.
      afterExit: async (exit) => {
        void spare.clear();
        return exit;
      },
      killAll: () => run(o.runc, [...global, 'kill', o.runcId(id), 'KILL']).then(() => undefined, () => undefined),
    });
    const spare = new SpareContainer(id, process, dir, helper, o.netns);
    return spare;
  }

  /** Mount the container's overlay and binds at the spare's root (one helper process). */
  async fill(overlayOptions: string, binds: SpareBind[]): Promise<void> {
    const args = ['fill', this.root, overlayOptions, ...binds.flatMap((b) => [b.readOnly ? 'ro' : 'rw', b.source, b.target])];
    try {
      await run(this.helper, args);
    } catch (e) {
      throw new Error(((e as { stderr?: string }).stderr || (e as Error).message).trim());
    }
  }

  go(io: ProcessIO, runnerSpec: object, openStdin: boolean): void {
    this.process.go(io, runnerSpec, openStdin);
  }

  /** Not used after all: the runner exits, then its mounts and directory go. */
  async discard(): Promise<void> {
    this.process.dismiss();
    await this.process.exited;
    await this.clear();
    await this.netns?.release(this.id);
  }

  #cleared: Promise<void> | undefined;

  /**
   * After the spare's exit: everything mounted at its root detached (the container's mount
   * namespace, which held the copies, is gone with it), then its directory removed - the mount
   * point by rmdir, so a mount that stayed can never let a recursive removal into an overlay.
   */
  clear(): Promise<void> {
    // Once only: every caller (the exit, a discard, the runtime before a restart) awaits the same.
    this.#cleared ??= (async () => {
      await run(this.helper, ['clear', this.root]).catch(() => undefined);
      await rmdir(this.root).catch(() => undefined);
      await rm(join(this.dir, 'bundle'), { recursive: true, force: true });
      await rmdir(this.dir).catch(() => undefined);
    })();
    return this.#cleared;
  }
}
