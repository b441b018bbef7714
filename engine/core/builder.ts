import type { BuildOptions, BuildResult, ProgressListener } from '../engine.ts';
import { EngineError } from '../errors.ts';
import { parseDockerfile, RunArgScope } from '../build/dockerfile.ts';
import type { Dockerfile, FromInstruction, Instruction } from '../build/dockerfile-types.ts';
import { FileTree } from '../layers/file-tree.ts';
import { buildImage, emptyImage, type Image } from '../oci/image-builder.ts';
import { parseReference } from '../oci/reference.ts';
import type { Digest } from '../ports.ts';
import { contextFile, loadContext } from './build-context.ts';
import { baseImage, runStep, type Stage } from './build-steps.ts';
import type { Core } from './context.ts';
import { truncateId } from './ids.ts';
import { lastTagTime, readConfig, recordImage, resolveImage, tagKey } from './image-store.ts';
import { localImage, storeConfig } from './image-writer.ts';


/**
 * `docker build` as Docker's legacy builder does it, with its output: each RUN runs in a
 * temporary snapshot and becomes a layer, COPY/ADD and WORKDIR add layers, the other instructions
 * change the config and add an `empty_layer` history step; each step's result is an image, cached
 * by (parent image, step) in the 'build-cache' bucket.
 *
 * Determinism (parity between hosts): a step's `created` - in the config and its history entry -
 * is the `created` of the stage's base image (like SOURCE_DATE_EPOCH taken from the base), or the
 * engine's `buildEpoch` for FROM scratch. Layers are engine/layers' deterministic tars. So the same
 * Dockerfile, context and base image give the same image ID in the browser and on Linux.
 */
export async function build(core: Core, options: BuildOptions): Promise<BuildResult> {
  const out: ProgressListener = options.onProgress ?? (() => {});
  const say = (text: string) => {
    if (!options.quiet) out({ stream: text });
  };
  const dockerfileName = options.dockerfile ?? 'Dockerfile';
  const context = loadContext(options.context, dockerfileName, options.links);
  const text = contextFile(context, dockerfileName);
  if (!text) throw new EngineError('invalid-argument', `Cannot locate specified Dockerfile: ${dockerfileName}`);
  const tags = (options.tags ?? []).map((t) => tagKey(parseReference(t)));
  const source = new TextDecoder().decode(text) + labelLine(options.labels);

  // First pass: learn the base images; pull what is missing; then evaluate with their ENV.
  const first = parseDockerfile(source, { buildArgs: options.buildArgs });
  const stageCount = targetStages(first, options.target);
  const bases = new Map<string, Digest>();
  for (const stage of first.stages.slice(0, stageCount)) {
    const from = stage.from;
    if (from.baseStage !== undefined || from.image === 'scratch' || bases.has(from.image)) continue;
    bases.set(from.image, await baseImage(core, from.image, out));
  }
  const envOf = new Map<string, [string, string][]>();
  for (const [name, id] of bases) {
    const env = (await readConfig(core, id)).config?.Env ?? [];
    envOf.set(name, env.map((e) => [e.slice(0, Math.max(0, e.indexOf('='))) || e, e.includes('=') ? e.slice(e.indexOf('=') + 1) : '']));
  }
  const dockerfile: Dockerfile = parseDockerfile(source, { buildArgs: options.buildArgs, baseEnv: (from) => envOf.get(from.image) });
  const stages = dockerfile.stages.slice(0, stageCount);
  const total = stages.reduce((n, s) => n + 1 + s.instructions.length, 0);
  let step = 0;
  const results: Stage[] = [];
  let last: Stage | undefined;
  let parentOfLast: Digest | '' = '';

  for (const stageDef of stages) {
    step++;
    say(`Step ${step}/${total} : ${stageDef.from.original}\n`);
    const stage = await fromStage(core, stageDef.from, results, bases);
    const stepContext = { context, results, say, out, noCache: options.noCache ?? false };
    const triggers = onBuildTriggers(stage, stageDef.from, say, (text) => parseDockerfile(text, { buildArgs: options.buildArgs, baseEnv: (from) => envOf.get(from.image) }));
    for (const instruction of triggers) {
      const before = stage.id;
      await runStep(core, stage, instruction, { ...stepContext, printId: false });
      if (stage.id !== before) parentOfLast = before;
    }
    if (stage.id) say(` ---> ${truncateId(stage.id)}\n`);
    for (const instruction of stageDef.instructions) {
      step++;
      say(`Step ${step}/${total} : ${instruction.original}\n`);
      const before = stage.id;
      await runStep(core, stage, instruction, stepContext);
      if (stage.id !== before) parentOfLast = before;
    }
    results.push(stage);
    last = stage;
  }
  if (!last || !last.id) {
    // A Dockerfile that only says FROM: the result is the base image itself.
    if (!last) throw new EngineError('invalid-argument', 'the Dockerfile has no instructions');
    const built = buildImage(last.image);
    await storeConfig(core, built);
    last.id = built.id;
  }
  const finalId = last.id as Digest;
  await core.pinned([finalId, ...last.image.config.rootfs.diff_ids], async () => {
    await core.imageLock.run(async () => {
      const existing = await core.ports.metadata.get('images', finalId);
      const parent = existing ? (existing as { parent: string }).parent : parentOfLast;
      await recordImage(core, { Id: finalId, layers: [...last!.image.config.rootfs.diff_ids], parent, repoDigests: [], lastTagTime: tags.length ? lastTagTime(core) : '' }, tags);
    });
  });
  // Docker's legacy builder prints its warnings (unused build args...) just before the result.
  for (const w of dockerfile.warnings) say(`${w}\n`);
  out({ aux: { ID: finalId } });
  say(`Successfully built ${truncateId(finalId)}\n`);
  for (const t of tags) say(`Successfully tagged ${t}\n`);
  core.events.emit('image', 'build', finalId);
  return { ImageId: finalId, Tags: tags, Warnings: [...dockerfile.warnings] };
}
/**
 * The ONBUILD triggers of a stage's base image, parsed as the base's own instructions (expanded with
 * its ENV and the build's args), printed as Docker's "# Executing N build triggers"; as Docker does,
 * they are taken out of the stage's config first, so the image built here does not inherit them.
 */
