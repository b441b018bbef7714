import type { ProgressListener } from '../engine.ts';
import { EngineError } from '../errors.ts';
import type { RunArgScope } from '../build/dockerfile.ts';
import type { AddInstruction, CopyInstruction, Instruction, RunInstruction } from '../build/dockerfile-types.ts';
import type { FileTree } from '../layers/file-tree.ts';
import { applyLayer } from '../layers/apply-layer.ts';
import { baseName, cleanEntryPath, WHITEOUT_PREFIX } from '../layers/path-rules.ts';
import { gunzipBytes, isGzip } from '../tar/gzip.ts';
import { readTar } from '../tar/tar-reader.ts';
import type { TarEntry } from '../tar/tar-entry.ts';
import { diffLayer, type DiffLayer } from '../layers/layer-diff.ts';
import { appendLayer, buildImage, setConfig, uncompressedLayer, type Image } from '../oci/image-builder.ts';
import { sha256 } from '../oci/digest.ts';
import { canonicalJson } from '../oci/canonical-json.ts';
import type { ContainerConfig, HealthConfig } from '../oci/types.ts';
import type { Digest } from '../ports.ts';
import { cacheKey, lookupCache, storeCache } from './build-cache.ts';
import { copySources, isLink, type Context } from './build-context.ts';
import { applyToConfig, resolveWorkdir, type ConfigEditState } from './config-edit.ts';
import type { Core } from './context.ts';
import { EMPTY_LAYER } from './container-commit.ts';
import { randomId, truncateId } from './ids.ts';
import { readConfig, resolveImage } from './image-store.ts';
import { localImage, storeConfig, storeLayer } from './image-writer.ts';
import { pull } from './pull.ts';
import { imageTree, snapshotLayer } from './snapshot-layer.ts';

/**
 * The steps of a build, one function per kind of instruction, each printing what Docker's legacy
 * builder prints and recording history as it does (`/bin/sh -c #(nop)  ENV ...`). A step's result
 * is an image (config blob + layers), cached by (parent image, created_by, environment).
 */
/** The state of the stage being built: its image so far, that image's ID and root file system. */
export interface Stage {
  image: Image;
  id: Digest | '';
  tree?: FileTree;
  edit: ConfigEditState;
  args: RunArgScope;
  created: string;
}

export const DEFAULT_SHELL = ['/bin/sh', '-c'];
export async function baseImage(core: Core, name: string, out: ProgressListener): Promise<Digest> {
  try {
    return (await resolveImage(core, name)).record.Id;
  } catch (e) {
    if (!(e instanceof EngineError) || e.code !== 'not-found') throw e;
  }
  return (await pull(core, name, { onProgress: out })).Id as Digest;
}
export interface StepContext {
  context: Context;
  results: Stage[];
  say: (text: string) => void;
  out: ProgressListener;
  noCache: boolean;
  /**
   * Print the step's resulting ID (" ---> 1a2b3c4d5e6f"). Off for the ONBUILD triggers run under a
   * FROM: Docker prints one ID for that whole step, after the last trigger.
   */
  printId?: boolean;
}

/** How Docker's legacy builder records a config-only step: `/bin/sh -c #(nop)  CMD ["sh"]`. */
function nop(comment: string, shell: string[], spaces = 2): string {
  return [...shell, '#(nop)' + ' '.repeat(spaces - 1)].join(' ') + ' ' + comment;
}

function goQuoted(list: string[] | undefined): string {
  return '[' + (list ?? []).map((s) => JSON.stringify(s)).join(' ') + ']';
}

