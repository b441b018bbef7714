import type { PathStat } from '../engine.ts';
import { EngineError } from '../errors.ts';
import { FileTree, type TreeNode } from '../layers/file-tree.ts';
import { mergeLayers } from '../layers/merged-view.ts';
import type { VolumeEntries } from '../ports.ts';
import type { TarEntry } from '../tar/tar-entry.ts';
import { writeTar } from '../tar/tar-writer.ts';
import { findContainer } from './container-store.ts';
import type { Core } from './context.ts';
import { writeTreeEntries } from './copy-tree.ts';
import type { ContainerRecord } from './records.ts';
import { toFsNode } from './volume-copy.ts';

/**
 * `docker cp`, the daemon's half (GET/HEAD/PUT /containers/{id}/archive): the docker CLI decides
 * names and directions; the engine stats a path, archives it rooted at its base name, and
 * extracts an archive into a directory. Paths are the container's, from its root, links on the
 * way followed inside it. Reads see a running container's files; writes wait until it stopped.
 */

/** Go's os.FileMode type bits, as Docker's stat header carries them. */
const MODE_DIR = 2 ** 31;
const MODE_SYMLINK = 2 ** 27;
/** Our layers keep no times: every file is as old as the layers' tar entries. */
const EPOCH = '1970-01-01T00:00:00Z';

export async function statPath(core: Core, name: string, path: string): Promise<PathStat> {
  const c = await findContainer(core, name);
  return (await locate(core, c, name, path)).stat;
}

export async function getArchive(core: Core, name: string, path: string): Promise<{ stat: PathStat; archive: Uint8Array }> {
  const c = await findContainer(core, name);
  const { tree, resolved, stat, base } = await locate(core, c, name, path);
  const entries: TarEntry[] = [tarEntry(base, tree.lstat(resolved)!)];
  for (const [p, node] of tree.walk(resolved)) entries.push(tarEntry(`${base}/${resolved ? p.slice(resolved.length + 1) : p}`, node));
  return { stat, archive: writeTar(entries, { dotRoot: base === '.' }) };
}

export async function putArchive(core: Core, name: string, path: string, archive: Uint8Array, options: { noOverwriteDirNonDir?: boolean } = {}): Promise<void> {
  const c = await findContainer(core, name);
  if (c.State.Running || c.State.Paused) {
    throw new EngineError('conflict', `copying into a running container is not supported by this engine yet: stop ${c.Name.slice(1)} first, or copy before it starts`);
  }
  checkPath(path);
  const abs = absolute(path);
  refuseVolume(c, abs);
  const tree = await rootTree(core, c);
  const resolved = tree.resolve(abs, true);
  const dir = tree.lstat(resolved);
  if (!dir) throw notFound(path, name);
  if (dir.type !== 'dir') throw new EngineError('invalid-argument', 'extraction point is not a directory');
  let incoming: FileTree;
  try {
    incoming = (await mergeLayers([archive])).tree;
  } catch (e) {
    throw new EngineError('invalid-argument', `invalid archive: ${(e as Error).message}`);
  }
  const entries: VolumeEntries = [];
  for (const [p, node] of incoming.walk()) {
    const target = resolved ? `${resolved}/${p}` : p;
    const existing = tree.lstat(target);
    if (options.noOverwriteDirNonDir && existing) {
      if (existing.type === 'dir' && node.type !== 'dir') throw new EngineError('invalid-argument', `cannot overwrite directory "/${target}" with non-directory "/${target}"`);
      if (existing.type !== 'dir' && node.type === 'dir') throw new EngineError('invalid-argument', `cannot overwrite non-directory "/${target}" with directory "/${target}"`);
    }
    entries.push([p, toFsNode(node)]);
  }
  // A dry run on the tree: a link or file on an entry's way fails here, before the snapshot changes.
  try {
    writeTreeEntries(tree, resolved, entries);
  } catch (e) {
    throw new EngineError('invalid-argument', `cannot copy into ${path}: ${(e as Error).message.replace(/^invalid layer: /, '')}`);
  }
  const { snapshots } = core.ports;
  if (!snapshots.write) throw new EngineError('unavailable', "this engine cannot write into a container's files");
  await snapshots.write(c.Id, '/' + resolved, entries);
}

interface Located {
  tree: FileTree;
  /** The path in the tree, relative, links followed but the last. */
  resolved: string;
  stat: PathStat;
  /** The archive's root name: the path's last element as given (`.` for `dir/.`). */
  base: string;
}

async function locate(core: Core, c: ContainerRecord, name: string, path: string): Promise<Located> {
  checkPath(path);
  const abs = absolute(path);
  refuseVolume(c, abs);
  const tree = await rootTree(core, c);
  const dotted = /(^|\/)\.$/.test(path);
  const resolved = tree.resolve(abs, dotted || /\/$/.test(path));
  const node = tree.lstat(resolved);
  if (!node) throw notFound(path, name);
  if ((dotted || path.endsWith('/')) && node.type !== 'dir') throw new EngineError('invalid-argument', `lstat ${abs}: not a directory`);
  const parts = resolved.split('/');
  const base = dotted ? '.' : parts[parts.length - 1] || '/';
  return { tree, resolved, stat: statOf(node, base === '.' ? parts[parts.length - 1] || '/' : base), base: base === '/' ? '.' : base };
}

/** Docker's own words, its missing space included (`docker cp c: .`). */
function checkPath(path: string): void {
  if (path === '') throw new EngineError('invalid-argument', 'bad parameter: pathcannot be empty');
}

function absolute(path: string): string {
  return '/' + path.replace(/^\/+/, '');
}

function notFound(path: string, name: string): EngineError {
  return new EngineError('not-found', `Could not find the file ${path} in container ${name}`);
}

/** The core sees a container's layers, not its volumes (each host keeps those its own way). */
function refuseVolume(c: ContainerRecord, abs: string): void {
  const clean = abs.replace(/\/\.?$/, '') || '/';
  const m = c.Mounts.find((v) => clean === v.Destination || clean.startsWith(v.Destination + '/') || v.Destination.startsWith(clean === '/' ? '/' : clean + '/'));
  if (m) throw new EngineError('invalid-argument', `copying to or from a volume (${m.Destination} in ${c.Name.slice(1)}) is not supported by this engine yet: use docker exec or a container that mounts it`);
}

/** The container's root: image layers and writable layer (a running container's own changes too). */
async function rootTree(core: Core, c: ContainerRecord): Promise<FileTree> {
  const entries = await core.ports.snapshots.read(c.Id, '/');
  if (!entries) throw new EngineError('internal', `the root file system of ${c.Id.slice(0, 12)} cannot be read`);
  const tree = new FileTree();
  writeTreeEntries(tree, '/', entries);
  return tree;
}

function statOf(node: TreeNode, name: string): PathStat {
  const mode = node.mode & 0o7777;
  if (node.type === 'dir') return { name, size: 4096, mode: mode + MODE_DIR, mtime: EPOCH, linkTarget: '' };
  if (node.type === 'symlink') return { name, size: node.target.length, mode: 0o777 + MODE_SYMLINK, mtime: EPOCH, linkTarget: node.target };
  return { name, size: node.content.length, mode, mtime: EPOCH, linkTarget: '' };
}

function tarEntry(path: string, node: TreeNode): TarEntry {
  if (node.type === 'file') return { type: 'file', path, mode: node.mode, content: node.content };
  if (node.type === 'symlink') return { type: 'symlink', path, target: node.target };
  return { type: 'dir', path, mode: node.mode };
}
