import { EngineError } from '../errors.ts';
import type { FileTree, TreeNode } from '../layers/file-tree.ts';
import type { FsNode, HostPorts, Mount, VolumeEntries } from '../ports.ts';
import { RUNTIME_FILE_PATHS, RUNTIME_FILES_DIR } from './runtime-files.ts';

/**
 * Docker's copy-up: a volume that is empty when its container starts gets a copy of what the
 * container's root file system has at the mount point (the directory's mode and everything below
 * it) - so a new volume at /etc starts with the image's /etc, named or anonymous alike. A volume
 * with anything in it is left alone. One rule for both hosts: they only read the snapshot and
 * fill the volume (the Snapshotter's `read`, the VolumeStore's `isEmpty` and `populate`).
 *
 * The root seen here is Docker's, with its init layer: the runtime files' mount points are empty
 * files (the runtime mounts the real ones over them after the volume), and /etc always exists.
 */
export async function copyUpVolumes(ports: Pick<HostPorts, 'snapshots' | 'volumes'>, key: string, mounts: readonly Mount[]): Promise<void> {
  for (const m of mounts) {
    if (!(await ports.volumes.isEmpty(m.volume))) continue;
    const entries = withMountPoints(await ports.snapshots.read(key, m.target), m.target);
    if (entries) await ports.volumes.populate(m.volume, entries);
  }
}

/** The init layer's part under `target`: /etc as a directory, empty files where the runtime files go. */
function withMountPoints(entries: VolumeEntries | undefined, target: string): VolumeEntries | undefined {
  const points = RUNTIME_FILE_PATHS.filter((p) => p.startsWith(`${target}/`)).map((p) => p.slice(target.length + 1));
  if (points.length === 0) return entries;
  const out = new Map<string, FsNode>(entries ?? (target === RUNTIME_FILES_DIR ? [['', { type: 'dir', mode: 0o755 }]] : []));
  if (!out.has('')) return entries;
  for (const p of points) {
    // Parents of a mount point are directories in the init layer, whatever the image has there.
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (out.get(dir)?.type !== 'dir') out.set(dir, { type: 'dir', mode: 0o755 });
    }
    out.set(p, { type: 'file', mode: 0o644, content: new Uint8Array() });
  }
  return [...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** A tree node as the ports carry it. */
export function toFsNode(node: TreeNode): FsNode {
  if (node.type === 'file') return { type: 'file', mode: node.mode, content: node.content };
  if (node.type === 'symlink') return { type: 'symlink', target: node.target };
  return { type: 'dir', mode: node.mode };
}

/**
 * `Snapshotter.read` for hosts that hold a container's root as a FileTree: the directory at
 * `path` and everything below it, symlinks on the way not followed.
 */
export function readTreeDir(tree: FileTree, path: string): VolumeEntries | undefined {
  const rel = path.split('/').filter(Boolean).join('/');
  const dir = tree.lstat(rel);
  if (dir?.type !== 'dir') return undefined;
  const out: VolumeEntries = [['', { type: 'dir', mode: dir.mode }]];
  for (const [p, node] of tree.walk(rel)) out.push([rel === '' ? p : p.slice(rel.length + 1), toFsNode(node)]);
  return out;
}

/**
 * An entry path a volume store may write: relative, clean, inside the volume. The core only
 * passes what a snapshot read gave, but a store never trusts a path it turns into a file.
 */
export function checkVolumeEntryPath(path: string): string[] {
  if (path === '') return [];
  const parts = path.split('/');
  if (path.startsWith('/') || parts.some((p) => p === '' || p === '.' || p === '..' || p.includes('\0'))) {
    throw new EngineError('invalid-argument', `invalid path in a volume: ${JSON.stringify(path)}`);
  }
  return parts;
}