function metadataComment(instruction: Instruction, config: ContainerConfig): string {
  switch (instruction.kind) {
    case 'ENV':
      return 'ENV ' + instruction.pairs.map(([k, v]) => `${k}=${v}`).join(' ');
    case 'LABEL':
      return 'LABEL ' + instruction.pairs.map(([k, v]) => `${k}=${v}`).join(' ');
    case 'CMD':
      return `CMD ${goQuoted(config.Cmd)}`;
    case 'ENTRYPOINT':
      return `ENTRYPOINT ${goQuoted(config.Entrypoint)}`;
    case 'EXPOSE':
      return 'EXPOSE ' + instruction.ports.join(' ');
    case 'USER':
      return `USER ${instruction.user}`;
    case 'VOLUME':
      return `VOLUME [${instruction.paths.join(' ')}]`;
    case 'STOPSIGNAL':
      return `STOPSIGNAL ${instruction.signal}`;
    case 'ARG':
      return 'ARG ' + instruction.args.map((a) => (a.default !== undefined ? `${a.name}=${a.default}` : a.name)).join(' ');
    case 'MAINTAINER':
      return `MAINTAINER ${instruction.maintainer}`;
    case 'SHELL':
      // Go's %v of the list: `SHELL [/bin/sh -c]`.
      return `SHELL [${instruction.args.join(' ')}]`;
    case 'HEALTHCHECK':
      return `HEALTHCHECK ${goHealthConfig(config.Healthcheck!)}`;
    case 'ONBUILD':
      return `ONBUILD ${instruction.trigger}`;
    default:
      return instruction.original;
  }
}

/** Go's `%q` of Docker's *HealthConfig, as the legacy builder writes it into the history: `&{["CMD" "true"] "5s" "0s" "0s" "0s" '\x02'}`. */
function goHealthConfig(h: HealthConfig): string {
  const durations = [h.Interval, h.Timeout, h.StartPeriod, h.StartInterval].map((d) => JSON.stringify(goDuration(d ?? 0)));
  return `&{${goQuoted(h.Test)} ${durations.join(' ')} ${goRune(h.Retries ?? 0)}}`;
}

/** Go's time.Duration.String(): "0s", "1.5s", "1m30s", "2h0m0s", "500ms". */
export function goDuration(ns: number): string {
  if (ns === 0) return '0s';
  const sign = ns < 0 ? '-' : '';
  ns = Math.abs(ns);
  if (ns < 1e9) {
    const [unit, size] = ns < 1e3 ? ['ns', 1] : ns < 1e6 ? ['µs', 1e3] : ['ms', 1e6];
    return sign + trimFraction(ns / size) + unit;
  }
  const h = Math.floor(ns / 3.6e12);
  const m = Math.floor((ns % 3.6e12) / 6e10);
  const sec = trimFraction((ns % 6e10) / 1e9) + 's';
  return sign + (h ? `${h}h${m}m${sec}` : m ? `${m}m${sec}` : sec);
}

function trimFraction(n: number): string {
  return n.toFixed(9).replace(/\.?0+$/, '');
}