function onBuildTriggers(stage: Stage, from: FromInstruction, say: (text: string) => void, parse: (text: string) => Dockerfile): Instruction[] {
  const config = stage.image.config.config;
  const triggers = config?.OnBuild ?? [];
  if (from.baseStage !== undefined || triggers.length === 0) return [];
  const rest = { ...config };
  delete rest.OnBuild;
  stage.image = { ...stage.image, config: { ...stage.image.config, config: rest } };
  say(`# Executing ${triggers.length} build trigger${triggers.length === 1 ? '' : 's'}\n`);
  return parse(`FROM ${from.image}\n${triggers.join('\n')}\n`).stages[0].instructions;
}

/** How many stages to build: all of them, or up to and including `--target` (names are case-insensitive). */
function targetStages(dockerfile: Dockerfile, target: string | undefined): number {
  if (!target) return dockerfile.stages.length;
  const index = dockerfile.stages.findIndex((s) => s.from.name?.toLowerCase() === target.toLowerCase());
  if (index < 0) throw new EngineError('invalid-argument', `failed to reach build target ${target} in Dockerfile`);
  return index + 1;
}

function labelLine(labels: Record<string, string> | undefined): string {
  const entries = Object.entries(labels ?? {});
  if (entries.length === 0) return '';
  return '\nLABEL ' + entries.map(([k, v]) => `${JSON.stringify(k)}=${JSON.stringify(v)}`).join(' ') + '\n';
}

/** A FROM image, pulled if it is not local (its pull progress goes into the build's stream). */async function fromStage(core: Core, from: FromInstruction, results: Stage[], bases: Map<string, Digest>): Promise<Stage> {
  const args = new RunArgScope();
  if (from.baseStage !== undefined) {
    const base = results[from.baseStage];
    return { image: structuredClone(base.image), id: base.id, tree: base.tree, edit: { shell: base.edit.shell }, args: new RunArgScope(envNames(base.image)), created: base.created };
  }
  if (from.image === 'scratch') {
    const image = emptyImage({ created: core.options.buildEpoch });
    return { image, id: '', tree: new FileTree(), edit: {}, args, created: core.options.buildEpoch };
  }
  const id = bases.get(from.image)!;
  const { record, config } = await resolveImage(core, id);
  const image = await localImage(core, config, record.layers);
  const shell = config.config?.Shell;
  return { image, id, edit: shell?.length ? { shell: [...shell] } : {}, args: new RunArgScope(envNames(image)), created: config.created ?? core.options.buildEpoch };
}
function envNames(image: Image): string[] {
  return (image.config.config?.Env ?? []).map((e) => e.slice(0, e.indexOf('=') < 0 ? e.length : e.indexOf('=')));
}
