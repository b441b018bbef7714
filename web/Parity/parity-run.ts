/**
 * One command line, both engines: the parity view's model. The command runs through engine/cli's
 * runDocker on the browser engine and on the kernel service at the same time; then for each engine
 * the containers it made (with their `docker diff`) and the images it made or retagged (with their
 * IDs) are read, so the view can put everything side by side.
 */
import { runDocker, splitCommandLine } from '../../engine/cli/index.ts';
import type { CliIO } from '../../engine/cli/index.ts';
import type { Engine } from '../../engine/engine.ts';
import { compareText, type TextComparison } from './line-diff.ts';

export interface SideResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Containers the command created, oldest first: name and `docker diff` (empty when removed by --rm). */
  containers: Array<{ id: string; name: string; diff: string; removed?: boolean }>;
  /** Tags that point at a new image ID after the command, with that ID and its layers. */
  images: Array<{ tag: string; id: string; layers: string[] }>;
  /** Every tag after the command, with its image ID (to compare tags the other engine changed). */
  tagsAfter: Record<string, string>;
  /** Set when the engine could not be asked at all. */
  error?: string;
}

export interface ParityResult {
  line: string;
  argv: string[];
  browser: SideResult;
  kernel: SideResult;
}

export interface ParityComparison {
  exitCode: { same: boolean };
  stdout: TextComparison;
  stderr: TextComparison;
  containerDiff: TextComparison;
  images: Array<{ tag: string; browser?: string; kernel?: string; same: boolean; sameLayers: boolean; commit: boolean }>;
  /** No difference, or only known ones. */
  agrees: boolean;
}

/** The words of a typed line without a leading "docker"; throws with a message for the learner. */
export function parityArgv(line: string): string[] {
  const words = splitCommandLine(line);
  if (words[0] === 'docker') words.shift();
  if (words.length === 0) throw new Error('type a docker command, e.g. docker run --rm box echo hi');
  return words;
}

async function tagsOf(engine: Engine): Promise<Map<string, string>> {
  const tags = new Map<string, string>();
  for (const image of await engine.listImages()) for (const tag of image.RepoTags) if (tag !== '<none>:<none>') tags.set(tag, image.Id);
  return tags;
}

const KINDS = ['C', 'A', 'D'] as const;

/** Run argv on one engine and read what it changed. */
export async function runOnEngine(engine: Engine, argv: string[], io: Partial<CliIO> = {}): Promise<SideResult> {
  let stdout = '';
  let stderr = '';
  try {
    const beforeContainers = new Set((await engine.listContainers({ all: true })).map((c) => c.Id));
    const beforeTags = await tagsOf(engine);
    // --rm containers are gone before they can be listed: their IDs come from the create events.
    const created: string[] = [];
    const unsubscribe = await engine.events((e) => {
      if (e.Type === 'container' && e.Action === 'create' && !created.includes(e.Actor.ID)) created.push(e.Actor.ID);
    });
    const code = await runDocker(engine, argv, {
      columns: 100,
      ...io,
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
      stdin: { read: async () => null },
    });
    unsubscribe();
    const made = (await engine.listContainers({ all: true })).filter((c) => !beforeContainers.has(c.Id)).sort((a, b) => a.Created - b.Created || (a.Id < b.Id ? -1 : 1));
    const containers: SideResult['containers'] = [];
    for (const id of created) {
      if (!made.some((c) => c.Id === id)) containers.push({ id, name: id.slice(0, 12), diff: '', removed: true });
    }
    for (const c of made) {
      const changes = await engine.changes(c.Id).catch(() => []);
      containers.push({ id: c.Id, name: c.Names[0]?.replace(/^\//, '') ?? c.Id.slice(0, 12), diff: changes.map((ch) => `${KINDS[ch.Kind]} ${ch.Path}\n`).join('') });
    }
    const images = [];
    const after = await tagsOf(engine);
    for (const [tag, id] of after) {
      if (beforeTags.get(tag) === id) continue;
      const inspect = await engine.inspectImage(id).catch(() => null);
      images.push({ tag, id, layers: inspect?.RootFS.Layers ?? [] });
    }
    return { code, stdout, stderr, containers, images, tagsAfter: Object.fromEntries(after) };
  } catch (e) {
    return { code: -1, stdout, stderr, containers: [], images: [], tagsAfter: {}, error: e instanceof Error ? e.message : String(e) };
  }
}

export async function runOnBoth(line: string, browser: Engine, kernel: Engine, io: Partial<CliIO> = {}): Promise<ParityResult> {
  const argv = parityArgv(line);
  const [b, k] = await Promise.all([runOnEngine(browser, argv, io), runOnEngine(kernel, argv, io)]);
  return { line, argv, browser: b, kernel: k };
}

/** Container IDs are random on every engine: each side's own new IDs read as <container>. */
function scrub(text: string, side: SideResult): string {
  let out = text;
  for (const c of side.containers) out = out.split(c.id).join('<container>').split(c.id.slice(0, 12)).join('<container>');
  return out;
}

export function compareParity(r: ParityResult): ParityComparison {
  const stdout = compareText(scrub(r.browser.stdout, r.browser), scrub(r.kernel.stdout, r.kernel));
  const stderr = compareText(scrub(r.browser.stderr + (r.browser.error ?? ''), r.browser), scrub(r.kernel.stderr + (r.kernel.error ?? ''), r.kernel));
  const diffText = (s: SideResult) => s.containers.map((c) => (s.containers.length > 1 ? `# ${c.name}\n` : '') + c.diff).join('');
  const containerDiff = compareText(diffText(r.browser), diffText(r.kernel));
  const commit = r.argv[0] === 'commit' || (r.argv[0] === 'container' && r.argv[1] === 'commit');
  const tags = [...new Set([...r.browser.images.map((i) => i.tag), ...r.kernel.images.map((i) => i.tag)])].sort();
  const images = tags.map((tag) => {
    // A tag the command changed on one engine is compared with what it names on the other, even
    // when the command left it alone there (an image pulled on one side only earlier).
    const b = r.browser.tagsAfter[tag];
    const k = r.kernel.tagsAfter[tag];
    const bl = r.browser.images.find((i) => i.tag === tag)?.layers;
    const kl = r.kernel.images.find((i) => i.tag === tag)?.layers;
    const sameLayers = !!bl && !!kl && bl.join() === kl.join();
    return { tag, browser: b, kernel: k, same: !!b && b === k, sameLayers, commit };
  });
  const exitCode = { same: r.browser.code === r.kernel.code };
  const textOk = (c: TextComparison) => c.same || c.onlyKnown;
  // A commit records its time: its image IDs differ on one engine too; its layers must not.
  const imagesOk = images.every((i) => i.same || (i.commit && i.sameLayers));
  return { exitCode, stdout, stderr, containerDiff, images, agrees: exitCode.same && textOk(stdout) && textOk(stderr) && textOk(containerDiff) && imagesOk };
}
