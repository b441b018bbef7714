/**
 * `docker export` (a container's file system to a tar file) and `docker import` (a tar file, or
 * stdin with `-`, to an image), through the host's files as save and load.
 */
import { readAll, readInput, writeOutput } from './archive.ts';
import { StatusError, type CommandSpec } from './command.ts';

export const exportCommand: CommandSpec = {
  use: '[OPTIONS] CONTAINER',
  short: "Export a container's filesystem as a tar archive",
  aliases: 'docker container export, docker export',
  flags: [{ name: 'output', short: 'o', type: 'string', usage: 'Write to a file, instead of STDOUT' }],
  args: { min: 1, max: 1 },
  async run(cx, flags, [container]) {
    await writeOutput(cx, flags.string('output'), 'failed to export container', () => cx.engine.exportContainer(container));
    return 0;
  },
};

export const importCommand: CommandSpec = {
  use: '[OPTIONS] file|URL|- [REPOSITORY[:TAG]]',
  short: 'Import the contents from a tarball to create a filesystem image',
  aliases: 'docker image import, docker import',
  flags: [
    { name: 'change', short: 'c', type: 'list', usage: 'Apply Dockerfile instruction to the created image' },
    { name: 'message', short: 'm', type: 'string', usage: 'Set commit message for imported image' },
  ],
  args: { min: 1, max: 2 },
  async run(cx, flags, [source, reference]) {
    let archive: Uint8Array;
    if (source === '-') {
      if (!cx.io.stdin || cx.io.isTTY) throw new StatusError(1, 'requested import from stdin, but stdin is a terminal');
      archive = await readAll((s) => cx.io.stdin!.read(s));
    } else if (/^https?:\/\//.test(source)) {
      throw new StatusError(1, 'importing from a URL is not supported here: download the archive and import the file');
    } else archive = await readInput(cx, source);
    const id = await cx.engine.importImage(archive, {
      ...(reference ? { reference } : {}),
      ...(flags.list('change').length ? { changes: flags.list('change') } : {}),
      ...(flags.has('message') ? { message: flags.string('message') } : {}),
    });
    cx.out(id + '\n');
    return 0;
  },
};
