/**
 * A test double of the Engine for the CLI's own behaviour (parsing, formatting, flows): it records
 * every call and answers with Docker-shaped data the test sets up. It implements no engine rule;
 * the engine's behaviour is tested in the engine's suites.
 */
import type {
  AttachOptions,
  ContainerInspect,
  ContainerSummary,
  Engine,
  ImageInspect,
  ImageSummary,
  ProgressEvent,
  Volume,
} from '../../../engine/engine.ts';
import { EngineError } from '../../../engine/errors.ts';
import { runDocker, splitCommandLine, type CliIO } from '../../../engine/cli/index.ts';

export const NOW = Date.UTC(2025, 0, 1, 12, 0, 0);
export const ID_A = 'a'.repeat(4) + '1234567890abcdef'.repeat(3) + 'b'.repeat(12);
export const IMAGE_ID = 'sha256:' + 'f'.repeat(8) + '0123456789abcdef'.repeat(3) + 'e'.repeat(8);

export type Call = [string, ...unknown[]];

export function summary(over: Partial<ContainerSummary> = {}): ContainerSummary {
  return {
    Id: ID_A,
    Names: ['/happy_turing'],
    Image: 'box',
    ImageID: IMAGE_ID,
    Command: 'sh',
    Created: NOW / 1000 - 2,
    State: 'running',
    Status: 'Up 2 seconds',
    Ports: [],
    Labels: {},
    Mounts: [],
    HostConfig: { NetworkMode: 'default' },
    NetworkSettings: { Networks: {} },
    ...over,
  };
}

export function imageSummary(over: Partial<ImageSummary> = {}): ImageSummary {
  return {
    Id: IMAGE_ID,
    ParentId: '',
    RepoTags: ['box:latest'],
    RepoDigests: [],
    Created: NOW / 1000 - 3 * 3600,
    Size: 1_234_567,
    SharedSize: -1,
    Labels: {},
    Containers: -1,
    ...over,
  };
}

export function containerInspect(over: Partial<ContainerInspect> = {}): ContainerInspect {
  return {
    Id: ID_A,
    Created: '2025-01-01T11:59:58.000000000Z',
    Path: 'sh',
    Args: ['-c', 'echo a > b'],
    State: { Status: 'exited', Running: false, Paused: false, Restarting: false, OOMKilled: false, Dead: false, Pid: 0, ExitCode: 3, Error: '', StartedAt: '2025-01-01T11:59:59Z', FinishedAt: '2025-01-01T12:00:00Z' },
    Image: IMAGE_ID,
    Name: '/happy_turing',
    RestartCount: 0,
    Driver: 'overlay2',
    Platform: 'wasi',
    GraphDriver: { Name: 'overlay2', Data: { LowerDir: '/l2:/l1', UpperDir: '/c/upper', WorkDir: '/c/work' } },
    Config: { Hostname: 'a1', Image: 'box', Tty: false, OpenStdin: false, StdinOnce: false, AttachStdin: false, AttachStdout: true, AttachStderr: true, Env: ['PATH=/bin'], Cmd: ['sh'], Labels: { team: 'x' } },
    HostConfig: { Binds: null, Memory: 0, AutoRemove: false, NetworkMode: 'default', PortBindings: {}, PublishAllPorts: false },
    Mounts: [],
    NetworkSettings: {
      Bridge: '', SandboxID: '', SandboxKey: '', HairpinMode: false, LinkLocalIPv6Address: '', LinkLocalIPv6PrefixLen: 0, Ports: {},
      SecondaryIPAddresses: null, SecondaryIPv6Addresses: null, EndpointID: '', Gateway: '', GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0,
      IPAddress: '', IPPrefixLen: 0, IPv6Gateway: '', MacAddress: '', Networks: {},
    },
    ...over,
  };
}

export function imageInspect(over: Partial<ImageInspect> = {}): ImageInspect {
  return {
    Id: IMAGE_ID,
    RepoTags: ['box:latest'],
    RepoDigests: [],
    Parent: '',
    Comment: '',
    Created: '2025-01-01T09:00:00Z',
    Author: '',
    Config: { Cmd: ['sh'] },
    Architecture: 'wasm',
    Os: 'wasi',
    Size: 1_234_567,
    RootFS: { Type: 'layers', Layers: [] },
    Metadata: { LastTagTime: '0001-01-01T00:00:00Z' },
    ...over,
  };
}

export function volume(name: string, labels: Record<string, string> = {}): Volume {
  return { Name: name, Driver: 'local', Mountpoint: `/volumes/${name}/_data`, Scope: 'local', Labels: labels, Options: {}, CreatedAt: '2025-01-01T00:00:00Z' };
}

const notFound = (what: string) => new EngineError('not-found', what);

/**
 * Build a fake engine: `over` replaces any method. Default answers: empty lists, "No such ..."
 * for lookups, a container run that prints "hello" and exits 0.
 */
