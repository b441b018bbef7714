/**
 * `docker cp`, the CLI's half, as docker/cli decides it: which side is the container, what the
 * destination is (an existing directory takes the source by its name; anything else is renamed
 * to the destination's name), and Docker's local errors. The engine stats, archives and extracts
 * (Engine.statPath / getArchive / putArchive); the host side goes through the terminal's files
 * (CliIO readFile, writeFile, pathKind, makeDir, buildContext).
 */
import { isEngineError } from '../errors.ts';
import type { TarEntry } from '../tar/tar-entry.ts';
import { readTar } from '../tar/tar-reader.ts';
import { writeTar } from '../tar/tar-writer.ts';
import { readAll } from './archive.ts';
import { StatusError, type CommandContext, type CommandSpec } from './command.ts';
import { humanSizeWithPrecision } from './units.ts';

const MODE_DIR = 2 ** 31;
const MODE_SYMLINK = 2 ** 27;

/** docker/cli's splitCpArg: an absolute or ./ path is local even with a colon in it. */
function splitArg(arg: string): { container?: string; path: string } {
  if (arg.startsWith('/') || arg.startsWith('.')) return { path: arg };
  const colon = arg.indexOf(':');
  if (colon <= 0) return { path: arg };
  return { container: arg.slice(0, colon), path: arg.slice(colon + 1) };
}

function clean(path: string): string {
  return path.replace(/\/+\.?$/, '') || (path.startsWith('/') ? '/' : '.');
}

function parentOf(path: string): string {
  const c = clean(path);
  const slash = c.lastIndexOf('/');
  return slash < 0 ? '.' : slash === 0 ? '/' : c.slice(0, slash);
}

function baseOf(path: string): string {
  const c = clean(path);
  return c.slice(c.lastIndexOf('/') + 1) || c;
}

