/**
 * `docker pull` and `docker push`: the engine's JSON progress shown as docker shows it. `pull`
 * adds what the docker CLI adds around the daemon's stream: "Using default tag: latest" and the
 * fully qualified reference as the last line. A failure inside the stream prints its own message;
 * a failure before it reads as the daemon's answer.
 */
import type { RegistryAuth } from '../engine.ts';
import { isEngineError } from '../errors.ts';
import { namesTagOrDigest, parseReference, qualifiedName } from '../oci/reference.ts';
import { EXIT_INTERRUPTED, interrupted } from './attach.ts';
import { StatusError, type CommandContext, type CommandSpec } from './command.ts';
import { progressDisplay } from './progress.ts';
import { errorText } from './report.ts';

/** The host's login for the registry of `name` (the docker CLI's `auths` entry), if it has one. */
export function registryAuthFor(cx: CommandContext, name: string): RegistryAuth | undefined {
  if (!cx.io.registryAuth) return undefined;
  let domain: string | undefined;
  try {
    domain = parseReference(name).domain;
  } catch {
    return undefined; // the engine refuses the name in its own words
  }
  // docker's config names Docker Hub (and so the built-in registry) docker.io.
  return cx.io.registryAuth(domain ?? 'docker.io');
}

/** Run a streaming engine call with progress on stdout (-q: nothing); Ctrl-C stops waiting. */
export async function withProgress<T>(
  cx: CommandContext,
  quiet: boolean,
  call: (onProgress: ReturnType<typeof progressDisplay>['listener']) => Promise<T>,
): Promise<{ result: T; display: ReturnType<typeof progressDisplay> } | 'interrupted'> {
  const display = progressDisplay((t) => {
    if (!quiet) cx.out(t);
  }, cx.io.isTTY === true);
  const pending = call(display.listener);
  pending.catch(() => {});
  let outcome: T | 'interrupted';
  try {
    outcome = await Promise.race([pending, interrupted(cx)]);
  } catch (e) {
    // A build step that failed: docker prints the daemon's message as it is and exits with the step's status.
    if (isEngineError(e) && typeof e.details?.exitCode === 'number') throw new StatusError(e.details.exitCode, display.failure ?? e.message);
    throw new StatusError(1, display.failure ?? errorText(e));
  }
  if (outcome === 'interrupted') return 'interrupted';
  if (display.failure) throw new StatusError(1, display.failure);
  return { result: outcome, display };
}

export const pull: CommandSpec = {
  use: '[OPTIONS] NAME[:TAG|@DIGEST]',
  short: 'Download an image from a registry',
  aliases: 'docker image pull, docker pull',
  flags: [
    { name: 'all-tags', short: 'a', type: 'bool', usage: 'Download all tagged images in the repository' },
    { name: 'quiet', short: 'q', type: 'bool', usage: 'Suppress verbose output' },
  ],
  args: { min: 1, max: 1 },
  top: 5,
  async run(cx, flags, args) {
    const name = args[0];
    let ref;
    try {
      ref = parseReference(name);
    } catch (e) {
      throw new StatusError(1, (e as Error).message);
    }
    const quiet = flags.bool('quiet');
    const allTags = flags.bool('all-tags');
    if (allTags && namesTagOrDigest(name)) throw new StatusError(1, "tag can't be used with --all-tags/-a");
    if (!quiet && !allTags && !namesTagOrDigest(name)) cx.out('Using default tag: latest\n');
    const outcome = await withProgress(cx, quiet, (onProgress) => cx.engine.pull(name, { onProgress, allTags, auth: registryAuthFor(cx, name) }));
    if (outcome === 'interrupted') return EXIT_INTERRUPTED;
    // docker prints the repository alone after pulling all of its tags.
    cx.out(qualifiedName(allTags ? { ...ref, tag: undefined } : ref) + '\n');
    return 0;
  },
};

export const push: CommandSpec = {
  use: '[OPTIONS] NAME[:TAG]',
  short: 'Upload an image to a registry',
  aliases: 'docker image push, docker push',
  flags: [
    { name: 'all-tags', short: 'a', type: 'bool', usage: 'Push all tags of an image to the repository' },
    { name: 'quiet', short: 'q', type: 'bool', usage: 'Suppress verbose output' },
  ],
  args: { min: 1, max: 1 },
  top: 6,
  async run(cx, flags, args) {
    const name = args[0];
    const quiet = flags.bool('quiet');
    const allTags = flags.bool('all-tags');
    if (allTags && namesTagOrDigest(name)) throw new StatusError(1, "tag can't be used with --all-tags/-a");
    if (!quiet && !allTags && !namesTagOrDigest(name)) cx.out('Using default tag: latest\n');
    const outcome = await withProgress(cx, quiet, (onProgress) => cx.engine.push(name, { onProgress, allTags, auth: registryAuthFor(cx, name) }));
    if (outcome === 'interrupted') return EXIT_INTERRUPTED;
    if (quiet) cx.out(name + '\n');
    return 0;
  },
};
