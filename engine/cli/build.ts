/**
 * `docker build` as the legacy builder's client (DOCKER_BUILDKIT=0): the context directory comes
 * from the host (io.buildContext), the engine streams "Step 1/3 : FROM box" lines that are printed
 * as they come; `-q` prints only the image ID. A failing step's message is printed as docker's
 * (no daemon prefix) with exit status 1.
 */
import { EXIT_INTERRUPTED } from './attach.ts';
import { StatusError, type CommandSpec } from './command.ts';
import { withProgress } from './pull.ts';

function keyValues(list: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list) {
    const eq = item.indexOf('=');
    // `--build-arg NAME` without a value takes the client's environment in docker; we have none.
    if (eq < 0) continue;
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

export const build: CommandSpec = {
  use: '[OPTIONS] PATH | URL | -',
  short: 'Build an image from a Dockerfile',
  aliases: 'docker image build, docker build, docker builder build',
  flags: [
    { name: 'build-arg', type: 'list', usage: 'Set build-time variables' },
    { name: 'file', short: 'f', type: 'string', usage: 'Name of the Dockerfile (Default is "PATH/Dockerfile")' },
    { name: 'label', type: 'list', usage: 'Set metadata for an image' },
    { name: 'no-cache', type: 'bool', usage: 'Do not use cache when building the image' },
    { name: 'quiet', short: 'q', type: 'bool', usage: 'Suppress the build output and print image ID on success' },
    { name: 'tag', short: 't', type: 'list', usage: 'Name and optionally a tag in the "name:tag" format' },
    { name: 'target', type: 'string', usage: 'Set the target build stage to build.' },
  ],
  args: { min: 1, max: 1 },
  top: 4,
  async run(cx, flags, args) {
    const dir = args[0];
    if (dir === '-' || /^[a-z]+:\/\//.test(dir) || dir.startsWith('git@')) {
      throw new StatusError(1, 'unable to prepare context: only a local directory can be a build context here');
    }
    if (!cx.io.buildContext) throw new StatusError(1, 'unable to prepare context: this terminal cannot read build contexts');
    let context: Record<string, Uint8Array>;
    try {
      context = await cx.io.buildContext(dir);
    } catch (e) {
      throw new StatusError(1, `unable to prepare context: path "${dir}" not found${e instanceof Error && e.message ? ` (${e.message})` : ''}`);
    }
    let dockerfile = flags.string('file') || undefined;
    if (dockerfile) {
      // -f is relative to the current directory in docker; inside the context is what we can send.
      const prefix = dir.replace(/\/+$/, '') + '/';
      if (dir !== '.' && dockerfile.startsWith(prefix)) dockerfile = dockerfile.slice(prefix.length);
      dockerfile = dockerfile.replace(/^\.\//, '');
    }
    const quiet = flags.bool('quiet');
    const outcome = await withProgress(cx, quiet, (onProgress) =>
      cx.engine.build({
        context,
        ...(dockerfile ? { dockerfile } : {}),
        tags: flags.list('tag'),
        buildArgs: keyValues(flags.list('build-arg')),
        labels: keyValues(flags.list('label')),
        ...(flags.string('target') ? { target: flags.string('target') } : {}),
        noCache: flags.bool('no-cache'),
        quiet,
        onProgress,
      }),
    );
    if (outcome === 'interrupted') return EXIT_INTERRUPTED;
    const { result, display } = outcome;
    if (quiet) cx.out(result.ImageId + '\n');
    else if (!display.printedStream) {
      cx.out(`Successfully built ${result.ImageId.replace(/^sha256:/, '').slice(0, 12)}\n`);
      for (const t of result.Tags) cx.out(`Successfully tagged ${t}\n`);
    }
    for (const w of result.Warnings ?? []) cx.err(`WARNING: ${w}\n`);
    return 0;
  },
};
