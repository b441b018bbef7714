/**
 * The root file system a process Worker keeps between containers.
 *
 * Loading a root into a fresh MemFS copies every file of the image into it (box: 230 KB), and a
 * run of the same image again copies the same bytes. When a container ends without having changed
 * a file (change-watch.ts), its MemFS still holds exactly the root it was loaded from; the Worker
 * keeps it, under the key the runtime named that root by (its image layers), and the next
 * container with the same key starts on it with only its own runtime files (/etc/hostname,
 * /etc/hosts) written over. Nothing of the previous container can show: its MemFS was unchanged,
 * and its processes, descriptors and WASI instances are gone with it. The runtime knows which
 * Worker keeps which root from the exit message (worker-pool.ts), and asks for it by key.
 */
import { WASI } from '@wasmer/wasi';
import { loadRoot, overwriteFiles, type LoadedRoot } from './memfs-root.ts';
import type { RootEntries } from './process-protocol.ts';

export interface ContainerRoot {
  anchor: WASI;
  root: LoadedRoot;
}

let kept: (ContainerRoot & { key: string }) | undefined;

/**
 * The root for a new container: `entries` loaded into a fresh MemFS, or with `reuseKey`, the kept
 * root of that key with `entries` (the container's runtime files) written over it.
 */
export function takeRoot(entries: RootEntries, reuseKey: string | undefined): ContainerRoot {
  if (reuseKey !== undefined) {
    if (kept?.key !== reuseKey) throw new Error(`this Worker keeps no root ${reuseKey}`);
    const { anchor, root } = kept;
    kept = undefined;
    overwriteFiles(anchor, root, entries);
    root.changed = false;
    return { anchor, root };
  }
  dropKeptRoot();
  const anchor = new WASI({ args: [], env: {} });
  return { anchor, root: loadRoot(anchor, entries) };
}

/** Whether this Worker keeps the root of `key` now. */
export function isKept(key: string): boolean {
  return kept?.key === key;
}

/** Keep an unchanged root for the next container of the same key (replacing any kept before). */
export function keepRoot(key: string, container: ContainerRoot): void {
  if (container.root.changed) throw new Error('a changed root cannot be kept');
  dropKeptRoot();
  kept = { key, ...container };
}

function dropKeptRoot(): void {
  const old = kept;
  kept = undefined;
  try {
    old?.anchor.free();
  } catch {
    // Already unusable: nothing is left to give back.
  }
}
