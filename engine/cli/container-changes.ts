/**
 * A container's writable layer: `docker diff` (C/A/D lines as docker prints them) and
 * `docker commit` (turns it into an image and prints the new image ID).
 */
import type { CommandSpec } from './command.ts';
import { splitTag } from './images.ts';

const KIND = ['C', 'A', 'D'] as const;

export const diff: CommandSpec = {
  use: 'CONTAINER',
  short: "Inspect changes to files or directories on a container's filesystem",
  aliases: 'docker container diff, docker diff',
  args: { min: 1, max: 1 },
  async run(cx, _flags, args) {
    const changes = await cx.engine.changes(args[0]);
    cx.out(changes.map((c) => `${KIND[c.Kind] ?? '?'} ${c.Path}\n`).join(''));
    return 0;
  },
};

export const commit: CommandSpec = {
  use: '[OPTIONS] CONTAINER [REPOSITORY[:TAG]]',
  short: "Create a new image from a container's changes",
  aliases: 'docker container commit, docker commit',
  flags: [
    { name: 'author', short: 'a', type: 'string', usage: 'Author (e.g., "John Hannibal Smith <hannibal@a-team.com>")' },
    { name: 'change', short: 'c', type: 'list', usage: 'Apply Dockerfile instruction to the created image' },
    { name: 'message', short: 'm', type: 'string', usage: 'Commit message' },
    { name: 'pause', short: 'p', type: 'bool', usage: 'Pause container during commit', default: true },
  ],
  args: { min: 1, max: 2 },
  async run(cx, flags, args) {
    const [container, reference] = args;
    const options: Parameters<typeof cx.engine.commit>[1] = { pause: flags.bool('pause') };
    if (reference) {
      const [repo, tag] = splitTag(reference);
      options.repo = repo;
      if (tag) options.tag = tag;
    }
    if (flags.has('message')) options.comment = flags.string('message');
    if (flags.has('author')) options.author = flags.string('author');
    if (flags.list('change').length) options.changes = flags.list('change');
    const { Id } = await cx.engine.commit(container, options);
    cx.out(Id + '\n');
    return 0;
  },
};
