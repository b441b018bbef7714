/**
 * `docker save -o FILE` and `docker load -i FILE`, through the host's files (io.writeFile,
 * io.readFile). As docker, save refuses to write an archive to a terminal, and load reads stdin
 * when no -i is given and stdin is not a terminal.
 */
import { concatBytes } from '../bytes.ts';
import { StatusError, type CommandContext, type CommandSpec } from './command.ts';
import { progressDisplay } from './progress.ts';
import { errorText } from './report.ts';

export const save: CommandSpec = {
  use: '[OPTIONS] IMAGE [IMAGE...]',
  short: 'Save one or more images to a tar archive (streamed to STDOUT by default)',
  aliases: 'docker image save, docker save',
  flags: [{ name: 'output', short: 'o', type: 'string', usage: 'Write to a file, instead of STDOUT' }],
  args: { min: 1 },
  async run(cx, flags, args) {
    await writeOutput(cx, flags.string('output'), 'failed to save image', () => cx.engine.saveImages(args));
    return 0;
  },
};

/**
 * An archive to the host file `-o` names (docker refuses to write one to a terminal, and without -o
 * that is where it would go here); `failure` heads a write error, as docker's "failed to save image".
 */
export async function writeOutput(cx: CommandContext, output: string, failure: string, make: () => Promise<Uint8Array>): Promise<void> {
  if (!output) throw new StatusError(1, 'cowardly refusing to save to a terminal. Use the -o flag or redirect');
  if (!cx.io.writeFile) throw new StatusError(1, `${failure}: this terminal cannot write files`);
  const archive = await make();
  try {
    await cx.io.writeFile(output, archive);
  } catch (e) {
    throw new StatusError(1, `${failure}: ${(e as Error).message}`);
  }
}

/** A host file's bytes, or docker's `open FILE: ...` error. */
export async function readInput(cx: CommandContext, path: string): Promise<Uint8Array> {
  if (!cx.io.readFile) throw new StatusError(1, 'this terminal cannot read files');
  try {
    return await cx.io.readFile(path);
  } catch (e) {
    throw new StatusError(1, `open ${path}: ${(e as Error).message || 'no such file or directory'}`);
  }
}

export async function readAll(read: (signal?: AbortSignal) => Promise<Uint8Array | null>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for (let c = await read(); c !== null; c = await read()) chunks.push(c);
  return concatBytes(chunks);
}

export const load: CommandSpec = {
  use: '[OPTIONS]',
  short: 'Load an image from a tar archive or STDIN',
  aliases: 'docker image load, docker load',
  flags: [
    { name: 'input', short: 'i', type: 'string', usage: 'Read from tar archive file, instead of STDIN' },
    { name: 'quiet', short: 'q', type: 'bool', usage: 'Suppress the load output' },
  ],
  args: { max: 0 },
  async run(cx, flags) {
    const input = flags.string('input');
    let archive: Uint8Array;
    if (input) archive = await readInput(cx, input);
    else {
      if (!cx.io.stdin || cx.io.isTTY) throw new StatusError(1, 'requested load from stdin, but stdin is empty');
      archive = await readAll((s) => cx.io.stdin!.read(s));
    }
    const quiet = flags.bool('quiet');
    const display = progressDisplay((t) => {
      if (!quiet) cx.out(t);
    }, false);
    let loaded: string[];
    try {
      loaded = await cx.engine.loadImages(archive, { onProgress: display.listener });
    } catch (e) {
      throw new StatusError(1, display.failure ?? errorText(e));
    }
    if (display.failure) throw new StatusError(1, display.failure);
    if (!display.printedStream) {
      for (const name of loaded) cx.out(name.startsWith('sha256:') ? `Loaded image ID: ${name}\n` : `Loaded image: ${name}\n`);
    }
    return 0;
  },
};