function join(dir: string, name: string): string {
  if (dir === '.') return name;
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

/** The destination names a directory that must exist: it ends with a separator or `/.`. */
function assertsDirectory(path: string): boolean {
  return path.endsWith('/') || path.endsWith('/.') || path === '.';
}

/** Entries renamed from the archive's root name to `to` (docker's RebaseArchiveEntries). */
function rebase(entries: TarEntry[], from: string, to: string): TarEntry[] {
  return entries.map((e) => {
    if (e.path === from) return { ...e, path: to };
    if (e.path.startsWith(from + '/')) return { ...e, path: to + e.path.slice(from.length) };
    return e;
  });
}

async function entriesOf(archive: Uint8Array): Promise<TarEntry[]> {
  const out: TarEntry[] = [];
  for await (const e of readTar(archive)) out.push({ ...e, path: e.path.replace(/\/+$/, '') } as TarEntry);
  return out;
}

function hostFiles(cx: CommandContext) {
  const { readFile, writeFile, pathKind, makeDir, buildContext } = cx.io;
  if (!readFile || !writeFile || !pathKind || !makeDir || !buildContext) throw new StatusError(1, "docker cp: this terminal has no files of its own to copy to or from");
  return { readFile, writeFile, pathKind, makeDir, buildContext };
}

function copied(cx: CommandContext, flags: { bool(name: string): boolean }, bytes: number, to: string): void {
  // As docker: the line is for a person at a terminal; -q or a pipe leaves it out.
  if (!flags.bool('quiet') && cx.io.isTTY) cx.err(`Successfully copied ${humanSizeWithPrecision(bytes, 3)} to ${to}\n`);
}

async function fromContainer(cx: CommandContext, flags: { bool(name: string): boolean }, container: string, src: string, dst: string): Promise<void> {
  if (dst === '-') throw new StatusError(1, 'docker cp to STDOUT (-) is not supported by this terminal: it shows text, not a tar stream; give a destination path');
  const host = hostFiles(cx);
  const parent = parentOf(dst);
  if (parent !== '.' && (await host.pathKind(parent)) === undefined) throw new StatusError(1, `invalid output path: directory "${parent}" does not exist`);
  let path = src;
  if (flags.bool('follow-link')) {
    const stat = await cx.engine.statPath(container, path);
    if (stat.mode & MODE_SYMLINK) path = stat.linkTarget.startsWith('/') ? stat.linkTarget : join(parentOf(path), stat.linkTarget);
  }
  const { stat, archive } = await cx.engine.getArchive(container, path);
  const isDir = stat.mode >= MODE_DIR;
  let entries = await entriesOf(archive);
  const root = entries[0]?.path ?? baseOf(path);
  const kind = await host.pathKind(dst);
  let into = dst;
  if (kind === 'dir') {
    if (root === '.') entries = entries.filter((e) => e.path !== '.').map((e) => ({ ...e, path: e.path.slice(2) }));
  } else {
    if (kind === 'file' && isDir) throw new StatusError(1, 'cannot copy directory');
    if (!kind && !isDir && assertsDirectory(dst)) throw new StatusError(1, 'no such directory');
    into = parent;
    entries = rebase(entries, root, baseOf(dst));
  }
  for (const e of entries) {
    const at = join(into, e.path);
    if (e.type === 'dir') await host.makeDir(at);
    else if (e.type === 'file') await host.writeFile(at, e.content);
    else if (e.type === 'symlink') cx.err(`${at}: not copied: a symbolic link (to ${e.target}), which this terminal's files cannot hold\n`);
  }
  copied(cx, flags, archive.length, dst);
}

async function toContainer(cx: CommandContext, flags: { bool(name: string): boolean }, src: string, container: string, dst: string): Promise<void> {
  let target = dst;
  let exists: 'dir' | 'other' | undefined;
  try {
    let stat = await cx.engine.statPath(container, target);
    if (stat.mode & MODE_SYMLINK) {
      target = stat.linkTarget.startsWith('/') ? stat.linkTarget : join(parentOf(target), stat.linkTarget);
      stat = await cx.engine.statPath(container, target);
    }
    exists = stat.mode >= MODE_DIR ? 'dir' : 'other';
  } catch (e) {
    // As docker: a path that is not there yet may still be made by the copy; the daemon says the rest.
    if (!isEngineError(e) || e.code !== 'not-found') throw e;
  }
  if (src === '-') {
    if (exists !== 'dir') throw new StatusError(1, `destination "${container}:${dst}" must be a directory`);
    if (!cx.io.stdin || cx.io.isTTY) throw new StatusError(1, 'docker cp from STDIN (-) needs a tar stream piped in');
    const archive = await readAll((s) => cx.io.stdin!.read(s));
    await cx.engine.putArchive(container, target, archive, { noOverwriteDirNonDir: true });
    return;
  }
  const host = hostFiles(cx);
  const kind = await host.pathKind(src);
  if (!kind) throw new StatusError(1, `lstat ${src}: no such file or directory`);
  const base = baseOf(src);
  let entries: TarEntry[];
  if (kind === 'file') entries = [{ type: 'file', path: base, content: await host.readFile(src), mode: 0o644 }];
  else {
    const dirs = new Set([base]);
    entries = [];
    for (const [rel, content] of Object.entries(await host.buildContext(src))) {
      const parts = rel.split('/');
      for (let i = 1; i < parts.length; i++) dirs.add(`${base}/${parts.slice(0, i).join('/')}`);
      entries.push({ type: 'file', path: `${base}/${rel}`, content, mode: 0o644 });
    }
    for (const d of dirs) entries.push({ type: 'dir', path: d });
  }
  let into = target;
  if (exists !== 'dir') {
    if (exists && kind === 'dir') throw new StatusError(1, 'cannot copy directory');
    if (!exists && kind === 'file' && assertsDirectory(dst)) throw new StatusError(1, 'no such directory');
    into = parentOf(target);
    entries = rebase(entries, base, baseOf(target));
  }
  const archive = writeTar(entries);
  await cx.engine.putArchive(container, into, archive, { noOverwriteDirNonDir: true });
  copied(cx, flags, archive.length, `${container}:${dst}`);
}

export const cp: CommandSpec = {
  use: '[OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n\tdocker cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH',
  short: 'Copy files/folders between a container and the local filesystem',
  aliases: 'docker container cp, docker cp',
  flags: [
    { name: 'archive', short: 'a', type: 'bool', usage: 'Archive mode (copy all uid/gid information)' },
    { name: 'follow-link', short: 'L', type: 'bool', usage: 'Always follow symbol link in SRC_PATH' },
    { name: 'quiet', short: 'q', type: 'bool', usage: 'Suppress progress output during copy. Progress output is automatically suppressed if no terminal is attached' },
  ],
  args: { min: 2, max: 2 },
  async run(cx, flags, [source, destination]) {
    const src = splitArg(source);
    const dst = splitArg(destination);
    if (src.container && dst.container) throw new StatusError(1, 'copying between containers is not supported');
    if (src.container) await fromContainer(cx, flags, src.container, src.path, dst.path);
    else if (dst.container) await toContainer(cx, flags, src.path, dst.container, dst.path);
    else throw new StatusError(1, 'must specify at least one container source');
    return 0;
  },
};
