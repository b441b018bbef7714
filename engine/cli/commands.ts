/**
 * The command tree: top-level commands and the management groups, with the same command mounted
 * under several paths as docker does (`docker ps` = `docker container ls` = `docker container ps`).
 */
import { save, load } from './archive.ts';
import { build } from './build.ts';
import type { CommandSpec, GroupSpec } from './command.ts';
import { compose } from './compose/compose-command.ts';
import { commit, diff } from './container-changes.ts';
import { cp } from './cp.ts';
import { exec } from './exec.ts';
import { exportCommand, importCommand } from './export-import.ts';
import { history, imagePrune, images, rmi, tag } from './images.ts';
import { containerInspect, imageInspect, inspect, networkInspect, volumeInspect } from './inspect.ts';
import { containerPrune, kill, rename, rm, start, stop, wait } from './lifecycle.ts';
import { logs } from './logs.ts';
import { networkConnect, networkCreate, networkDisconnect, networkLs, networkPrune, networkRm } from './network.ts';
import { port } from './port.ts';
import { ps } from './ps.ts';
import { stats } from './stats.ts';
import { top } from './top.ts';
import { update } from './update.ts';
import { pull, push } from './pull.ts';
import { create, run } from './run.ts';
import { info, systemDf, systemPrune, version } from './system.ts';
import { volumeCreate, volumeLs, volumePrune, volumeRm } from './volume.ts';

export const COMMANDS: Record<string, CommandSpec> = {
  build,
  commit,
  compose,
  cp,
  create,
  diff,
  exec,
  export: exportCommand,
  history,
  images,
  import: importCommand,
  info,
  inspect,
  kill,
  load,
  logs,
  port,
  ps,
  pull,
  push,
  rename,
  rm,
  rmi,
  run,
  save,
  start,
  stats,
  stop,
  tag,
  top,
  update,
  version,
  wait,
};

const LIST_ALIASES = { list: 'ls', remove: 'rm' };

export const GROUPS: Record<string, GroupSpec> = {
  container: {
    short: 'Manage containers',
    commands: { commit, cp, create, diff, exec, export: exportCommand, inspect: containerInspect, kill, logs, ls: ps, port, prune: containerPrune, rename, rm, run, start, stats, stop, top, update, wait },
    alternates: { ...LIST_ALIASES, ps: 'ls' },
  },
  image: {
    short: 'Manage images',
    commands: { build, history, import: importCommand, inspect: imageInspect, load, ls: images, prune: imagePrune, pull, push, rm: rmi, save, tag },
    alternates: LIST_ALIASES,
  },
  network: {
    short: 'Manage networks',
    commands: {
      connect: networkConnect,
      create: networkCreate,
      disconnect: networkDisconnect,
      inspect: networkInspect,
      ls: networkLs,
      prune: networkPrune,
      rm: networkRm,
    },
    alternates: LIST_ALIASES,
  },
  system: {
    short: 'Manage Docker',
    commands: { df: systemDf, info, prune: systemPrune },
  },
  volume: {
    short: 'Manage volumes',
    commands: { create: volumeCreate, inspect: volumeInspect, ls: volumeLs, prune: volumePrune, rm: volumeRm },
    alternates: LIST_ALIASES,
  },
};
