import type { ContainerCreate, ContainerInspect, ContainerSummary, MountPoint } from '../engine.ts';
import { EngineError } from '../errors.ts';
import type { Digest, MetadataOp } from '../ports.ts';
import { rfc3339Nano, unixSeconds, ZERO_TIME, parseTime } from './clock.ts';
import { commandLine, commandText, mergeConfig, normalizeTarget, parseBind, refuseOtherUser } from './container-config.ts';
import { generateName, nameInUse, normalizeName } from './container-names.ts';
import { containerSize } from './container-size.ts';
import { statusText } from './container-status.ts';
import { checkStopSignal, deliverableSignal } from './signals.ts';
import { checkHealthcheck } from './health-config.ts';
import { containerRecords, findContainer } from './container-store.ts';
import type { Core } from './context.ts';
import { randomId } from './ids.ts';
import { deleteUnusedBlobs, imageToRun, missingBlob } from './image-store.ts';
import type { ContainerRecord } from './records.ts';
import { deleteVolume, ensureVolume, mountpoint } from './volumes.ts';
import { createNetworking, hostNetworkConfig, networksFor, networkSettingsView, summaryNetworking } from './network-endpoints.ts';
import { builtinNetworks, type Network } from './networks.ts';
import { memorySwapOf } from './update.ts';

/** `docker create`, `ps`, `inspect`: container records. (Running them: container-run.ts.) */

export async function createContainer(core: Core, options: ContainerCreate): Promise<{ Id: string; Warnings: string[] }> {
  return core.containerLock.run(async () => {
    // Both reads at once: each is a round trip to the store.
    const [image, names] = await Promise.all([imageToRun(core, options.Image), core.containers.names()]);
    checkHealthcheck(options.Healthcheck);
    if (options.StopSignal) checkStopSignal(options.StopSignal);
    const merged = mergeConfig(image.config.config, options);
    const { Path, Args } = commandLine(merged);
    const networking = await createNetworking(core, options, merged.ExposedPorts);
    const binds = (options.HostConfig?.Binds ?? []).map(parseBind);
    const memory = options.HostConfig?.Memory ?? 0;
    if (!Number.isSafeInteger(memory) || memory < 0) throw new EngineError('invalid-argument', `invalid memory limit: ${memory}`);
    if (memory > 0 && memory < 6 * 1024 * 1024) throw new EngineError('invalid-argument', 'Minimum memory limit allowed is 6MB');
    let name: string;
    if (options.name) {
      name = normalizeName(options.name);
      // Names kept in memory may hold one another engine has freed since: ask the store before refusing.
      const holder = names.has(name) ? (await core.containers.names(true)).get(name) : undefined;
      if (holder) throw nameInUse(name, holder);
    } else {
      let retry = 0;
      do name = '/' + generateName(retry++);
      while (names.has(name));
    }
    const id = core.ports.runtime.nextContainerId?.() ?? randomId();
    const mounts: MountPoint[] = [];
    const anonymous: string[] = [];
    const targets = new Set<string>();
    for (const b of binds) {
      if (targets.has(b.target)) throw new EngineError('invalid-argument', `Duplicate mount point: ${b.target}`);
      targets.add(b.target);
      await ensureVolume(core, b.volume);
      mounts.push(mountOf(b.volume, b.target, !b.readOnly));
    }
    refuseOtherUser(options.User, '--user');
    if (merged.WorkingDir && !merged.WorkingDir.startsWith('/')) {
      throw new EngineError('invalid-argument', `the working directory '${merged.WorkingDir}' is invalid, it needs to be an absolute path`);
    }
    for (const target of Object.keys(options.Volumes ?? {})) {
      if (!target.startsWith('/')) {
        throw new EngineError('invalid-argument', `invalid volume specification: '${target}': invalid mount config for type "volume": invalid mount path: '${target}' mount path must be absolute`);
      }
    }
    // The VOLUME entries of the image and `-v /path` not covered by a bind become anonymous volumes (named by 64 hex).
    for (const target of Object.keys(merged.Volumes).map(normalizeTarget).sort()) {
      if (targets.has(target)) continue;
      targets.add(target);
      const volume = await ensureVolume(core, undefined, {}, true);
      anonymous.push(volume.Name);
      mounts.push(mountOf(volume.Name, target, true));
    }
    const record: ContainerRecord = {
      Id: id,
      Name: name,
      Created: rfc3339Nano(core.now()),
      Path,
      Args,
      Image: image.record.Id,
      layers: [...image.record.layers],
      Config: {
        Hostname: options.Hostname || id.slice(0, 12),
        Image: options.Image,
        Tty: options.Tty ?? false,
        OpenStdin: options.OpenStdin ?? false,
        StdinOnce: options.StdinOnce ?? false,
        AttachStdin: options.AttachStdin ?? false,
        AttachStdout: options.AttachStdout ?? false,
        AttachStderr: options.AttachStderr ?? false,
        Env: merged.Env,
        Cmd: merged.Cmd,
        Entrypoint: merged.Entrypoint,
        WorkingDir: merged.WorkingDir,
        User: merged.User,
        Labels: merged.Labels,
        Volumes: Object.keys(merged.Volumes).length ? merged.Volumes : undefined,
        ...(Object.keys(networking.exposed).length ? { ExposedPorts: networking.exposed } : {}),
        ...(merged.StopSignal ? { StopSignal: merged.StopSignal } : {}),
        ...(merged.Healthcheck ? { Healthcheck: merged.Healthcheck } : {}),
        ...(merged.Shell ? { Shell: merged.Shell } : {}),
      },
      HostConfig: {
        Binds: options.HostConfig?.Binds ? [...options.HostConfig.Binds] : null,
        Memory: memory,
        AutoRemove: options.HostConfig?.AutoRemove ?? false,
        NetworkMode: networking.networkMode,
        PortBindings: networking.portBindings,
        PublishAllPorts: networking.publishAll,
        ...(options.HostConfig?.ConsoleSize ? { ConsoleSize: [...options.HostConfig.ConsoleSize] as [number, number] } : {}),
      },
      Mounts: mounts,
      State: {
        Status: 'created',
        Running: false,
        Paused: false,
        Restarting: false,
        OOMKilled: false,
        Dead: false,
        Pid: 0,
        ExitCode: 0,
        Error: '',
        StartedAt: ZERO_TIME,
        FinishedAt: ZERO_TIME,
      },
      anonymousVolumes: anonymous,
      net: networking.net,
    };
    // The writable layer exists from create on (as Docker's), so `diff` works before the first start.
    await core.pinned(record.layers, async () => {
      const missing = await missingBlob(core, record.layers);
      if (missing) throw new EngineError('not-found', `image ${image.record.Id} is missing layer ${missing}`);
      await core.ports.snapshots.prepare(id, record.layers, { fresh: true });
      // Docker makes a missing working directory at create (`-w /new/dir`, an image's WORKDIR).
      if (merged.WorkingDir) await core.ports.snapshots.makeDir(id, merged.WorkingDir);
      await core.containers.create(record);
    });
    core.events.emit('container', 'create', id, { image: options.Image, name: name.slice(1) });
    // An image's STOPSIGNAL this engine cannot send is said, not silently replaced (docker stop sends SIGTERM then).
    const warnings = merged.StopSignal && !deliverableSignal(merged.StopSignal) ? [`the image's STOPSIGNAL ${merged.StopSignal} cannot be sent by this engine: docker stop sends SIGTERM`] : [];
    return { Id: id, Warnings: warnings };
  });
}