/** Go's `%q` of an int: a quoted rune. */
function goRune(n: number): string {
  if (n >= 0x20 && n < 0x7f && n !== 0x27 && n !== 0x5c) return `'${String.fromCharCode(n)}'`;
  if (n === 0x27) return "'\\''";
  if (n === 0x5c) return "'\\\\'";
  const named: Record<number, string> = { 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r' };
  if (named[n]) return `'${named[n]}'`;
  if (n < 0x100) return `'\\x${n.toString(16).padStart(2, '0')}'`;
  return n < 0x10000 ? `'\\u${n.toString(16).padStart(4, '0')}'` : `'\\U${n.toString(16).padStart(8, '0')}'`;
}

export async function runStep(core: Core, stage: Stage, instruction: Instruction, ctx: StepContext): Promise<void> {
  const shell = stage.edit.shell ?? DEFAULT_SHELL;
  switch (instruction.kind) {
    case 'RUN':
      return runInstruction(core, stage, instruction, ctx, shell);
    case 'COPY':
    case 'ADD':
      return copyInstruction(core, stage, instruction, ctx, shell);
    case 'WORKDIR':
      return workdirInstruction(core, stage, instruction.path, ctx, shell);
    default:
      return metadataInstruction(core, stage, instruction, ctx, shell);
  }
}

/** A cache hit: adopt the cached step's image. Returns false on a miss. */
async function fromCache(core: Core, stage: Stage, key: string, ctx: StepContext): Promise<boolean> {
  if (ctx.noCache) return false;
  const hit = await lookupCache(core, key);
  if (!hit) return false;
  const config = await readConfig(core, hit.imageId);
  const sameLayers = canonicalJson(hit.layers) === canonicalJson(stage.image.config.rootfs.diff_ids);
  stage.image = await localImage(core, config, hit.layers);
  if (!sameLayers) stage.tree = undefined;
  stage.id = hit.imageId;
  ctx.say(' ---> Using cache\n');
  if (ctx.printId !== false) ctx.say(` ---> ${truncateId(hit.imageId)}\n`);
  return true;
}

/** Store the step's image (and layer), remember it in the cache, print its ID. */
async function finishStep(core: Core, stage: Stage, image: Image, key: string, layer: DiffLayer | undefined, ctx: StepContext): Promise<void> {
  const built = buildImage(image);
  await core.pinned([built.id, ...(layer ? [layer.diffId] : [])], async () => {
    if (layer) await storeLayer(core, layer);
    await storeConfig(core, built);
    await storeCache(core, key, built.id, built.config.rootfs.diff_ids);
  });
  stage.image = image;
  stage.id = built.id;
  if (ctx.printId !== false) ctx.say(` ---> ${truncateId(built.id)}\n`);
}

function stepEnv(stage: Stage): string[] {
  return [...(stage.image.config.config?.Env ?? []), ...stage.args.runEnv().map(([k, v]) => `${k}=${v}`)];
}

async function metadataInstruction(core: Core, stage: Stage, instruction: Instruction, ctx: StepContext, shell: string[]): Promise<void> {
  if (instruction.kind === 'ARG') stage.args.see(instruction);
  const config = structuredClone(stage.image.config.config ?? {});
  const previous = config.Healthcheck?.Test;
  if (instruction.kind === 'HEALTHCHECK' && previous?.length && previous[0] !== 'NONE') ctx.say(`Note: overriding previous HEALTHCHECK: [${previous.join(' ')}]\n`);
  const edit = { ...stage.edit };
  if (instruction.kind === 'ENV') {
    stage.args.see(instruction);
    applyToConfig(config, instruction, edit);
  } else applyToConfig(config, instruction, edit);
  // Docker writes the step with the shell it leaves in the config (a SHELL step names its own).
  const createdBy = nop(metadataComment(instruction, config), edit.shell ?? shell);
  const key = cacheKey(stage.id, createdBy, stepEnv(stage));
  stage.edit = edit;
  if (await fromCache(core, stage, key, ctx)) return;
  const container = randomId();
  ctx.say(` ---> Running in ${truncateId(container)}\n`);
  let image = setConfig(stage.image, () => config, { created: stage.created, created_by: createdBy });
  if (instruction.kind === 'MAINTAINER') image = { ...image, config: { ...image.config, author: instruction.maintainer } };
  ctx.say(` ---> Removed intermediate container ${truncateId(container)}\n`);
  await finishStep(core, stage, image, key, undefined, ctx);
}

async function currentTree(core: Core, stage: Stage): Promise<FileTree> {
  stage.tree ??= await imageTree(core, stage.image.config.rootfs.diff_ids);
  return stage.tree;
}

/** Append a layer step (or an empty_layer one when the layer changes nothing). */
function withLayer(stage: Stage, layer: DiffLayer, createdBy: string): Image {
  const history = { created: stage.created, created_by: createdBy };
  if (layer.diffId === EMPTY_LAYER) return setConfig(stage.image, (c) => c, history);
  return appendLayer(stage.image, uncompressedLayer(layer.tar), history);
}

async function workdirInstruction(core: Core, stage: Stage, path: string, ctx: StepContext, shell: string[]): Promise<void> {
  const config = structuredClone(stage.image.config.config ?? {});
  config.WorkingDir = resolveWorkdir(config.WorkingDir, path);
  const createdBy = nop(`WORKDIR ${config.WorkingDir}`, shell, 1);
  const key = cacheKey(stage.id, createdBy, stepEnv(stage));
  if (await fromCache(core, stage, key, ctx)) return;
  const container = randomId();
  ctx.say(` ---> Running in ${truncateId(container)}\n`);
  const tree = await currentTree(core, stage);
  const upper = tree.clone();
  const dir = config.WorkingDir.slice(1);
  if (dir !== '' && upper.get(dir)?.type !== 'dir') {
    let at = '';
    for (const part of dir.split('/')) {
      at = at ? `${at}/${part}` : part;
      if (upper.lstat(at)?.type !== 'dir') upper.mkdir(at, 0o755);
    }
  }
  const layer = diffLayer(tree, upper);
  const image = setConfig(withLayer(stage, layer, createdBy), () => config);
  stage.tree = upper;
  ctx.say(` ---> Removed intermediate container ${truncateId(container)}\n`);
  await finishStep(core, stage, image, key, layer.diffId === EMPTY_LAYER ? undefined : layer, ctx);
}

function contentDigest(files: Array<{ path: string; mode: number; content: Uint8Array }>): string {
  return sha256(new TextEncoder().encode(canonicalJson(files.map((f) => [f.path, f.mode, sha256(f.content)])))).slice(7);
}

async function copyInstruction(core: Core, stage: Stage, instruction: CopyInstruction | AddInstruction, ctx: StepContext, shell: string[]): Promise<void> {
  const from = instruction.kind === 'COPY' ? instruction.from : undefined;
  const source = from !== undefined ? await stageContext(core, instruction as CopyInstruction, ctx) : ctx.context;
  const { files, single, named } = copySources(source, instruction.sources, instruction.kind);
  const workdir = stage.image.config.config?.WorkingDir;
  const destIsDir = instruction.dest.endsWith('/') || instruction.dest === '.';
  if (named > 1 && !destIsDir) {
    throw new EngineError('invalid-argument', `When using ${instruction.kind} with more than one source file, the destination must be a directory and end with a /`);
  }
  const dest = resolveWorkdir(workdir, instruction.dest).slice(1);
  const tree = await currentTree(core, stage);
  const mode = instruction.chmod !== undefined ? parseMode(instruction.chmod) : undefined;
  // ADD of one local tar archive (plain or gzip) unpacks it into the destination directory, as Docker's does.
  const archives: Array<{ dir: string; entries: TarEntry[]; digest: string }> = [];
  let plain = files;
  if (instruction.kind === 'ADD' && single) {
    const bytes = source.get(files[0].from) as Uint8Array;
    const entries = await archiveEntries(bytes);
    if (entries) {
      archives.push({ dir: dest, entries, digest: sha256(bytes) });
      plain = [];
    }
  }
  const placed = plain.map((f) => {
    let path: string;
    if (single) path = destIsDir || tree.get(dest)?.type === 'dir' ? joinRel(dest, f.rel) : dest;
    else path = joinRel(dest, f.rel);
    const entry = source.get(f.from)!;
    // A link inside a copied directory is copied as the link (its target hashed as its content).
    if (isLink(entry)) return { path, mode: 0o777, content: new TextEncoder().encode(entry.link), link: entry.link };
    return { path, mode: mode ?? 0o644, content: entry };
  });
  const kind = single ? 'file' : named > 1 ? 'multi' : 'dir';
  const digest = archives.length ? sha256(new TextEncoder().encode(contentDigest(placed) + archives.map((a) => `${a.dir}:${a.digest}`).join(','))).slice(7) : contentDigest(placed);
  const createdBy = nop(`${instruction.kind} ${kind}:${digest} in ${instruction.dest} `, shell, 1);
  const key = cacheKey(stage.id, createdBy, stepEnv(stage));
  if (await fromCache(core, stage, key, ctx)) return;
  let upper = tree.clone();
  for (const f of placed) {
    if (f.path === '') throw new EngineError('invalid-argument', `${instruction.kind} failed: cannot copy a file onto /`);
    const parts = f.path.split('/');
    let at = '';
    for (const part of parts.slice(0, -1)) {
      at = at ? `${at}/${part}` : part;
      if (upper.lstat(at)?.type !== 'dir') upper.mkdir(at, 0o755);
    }
    if (f.link !== undefined) upper.symlink(f.path, f.link);
    else upper.writeFile(f.path, f.content, f.mode);
  }
  for (const archive of archives) {
    // Applied as a layer would be: paths cleaned and confined to the root; whiteout names are not special here.
    const entries = archive.entries
      .filter((e) => e.type !== 'skipped' && !baseName(cleanEntryPath(e.path)).startsWith(WHITEOUT_PREFIX))
      .map((e) => ({ ...e, path: joinRel(archive.dir, cleanEntryPath(e.path)) }))
      .filter((e) => e.path !== archive.dir || e.type === 'dir');
    upper = (await applyLayer(upper, [{ type: 'dir' as const, path: archive.dir }, ...entries].filter((e) => e.path !== ''))).tree;
  }
  const layer = diffLayer(tree, upper);
  const image = withLayer(stage, layer, createdBy);
  stage.tree = upper;
  await finishStep(core, stage, image, key, layer.diffId === EMPTY_LAYER ? undefined : layer, ctx);
}

/** The entries of a tar or gzip-compressed tar, or undefined when the bytes are neither. */
async function archiveEntries(bytes: Uint8Array): Promise<TarEntry[] | undefined> {
  let tar = bytes;
  if (isGzip(bytes)) {
    try {
      tar = await gunzipBytes(bytes);
    } catch {
      return undefined;
    }
  }
  const magic = new TextDecoder().decode(tar.subarray(257, 262));
  if (tar.length < 512 || magic !== 'ustar') return undefined;
  const entries: TarEntry[] = [];
  for await (const e of readTar(tar)) entries.push(e);
  return entries;
}

function joinRel(dir: string, rel: string): string {
  return [dir, rel].filter((p) => p !== '').join('/');
}

function parseMode(text: string): number {
  if (!/^[0-7]{3,4}$/.test(text)) throw new EngineError('invalid-argument', `invalid chmod value ${JSON.stringify(text)}: only octal modes are supported`);
  return parseInt(text, 8);
}

/** `COPY --from=stage|image`: the files of that stage's (or image's) root file system. */
async function stageContext(core: Core, instruction: CopyInstruction, ctx: StepContext): Promise<Context> {
  let layers: Digest[];
  if (instruction.fromStage !== undefined) layers = ctx.results[instruction.fromStage].image.config.rootfs.diff_ids;
  else layers = (await resolveImage(core, (await pullIfMissing(core, instruction.from!, ctx.out)))).record.layers;
  const tree = await imageTree(core, layers);
  const files: Context = new Map();
  for (const [path, node] of tree.walk()) {
    if (node.type === 'file') files.set(path, node.content);
    else if (node.type === 'symlink') files.set(path, { link: node.target });
  }
  return files;
}

async function pullIfMissing(core: Core, name: string, out: ProgressListener): Promise<string> {
  return baseImage(core, name, out);
}

async function runInstruction(core: Core, stage: Stage, instruction: RunInstruction, ctx: StepContext, shell: string[]): Promise<void> {
  const argv = instruction.form === 'shell' ? [...shell, instruction.args[0] ?? ''] : [...instruction.args];
  const buildArgs = stage.args.runEnv();
  const prefix = buildArgs.length ? `|${buildArgs.length} ${buildArgs.map(([k, v]) => `${k}=${v}`).join(' ')} ` : '';
  const createdBy = prefix + argv.join(' ');
  const env = stepEnv(stage);
  const key = cacheKey(stage.id, createdBy, env);
  if (await fromCache(core, stage, key, ctx)) return;
  const snapshot = `build-${randomId()}`;
  const short = truncateId(snapshot.slice(6));
  ctx.say(` ---> Running in ${short}\n`);
  const layers = stage.image.config.rootfs.diff_ids;
  const config = stage.image.config.config ?? {};
  let layer: DiffLayer;
  try {
    await core.pinned(layers, async () => {
      await core.ports.snapshots.prepare(snapshot, layers, { fresh: true });
      const decoder = { 1: new TextDecoder(), 2: new TextDecoder() };
      // As Docker's stream formatter: each write to stderr comes wrapped in ANSI bright red.
      const emit = (fd: 1 | 2, data: Uint8Array) => {
        const text = decoder[fd].decode(data, { stream: true });
        if (text) ctx.say(fd === 2 ? `\x1b[91m${text}\x1b[0m` : text);
      };
      const process = await core.ports.runtime.start(
        snapshot,
        { args: argv, env, cwd: config.WorkingDir || '/', hostname: short, tty: false, openStdin: false, mounts: [] },
        { stdout: (d) => emit(1, d), stderr: (d) => emit(2, d) },
      );
      const exit = await process.exited;
      if (exit.exitCode !== 0) {
        throw new EngineError('invalid-argument', `The command '${argv.join(' ')}' returned a non-zero code: ${exit.exitCode}`, { exitCode: exit.exitCode });
      }
      layer = await snapshotLayer(core, snapshot, layers);
    });
  } finally {
    await core.ports.snapshots.remove(snapshot);
  }
  const image = withLayer(stage, layer!, createdBy);
  stage.tree = undefined;
  ctx.say(` ---> Removed intermediate container ${short}\n`);
  await finishStep(core, stage, image, key, layer!.diffId === EMPTY_LAYER ? undefined : layer!, ctx);
}
