/**
 * Container lifecycle commands over several containers: start, stop, kill, wait, rm, container
 * prune. As docker, each name is tried in turn, successes print the name as given, failures print
 * the daemon's error, and the exit status is 1 if any failed.
 */
import { isEngineError } from '../errors.ts';
import { StatusError, type CommandSpec } from './command.ts';
import { forEachName } from './each-name.ts';
import { confirm } from './prompt.ts';
import { errorText } from './report.ts';
import { runAttached } from './run.ts';
import { humanSize } from './units.ts';


export const start: CommandSpec = {
  use: '[OPTIONS] CONTAINER [CONTAINER...]',
  short: 'Start one or more stopped containers',
  aliases: 'docker container start, docker start',
  flags: [
    { name: 'attach', short: 'a', type: 'bool', usage: 'Attach STDOUT/STDERR and forward signals' },
    { name: 'interactive', short: 'i', type: 'bool', usage: "Attach container's STDIN" },
  ],
  args: { min: 1 },
  async run(cx, flags, args) {
    const attach = flags.bool('attach') || flags.bool('interactive');
    if (!attach) {
      const failed: string[] = [];
      for (const name of args) {
        try {
          await cx.engine.startContainer(name);
          cx.out(name + '\n');
        } catch (e) {
          if (isEngineError(e, 'not-modified')) {
            cx.out(name + '\n');
            continue;
          }
          cx.err(errorText(e) + '\n');
          failed.push(name);
        }
      }
      if (failed.length) throw new StatusError(1, `Error: failed to start containers: ${failed.join(', ')}`);
      return 0;
    }
    if (args.length > 1) throw new StatusError(1, 'you cannot start and attach multiple containers at once');
    const info = await cx.engine.inspectContainer(args[0]);
    if (info.State.Running) {
      // docker attaches to a running container instead of starting it; we cannot re-attach a
      // finished wait, so say what docker's daemon would not: it is already running.
      throw new StatusError(1, `Error response from daemon: container ${args[0]} is already running`);
    }
    return runAttached(cx, info.Id, {
      tty: info.Config.Tty,
      stdin: flags.bool('interactive') && info.Config.OpenStdin,
      autoRemove: info.HostConfig.AutoRemove,
      sigProxy: true,
      onStartError: (e) => {
        cx.err(errorText(e) + '\n');
        return 1;
      },
    });
  },
};

export const stop: CommandSpec = {
  use: '[OPTIONS] CONTAINER [CONTAINER...]',
  short: 'Stop one or more running containers',
  aliases: 'docker container stop, docker stop',
  flags: [
    { name: 'signal', short: 's', type: 'string', usage: 'Signal to send to the container' },
    { name: 'timeout', short: 't', type: 'int', usage: 'Seconds to wait before killing the container' },
    { name: 'time', type: 'int', usage: 'Seconds to wait before killing the container (deprecated: use --timeout)', hidden: true },
  ],
  args: { min: 1 },
  run(cx, flags, args) {
    const timeout = flags.has('timeout') ? flags.int('timeout') : flags.has('time') ? flags.int('time') : undefined;
    return forEachName(cx, args, async (name) => {
      try {
        await cx.engine.stopContainer(name, timeout === undefined ? {} : { timeout });
      } catch (e) {
        if (!isEngineError(e, 'not-modified')) throw e;
      }
    });
  },
};

export const kill: CommandSpec = {
  use: '[OPTIONS] CONTAINER [CONTAINER...]',
  short: 'Kill one or more running containers',
  aliases: 'docker container kill, docker kill',
  flags: [{ name: 'signal', short: 's', type: 'string', usage: 'Signal to send to the container' }],
  args: { min: 1 },
  run(cx, flags, args) {
    const signal = flags.string('signal');
    return forEachName(cx, args, (name) => cx.engine.killContainer(name, signal ? { signal } : {}));
  },
};

export const rename: CommandSpec = {
  use: 'CONTAINER NEW_NAME',
  short: 'Rename a container',
  aliases: 'docker container rename, docker rename',
  args: { min: 2, max: 2 },
  async run(cx, _flags, [name, newName]) {
    try {
      await cx.engine.renameContainer(name, newName);
    } catch (e) {
      throw new StatusError(1, `${errorText(e)}\nError: failed to rename container named ${name}`);
    }
    return 0;
  },
};

export const wait: CommandSpec = {
  use: 'CONTAINER [CONTAINER...]',
  short: 'Block until one or more containers stop, then print their exit codes',
  aliases: 'docker container wait, docker wait',
  args: { min: 1 },
  run(cx, _flags, args) {
    return forEachName(cx, args, async (name) => String((await cx.engine.waitContainer(name, 'not-running')).StatusCode));
  },
};

export const rm: CommandSpec = {
  use: '[OPTIONS] CONTAINER [CONTAINER...]',
  short: 'Remove one or more containers',
  aliases: 'docker container rm, docker container remove, docker rm',
  flags: [
    { name: 'force', short: 'f', type: 'bool', usage: 'Force the removal of a running container (uses SIGKILL)' },
    { name: 'link', short: 'l', type: 'bool', usage: 'Remove the specified link' },
    { name: 'volumes', short: 'v', type: 'bool', usage: 'Remove anonymous volumes associated with the container' },
  ],
  args: { min: 1 },
  async run(cx, flags, args) {
    const force = flags.bool('force');
    let failed = false;
    for (const name of args) {
      try {
        await cx.engine.removeContainer(name, { force, volumes: flags.bool('volumes') });
        cx.out(name + '\n');
      } catch (e) {
        cx.err(errorText(e) + '\n');
        // As docker: with --force, a container that does not exist is not a failure.
        if (!(force && isEngineError(e, 'not-found'))) failed = true;
      }
    }
    return failed ? 1 : 0;
  },
};

export const containerPrune: CommandSpec = {
  use: '[OPTIONS]',
  short: 'Remove all stopped containers',
  flags: [{ name: 'force', short: 'f', type: 'bool', usage: 'Do not prompt for confirmation' }],
  args: { max: 0 },
  async run(cx, flags) {
    const warning = 'WARNING! This will remove all stopped containers.\nAre you sure you want to continue?';
    if (!flags.bool('force') && !(await confirm(cx, warning))) return 0;
    const report = await cx.engine.pruneContainers();
    if (report.ContainersDeleted.length) cx.out('Deleted Containers:\n' + report.ContainersDeleted.map((id) => id + '\n').join('') + '\n');
    cx.out(`Total reclaimed space: ${humanSize(report.SpaceReclaimed)}\n`);
    return 0;
  },
};