/**
 * `docker rename`: Docker's checks and words; the new name is taken under the container lock, so a
 * create cannot take it at the same time, and written at once. Emits `rename` with the old name.
 */
export async function renameContainer(core: Core, name: string, newName: string): Promise<void> {
  if (!name || !newName) throw new EngineError('invalid-argument', 'Neither old nor new names may be empty');
  const c = await findContainer(core, name);
  // As Docker's: the name is checked with its slash, and any failure to take it is "allocating".
  const allocating = (e: EngineError) => new EngineError(e.code, `Error when allocating new name: ${e.message}`);
  let wanted: string;
  try {
    wanted = normalizeName('/' + newName.replace(/^\//, ''));
  } catch (e) {
    throw e instanceof EngineError ? allocating(e) : e;
  }
  if (c.Name === wanted) throw new EngineError('invalid-argument', 'Renaming a container with the same name as its current name');
  await core.containerLock.run(async () => {
    const holder = (await core.containers.names(true)).get(wanted);
    if (holder && holder !== c.Id) throw allocating(nameInUse(wanted, holder));
    const record = await core.containers.get(c.Id);
    if (!record) throw new EngineError('not-found', `No such container: ${name}`);
    record.Name = wanted;
    core.containers.putLater(record);
    await core.containers.flush();
  });
  core.events.emit('container', 'rename', c.Id, { image: c.Config.Image, name: wanted.slice(1), oldName: c.Name });
}

async function deleteExecRecords(core: Core, containerId: string): Promise<void> {
  const ops: MetadataOp[] = [];
  for (const [execId, e] of await core.ports.metadata.list<{ ContainerID: string }>('execs')) {
    if (e.ContainerID === containerId) ops.push({ op: 'delete', bucket: 'execs', key: execId });
  }
  if (ops.length > 0) await core.ports.metadata.batch(ops);
}

function mountOf(volume: string, target: string, rw: boolean): MountPoint {
  return { Type: 'volume', Name: volume, Source: mountpoint(volume), Destination: target, Driver: 'local', Mode: rw ? '' : 'ro', RW: rw, Propagation: '' };
}

export async function inspectContainer(core: Core, name: string): Promise<ContainerInspect> {
  const c = await findContainer(core, name);
  const networks = await networksFor(core, [c]);
  const driver = core.ports.platform.host === 'linux' ? 'overlay2' : 'memfs';
  return {
    Id: c.Id,
    Created: c.Created,
    Path: c.Path,
    Args: [...c.Args],
    State: { ...c.State },
    Image: c.Image,
    Name: c.Name,
    RestartCount: 0,
    Driver: driver,
    Platform: 'wasi',
    GraphDriver: { Name: driver, Data: (await core.ports.snapshots.describe?.(c.Id).catch(() => undefined)) ?? null },
    Config: structuredClone(c.Config),
    // The engine keeps every container's output for `docker logs`, as Docker's default json-file
    // driver does; clients (docker-compose 1.29) read no logs from a container without a driver.
    HostConfig: { ...structuredClone(c.HostConfig), MemorySwap: memorySwapOf(c.HostConfig), ...hostNetworkConfig(c), LogConfig: { Type: 'json-file', Config: {} } },
    Mounts: c.Mounts.map((m) => ({ ...m })),
    NetworkSettings: networkSettingsView(c, networks),
  };
}


export function summary(core: Core, c: ContainerRecord, networks: readonly Network[] = builtinNetworks(core)): ContainerSummary {
  return {
    Id: c.Id,
    Names: [c.Name],
    Image: c.Config.Image,
    ImageID: c.Image,
    Command: commandText(c.Path, c.Args),
    Created: unixSeconds(parseTime(c.Created) ?? 0),
    State: c.State.Status,
    Status: statusText(c.State, core.now()),
    ...(c.State.Health ? { Health: { Status: c.State.Health.Status, FailingStreak: c.State.Health.FailingStreak } } : {}),
    Labels: { ...(c.Config.Labels ?? {}) },
    Mounts: c.Mounts.map((m) => ({ ...m })),
    ...summaryNetworking(c, networks),
  };
}

/** `docker ps [-a] [-s]`: newest first; `size` adds SizeRw and SizeRootFs, as Docker's `?size=1`. */
export async function listContainers(core: Core, options: { all?: boolean; size?: boolean } = {}): Promise<ContainerSummary[]> {
  const listed = (await containerRecords(core))
    .filter((c) => options.all || c.State.Running)
    .sort((a, b) => (a.Created < b.Created ? 1 : a.Created > b.Created ? -1 : a.Id < b.Id ? -1 : 1));
  const networks = await networksFor(core, listed);
  if (!options.size) return listed.map((c) => summary(core, c, networks));
  const out: ContainerSummary[] = [];
  for (const c of listed) out.push({ ...summary(core, c, networks), ...(await containerSize(core, c)) });
  return out;
}

/**
 * Delete a stopped container's record, snapshot, logs, exec records and (with `volumes`) its
 * anonymous volumes. `durable`: the record's deletion is committed before this resolves; without,
 * it is written behind (auto-remove: the record of a container gone that quickly may never be written).
 * `logsStored: false`: the caller knows the LogStore has no entry of it; `execsStored: false`: no exec record names it.
 */
export async function deleteContainerData(
  core: Core,
  c: ContainerRecord,
  { volumes, durable = true, logsStored = true, execsStored = true }: { volumes: boolean; durable?: boolean; logsStored?: boolean; execsStored?: boolean },
): Promise<void> {
  await core.containerLock.run(async () => {
    core.containers.deleteLater(c.Id);
    if (durable) await core.containers.flush();
    if (volumes) for (const v of c.anonymousVolumes) await deleteVolume(core, v, { force: true }).catch(() => {});
  });
  await Promise.all([
    core.ports.snapshots.remove(c.Id),
    logsStored && core.ports.logs.delete(c.Id),
    execsStored && deleteExecRecords(core, c.Id),
    // If the image went away while the container lived (rmi -f), its layers may be unused now;
    // while it exists they are its layers (an image ID is the digest of a config naming them).
    core.ports.metadata.get('images', c.Image).then((image) => image ?? core.imageLock.run(() => deleteUnusedBlobs(core, c.layers as Digest[]))),
  ]);
  core.events.emit('container', 'destroy', c.Id, { image: c.Config.Image, name: c.Name.slice(1) });
}