export function fakeEngine(over: Partial<Engine> = {}): Engine & { calls: Call[] } {
  const calls: Call[] = [];
  const base: Engine = {
    ping: async () => 'OK',
    version: async () => ({ Version: '0.1.0', ApiVersion: '1.50', MinAPIVersion: '1.24', Os: 'wasi', Arch: 'wasm', KernelVersion: '', GitCommit: 'abc1234', GoVersion: 'n/a', BuildTime: '2025-01-01T00:00:00Z' }),
    info: async () => ({ ID: 'ENGINE-1', Name: 'playground', Containers: 3, ContainersRunning: 1, ContainersPaused: 0, ContainersStopped: 2, Images: 4, ServerVersion: '0.1.0', Driver: 'indexeddb', OSType: 'wasi', OperatingSystem: 'Dockyard', Architecture: 'wasm', KernelVersion: '', NCPU: 2, MemTotal: 2_087_354_368, SecurityOptions: ['name=seccomp,profile=builtin'], Swarm: { LocalNodeState: 'inactive' } }),
    diskUsage: async () => ({ LayersSize: 0, Images: [], Containers: [], Volumes: [], BuildCache: [] }),
    prune: async () => ({ ContainersDeleted: [], ImagesDeleted: [], VolumesDeleted: [], SpaceReclaimed: 0 }),
    pruneContainers: async () => ({ ContainersDeleted: [], SpaceReclaimed: 0 }),
    pruneImages: async () => ({ ImagesDeleted: [], SpaceReclaimed: 0 }),
    pruneVolumes: async () => ({ VolumesDeleted: [], SpaceReclaimed: 0 }),
    pruneBuildCache: async () => ({ CachesDeleted: [], SpaceReclaimed: 0 }),
    events: async () => () => {},
    pull: async () => imageInspect(),
    push: async () => ({ Digest: `sha256:${'1'.repeat(64)}` as const, Size: 528 }),
    build: async () => ({ ImageId: IMAGE_ID, Tags: [], Warnings: [] }),
    listImages: async () => [],
    inspectImage: async (r) => {
      throw notFound(`No such image: ${r}`);
    },
    history: async () => [],
    imageLayers: async () => [],
    tag: async () => {},
    removeImage: async () => [],
    saveImages: async () => new Uint8Array([1, 2, 3]),
    loadImages: async () => [],
    createContainer: async () => ({ Id: ID_A, Warnings: [] }),
    startContainer: async () => {},
    attachContainer: async (_id, o: AttachOptions) => {
      attached.push(o);
      return { write: async () => {}, closeStdin: async () => {}, detach: async () => {} };
    },
    waitContainer: async () => {
      for (const o of attached) o.onOutput(1, new TextEncoder().encode('hello\n'));
      return { StatusCode: 0, Error: null };
    },
    stopContainer: async () => {},
    killContainer: async () => {},
    renameContainer: async () => {},
    exportContainer: async () => new Uint8Array(),
    updateContainer: async () => ({ Warnings: [] }),
    stats: async (id) => {
      throw notFound(`No such container: ${id}`);
    },
    top: async (id) => {
      throw notFound(`No such container: ${id}`);
    },
    importImage: async () => 'sha256:' + '0'.repeat(64),
    statPath: async (id) => {
      throw notFound(`No such container: ${id}`);
    },
    getArchive: async (id) => {
      throw notFound(`No such container: ${id}`);
    },
    putArchive: async () => {},
    removeContainer: async () => {},
    listContainers: async () => [],
    inspectContainer: async (id) => {
      throw notFound(`No such container: ${id}`);
    },
    logs: async () => [],
    changes: async () => [],
    commit: async () => ({ Id: IMAGE_ID }),
    resizeContainer: async () => {},
    resizeExec: async () => {},
    createExec: async () => ({ Id: 'exec1' }),
    startExec: async () => ({ write: async () => {}, closeStdin: async () => {}, detach: async () => {} }),
    inspectExec: async () => ({ ID: 'exec1', ContainerID: ID_A, Running: false, ExitCode: 0, ProcessConfig: { entrypoint: 'sh', arguments: [], tty: false } }),
    createVolume: async (o) => volume(o?.Name ?? 'c0ffee'),
    listVolumes: async () => ({ Volumes: [], Warnings: [] }),
    inspectVolume: async (n) => {
      throw notFound(`get ${n}: no such volume`);
    },
    removeVolume: async () => {},
    createNetwork: async () => ({ Id: 'n'.repeat(64), Warning: '' }),
    listNetworks: async () => [],
    inspectNetwork: async (n) => {
      throw notFound(`network ${n} not found`);
    },
    removeNetwork: async () => {},
    connectNetwork: async () => {},
    disconnectNetwork: async () => {},
    pruneNetworks: async () => ({ NetworksDeleted: [] }),
  };
  const attached: AttachOptions[] = [];
  const engine = { calls } as Engine & { calls: Call[] };
  for (const key of Object.keys(base) as Array<keyof Engine>) {
    const impl = (over[key] ?? base[key]) as (...a: unknown[]) => Promise<unknown>;
    (engine as unknown as Record<string, unknown>)[key] = (...args: unknown[]) => {
      calls.push([key, ...args.filter((a) => typeof a !== 'function')]);
      return impl(...args);
    };
  }
  return engine;
}

export interface Result {
  status: number;
  stdout: string;
  stderr: string;
}

/** Run a typed command line (with or without the leading "docker") and collect its output. */
export async function docker(engine: Engine, line: string, io: Partial<CliIO> = {}): Promise<Result> {
  let stdout = '';
  let stderr = '';
  const words = splitCommandLine(line);
  const argv = words[0] === 'docker' ? words.slice(1) : words;
  const status = await runDocker(engine, argv, {
    now: () => NOW,
    ...io,
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
  });
  return { status, stdout, stderr };
}

/** Progress events as a pull emits them. */
export const PULL_EVENTS: ProgressEvent[] = [
  { status: 'Pulling from library/box', id: 'latest' },
  { status: 'Pulling fs layer', id: '0123456789ab' },
  { status: 'Downloading', id: '0123456789ab', progressDetail: { current: 100, total: 1000 }, progress: '[=>   ] 100B/1kB' },
  { status: 'Pull complete', id: '0123456789ab' },
  { status: 'Digest: sha256:' + '2'.repeat(64) },
  { status: 'Status: Downloaded newer image for box:latest' },
];
